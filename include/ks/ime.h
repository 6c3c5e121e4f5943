/*
 * ime.h - Chinese input methods through librime: pinyin (zh-Hans), zhuyin
 * and cangjie (zh-Hant), as a small engine the on-screen keyboard (or the
 * physical keyboard path) feeds with key codes and reads a composition, a
 * candidate page and committed text back from.
 *
 * Deployment: rime compiles its schemas into binary tables the first time
 * (seconds); ks_ime_create() starts that on a worker thread and returns at
 * once. The result is cached in DATA_DIR/rime/build, so later starts only
 * check timestamps. Until ks_ime_ready() says so, callers type Latin text.
 *
 * Privacy: rime's learning is switched off through the supported schema
 * patches (translator/enable_user_dict: false, no encoder), so no user
 * dictionary (*.userdb) is ever written, and nothing here keeps a history
 * of what was typed. ks_ime_reset() drops the composition and re-opens the
 * sessions (the idle-reset path).
 *
 * Threads: librime is a process-wide singleton, so there is at most one
 * ks_ime at a time (a second create fails with KS_ERR_BUSY). Every call is
 * for the UI thread; the only other thread is the deploy worker inside,
 * which touches rime only until it publishes "ready" and then exits.
 */
#ifndef KS_IME_H
#define KS_IME_H

#include <stddef.h>
#include <stdint.h>

#include "ks/error.h"

typedef struct ks_ime ks_ime;

typedef enum ks_ime_schema {
    KS_IME_PINYIN = 0, /* rime "pinyin_simp": Simplified, for zh-Hans */
    KS_IME_ZHUYIN,     /* rime "bopomofo": Dachen layout, Traditional */
    KS_IME_CANGJIE,    /* rime "cangjie5": Traditional */
    KS_IME_SCHEMA_COUNT
} ks_ime_schema;

typedef enum ks_ime_state {
    KS_IME_DEPLOYING = 0, /* the worker is building or checking the tables */
    KS_IME_READY,         /* sessions open: keys are processed */
    KS_IME_FAILED,        /* deployment failed: see ks_ime_failure() */
} ks_ime_state;

/* Key codes beyond printable ASCII (X11 keysyms, what rime expects).
 * Printable ASCII characters are their own codes ('a', '1', ',', ' '). */
#define KS_IME_KEY_BACKSPACE 0xff08
#define KS_IME_KEY_RETURN 0xff0d
#define KS_IME_KEY_ESCAPE 0xff1b
#define KS_IME_KEY_LEFT 0xff51
#define KS_IME_KEY_RIGHT 0xff53
#define KS_IME_KEY_PAGE_UP 0xff55
#define KS_IME_KEY_PAGE_DOWN 0xff56

/* Short names used by layouts, config and scripts: "pinyin", "zhuyin",
 * "cangjie". schema_name returns a static string ("" when out of range);
 * schema_parse returns -1 for an unknown name. */
const char *ks_ime_schema_name(ks_ime_schema s);
int ks_ime_schema_parse(const char *name);
/* The rime schema id behind a schema ("pinyin_simp", ...). Static string. */
const char *ks_ime_schema_rime_id(ks_ime_schema s);

/* Creates the engine with its user data in DATA_DIR/rime (created if
 * missing) and the shared schema data of the rime-data-* packages, and
 * starts deployment on a worker thread. Returns at once. Fails with
 * KS_ERR_BUSY when another ks_ime exists in this process.
 * *out: ks_ime_destroy(). */
ks_status ks_ime_create(const char *data_dir, ks_ime **out, ks_error *err);
/* Same, with another shared data directory (tests; normally NULL for
 * /usr/share/rime-data). */
ks_status ks_ime_create_with_shared(const char *data_dir, const char *shared_dir, ks_ime **out,
                                    ks_error *err);
/* Waits for an unfinished deployment (rime cannot cancel one), closes the
 * sessions and shuts rime down. NULL is fine. */
