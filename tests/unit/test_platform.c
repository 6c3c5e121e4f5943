/*
 * test_platform.c - the platform layer: crash-safe atomic writes, whole-file
 * reads with limits, free space, the single-instance lock held by another
 * process, ISO 8601 times, directory creation and removal, and the path
 * safety check used for names that come from bundles.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ks/clock.h"
#include "ks/error.h"
#include "ks/file.h"
#include "ks/lock.h"
#include "ks/path.h"
#include "test.h"

static char *tmp_path(const char *name)
{
    char *p = ks_path_join(ks_test_tmpdir(), name);
    KS_REQUIRE(p);
    return p;
}

static size_t dir_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

static void test_atomic_write_replaces_the_file_and_leaves_no_temp(void)
{
    char *path = tmp_path("config.json");
    ks_error err = {0};
    KS_REQUIRE(ks_file_write_atomic(path, "first", 5, &err) == KS_OK);
    KS_REQUIRE(ks_file_write_atomic(path, "second version", 14, &err) == KS_OK);
    char *data = NULL;
    size_t len = 0;
    KS_REQUIRE(ks_file_read_all(path, 1024, &data, &len, &err) == KS_OK);
    KS_CHECK(len == 14);
    KS_CHECK_STR(data, "second version");
    free(data);
    /* Empty content is a valid file, and nothing but the target remains. */
    KS_CHECK(ks_file_write_atomic(path, "", 0, &err) == KS_OK);
    uint64_t size = 99;
    KS_CHECK(ks_file_size(path, &size, NULL) == KS_OK && size == 0);
    KS_CHECK(dir_entries(ks_test_tmpdir()) == 1);
    struct stat st;
    KS_CHECK(stat(path, &st) == 0 && (st.st_mode & 0077) == 0);
    free(path);
}

static void test_atomic_write_into_a_missing_directory_fails_cleanly(void)
{
    char *path = tmp_path("no/such/dir/file");
    ks_error err = {0};
    KS_CHECK(ks_file_write_atomic(path, "x", 1, &err) == KS_ERR_IO);
    KS_CHECK(strstr(err.msg, "no/such/dir") != NULL);
    free(path);
}

