/*
 * test_mediastore.c - the content-addressed store: a file only enters it
 * complete with the right hash; too much data is refused; partial files
 * resume; the live list drives clean-up and lookups.
 */
#include "bundle_fixture.h"
#include "test.h"

#include "ks/mediastore.h"
#include "ks/store.h"

static void sha_of(const void *data, size_t len, char out[KS_SHA256_HEX])
{
    unsigned char h[32];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, KS_SHA256_HEX, h, sizeof h);
}

static void open_both(ks_store **s, ks_mediastore **ms)
{
    KS_REQUIRE(ks_store_open(fx_path(ks_test_tmpdir(), "data"), s, NULL) == KS_OK);
    KS_REQUIRE(ks_mediastore_open(*s, ms, NULL) == KS_OK);
}

static void test_writer_commits_only_verified_files(void)
{
    ks_store *s;
    ks_mediastore *ms;
    open_both(&s, &ms);
    const char data[] = "0123456789abcdefghij";
    char sha[KS_SHA256_HEX];
    sha_of(data, 20, sha);
    ks_blob_writer *w = NULL;
    uint64_t off = 99;
    KS_REQUIRE(ks_blob_writer_open(ms, sha, 20, "t.txt", &w, &off, NULL) == KS_OK);
    KS_CHECK(off == 0);
    KS_CHECK(ks_blob_writer_write(w, data, 10, NULL) == KS_OK);
    KS_CHECK(!ks_mediastore_has(ms, sha, 20));
    KS_CHECK(ks_blob_writer_write(w, data + 10, 10, NULL) == KS_OK);
    KS_CHECK(ks_blob_writer_commit(w, NULL) == KS_OK);
    KS_CHECK(ks_mediastore_has(ms, sha, 20));
    KS_CHECK(!ks_mediastore_has(ms, sha, 21));
    ks_mediastore_close(ms);
    ks_store_close(s);
}

static void test_writer_refuses_more_than_declared(void)
{
    ks_store *s;
    ks_mediastore *ms;
    open_both(&s, &ms);
    char sha[KS_SHA256_HEX];
    sha_of("abc", 3, sha);
    ks_blob_writer *w = NULL;
    KS_REQUIRE(ks_blob_writer_open(ms, sha, 3, "endless.bin", &w, NULL, NULL) == KS_OK);
    ks_error e = {0};
    KS_CHECK(ks_blob_writer_write(w, "abcd", 4, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "endless.bin") && strstr(e.msg, "more data"), "%s", e.msg);
    KS_CHECK(ks_blob_writer_size(w) == 0);
    ks_blob_writer_abort(w, 0);
    KS_CHECK(!ks_mediastore_has(ms, sha, 3));
    ks_mediastore_close(ms);
    ks_store_close(s);
}

static void test_writer_refuses_wrong_hash_and_short_file(void)
{
    ks_store *s;
    ks_mediastore *ms;
    open_both(&s, &ms);
    char sha[KS_SHA256_HEX];
    sha_of("good", 4, sha);
    ks_blob_writer *w = NULL;
    ks_error e = {0};
    KS_REQUIRE(ks_blob_writer_open(ms, sha, 4, "x", &w, NULL, NULL) == KS_OK);
    KS_CHECK(ks_blob_writer_write(w, "evil", 4, NULL) == KS_OK);
    KS_CHECK(ks_blob_writer_commit(w, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "wrong SHA-256") != NULL, "%s", e.msg);
    KS_CHECK(!ks_mediastore_has(ms, sha, 4));
    /* The bad bytes are gone: a new attempt starts from zero. */
    uint64_t off = 7;
    KS_REQUIRE(ks_blob_writer_open(ms, sha, 4, "x", &w, &off, NULL) == KS_OK);
    KS_CHECK(off == 0);
    KS_CHECK(ks_blob_writer_write(w, "go", 2, NULL) == KS_OK);
    KS_CHECK(ks_blob_writer_commit(w, &e) == KS_ERR_NETWORK);
    KS_CHECK_MSG(strstr(e.msg, "2 of 4") != NULL, "%s", e.msg);
    /* ...and a short file is kept for a resume. */
    KS_REQUIRE(ks_blob_writer_open(ms, sha, 4, "x", &w, &off, NULL) == KS_OK);
    KS_CHECK(off == 2);
    KS_CHECK(ks_blob_writer_write(w, "od", 2, NULL) == KS_OK);
    KS_CHECK(ks_blob_writer_commit(w, NULL) == KS_OK);
    KS_CHECK(ks_mediastore_has(ms, sha, 4));
    ks_mediastore_close(ms);
    ks_store_close(s);
}

