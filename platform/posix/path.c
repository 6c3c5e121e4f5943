/*
 * path.c - data-directory location and path helpers (POSIX).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ks/path.h"
#include "ks/str.h"

char *ks_path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la > 1 && a[la - 1] == '/') la--;
    while (lb > 0 && *b == '/') { b++; lb--; }
    char *p = malloc(la + lb + 2);
    if (!p) return NULL;
    memcpy(p, a, la);
    if (la > 0 && a[la - 1] == '/') la--; /* a is "/": keep one separator */
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

ks_status ks_path_default_data_dir(char **out, ks_error *err)
{
    const char *state = getenv("XDG_STATE_HOME");
    if (state && state[0] == '/') {
        *out = ks_path_join(state, "kiosk");
    } else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
            return ks_error_set(err, KS_ERR_INVALID,
                                "neither XDG_STATE_HOME nor HOME is set: pass --data-dir DIR");
        *out = ks_path_join(home, ".local/state/kiosk");
    }
    return *out ? KS_OK : ks_error_set(err, KS_ERR_NOMEM, "out of memory");
}

ks_status ks_path_mkdirs(const char *dir, ks_error *err)
{
    char *p = ks_strdup(dir);
    if (!p) return ks_error_set(err, KS_ERR_NOMEM, "out of memory");
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0700) != 0 && errno != EEXIST) {
                ks_status st = ks_error_set(err, KS_ERR_IO, "cannot create directory %s: %s", p,
                                            strerror(errno));
                free(p);
                return st;
            }
            *s = c;
            if (c == '\0') break;
        }
    }
    free(p);
    if (!ks_path_is_dir(dir))
        return ks_error_set(err, KS_ERR_IO, "%s exists and is not a directory", dir);
    return KS_OK;
}

int ks_path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int ks_path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

ks_status ks_path_remove_tree(const char *path, ks_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? KS_OK
                               : ks_error_set(err, KS_ERR_IO, "cannot stat %s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return ks_error_set(err, KS_ERR_IO, "cannot open %s: %s", path, strerror(errno));
        struct dirent *e;
        ks_status rc = KS_OK;
        while (rc == KS_OK && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char *child = ks_path_join(path, e->d_name);
            if (!child) { rc = ks_error_set(err, KS_ERR_NOMEM, "out of memory"); break; }
            rc = ks_path_remove_tree(child, err);
            free(child);
        }
        closedir(d);
        if (rc != KS_OK) return rc;
        if (rmdir(path) != 0)
            return ks_error_set(err, KS_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
        return KS_OK;
    }
    if (unlink(path) != 0 && errno != ENOENT)
        return ks_error_set(err, KS_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
    return KS_OK;
}

ks_status ks_path_exe_dir(char **out, ks_error *err)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ks_error_set(err, KS_ERR_IO, "cannot locate the executable: %s", strerror(errno));
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash) *slash = '\0';
    *out = ks_strdup(buf);
    return *out ? KS_OK : ks_error_set(err, KS_ERR_NOMEM, "out of memory");
}

int ks_path_is_safe_relative(const char *name)
{
    if (!name || !*name || name[0] == '/') return 0;
    const char *seg = name;
    for (const char *p = name;; p++) {
        if ((unsigned char)*p < 0x20 && *p != '\0') return 0;
        if (*p == '\\' || *p == 0x7f) return 0;
        if (*p == '/' || *p == '\0') {
            size_t len = (size_t)(p - seg);
            if (len == 0) return 0;
            if (len == 1 && seg[0] == '.') return 0;
            if (len == 2 && seg[0] == '.' && seg[1] == '.') return 0;
            if (*p == '\0') break;
            seg = p + 1;
        }
    }
    return 1;
}
