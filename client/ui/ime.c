/*
 * ime.c - Chinese input methods on librime (see include/ks/ime.h).
 *
 * What it does: writes the kiosk's rime configuration (schema list, page
 * size, learning off) into DATA_DIR/rime, deploys the schemas on a worker
 * thread, keeps one rime session per schema (so switching input method
 * never reloads a dictionary), and turns rime's context into a plain view
 * the keyboard draws.
 *
 * What it must not do: block the UI thread on deployment, let rime learn or
 * store anything the visitor typed, or parse SDL events (the keyboard and
 * the app translate input into key codes).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <rime_api.h>

#include "ks/clock.h"
#include "ks/file.h"
#include "ks/ime.h"
#include "ks/log.h"
#include "ks/path.h"
#include "ks/str.h"

#define MOD "ime"
#define DEFAULT_SHARED_DIR "/usr/share/rime-data"
/* Candidates per rime page: the keyboard's bar pages within it when fewer fit. */
#define PAGE_SIZE 9

typedef struct schema_info {
    const char *name;     /* our name */
    const char *rime_id;  /* rime schema id */
    const char *package;  /* the Debian package that ships it */
    const char *probe;    /* key codes that must give candidates once deployed */
    const char *alphabet; /* the printable codes that spell (not punctuate) */
} schema_info;

static const schema_info k_schemas[KS_IME_SCHEMA_COUNT] = {
    [KS_IME_PINYIN] = {"pinyin", "pinyin_simp", "rime-data-pinyin-simp", "ni", "abcdefghijklmnopqrstuvwxyz'"},
    /* Dachen: digits and , . ; / - are bopomofo keys, space and 6 3 4 7 tones. */
    [KS_IME_ZHUYIN] = {"zhuyin", "bopomofo", "rime-data-bopomofo", "su3",
                       "1qaz2wsxedcrfv5tgbyhnujm8ik,9ol.0p;/- 6347"},
    [KS_IME_CANGJIE] = {"cangjie", "cangjie5", "rime-data-cangjie5", "a", "abcdefghijklmnopqrstuvwxyz"},
};

/* Files the schemas need from the shared directory, with their packages,
 * checked up front so a missing package is named instead of rime failing
 * quietly later. */
static const struct {
    const char *file;
    const char *package;
} k_shared_files[] = {
    {"default.yaml", "rime-prelude (librime-data)"},
    {"pinyin_simp.schema.yaml", "rime-data-pinyin-simp"},
    {"pinyin_simp.dict.yaml", "rime-data-pinyin-simp"},
    {"bopomofo.schema.yaml", "rime-data-bopomofo"},
    {"terra_pinyin.dict.yaml", "rime-data-terra-pinyin"},
    {"stroke.dict.yaml", "rime-data-stroke"},
    {"cangjie5.schema.yaml", "rime-data-cangjie5"},
    {"cangjie5.dict.yaml", "rime-data-cangjie5"},
    {"luna_pinyin.dict.yaml", "rime-data-luna-pinyin"},
};

/* User dictionaries rime would create if learning were on (an older data
 * dir, or a hand-edited config): removed at start so they cannot linger. */
static const char *const k_userdbs[] = {
    "pinyin_simp.userdb", "terra_pinyin.userdb", "cangjie5.userdb",
    "luna_pinyin.userdb", "stroke.userdb",       "bopomofo.userdb",
};

/* The configuration the kiosk owns. Rime merges each NAME.custom.yaml's
 * "patch" into the shared NAME.yaml at deployment; this is rime's supported
 * way to customise without editing the packages' files. */
static const char k_default_custom[] = "# Written by the kiosk (client/ui/ime.c); changes are overwritten.\n"
                                       "patch:\n"
                                       "  schema_list:\n"
                                       "    - schema: pinyin_simp\n"
                                       "    - schema: bopomofo\n"
                                       "    - schema: cangjie5\n"
                                       "  menu/page_size: 9\n"
                                       "  switcher/save_options: []\n";