static void test_writer_restart_discards_resumed_bytes(void)
{
    ks_store *s;
    ks_mediastore *ms;
    open_both(&s, &ms);
    char sha[KS_SHA256_HEX];
    sha_of("hello world", 11, sha);
    ks_blob_writer *w = NULL;
    uint64_t off = 0;
    KS_REQUIRE(ks_blob_writer_open(ms, sha, 11, "x", &w, &off, NULL) == KS_OK);
    ks_blob_writer_write(w, "HELLO", 5, NULL);
    ks_blob_writer_abort(w, 1);
    KS_REQUIRE(ks_blob_writer_open(ms, sha, 11, "x", &w, &off, NULL) == KS_OK);
    KS_CHECK(off == 5);
    /* The server ignored Range and sends everything. */
    KS_CHECK(ks_blob_writer_restart(w, NULL) == KS_OK);
    KS_CHECK(ks_blob_writer_size(w) == 0);
    KS_CHECK(ks_blob_writer_write(w, "hello world", 11, NULL) == KS_OK);
    KS_CHECK(ks_blob_writer_commit(w, NULL) == KS_OK);
    KS_CHECK(ks_mediastore_has(ms, sha, 11));
    ks_mediastore_close(ms);
    ks_store_close(s);
}

static void test_add_file_verifies_while_copying(void)
{
    ks_store *s;
    ks_mediastore *ms;
    open_both(&s, &ms);
    const char *t = ks_test_tmpdir();
    fx_write_media(t, "src.bin", 200000, 3);
    char *bytes = NULL;
    size_t len = 0;
    KS_REQUIRE(ks_file_read_all(fx_path(t, "src.bin"), 1 << 20, &bytes, &len, NULL) == KS_OK);
    char sha[KS_SHA256_HEX];
    sha_of(bytes, len, sha);
    ks_error e = {0};
    KS_CHECK(ks_mediastore_add_file(ms, fx_path(t, "src.bin"), sha, len - 1, "short", &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_mediastore_add_file(ms, fx_path(t, "src.bin"), sha, len + 1, "long", &e) == KS_ERR_CORRUPT);
    char other[KS_SHA256_HEX];
    sha_of("x", 1, other);
    KS_CHECK(ks_mediastore_add_file(ms, fx_path(t, "src.bin"), other, len, "other", &e) == KS_ERR_SECURITY);
    KS_CHECK(ks_mediastore_add_file(ms, fx_path(t, "nope.bin"), sha, len, "nope", &e) == KS_ERR_NOT_FOUND);
    KS_CHECK(ks_mediastore_add_file(ms, fx_path(t, "src.bin"), sha, len, "ok", &e) == KS_OK);
    KS_CHECK(ks_mediastore_has(ms, sha, len));
    char *p = ks_mediastore_path(ms, sha);
    char *copy = NULL;
    size_t clen = 0;
    KS_CHECK(ks_file_read_all(p, 1 << 20, &copy, &clen, NULL) == KS_OK && clen == len &&
             memcmp(copy, bytes, len) == 0);
    free(copy);
    free(p);
    free(bytes);
    KS_CHECK(ks_blob_writer_open(ms, "../../etc/passwd", 1, "x", &(ks_blob_writer *){NULL}, NULL, &e) ==
             KS_ERR_INVALID);
    ks_mediastore_close(ms);
    ks_store_close(s);
}

static void test_gc_keeps_live_files_only_and_lookup_follows_live_list(void)
{
    ks_store *s;
    ks_mediastore *ms;
    open_both(&s, &ms);
    char a[KS_SHA256_HEX], b[KS_SHA256_HEX];
    sha_of("A", 1, a);
    sha_of("B", 1, b);
    ks_blob_writer *w = NULL;
    KS_REQUIRE(ks_blob_writer_open(ms, a, 1, "a", &w, NULL, NULL) == KS_OK);
    ks_blob_writer_write(w, "A", 1, NULL);
    KS_REQUIRE(ks_blob_writer_commit(w, NULL) == KS_OK);
    KS_REQUIRE(ks_blob_writer_open(ms, b, 1, "b", &w, NULL, NULL) == KS_OK);
    ks_blob_writer_write(w, "B", 1, NULL);
    KS_REQUIRE(ks_blob_writer_commit(w, NULL) == KS_OK);
    fx_write_str(fx_path(ks_test_tmpdir(), "data/media"), "README.txt", "not ours");
    ks_manifest_file files[1] = {{.kind = KS_MANIFEST_MEDIA, .name = "pics/a.png", .size = 1}};
    memcpy(files[0].sha256, a, KS_SHA256_HEX);
    ks_manifest m = {.version = 1, .files = files, .n_files = 1};
    KS_REQUIRE(ks_mediastore_write_live(ks_store_db(s), &m, NULL) == KS_OK);
    size_t removed = 0;
    uint64_t freed = 0;
    KS_CHECK(ks_mediastore_gc(ms, &removed, &freed, NULL) == KS_OK);
    KS_CHECK(removed == 1 && freed == 1);
    KS_CHECK(ks_mediastore_has(ms, a, 1));
    KS_CHECK(!ks_mediastore_has(ms, b, 1));
    KS_CHECK(ks_path_exists(fx_path(ks_test_tmpdir(), "data/media/README.txt")));
    char *p = NULL;
    KS_CHECK(ks_media_lookup(s, "media/pics/a.png", &p, NULL) == KS_OK);
    KS_CHECK(p && strstr(p, a) != NULL);
    free(p);
    KS_CHECK(ks_media_lookup(s, "pics/b.png", &p, NULL) == KS_ERR_NOT_FOUND);
    ks_mediastore_close(ms);
    ks_store_close(s);
}

static void test_documents_are_checked_stored_and_collected(void)
{
    ks_store *s;
    ks_mediastore *ms;
    open_both(&s, &ms);
    const char *a = "{\"format\":\"kiosk-faq/1\"}", *b = "{\"format\":\"kiosk-faq/1\",\"articles\":[]}";
    ks_manifest_file fa = {.kind = KS_MANIFEST_CONTENT, .name = "en/a", .size = strlen(a)};
    ks_manifest_file fb = {.kind = KS_MANIFEST_CONTENT, .name = "en/b", .size = strlen(b)};
    sha_of(a, strlen(a), fa.sha256);
    sha_of(b, strlen(b), fb.sha256);
    ks_error e = {0};
    /* A wrong document in a batch stores nothing of the batch. */
    ks_mediastore_doc bad[2] = {{&fa, a, strlen(a)}, {&fb, a, strlen(a)}};
    KS_CHECK(ks_mediastore_put_docs(ms, bad, 2, &e) == KS_ERR_SECURITY);
    KS_CHECK_MSG(strstr(e.msg, "en/b") != NULL, "%s", e.msg);
    KS_CHECK(!ks_mediastore_has_doc(ms, fa.sha256, fa.size));
    ks_mediastore_doc longer = {&fa, b, strlen(b)};
    KS_CHECK(ks_mediastore_put_docs(ms, &longer, 1, &e) == KS_ERR_SECURITY);
    ks_mediastore_doc good[2] = {{&fa, a, strlen(a)}, {&fb, b, strlen(b)}};
    KS_REQUIRE(ks_mediastore_put_docs(ms, good, 2, &e) == KS_OK);
    KS_CHECK(ks_mediastore_put_docs(ms, good, 2, &e) == KS_OK); /* again: no-op */
    KS_CHECK(ks_mediastore_has_doc(ms, fa.sha256, fa.size));
    KS_CHECK(!ks_mediastore_has_doc(ms, fa.sha256, fa.size + 1));
    char *got = NULL;
    size_t len = 0;
    KS_REQUIRE(ks_mediastore_get_doc(ms, fb.sha256, &got, &len, &e) == KS_OK);
    KS_CHECK(len == strlen(b) && strcmp(got, b) == 0);
    free(got);
    /* Only documents the live list names survive a clean-up. */
    ks_manifest m = {.version = 1, .files = &fa, .n_files = 1, .n_content = 1};
    KS_REQUIRE(ks_mediastore_write_live(ks_store_db(s), &m, NULL) == KS_OK);
    size_t removed = 0;
    KS_CHECK(ks_mediastore_gc(ms, &removed, NULL, NULL) == KS_OK);
    KS_CHECK(removed == 1);
    KS_CHECK(ks_mediastore_has_doc(ms, fa.sha256, fa.size));
    KS_CHECK(!ks_mediastore_has_doc(ms, fb.sha256, fb.size));
    KS_CHECK(ks_mediastore_get_doc(ms, fb.sha256, &got, &len, &e) == KS_ERR_NOT_FOUND);
    ks_mediastore_close(ms);
    ks_store_close(s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    KS_RUN(test_writer_commits_only_verified_files);
    KS_RUN(test_writer_refuses_more_than_declared);
    KS_RUN(test_writer_refuses_wrong_hash_and_short_file);
    KS_RUN(test_writer_restart_discards_resumed_bytes);
    KS_RUN(test_add_file_verifies_while_copying);
    KS_RUN(test_gc_keeps_live_files_only_and_lookup_follows_live_list);
    KS_RUN(test_documents_are_checked_stored_and_collected);
    return ks_test_summary();
}