static void test_read_all_enforces_the_limit(void)
{
    char *path = tmp_path("big");
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    KS_REQUIRE(ks_file_write_atomic(path, buf, sizeof buf, NULL) == KS_OK);
    char *data = NULL;
    size_t len = 0;
    ks_error err = {0};
    KS_CHECK(ks_file_read_all(path, 4095, &data, &len, &err) == KS_ERR_TOO_LARGE);
    KS_CHECK(data == NULL);
    KS_CHECK(strstr(err.msg, "big") != NULL);
    KS_CHECK(ks_file_read_all(path, 4096, &data, &len, &err) == KS_OK && len == 4096 && data[4096] == '\0');
    free(data);
    data = NULL;
    KS_CHECK(ks_file_read_all(ks_test_tmpdir(), 100, &data, &len, &err) == KS_ERR_IO);
    free(path);
    path = tmp_path("missing");
    KS_CHECK(ks_file_read_all(path, 100, &data, &len, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(ks_file_size(path, &(uint64_t){0}, &err) == KS_ERR_NOT_FOUND);
    free(path);
}

static void test_free_space_is_reported_and_missing_paths_fail(void)
{
    uint64_t bytes = 0;
    ks_error err = {0};
    KS_CHECK(ks_file_free_space(ks_test_tmpdir(), &bytes, &err) == KS_OK);
    KS_CHECK(bytes > 0);
    char *path = tmp_path("absent/deeper");
    KS_CHECK(ks_file_free_space(path, &bytes, &err) == KS_ERR_IO);
    KS_CHECK(strstr(err.msg, "absent/deeper") != NULL);
    free(path);
}

static void test_lock_held_by_another_process_is_busy_until_it_exits(void)
{
    int to_child[2], to_parent[2];
    KS_REQUIRE(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t pid = fork();
    KS_REQUIRE(pid >= 0);
    if (pid == 0) {
        ks_lock *lock = NULL;
        char c = ks_lock_acquire(ks_test_tmpdir(), "kiosk", &lock, NULL) == KS_OK ? 'L' : 'E';
        if (write(to_parent[1], &c, 1) != 1) _exit(2);
        /* Hold it until told to go; exit without releasing: the kernel
         * must drop the lock with the process. */
        if (read(to_child[0], &c, 1) != 1) _exit(2);
        _exit(0);
    }
    char c = 0;
    KS_REQUIRE(read(to_parent[0], &c, 1) == 1);
    KS_CHECK(c == 'L');
    ks_lock *lock = NULL;
    ks_error err = {0};
    KS_CHECK(ks_lock_acquire(ks_test_tmpdir(), "kiosk", &lock, &err) == KS_ERR_BUSY);
    KS_CHECK(lock == NULL);
    KS_CHECK(strstr(err.msg, "kiosk.lock") != NULL);
    /* A different name is a different lock. */
    ks_lock *other = NULL;
    KS_CHECK(ks_lock_acquire(ks_test_tmpdir(), "sync", &other, NULL) == KS_OK);
    ks_lock_release(other);
    KS_CHECK(write(to_child[1], "q", 1) == 1);
    int status = 0;
    waitpid(pid, &status, 0);
    KS_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    KS_CHECK(ks_lock_acquire(ks_test_tmpdir(), "kiosk", &lock, &err) == KS_OK);
    /* Within one process a second holder is refused too. */
    ks_lock *again = NULL;
    KS_CHECK(ks_lock_acquire(ks_test_tmpdir(), "kiosk", &again, NULL) == KS_ERR_BUSY);
    ks_lock_release(lock);
    KS_CHECK(ks_lock_acquire(ks_test_tmpdir(), "kiosk", &again, NULL) == KS_OK);
    ks_lock_release(again);
    close(to_child[0]);
    close(to_child[1]);
    close(to_parent[0]);
    close(to_parent[1]);
}

static void test_lock_in_a_missing_directory_is_an_io_error(void)
{
    char *dir = tmp_path("gone");
    ks_lock *lock = NULL;
    ks_error err = {0};
    KS_CHECK(ks_lock_acquire(dir, "kiosk", &lock, &err) == KS_ERR_IO);
    KS_CHECK(strstr(err.msg, "gone") != NULL);
    free(dir);
}

static void test_iso8601_parses_utc_offsets_and_fractions(void)
{
    int64_t t = 0;
    KS_CHECK(ks_clock_parse_iso8601("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
    KS_CHECK(ks_clock_parse_iso8601("2026-11-01T00:00:00Z", &t) == 0 && t == 1793491200);
    KS_CHECK(ks_clock_parse_iso8601("2026-11-01T08:00:00+08:00", &t) == 0 && t == 1793491200);
    KS_CHECK(ks_clock_parse_iso8601("2026-10-31T19:30:00-04:30", &t) == 0 && t == 1793491200);
    KS_CHECK(ks_clock_parse_iso8601("2026-11-01T00:00:00.123456Z", &t) == 0 && t == 1793491200);
    KS_CHECK(ks_clock_parse_iso8601("2024-02-29T12:00:00Z", &t) == 0 && t == 1709208000);
    KS_CHECK(ks_clock_parse_iso8601("1969-12-31T23:59:59Z", &t) == 0 && t == -1);
    char buf[32];
    ks_clock_format_iso8601(1793491200, buf, sizeof buf);
    KS_CHECK_STR(buf, "2026-11-01T00:00:00Z");
    KS_CHECK(ks_clock_parse_iso8601(buf, &t) == 0 && t == 1793491200);
}

static void test_iso8601_rejects_malformed_times(void)
{
    const char *bad[] = {
        NULL, "", "2026-11-01", "2026-11-01T00:00:00", "2026-11-01 00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-11-32T00:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T00:60:00Z", "2026-11-01T00:00:00.Z",
        "2026-11-01T00:00:00Zjunk", "2026-11-01T00:00:00+8:00", "26-11-01T00:00:00Z", "yesterday",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 12345;
        KS_CHECK_MSG(ks_clock_parse_iso8601(bad[i], &t) == -1, "'%s' accepted", bad[i] ? bad[i] : "(null)");
        KS_CHECK(t == 12345);
    }
}

static void test_mkdirs_creates_parents_and_refuses_files(void)
{
    char *deep = tmp_path("a/b/c/d");
    ks_error err = {0};
    KS_CHECK(ks_path_mkdirs(deep, &err) == KS_OK);
    KS_CHECK(ks_path_is_dir(deep));
    KS_CHECK(ks_path_mkdirs(deep, &err) == KS_OK); /* existing: fine */
    struct stat st;
    KS_CHECK(stat(deep, &st) == 0 && (st.st_mode & 0777) == 0700);
    char *file = tmp_path("a/file");
    KS_REQUIRE(ks_file_write_atomic(file, "x", 1, NULL) == KS_OK);
    KS_CHECK(ks_path_mkdirs(file, &err) == KS_ERR_IO);
    char *under = tmp_path("a/file/sub");
    KS_CHECK(ks_path_mkdirs(under, &err) == KS_ERR_IO);
    KS_CHECK(strstr(err.msg, "a/file") != NULL);
    /* remove_tree takes the whole thing; removing it again is fine. */
    char *top = tmp_path("a");
    KS_CHECK(ks_path_remove_tree(top, &err) == KS_OK);
    KS_CHECK(!ks_path_exists(top));
    KS_CHECK(ks_path_remove_tree(top, &err) == KS_OK);
    free(deep);
    free(file);
    free(under);
    free(top);
}

static void test_path_join_uses_one_separator(void)
{
    char *p = ks_path_join("/data/", "/kiosk.db");
    KS_CHECK_STR(p, "/data/kiosk.db");
    free(p);
    p = ks_path_join("/", "x");
    KS_CHECK_STR(p, "/x");
    free(p);
    p = ks_path_join("rel", "a/b");
    KS_CHECK_STR(p, "rel/a/b");
    free(p);
}

static void test_path_safety_refuses_escapes(void)
{
    const char *good[] = {"media/card.png", "a", "a/b/c.mp4", "名前.png", "x..y", ".hidden"};
    const char *bad[] = {NULL, "", "/etc/passwd", "../x", "a/../../x", "a/..", "./a", "a/./b", "a//b", "a/",
                         "a\\b", "a\nb", "a\x7f", ".."};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        KS_CHECK_MSG(ks_path_is_safe_relative(good[i]), "'%s' refused", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        KS_CHECK_MSG(!ks_path_is_safe_relative(bad[i]), "'%s' accepted", bad[i] ? bad[i] : "(null)");
}

static void test_default_data_dir_follows_xdg_then_home(void)
{
    char *old_state = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char *dir = NULL;
    setenv("XDG_STATE_HOME", "/var/lib/state", 1);
    KS_CHECK(ks_path_default_data_dir(&dir, NULL) == KS_OK);
    KS_CHECK_STR(dir, "/var/lib/state/kiosk");
    free(dir);
    setenv("XDG_STATE_HOME", "relative", 1); /* not absolute: ignored */
    setenv("HOME", "/home/kiosk", 1);
    KS_CHECK(ks_path_default_data_dir(&dir, NULL) == KS_OK);
    KS_CHECK_STR(dir, "/home/kiosk/.local/state/kiosk");
    free(dir);
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    ks_error err = {0};
    KS_CHECK(ks_path_default_data_dir(&dir, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "--data-dir") != NULL);
    if (old_state) setenv("XDG_STATE_HOME", old_state, 1);
    if (old_home) setenv("HOME", old_home, 1);
    free(old_state);
    free(old_home);
}

static void test_error_prefix_keeps_the_message_and_cuts_long_ones(void)
{
    ks_error err = {0};
    KS_CHECK(ks_error_set(&err, KS_ERR_IO, "disk said %d", 5) == KS_ERR_IO);
    ks_error_prefix(&err, "importing %s", "a.json");
    KS_CHECK_STR(err.msg, "importing a.json: disk said 5");
    KS_CHECK(err.code == KS_ERR_IO);
    char longp[KS_ERROR_MSG_MAX + 100];
    memset(longp, 'p', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    ks_error_prefix(&err, "%s", longp);
    KS_CHECK(strlen(err.msg) == KS_ERROR_MSG_MAX - 1);
    ks_error_clear(&err);
    KS_CHECK(err.code == KS_OK && err.msg[0] == '\0');
    KS_CHECK_STR(ks_status_name(KS_ERR_NOSPACE), "no-space");
    ks_error_prefix(NULL, "ignored");
}

int main(void)
{
    KS_RUN(test_atomic_write_replaces_the_file_and_leaves_no_temp);
    KS_RUN(test_atomic_write_into_a_missing_directory_fails_cleanly);
    KS_RUN(test_read_all_enforces_the_limit);
    KS_RUN(test_free_space_is_reported_and_missing_paths_fail);
    KS_RUN(test_lock_held_by_another_process_is_busy_until_it_exits);
    KS_RUN(test_lock_in_a_missing_directory_is_an_io_error);
    KS_RUN(test_iso8601_parses_utc_offsets_and_fractions);
    KS_RUN(test_iso8601_rejects_malformed_times);
    KS_RUN(test_mkdirs_creates_parents_and_refuses_files);
    KS_RUN(test_path_join_uses_one_separator);
    KS_RUN(test_path_safety_refuses_escapes);
    KS_RUN(test_default_data_dir_follows_xdg_then_home);
    KS_RUN(test_error_prefix_keeps_the_message_and_cuts_long_ones);
    return ks_test_summary();
}