/* Learning off: no user dictionary at all (so nothing is recorded or
 * reordered by what a visitor picked), no phrase encoder, no history.
 * Key bindings emptied: the desktop presets page candidates with , . - =
 * which on this keyboard are punctuation (or, in zhuyin, the keys of ㄝ ㄡ
 * ㄦ); paging uses Page_Up/Page_Down, which rime's selector handles
 * without any binding. The recognizer's preset URL pattern also takes
 * "word.anything" as a web address, which would swallow "kefu" + "。" as
 * raw Latin: only real scheme prefixes stay URLs. */
static const char k_pinyin_custom[] =
    "# Written by the kiosk (client/ui/ime.c); changes are overwritten.\n"
    "patch:\n"
    "  translator/enable_user_dict: false\n"
    "  key_binder/bindings: []\n"
    "  recognizer/patterns/url: \"^(www[.]|https?:|ftp[.:]|mailto:|file:).*$\"\n";

/* Zhuyin also swaps fluency_editor (sentence mode: a pick waits for
 * Return) for express_editor, so picking a candidate that covers the
 * whole input commits it, as on the other schemas and on phones. */
static const char k_bopomofo_custom[] = "# Written by the kiosk (client/ui/ime.c); changes are overwritten.\n"
                                        "patch:\n"
                                        "  translator/enable_user_dict: false\n"
                                        "  custom_phrase/enable_user_dict: false\n"
                                        "  key_binder/bindings: []\n"
                                        "  engine/processors/@7: express_editor\n"
                                        "  editor/bindings: {}\n";

/* Cangjie: besides learning off, the composition shows only the radicals
 * (日月) instead of rime's "ab<TAB>（日月）", which reads badly inline. */
static const char k_cangjie_custom[] =
    "# Written by the kiosk (client/ui/ime.c); changes are overwritten.\n"
    "patch:\n"
    "  translator/enable_user_dict: false\n"
    "  translator/enable_encoder: false\n"
    "  translator/encode_commit_history: false\n"
    "  key_binder/bindings: []\n"
    "  recognizer/patterns/url: \"^(www[.]|https?:|ftp[.:]|mailto:|file:).*$\"\n"
    "  translator/preedit_format:\n"
    "    - \"xlit|abcdefghijklmnopqrstuvwxyz|日月金木水火土竹戈十大中一弓人心手口尸廿山女田難卜符|\"\n";

static const struct {
    const char *file;
    const char *text;
} k_custom_files[] = {
    {"default.custom.yaml", k_default_custom},
    {"pinyin_simp.custom.yaml", k_pinyin_custom},
    {"bopomofo.custom.yaml", k_bopomofo_custom},
    {"cangjie5.custom.yaml", k_cangjie_custom},
};

struct ks_ime {
    char *user_dir;
    char *shared_dir;
    char *staging_dir;
    RimeApi *api;
    int initialized; /* rime initialize() was called (finalize on destroy) */

    SDL_Thread *worker;
    SDL_mutex *lock; /* guards state + failure + stats for wait_ready */
    SDL_cond *done;
    SDL_atomic_t state;
    char failure[KS_ERROR_MSG_MAX];
    ks_ime_stats stats;
    uint64_t created_us;

    RimeSessionId sessions[KS_IME_SCHEMA_COUNT];
    ks_ime_schema schema;

    /* The view: strings live in view_buf, pointed at by view/cands. */
    char *view_buf;
    size_t view_cap;
    ks_ime_candidate *cands;
    size_t cands_cap;
    ks_ime_view view;

    char *commit;
    size_t commit_len, commit_cap;
};

/* librime is one per process: this guards creation. */
static SDL_atomic_t g_instance;
/* RimeSetup() initialises glog, which may happen once per process. */
static int g_rime_setup_done;

const char *ks_ime_schema_name(ks_ime_schema s)
{
    return (unsigned)s < KS_IME_SCHEMA_COUNT ? k_schemas[s].name : "";
}

const char *ks_ime_schema_rime_id(ks_ime_schema s)
{
    return (unsigned)s < KS_IME_SCHEMA_COUNT ? k_schemas[s].rime_id : "";
}

