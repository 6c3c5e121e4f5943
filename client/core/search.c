/* search.c - scaffolding so the store links while the engine is written:
 * the index hooks do nothing and queries report "unsupported". */
#include "ks/search.h"

ks_status ks_search_schema_create(sqlite3 *db, ks_error *err) { (void)db; (void)err; return KS_OK; }
ks_status ks_search_index_article(sqlite3 *db, int64_t rowid, ks_error *err) { (void)db; (void)rowid; (void)err; return KS_OK; }
ks_status ks_search_unindex_article(sqlite3 *db, int64_t rowid, ks_error *err) { (void)db; (void)rowid; (void)err; return KS_OK; }
ks_status ks_search_finish_import(sqlite3 *db, ks_error *err) { (void)db; (void)err; return KS_OK; }
ks_status ks_search_open(sqlite3 *db, ks_search **out, ks_error *err) { (void)db; (void)out; return ks_error_set(err, KS_ERR_UNSUPPORTED, "search engine not built yet"); }
void ks_search_close(ks_search *s) { (void)s; }
ks_status ks_search_query(ks_search *s, const char *q, size_t len, const char *locale, size_t limit, ks_search_result *out, ks_error *err) { (void)s; (void)q; (void)len; (void)locale; (void)limit; (void)out; return ks_error_set(err, KS_ERR_UNSUPPORTED, "search engine not built yet"); }
void ks_search_result_free(ks_search_result *r) { (void)r; }