void ks_ime_destroy(ks_ime *ime);

/* Non-blocking: where deployment stands. Once READY or FAILED it stays so. */
ks_ime_state ks_ime_get_state(ks_ime *ime);
/* 1 when ks_ime_get_state() is KS_IME_READY. */
int ks_ime_ready(ks_ime *ime);
/* The reason deployment failed, for logs and the technician ("" otherwise).
 * Valid until ks_ime_destroy(). */
const char *ks_ime_failure(ks_ime *ime);
/* Blocks until READY or FAILED or timeout_ms passed. For tools, tests and
 * benchmarks, never for the UI thread. Returns KS_OK when ready, the
 * failure (with its message) when failed, KS_ERR_BUSY on timeout. */
ks_status ks_ime_wait_ready(ks_ime *ime, uint64_t timeout_ms, ks_error *err);

/* Figures about the deployment, for the stats file and the benchmark. */
typedef struct ks_ime_stats {
    int deployed;      /* 1 if this start (re)built the tables, 0 if the cache was reused */
    double prepare_ms; /* from create to ready: checking (+ building) and opening sessions */
    double deploy_ms;  /* part of prepare_ms spent building tables (0 when cached) */
} ks_ime_stats;
void ks_ime_get_stats(ks_ime *ime, ks_ime_stats *out);

/* Chooses the schema keys go to. Clears any composition of the previous
 * one. Allowed before ready (remembered, applied when ready). */
void ks_ime_set_schema(ks_ime *ime, ks_ime_schema s);
ks_ime_schema ks_ime_get_schema(const ks_ime *ime);

/* Feeds one key (printable ASCII or a KS_IME_KEY_* code). Returns 1 when
 * the input method used the key (the composition, the candidates or the
 * committed text may have changed), 0 when it did not (not ready, or a key
 * it does not want, e.g. Backspace with no composition): then the caller
 * does the plain action itself (insert the character, delete, ...).
 * Punctuation typed during a composition first commits the composition,
 * so in both cases take the commit (ks_ime_take_commit) before acting. */
int ks_ime_process_key(ks_ime *ime, int code);

/* Selects candidate index (0-based) on the current page: it (or part of a
 * phrase) is committed or the composition moves on. Returns 1 if it was
 * selected. */
int ks_ime_select(ks_ime *ime, int index);
/* Moves the candidate page: dir < 0 previous, > 0 next. Returns 1 if the
 * page changed. */
int ks_ime_page(ks_ime *ime, int dir);
/* Commits the composition as it stands (the highlighted conversion), e.g.
 * before a punctuation key typed directly. Returns 1 if something was
 * committed. */
int ks_ime_commit_composition(ks_ime *ime);
/* Drops the composition without committing. */
void ks_ime_clear(ks_ime *ime);
/* Idle reset: clears the composition and pending commit and re-opens the
 * rime sessions so nothing of the last visitor's typing survives in them. */
void ks_ime_reset(ks_ime *ime);

typedef struct ks_ime_candidate {
    const char *text;
    const char *comment; /* e.g. cangjie codes for a phrase; "" when none */
} ks_ime_candidate;

/* What the input method shows now. Pointers stay valid until the next call
 * that changes the engine (process_key, select, page, clear, reset, ...). */
typedef struct ks_ime_view {
    const char *preedit; /* the composition as the field shows it inline; "" if none */
    size_t caret;        /* byte offset of the caret within preedit */
    size_t n_candidates; /* on this page */
    const ks_ime_candidate *candidates;
    int page_no; /* 0-based */
    int is_last_page;
    int highlighted; /* index on the page, -1 when none */
} ks_ime_view;
void ks_ime_get_view(ks_ime *ime, ks_ime_view *out);
/* 1 while a composition is in progress. */
int ks_ime_composing(ks_ime *ime);

/* Takes the text committed since the last call (malloc'ed, caller frees
 * with free()), or NULL when there is none. */
char *ks_ime_take_commit(ks_ime *ime);

#endif