int ks_ime_schema_parse(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < KS_IME_SCHEMA_COUNT; i++)
        if (strcmp(name, k_schemas[i].name) == 0) return i;
    return -1;
}

/* Worker-side failure: recorded for ks_ime_failure() and logged once. */
static void fail(ks_ime *ime, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(ks_ime *ime, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    SDL_LockMutex(ime->lock);
    vsnprintf(ime->failure, sizeof ime->failure, fmt, ap);
    SDL_UnlockMutex(ime->lock);
    va_end(ap);
    ks_log_error(MOD, "%s", ime->failure);
}

/* Writes a config file only when its content differs: rewriting an equal
 * file would change its time stamp and make rime redeploy at every start. */
static ks_status write_if_changed(const char *dir, const char *name, const char *text, ks_error *err)
{
    ks_status st = KS_OK;
    char *old = NULL;
    size_t old_len = 0, len = strlen(text);
    char *path = ks_path_join(dir, name);
    if (!path) return ks_error_set(err, KS_ERR_NOMEM, "rime: no memory for a path");
    if (ks_path_exists(path) && ks_file_read_all(path, 1 << 20, &old, &old_len, NULL) == KS_OK &&
        old_len == len && memcmp(old, text, len) == 0)
        goto out;
    st = ks_file_write_atomic(path, text, len, err);
    if (st) ks_error_prefix(err, "rime: writing the kiosk's configuration %s", path);
out:
    free(old);
    free(path);
    return st;
}

static ks_status check_shared_files(const char *shared_dir, ks_error *err)
{
    for (size_t i = 0; i < sizeof k_shared_files / sizeof k_shared_files[0]; i++) {
        char *p = ks_path_join(shared_dir, k_shared_files[i].file);
        int ok = p && ks_path_exists(p);
        free(p);
        if (!ok)
            return ks_error_set(err, KS_ERR_NOT_FOUND,
                                "rime: %s/%s is missing: install the Debian package %s", shared_dir,
                                k_shared_files[i].file, k_shared_files[i].package);
    }
    return KS_OK;
}

/* Opens (or re-opens) the session of schema s and checks that the schema
 * really works: a probe input must produce candidates. A missing table
 * would otherwise give a session that silently converts nothing. */
static ks_status open_session(ks_ime *ime, ks_ime_schema s, RimeSessionId *out, ks_error *err)
{
    RimeApi *api = ime->api;
    const schema_info *si = &k_schemas[s];
    char current[64] = "";
    RimeSessionId id = api->create_session();
    if (!id) return ks_error_set(err, KS_ERR_IO, "rime: could not open a session for '%s'", si->rime_id);
    if (!api->select_schema(id, si->rime_id) || !api->get_current_schema(id, current, sizeof current) ||
        strcmp(current, si->rime_id) != 0) {
        api->destroy_session(id);
        return ks_error_set(err, KS_ERR_NOT_FOUND,
                            "rime: schema '%s' could not be selected (got '%s'): is %s installed "
                            "and %s/build writable?",
                            si->rime_id, current, si->package, ime->user_dir);
    }
    for (const char *k = si->probe; *k; k++)
        api->process_key(id, (unsigned char)*k, 0);
    RIME_STRUCT(RimeContext, ctx);
    int n = 0;
    if (api->get_context(id, &ctx)) {
        n = ctx.menu.num_candidates;
        api->free_context(&ctx);
    }
    api->clear_composition(id);
    if (n <= 0) {
        api->destroy_session(id);
        return ks_error_set(err, KS_ERR_CORRUPT,
                            "rime: schema '%s' gives no candidates for '%s': its dictionary was not "
                            "built; delete %s/build to redeploy, check that %s is installed",
                            si->rime_id, si->probe, ime->user_dir, si->package);
    }
    *out = id;
    return KS_OK;
}

static void publish(ks_ime *ime, ks_ime_state st)
{
    SDL_LockMutex(ime->lock);
    ime->stats.prepare_ms = (double)(ks_clock_real_us() - ime->created_us) / 1000.0;
    SDL_AtomicSet(&ime->state, st);
    SDL_CondBroadcast(ime->done);
    SDL_UnlockMutex(ime->lock);
}

static int deploy_worker(void *arg)
{
    ks_ime *ime = arg;
    ks_error err = {0};
    RimeApi *api = ime->api;

    if (ks_path_mkdirs(ime->user_dir, &err)) {
        fail(ime, "rime: cannot create the user data directory: %s", err.msg);
        goto failed;
    }
    if (check_shared_files(ime->shared_dir, &err)) {
        fail(ime, "%s", err.msg);
        goto failed;
    }
    for (size_t i = 0; i < sizeof k_custom_files / sizeof k_custom_files[0]; i++) {
        if (write_if_changed(ime->user_dir, k_custom_files[i].file, k_custom_files[i].text, &err)) {
            fail(ime, "%s", err.msg);
            goto failed;
        }
    }
    for (size_t i = 0; i < sizeof k_userdbs / sizeof k_userdbs[0]; i++) {
        char *p = ks_path_join(ime->user_dir, k_userdbs[i]);
        if (p && ks_path_exists(p)) {
            ks_log_warn(MOD, "removing %s: the kiosk keeps no user dictionary", p);
            ks_path_remove_tree(p, NULL);
        }
        free(p);
    }

    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = ime->shared_dir;
    traits.user_data_dir = ime->user_dir;
    traits.staging_dir = ime->staging_dir;
    traits.distribution_name = "kiosk";
    traits.distribution_code_name = "kiosk";
    traits.distribution_version = "1";
    /* Errors only, to stderr (an empty log_dir means stderr to librime),
     * so rime's messages land in the same journal as ours. */
    traits.min_log_level = 2;
    traits.log_dir = "";
    if (!g_rime_setup_done) {
        traits.app_name = "rime.kiosk";
        api->setup(&traits);
        g_rime_setup_done = 1;
        traits.app_name = NULL;
    }
    api->initialize(&traits);
    ime->initialized = 1;

    /* full_check = False: rime compares time stamps of the sources against
     * its last build and only deploys when something changed, which makes
     * later starts cheap. When it deploys, it does so on its own thread;
     * this worker waits for it. */
    uint64_t t0 = ks_clock_real_us();
    if (api->start_maintenance(False)) {
        api->join_maintenance_thread();
        ime->stats.deployed = 1;
        ime->stats.deploy_ms = (double)(ks_clock_real_us() - t0) / 1000.0;
        ks_log_info(MOD, "deployed the input method schemas in %.0f ms (cached in %s)", ime->stats.deploy_ms,
                    ime->staging_dir);
    }

    for (int s = 0; s < KS_IME_SCHEMA_COUNT; s++) {
        if (open_session(ime, s, &ime->sessions[s], &err)) {
            fail(ime, "%s", err.msg);
            goto failed;
        }
    }
    publish(ime, KS_IME_READY);
    return 0;

failed:
    publish(ime, KS_IME_FAILED);
    return 1;
}

ks_status ks_ime_create(const char *data_dir, ks_ime **out, ks_error *err)
{
    return ks_ime_create_with_shared(data_dir, NULL, out, err);
}

ks_status ks_ime_create_with_shared(const char *data_dir, const char *shared_dir, ks_ime **out, ks_error *err)
{
    ks_status st = KS_OK;
    ks_ime *ime = NULL;
    *out = NULL;
    if (!data_dir || !*data_dir) return ks_error_set(err, KS_ERR_INVALID, "ime: no data directory given");
    if (!SDL_AtomicCAS(&g_instance, 0, 1))
        return ks_error_set(err, KS_ERR_BUSY,
                            "ime: an input method engine already exists in this process "
                            "(librime allows one)");
    ime = calloc(1, sizeof *ime);
    if (!ime) {
        st = ks_error_set(err, KS_ERR_NOMEM, "ime: no memory");
        goto out;
    }
    ime->created_us = ks_clock_real_us();
    ime->api = rime_get_api();
    ime->user_dir = ks_path_join(data_dir, "rime");
    ime->shared_dir = ks_strdup(shared_dir ? shared_dir : DEFAULT_SHARED_DIR);
    ime->staging_dir = ime->user_dir ? ks_path_join(ime->user_dir, "build") : NULL;
    ime->lock = SDL_CreateMutex();
    ime->done = SDL_CreateCond();
    ime->view.preedit = "";
    ime->view.highlighted = -1;
    ime->schema = KS_IME_PINYIN;
    if (!ime->user_dir || !ime->shared_dir || !ime->staging_dir || !ime->lock || !ime->done) {
        st = ks_error_set(err, KS_ERR_NOMEM, "ime: no memory");
        goto out;
    }
    if (!ime->api || !RIME_API_AVAILABLE(ime->api, select_candidate_on_current_page)) {
        st = ks_error_set(err, KS_ERR_UNSUPPORTED,
                          "ime: librime is too old (need >= 1.5 for candidate selection on a page)");
        goto out;
    }
    SDL_AtomicSet(&ime->state, KS_IME_DEPLOYING);
    ime->worker = SDL_CreateThread(deploy_worker, "rime-deploy", ime);
    if (!ime->worker) {
        st = ks_error_set(err, KS_ERR_IO, "ime: cannot start the deploy thread: %s", SDL_GetError());
        goto out;
    }
    *out = ime;
    ime = NULL;
out:
    if (ime) {
        SDL_DestroyCond(ime->done);
        SDL_DestroyMutex(ime->lock);
        free(ime->staging_dir);
        free(ime->shared_dir);
        free(ime->user_dir);
        free(ime);
        SDL_AtomicSet(&g_instance, 0);
    }
    return st;
}

void ks_ime_destroy(ks_ime *ime)
{
    if (!ime) return;
    if (ime->worker) SDL_WaitThread(ime->worker, NULL);
    if (ime->initialized) {
        for (int s = 0; s < KS_IME_SCHEMA_COUNT; s++)
            if (ime->sessions[s]) ime->api->destroy_session(ime->sessions[s]);
        ime->api->finalize();
    }
    SDL_DestroyCond(ime->done);
    SDL_DestroyMutex(ime->lock);
    free(ime->view_buf);
    free(ime->cands);
    free(ime->commit);
    free(ime->staging_dir);
    free(ime->shared_dir);
    free(ime->user_dir);
    free(ime);
    SDL_AtomicSet(&g_instance, 0);
}

ks_ime_state ks_ime_get_state(ks_ime *ime)
{
    return ime ? (ks_ime_state)SDL_AtomicGet(&ime->state) : KS_IME_FAILED;
}

int ks_ime_ready(ks_ime *ime)
{
    return ks_ime_get_state(ime) == KS_IME_READY;
}

const char *ks_ime_failure(ks_ime *ime)
{
    /* The worker writes failure before publishing FAILED and never after. */
    return ime && ks_ime_get_state(ime) == KS_IME_FAILED ? ime->failure : "";
}

ks_status ks_ime_wait_ready(ks_ime *ime, uint64_t timeout_ms, ks_error *err)
{
    uint64_t end = ks_clock_real_us() + timeout_ms * 1000;
    ks_status st = KS_OK;
    SDL_LockMutex(ime->lock);
    while (SDL_AtomicGet(&ime->state) == KS_IME_DEPLOYING) {
        uint64_t now = ks_clock_real_us();
        if (now >= end) break;
        SDL_CondWaitTimeout(ime->done, ime->lock, (Uint32)((end - now) / 1000 + 1));
    }
    int state = SDL_AtomicGet(&ime->state);
    if (state == KS_IME_FAILED)
        st = ks_error_set(err, KS_ERR_IO, "%s", ime->failure);
    else if (state == KS_IME_DEPLOYING)
        st = ks_error_set(err, KS_ERR_BUSY, "rime: still deploying after %llu ms",
                          (unsigned long long)timeout_ms);
    SDL_UnlockMutex(ime->lock);
    return st;
}

void ks_ime_get_stats(ks_ime *ime, ks_ime_stats *out)
{
    SDL_LockMutex(ime->lock);
    *out = ime->stats;
    SDL_UnlockMutex(ime->lock);
}

/* ---- the UI-thread side: only after READY ---- */

static RimeSessionId session(ks_ime *ime)
{
    if (!ks_ime_ready(ime)) return 0;
    return ime->sessions[ime->schema];
}

/* Copies rime's context into view_buf so callers get plain pointers that
 * do not depend on rime's memory. */
static void refresh_view(ks_ime *ime)
{
    RimeApi *api = ime->api;
    RimeSessionId id = session(ime);
    memset(&ime->view, 0, sizeof ime->view);
    ime->view.preedit = "";
    ime->view.highlighted = -1;
    if (!id) return;

    RIME_STRUCT(RimeContext, ctx);
    if (!api->get_context(id, &ctx)) return;
    const char *pre = ctx.composition.preedit ? ctx.composition.preedit : "";
    int n = ctx.menu.num_candidates > 0 ? ctx.menu.num_candidates : 0;
    size_t need = strlen(pre) + 1;
    for (int i = 0; i < n; i++) {
        const RimeCandidate *c = &ctx.menu.candidates[i];
        need += strlen(c->text ? c->text : "") + 1 + strlen(c->comment ? c->comment : "") + 1;
    }
    if (need > ime->view_cap) {
        char *b = realloc(ime->view_buf, need);
        if (!b) goto out;
        ime->view_buf = b;
        ime->view_cap = need;
    }
    if ((size_t)n > ime->cands_cap) {
        ks_ime_candidate *c = realloc(ime->cands, (size_t)n * sizeof *c);
        if (!c) goto out;
        ime->cands = c;
        ime->cands_cap = (size_t)n;
    }
    char *w = ime->view_buf;
    size_t len = strlen(pre);
    memcpy(w, pre, len + 1);
    ime->view.preedit = w;
    w += len + 1;
    size_t caret = ctx.composition.cursor_pos > 0 ? (size_t)ctx.composition.cursor_pos : 0;
    ime->view.caret = caret > len ? len : caret;
    for (int i = 0; i < n; i++) {
        const RimeCandidate *c = &ctx.menu.candidates[i];
        const char *t = c->text ? c->text : "", *m = c->comment ? c->comment : "";
        size_t lt = strlen(t), lm = strlen(m);
        memcpy(w, t, lt + 1);
        ime->cands[i].text = w;
        w += lt + 1;
        memcpy(w, m, lm + 1);
        ime->cands[i].comment = w;
        w += lm + 1;
    }
    ime->view.candidates = ime->cands;
    ime->view.n_candidates = (size_t)n;
    ime->view.page_no = ctx.menu.page_no;
    ime->view.is_last_page = ctx.menu.is_last_page ? 1 : 0;
    ime->view.highlighted = n > 0 ? ctx.menu.highlighted_candidate_index : -1;
out:
    api->free_context(&ctx);
}

static void collect_commit(ks_ime *ime)
{
    RimeApi *api = ime->api;
    RimeSessionId id = session(ime);
    if (!id) return;
    RIME_STRUCT(RimeCommit, c);
    if (!api->get_commit(id, &c)) return;
    size_t len = c.text ? strlen(c.text) : 0;
    if (len && ime->commit_len + len + 1 > ime->commit_cap) {
        size_t cap = (ime->commit_len + len + 1) * 2;
        char *b = realloc(ime->commit, cap);
        if (b) {
            ime->commit = b;
            ime->commit_cap = cap;
        }
    }
    if (len && ime->commit_len + len + 1 <= ime->commit_cap) {
        memcpy(ime->commit + ime->commit_len, c.text, len + 1);
        ime->commit_len += len;
    }
    api->free_commit(&c);
}

static void after_change(ks_ime *ime)
{
    collect_commit(ime);
    refresh_view(ime);
}

void ks_ime_set_schema(ks_ime *ime, ks_ime_schema s)
{
    if (!ime || (unsigned)s >= KS_IME_SCHEMA_COUNT || s == ime->schema) return;
    RimeSessionId old = session(ime);
    if (old) ime->api->clear_composition(old);
    ime->schema = s;
    refresh_view(ime);
}

ks_ime_schema ks_ime_get_schema(const ks_ime *ime)
{
    return ime->schema;
}

int ks_ime_process_key(ks_ime *ime, int code)
{
    RimeSessionId id = session(ime);
    if (!id || code <= 0) return 0;
    /* Punctuation typed during a composition: rime would make it part of
     * the composition (and convert only a piece of the rest); a visitor
     * means "this word, then the mark". So commit first, then punctuate. */
    if (code > ' ' && code < 0x7f && ks_ime_composing(ime) && !strchr(k_schemas[ime->schema].alphabet, code))
        ks_ime_commit_composition(ime);
    int used = ime->api->process_key(id, code, 0) ? 1 : 0;
    if (used) after_change(ime);
    return used;
}

int ks_ime_select(ks_ime *ime, int index)
{
    RimeSessionId id = session(ime);
    if (!id || index < 0 || (size_t)index >= ime->view.n_candidates) return 0;
    int ok = ime->api->select_candidate_on_current_page(id, (size_t)index) ? 1 : 0;
    if (ok) after_change(ime);
    return ok;
}

int ks_ime_page(ks_ime *ime, int dir)
{
    RimeSessionId id = session(ime);
    if (!id || dir == 0 || ime->view.n_candidates == 0) return 0;
    int before = ime->view.page_no;
    ime->api->process_key(id, dir < 0 ? KS_IME_KEY_PAGE_UP : KS_IME_KEY_PAGE_DOWN, 0);
    after_change(ime);
    return ime->view.page_no != before;
}

int ks_ime_commit_composition(ks_ime *ime)
{
    RimeSessionId id = session(ime);
    if (!id || !ks_ime_composing(ime)) return 0;
    /* rime's own commit_composition commits unconverted segments as the
     * raw codes ("kefu"); picking the highlighted candidate segment by
     * segment commits the conversion the visitor sees instead. The bound
     * only guards against an engine that never finishes. */
    for (int i = 0; i < 64 && ks_ime_composing(ime) && ime->view.n_candidates > 0; i++) {
        int h = ime->view.highlighted >= 0 ? ime->view.highlighted : 0;
        if (!ime->api->select_candidate_on_current_page(id, (size_t)h)) break;
        after_change(ime);
    }
    if (ks_ime_composing(ime)) {
        /* Input no schema can convert (e.g. "xq"): commit it as typed. */
        ime->api->commit_composition(id);
        after_change(ime);
    }
    return 1;
}

void ks_ime_clear(ks_ime *ime)
{
    RimeSessionId id = session(ime);
    if (id) ime->api->clear_composition(id);
    refresh_view(ime);
}

void ks_ime_reset(ks_ime *ime)
{
    if (!ime) return;
    ime->commit_len = 0;
    if (ime->commit) ime->commit[0] = '\0';
    if (ks_ime_ready(ime)) {
        /* Open the new session before closing the old one: the schema's
         * dictionaries stay loaded, so this costs no disk reads. */
        for (int s = 0; s < KS_IME_SCHEMA_COUNT; s++) {
            RimeSessionId fresh = 0;
            ks_error err = {0};
            ime->api->clear_composition(ime->sessions[s]);
            if (open_session(ime, s, &fresh, &err) == KS_OK) {
                ime->api->destroy_session(ime->sessions[s]);
                ime->sessions[s] = fresh;
            } else {
                ks_log_warn(MOD, "reset: kept the old session: %s", err.msg);
            }
        }
    }
    refresh_view(ime);
}

void ks_ime_get_view(ks_ime *ime, ks_ime_view *out)
{
    *out = ime->view;
}

int ks_ime_composing(ks_ime *ime)
{
    return ime && ime->view.preedit && ime->view.preedit[0] != '\0';
}

char *ks_ime_take_commit(ks_ime *ime)
{
    if (!ime || ime->commit_len == 0) return NULL;
    char *s = malloc(ime->commit_len + 1);
    if (s) memcpy(s, ime->commit, ime->commit_len + 1);
    ime->commit_len = 0;
    ime->commit[0] = '\0';
    return s;
}
