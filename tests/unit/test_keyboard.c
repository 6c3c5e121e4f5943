/*
 * test_keyboard.c - the on-screen keyboard: layout files and their errors,
 * geometry (9 mm keys in landscape and portrait), typing by taps, shift and
 * caps lock, long-press alternates, backspace repeat, first finger wins,
 * dwell, gamepad navigation over every key, layout switching, the headless
 * helpers (route, candidate centres), input methods through a real
 * librime engine, reset, and rendering of every layout to PNG files
 * (KS_BUILD_DIR/golden/keyboard/) checked pixel by pixel where it matters.
 *
 * The input-method tests share one rime deployment (it takes seconds),
 * made in a suite directory removed at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL.h>
#include <SDL_image.h>

#include "ks/ime.h"
#include "ks/keyboard.h"
#include "ks/path.h"
#include "ks/text.h"
#include "ks/theme.h"
#include "ks/ui.h"
#include "test.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    /* librime and fontconfig keep process-lifetime caches: not ours. */
    return "leak:librime\nleak:libglog\nleak:libyaml-cpp\nleak:libopencc\nleak:libleveldb\n"
           "leak:libfontconfig\n";
}

#define W 1920
#define H 1080

static ks_ime *g_ime;
static char g_suite_dir[256];
static uint64_t g_t = 1000; /* the simulated clock of these tests */

/* ---- helpers ---------------------------------------------------------- */

/* A text field that applies the keyboard's events, like the app's. */
typedef struct field {
    char text[1024];
    int enters, hides, layouts, preedits, clicks;
    char last_layout[KS_KB_EVENT_TEXT_MAX];
} field;

static void drain(ks_keyboard *kb, field *f)
{
    ks_kb_event ev;
    while (ks_keyboard_poll(kb, &ev)) {
        size_t len = strlen(f->text);
        switch (ev.type) {
        case KS_KB_EV_INSERT:
            snprintf(f->text + len, sizeof f->text - len, "%s", ev.text);
            break;
        case KS_KB_EV_BACKSPACE:
            while (len > 0 && ((unsigned char)f->text[len - 1] & 0xC0) == 0x80)
                len--;
            if (len > 0) len--;
            f->text[len] = '\0';
            break;
        case KS_KB_EV_ENTER:
            f->enters++;
            break;
        case KS_KB_EV_HIDE:
            f->hides++;
            break;
        case KS_KB_EV_LAYOUT:
            f->layouts++;
            snprintf(f->last_layout, sizeof f->last_layout, "%s", ev.text);
            break;
        case KS_KB_EV_PREEDIT:
            f->preedits++;
            break;
        case KS_KB_EV_CLICK:
            f->clicks++;
            break;
        }
    }
}

static ks_keyboard *make_kb(ks_ime *ime, ks_text *text, int w, int h, int dpi)
{
    ks_keyboard *kb = NULL;
    ks_error err = {0};
    ks_status st = ks_keyboard_create(ks_test_src("assets/layouts"), ime, text, &kb, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    KS_REQUIRE(st == KS_OK);
    st = ks_keyboard_set_area(kb, 0, 0, w, h, dpi, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    KS_REQUIRE(st == KS_OK);
    ks_keyboard_show(kb, g_t);
    g_t += 1000;
    ks_keyboard_tick(kb, g_t);
    return kb;
}

static void tap(ks_keyboard *kb, int x, int y)
{
    ks_keyboard_pointer_down(kb, 1, x, y, g_t);
    g_t += 40;
    ks_keyboard_tick(kb, g_t);
    ks_keyboard_pointer_up(kb, 1, x, y, g_t);
    g_t += 60;
    ks_keyboard_tick(kb, g_t);
}

/* Types s (characters or input codes) the way the harness will: asking
 * the keyboard where to touch, step by step. */
static int type_str(ks_keyboard *kb, const char *s)
{
    ks_error err = {0};
    while (*s) {
        char ch[8] = {0};
        size_t n = 1;
        while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
            n++;
        memcpy(ch, s, n);
        s += n;
        int done = 0;
        for (int step = 0; step < 4 && !done; step++) {
            ks_kb_step st;
            if (ks_keyboard_route(kb, ch, &st, &err) != KS_OK) {
                fprintf(stderr, "  route \"%s\": %s\n", ch, err.msg);
                return -1;
            }
            if (st.hold_ms) {
                ks_keyboard_pointer_down(kb, 1, st.x, st.y, g_t);
                g_t += (uint64_t)st.hold_ms;
                ks_keyboard_tick(kb, g_t);
                ks_keyboard_pointer_move(kb, 1, st.alt_x, st.alt_y, g_t);
                g_t += 30;
                ks_keyboard_pointer_up(kb, 1, st.alt_x, st.alt_y, g_t);
                g_t += 60;
            } else {
                tap(kb, st.x, st.y);
            }
            done = st.final;
        }
        if (!done) return -1;
    }
    return 0;
}

static int find_target(ks_keyboard *kb, const char *action, const char *label)
{
    ks_kb_target t;
    for (size_t i = 0; i < ks_keyboard_target_count(kb); i++) {
        ks_keyboard_target_get(kb, i, &t);
        if (strcmp(t.action, action) == 0 && (!label || strcmp(t.label, label) == 0)) return (int)i;
    }
    return -1;
}

static void target_centre(ks_keyboard *kb, int i, int *x, int *y)
{
    ks_kb_target t;
    ks_keyboard_target_get(kb, (size_t)i, &t);
    *x = t.rect.x + t.rect.w / 2;
    *y = t.rect.y + t.rect.h / 2;
}

static void tap_action(ks_keyboard *kb, const char *action, const char *label)
{
    int i = find_target(kb, action, label), x, y;
    KS_REQUIRE(i >= 0);
    target_centre(kb, i, &x, &y);
    tap(kb, x, y);
}

static ks_ime *shared_ime(void)
{
    ks_error err = {0};
    if (!g_ime) KS_REQUIRE(ks_ime_create(g_suite_dir, &g_ime, &err) == KS_OK);
    ks_status st = ks_ime_wait_ready(g_ime, 120000, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    KS_REQUIRE(st == KS_OK);
    return g_ime;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    KS_REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* ---- layouts ------------------------------------------------------------ */

static void test_shipped_layouts_all_load(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    const char *want[] = {"cangjie", "en", "numeric", "phone", "pinyin", "symbols", "zhuyin"};
    KS_CHECK(ks_keyboard_layout_count(kb) == 7);
    for (size_t i = 0; i < 7; i++)
        KS_CHECK_STR(ks_keyboard_layout_name(kb, i), want[i]);
    KS_CHECK(ks_keyboard_layout_name(kb, 7) == NULL);
    KS_CHECK_STR(ks_keyboard_layout(kb), "en");
    ks_keyboard_destroy(kb);
}

static void expect_layout_error(const char *json, const char *needle)
{
    ks_error err = {0};
    ks_status st = ks_keyboard_check_layout(json, strlen(json), "t.json", &err);
    KS_CHECK_MSG(st != KS_OK, "accepted: %s", json);
    KS_CHECK_MSG(strstr(err.msg, needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg, needle);
    KS_CHECK_MSG(strstr(err.msg, "t.json") != NULL, "message \"%s\" lacks the file", err.msg);
}

#define HEAD "{\"format\":\"kiosk-keyboard/1\",\"name\":\"t\","

static void test_layout_errors_name_file_and_key(void)
{
    ks_error err = {0};
    const char *ok = HEAD "\"rows\":[[{\"text\":\"a\"},{\"action\":\"shift\"}]]}";
    KS_CHECK(ks_keyboard_check_layout(ok, strlen(ok), "t.json", &err) == KS_OK);
    expect_layout_error("{\"format\":", "not valid JSON");
    expect_layout_error("[1]", "top level");
    expect_layout_error("{\"format\":\"kiosk-keyboard/2\",\"name\":\"t\",\"rows\":[[{\"text\":\"a\"}]]}",
                        "kiosk-keyboard/1");
    expect_layout_error("{\"format\":\"kiosk-keyboard/1\",\"rows\":[[{\"text\":\"a\"}]]}",
                        "'name' is missing");
    expect_layout_error(HEAD "\"rows\":[]}", "'rows'");
    expect_layout_error(HEAD "\"rows\":[[]]}", "row 1");
    expect_layout_error(HEAD "\"rows\":[[{\"text\":\"a\"}],{}]}", "row 2 must be an array");
    expect_layout_error(HEAD "\"rows\":[[{\"text\":\"a\"},{\"text\":\"w\",\"alt\":[\"x\"]}]]}",
                        "row 1, key 2 (\"w\"): unknown field 'alt'");
    expect_layout_error(HEAD "\"rows\":[[{\"text\":\"a\"}],[{\"action\":\"jump\"}]]}",
                        "row 2, key 1 (\"jump\"): unknown action 'jump'");
    expect_layout_error(HEAD "\"rows\":[[{\"text\":\"e\",\"alts\":\"é\"}]]}", "'alts' must be an array");
    expect_layout_error(HEAD "\"rows\":[[{\"text\":\"e\",\"alts\":[\"é\",3]}]]}", "alternate 2");
    expect_layout_error(HEAD "\"rows\":[[{\"text\":\"a\",\"width\":40}]]}", "'width'");
    expect_layout_error(HEAD "\"rows\":[[{\"text\":\"\\u00e9\",\"action\":\"space\"}]]}", "not both");
    expect_layout_error(HEAD "\"rows\":[[{\"label\":\"x\"}]]}", "needs 'text'");
    expect_layout_error(HEAD "\"rows\":[[{\"action\":\"layout\"}]]}", "'target'");
    expect_layout_error(HEAD "\"rows\":[[{\"spacer\":1}]]}", "only spacers");
    expect_layout_error(HEAD "\"rows\":[[{\"spacer\":1,\"text\":\"a\"}]]}", "spacer has no other");
    expect_layout_error(HEAD "\"ime\":\"wubi\",\"rows\":[[{\"text\":\"a\"}]]}",
                        "unknown input method 'wubi'");
    expect_layout_error(HEAD "\"ime\":\"pinyin\",\"rows\":[[{\"text\":\"a\"},{\"action\":\"shift\"}]]}",
                        "shift key");
    expect_layout_error(HEAD "\"key_mm\":3,\"rows\":[[{\"text\":\"a\"}]]}", "'key_mm'");
    /* Invalid UTF-8 in a key's text. */
    const char bad[] = HEAD "\"rows\":[[{\"text\":\"\xff\"}]]}";
    KS_CHECK(ks_keyboard_check_layout(bad, strlen(bad), "t.json", &err) != KS_OK);
    KS_CHECK(strstr(err.msg, "UTF-8") != NULL);
}

static void test_layout_directory_errors(void)
{
    ks_keyboard *kb = NULL;
    ks_error err = {0};
    const char *d = ks_test_tmpdir();
    /* No en layout. */
    write_file(d, "x.json", HEAD "\"rows\":[[{\"text\":\"a\"}]]}");
    KS_CHECK(ks_keyboard_create(d, NULL, NULL, &kb, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(strstr(err.msg, "'en'") != NULL);
    /* A layout key towards a layout nobody defines. */
    write_file(d, "en.json",
               "{\"format\":\"kiosk-keyboard/1\",\"name\":\"en\",\"rows\":[[{\"text\":\"a\"},"
               "{\"action\":\"layout\",\"target\":\"symbolz\"}]]}");
    KS_CHECK(ks_keyboard_create(d, NULL, NULL, &kb, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "en.json") && strstr(err.msg, "symbolz"));
    /* Two files with one name. */
    write_file(d, "en.json",
               "{\"format\":\"kiosk-keyboard/1\",\"name\":\"en\",\"rows\":[[{\"text\":\"a\"}]]}");
    write_file(d, "x.json",
               "{\"format\":\"kiosk-keyboard/1\",\"name\":\"en\",\"rows\":[[{\"text\":\"b\"}]]}");
    KS_CHECK(ks_keyboard_create(d, NULL, NULL, &kb, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "used by another file") != NULL);
    /* A missing directory. */
    KS_CHECK(ks_keyboard_create("/nonexistent/layouts", NULL, NULL, &kb, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(kb == NULL);
}

/* ---- geometry ----------------------------------------------------------- */

static void check_geometry(int w, int h, int dpi)
{
    ks_keyboard *kb = make_kb(NULL, NULL, w, h, dpi);
    int min_px = (90 * dpi + 253) / 254;
    for (size_t li = 0; li < ks_keyboard_layout_count(kb); li++) {
        const char *name = ks_keyboard_layout_name(kb, li);
        KS_REQUIRE(ks_keyboard_set_layout(kb, name, NULL) == KS_OK);
        SDL_Rect p = ks_keyboard_rect(kb);
        KS_CHECK(p.y + p.h == h);
        KS_CHECK(p.h == ks_keyboard_height(kb));
        KS_CHECK_MSG(p.h <= h * 6 / 10, "%s at %dx%d: height %d", name, w, h, p.h);
        int kw, kh;
        ks_keyboard_min_key_size(kb, &kw, &kh);
        KS_CHECK_MSG(kw >= min_px && kh >= min_px, "%s at %dx%d@%d: key %dx%d < %d px", name, w, h, dpi, kw,
                     kh, min_px);
        size_t n = ks_keyboard_target_count(kb);
        for (size_t i = 0; i < n; i++) {
            ks_kb_target a, b;
            ks_keyboard_target_get(kb, i, &a);
            KS_CHECK(SDL_HasIntersection(&a.rect, &p) && a.rect.x >= 0 && a.rect.x + a.rect.w <= w);
            for (size_t j = i + 1; j < n; j++) {
                ks_keyboard_target_get(kb, j, &b);
                KS_CHECK_MSG(!SDL_HasIntersection(&a.rect, &b.rect), "%s: %s and %s overlap", name, a.label,
                             b.label);
            }
        }
    }
    ks_keyboard_destroy(kb);
}

static void test_keys_are_at_least_9mm_landscape_and_portrait(void)
{
    static const int sizes[][3] = {{1920, 1080, 96}, {1080, 1920, 96},  {1920, 1080, 160}, {1080, 1920, 160},
                                   {1280, 800, 96},  {3840, 2160, 160}, {1280, 800, 150}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        check_geometry(sizes[i][0], sizes[i][1], sizes[i][2]);
}

static void test_area_too_small_for_9mm_keys_is_refused(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    ks_error err = {0};
    int before = ks_keyboard_height(kb);
    KS_CHECK(ks_keyboard_set_area(kb, 0, 0, 1080, 1920, 300, &err) == KS_ERR_INVALID);
    KS_CHECK_MSG(strstr(err.msg, "9 mm") && strstr(err.msg, "300 dpi"), "%s", err.msg);
    KS_CHECK(ks_keyboard_height(kb) == before); /* the old geometry stays */
    KS_CHECK(ks_keyboard_set_area(kb, 0, 0, 0, 100, 96, &err) == KS_ERR_INVALID);
    ks_keyboard_destroy(kb);
}

/* ---- typing ------------------------------------------------------------- */

static void test_typing_english_by_taps_with_shift(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    KS_CHECK(type_str(kb, "Hello, World? it's 42 @home") == 0);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "Hello, World? it's 42 @home");
    KS_CHECK(f.clicks > 20);
    /* The trip to the symbols layout for "42 @" came back for "home". */
    KS_CHECK_STR(ks_keyboard_layout(kb), "en");
    KS_CHECK(f.layouts >= 2);
    ks_keyboard_destroy(kb);
}

static void test_shift_is_one_shot_and_double_tap_locks_caps(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    int sx, sy, ax, ay;
    target_centre(kb, find_target(kb, "shift", NULL), &sx, &sy);
    target_centre(kb, find_target(kb, "char", "a"), &ax, &ay);
    tap(kb, sx, sy);
    KS_CHECK(ks_keyboard_shift_state(kb) == 1);
    tap(kb, ax, ay);
    tap(kb, ax, ay);
    KS_CHECK(ks_keyboard_shift_state(kb) == 0);
    /* Double tap (< 400 ms apart): caps lock, which stays. */
    tap(kb, sx, sy);
    tap(kb, sx, sy);
    KS_CHECK(ks_keyboard_shift_state(kb) == 2);
    tap(kb, ax, ay);
    tap(kb, ax, ay);
    KS_CHECK(ks_keyboard_shift_state(kb) == 2);
    tap(kb, sx, sy);
    KS_CHECK(ks_keyboard_shift_state(kb) == 0);
    tap(kb, ax, ay);
    /* Two slow taps: on, then off. */
    tap(kb, sx, sy);
    g_t += 1000;
    tap(kb, sx, sy);
    KS_CHECK(ks_keyboard_shift_state(kb) == 0);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "AaAAa");
    ks_keyboard_destroy(kb);
}

static void test_long_press_opens_alternates(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    int ex, ey;
    target_centre(kb, find_target(kb, "char", "e"), &ex, &ey);
    /* Held less than the long-press time: a plain e. */
    ks_keyboard_pointer_down(kb, 1, ex, ey, g_t);
    ks_keyboard_tick(kb, g_t + KS_KB_LONG_PRESS_MS - 1);
    KS_CHECK(!ks_keyboard_popup_open(kb));
    ks_keyboard_pointer_up(kb, 1, ex, ey, g_t + KS_KB_LONG_PRESS_MS - 1);
    g_t += 1000;
    /* The long-press wake-up is announced to the event loop. */
    ks_keyboard_pointer_down(kb, 1, ex, ey, g_t);
    KS_CHECK(ks_keyboard_next_wake(kb, g_t) == g_t + KS_KB_LONG_PRESS_MS);
    ks_keyboard_tick(kb, g_t + KS_KB_LONG_PRESS_MS);
    KS_CHECK(ks_keyboard_popup_open(kb));
    ks_keyboard_pointer_up(kb, 1, ex, ey - 2000, g_t + 700); /* released far away: cancelled */
    KS_CHECK(!ks_keyboard_popup_open(kb));
    g_t += 1000;
    KS_CHECK(type_str(kb, "éÉ") == 0);
    /* Full-width punctuation on the comma key. */
    KS_CHECK(type_str(kb, "，") == 0);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "eéÉ，");
    ks_keyboard_destroy(kb);
}

static void test_backspace_repeats_after_delay(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    int bx, by;
    KS_CHECK(type_str(kb, "abcdefghijklmnopqrstuvwxyz") == 0);
    drain(kb, &f);
    target_centre(kb, find_target(kb, "backspace", NULL), &bx, &by);
    uint64_t t0 = g_t;
    ks_keyboard_pointer_down(kb, 1, bx, by, t0);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "abcdefghijklmnopqrstuvwxy"); /* one at once */
    ks_keyboard_tick(kb, t0 + KS_KB_REPEAT_DELAY_MS - 1);
    drain(kb, &f);
    KS_CHECK(strlen(f.text) == 25);
    KS_CHECK(ks_keyboard_next_wake(kb, t0 + 100) == t0 + KS_KB_REPEAT_DELAY_MS);
    ks_keyboard_tick(kb, t0 + KS_KB_REPEAT_DELAY_MS);
    drain(kb, &f);
    KS_CHECK(strlen(f.text) == 24);
    /* Then 20 per second: 500 ms more is 10 more. */
    for (uint64_t t = t0 + 510; t <= t0 + 1000; t += 10)
        ks_keyboard_tick(kb, t);
    drain(kb, &f);
    KS_CHECK_MSG(strlen(f.text) == 14, "%zu left", strlen(f.text));
    /* A clock jump catches up; release stops it. */
    ks_keyboard_tick(kb, t0 + 1200);
    ks_keyboard_pointer_up(kb, 1, bx, by, t0 + 1200);
    ks_keyboard_tick(kb, t0 + 3000);
    drain(kb, &f);
    KS_CHECK_MSG(strlen(f.text) == 10, "%zu left", strlen(f.text));
    g_t = t0 + 4000;
    ks_keyboard_destroy(kb);
}

static void test_first_finger_wins_and_sliding_off_cancels(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    int qx, qy, wx, wy;
    target_centre(kb, find_target(kb, "char", "q"), &qx, &qy);
    target_centre(kb, find_target(kb, "char", "w"), &wx, &wy);
    KS_CHECK(ks_keyboard_pointer_down(kb, 7, qx, qy, g_t) == 1);
    KS_CHECK(ks_keyboard_pointer_down(kb, 8, wx, wy, g_t + 10) == 1); /* taken, ignored */
    KS_CHECK(ks_keyboard_pointer_up(kb, 8, wx, wy, g_t + 20) == 1);
    KS_CHECK(ks_keyboard_pointer_up(kb, 7, qx, qy, g_t + 30) == 1);
    KS_CHECK(ks_keyboard_pointer_up(kb, 7, qx, qy, g_t + 40) == 1); /* a duplicate up types nothing */
    g_t += 100;
    drain(kb, &f);
    KS_CHECK_STR(f.text, "q");
    /* Sliding to another key types that one, off the keyboard nothing. */
    ks_keyboard_pointer_down(kb, 1, qx, qy, g_t);
    ks_keyboard_pointer_move(kb, 1, wx, wy, g_t + 10);
    ks_keyboard_pointer_up(kb, 1, wx, wy, g_t + 20);
    ks_keyboard_pointer_down(kb, 1, qx, qy, g_t + 100);
    ks_keyboard_pointer_move(kb, 1, qx, 10, g_t + 110);
    ks_keyboard_pointer_up(kb, 1, qx, 10, g_t + 120);
    ks_keyboard_pointer_down(kb, 1, qx, qy, g_t + 200);
    ks_keyboard_pointer_cancel(kb);
    g_t += 300;
    drain(kb, &f);
    KS_CHECK_STR(f.text, "qw");
    /* Touches above the keyboard are the app's. */
    KS_CHECK(ks_keyboard_pointer_down(kb, 1, qx, 10, g_t) == 0);
    ks_keyboard_destroy(kb);
}

/* ---- dwell -------------------------------------------------------------- */

static void test_dwell_presses_exactly_once_until_the_pointer_leaves(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    ks_error err = {0};
    field f = {0};
    KS_CHECK(ks_keyboard_set_dwell(kb, 200, &err) == KS_ERR_INVALID);
    KS_CHECK(ks_keyboard_set_dwell(kb, 1200, &err) == KS_ERR_INVALID);
    KS_CHECK(ks_keyboard_set_dwell(kb, KS_KB_DWELL_DEFAULT_MS, &err) == KS_OK);
    int ax, ay, sx, sy;
    target_centre(kb, find_target(kb, "char", "a"), &ax, &ay);
    target_centre(kb, find_target(kb, "char", "s"), &sx, &sy);
    uint64_t t0 = g_t;
    KS_CHECK(ks_keyboard_hover(kb, ax, ay, t0) == 1);
    ks_keyboard_tick(kb, t0 + 300);
    KS_CHECK(ks_keyboard_dwell_progress(kb, t0 + 300) > 0.49f &&
             ks_keyboard_dwell_progress(kb, t0 + 300) < 0.51f);
    KS_CHECK(ks_keyboard_needs_redraw(kb, t0 + 300)); /* the ring fills */
    ks_keyboard_tick(kb, t0 + 599);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "");
    ks_keyboard_tick(kb, t0 + 600);
    /* The pointer stays: hover events at the same place, time passing. */
    for (uint64_t t = t0 + 610; t < t0 + 5000; t += 100) {
        ks_keyboard_hover(kb, ax + 1, ay, t);
        ks_keyboard_tick(kb, t);
    }
    drain(kb, &f);
    KS_CHECK_STR(f.text, "a");
    KS_CHECK(ks_keyboard_dwell_progress(kb, t0 + 5000) == 0);
    /* Another key, then back: each fires once. */
    ks_keyboard_hover(kb, sx, sy, t0 + 5000);
    ks_keyboard_tick(kb, t0 + 5600);
    ks_keyboard_hover(kb, ax, ay, t0 + 5700);
    ks_keyboard_tick(kb, t0 + 6300);
    /* Leaving the keyboard resets too. */
    ks_keyboard_hover_leave(kb);
    ks_keyboard_tick(kb, t0 + 7000);
    ks_keyboard_hover(kb, ax, ay, t0 + 7000);
    ks_keyboard_tick(kb, t0 + 7599);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "asa");
    ks_keyboard_tick(kb, t0 + 7600);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "asaa");
    /* Dwell on the layout key switches once; the key that slides under the
     * still pointer does not fire. */
    int lx, ly;
    target_centre(kb, find_target(kb, "layout", NULL), &lx, &ly);
    ks_keyboard_hover(kb, lx, ly, t0 + 8000);
    for (uint64_t t = t0 + 8000; t <= t0 + 11000; t += 50) {
        ks_keyboard_hover(kb, lx, ly, t);
        ks_keyboard_tick(kb, t);
    }
    drain(kb, &f);
    KS_CHECK_STR(ks_keyboard_layout(kb), "symbols");
    KS_CHECK(f.layouts == 1);
    /* Off: nothing fires. */
    KS_CHECK(ks_keyboard_set_dwell(kb, 0, &err) == KS_OK);
    ks_keyboard_hover(kb, ax, ay, t0 + 12000);
    ks_keyboard_tick(kb, t0 + 20000);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "asaa");
    g_t = t0 + 21000;
    ks_keyboard_destroy(kb);
}

/* ---- gamepad ------------------------------------------------------------ */

/* From the focused target, finds by breadth-first search over the four
 * directions a button sequence that reaches target goal; applies it. */
static int pad_reach(ks_keyboard *kb, int goal)
{
    enum { MAXT = 128 };
    int n = (int)ks_keyboard_target_count(kb);
    if (n > MAXT) return 0;
    /* Explore by trying moves from each known position (the keyboard is
     * the oracle: we move, look, and move back). */
    int from[MAXT], via[MAXT], seen[MAXT] = {0}, queue[MAXT], qh = 0, qt = 0;
    ks_keyboard_focus_clear(kb);
    ks_keyboard_focus_enter(kb);
    int start = ks_keyboard_focus(kb);
    seen[start] = 1;
    queue[qt++] = start;
    from[start] = -1;
    static const ks_kb_pad dirs[4] = {KS_KB_PAD_UP, KS_KB_PAD_DOWN, KS_KB_PAD_LEFT, KS_KB_PAD_RIGHT};
    while (qh < qt && !seen[goal]) {
        int cur = queue[qh++];
        for (int d = 0; d < 4; d++) {
            /* Walk to cur from start along the recorded path, try d. */
            int path[MAXT], len = 0;
            for (int p = cur; p != start; p = from[p])
                path[len++] = via[p];
            ks_keyboard_focus_clear(kb);
            ks_keyboard_focus_enter(kb); /* focus back on the first key */
            for (int i = len - 1; i >= 0; i--)
                ks_keyboard_pad(kb, (ks_kb_pad)path[i], g_t);
            if (ks_keyboard_pad(kb, dirs[d], g_t)) {
                int got = ks_keyboard_focus(kb);
                if (!seen[got]) {
                    seen[got] = 1;
                    from[got] = cur;
                    via[got] = dirs[d];
                    queue[qt++] = got;
                }
            }
        }
    }
    if (!seen[goal]) return 0;
    int path[MAXT], len = 0;
    for (int p = goal; p != start; p = from[p])
        path[len++] = via[p];
    ks_keyboard_focus_clear(kb);
    ks_keyboard_focus_enter(kb);
    for (int i = len - 1; i >= 0; i--)
        ks_keyboard_pad(kb, (ks_kb_pad)path[i], g_t);
    return ks_keyboard_focus(kb) == goal;
}

static void test_gamepad_reaches_and_presses_every_key(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    KS_CHECK(ks_keyboard_pad_parse("rb") == KS_KB_PAD_RB);
    KS_CHECK(ks_keyboard_pad_parse("x") == -1);
    KS_CHECK(ks_keyboard_focus(kb) == -1);
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_A, g_t) == 0); /* nothing focused */
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_RIGHT, g_t) == 1);
    KS_CHECK(ks_keyboard_focus(kb) == 0);
    /* "Up" from the top row leaves the keyboard: the app takes over. */
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_UP, g_t) == 0);
    const char *layouts[] = {"en", "symbols", "numeric", "phone"};
    for (size_t li = 0; li < 4; li++) {
        KS_REQUIRE(ks_keyboard_set_layout(kb, layouts[li], NULL) == KS_OK);
        int n = (int)ks_keyboard_target_count(kb);
        for (int goal = 0; goal < n; goal++) {
            ks_kb_target t;
            ks_keyboard_target_get(kb, (size_t)goal, &t);
            KS_CHECK_MSG(pad_reach(kb, goal), "layout %s: %s (%s) unreachable", layouts[li], t.label,
                         t.action);
        }
    }
    /* A presses what is focused. */
    ks_keyboard_set_layout(kb, "en", NULL);
    drain(kb, &f);
    KS_REQUIRE(pad_reach(kb, find_target(kb, "char", "g")));
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_A, g_t) == 1);
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_RIGHT, g_t) == 1);
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_A, g_t) == 1);
    KS_REQUIRE(pad_reach(kb, find_target(kb, "enter", NULL)));
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_A, g_t) == 1);
    /* B with no popup is the app's "back". */
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_B, g_t) == 0);
    /* Shoulders switch input-method layouts (no candidates showing). */
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_RB, g_t) == 1);
    KS_CHECK_STR(ks_keyboard_layout(kb), "pinyin");
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_LB, g_t) == 1);
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_LB, g_t) == 1);
    KS_CHECK_STR(ks_keyboard_layout(kb), "cangjie");
    drain(kb, &f);
    KS_CHECK_STR(f.text, "gh");
    KS_CHECK(f.enters == 1);
    ks_keyboard_destroy(kb);
}

/* ---- layouts, showing, reset ------------------------------------------- */

static void test_layout_keys_and_ime_cycle(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    ks_error err = {0};
    field f = {0};
    int h_en = ks_keyboard_height(kb);
    tap_action(kb, "layout", "?123");
    drain(kb, &f);
    KS_CHECK_STR(f.last_layout, "symbols");
    tap_action(kb, "layout", "ABC");
    drain(kb, &f);
    KS_CHECK_STR(f.last_layout, "en");
    /* The globe key goes round the cycle; zhuyin (5 rows) is taller. */
    static const char *const cyc[] = {"en", "zhuyin", "cangjie"};
    KS_CHECK(ks_keyboard_set_ime_cycle(kb, cyc, 3, &err) == KS_OK);
    tap_action(kb, "ime", NULL);
    drain(kb, &f);
    KS_CHECK_STR(f.last_layout, "zhuyin");
    KS_CHECK(ks_keyboard_height(kb) > h_en);
    tap_action(kb, "layout", "123");
    tap_action(kb, "layout", "ABC"); /* back to the text layout it came from */
    drain(kb, &f);
    KS_CHECK_STR(f.last_layout, "zhuyin");
    tap_action(kb, "ime", NULL);
    tap_action(kb, "ime", NULL);
    drain(kb, &f);
    KS_CHECK_STR(f.last_layout, "en");
    static const char *const bad[] = {"en", "numeric"};
    KS_CHECK(ks_keyboard_set_ime_cycle(kb, bad, 2, &err) == KS_ERR_INVALID);
    static const char *const missing[] = {"klingon"};
    KS_CHECK(ks_keyboard_set_ime_cycle(kb, missing, 1, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(ks_keyboard_set_layout(kb, "klingon", &err) == KS_ERR_NOT_FOUND);
    ks_keyboard_destroy(kb);
}

static void test_slides_in_and_out_within_250ms(void)
{
    ks_keyboard *kb = NULL;
    ks_error err = {0};
    field f = {0};
    KS_REQUIRE(ks_keyboard_create(ks_test_src("assets/layouts"), NULL, NULL, &kb, &err) == KS_OK);
    KS_REQUIRE(ks_keyboard_set_area(kb, 0, 0, W, H, 96, &err) == KS_OK);
    int full = ks_keyboard_height(kb);
    uint64_t t0 = g_t;
    KS_CHECK(ks_keyboard_visible_height(kb, t0) == 0);
    ks_keyboard_show(kb, t0);
    KS_CHECK(ks_keyboard_is_shown(kb));
    int mid = ks_keyboard_visible_height(kb, t0 + 100);
    KS_CHECK(mid > 0 && mid < full);
    KS_CHECK(ks_keyboard_next_wake(kb, t0 + 100) <= t0 + 116);
    int qx, qy;
    target_centre(kb, find_target(kb, "char", "q"), &qx, &qy);
    KS_CHECK(ks_keyboard_pointer_down(kb, 1, qx, qy, t0 + 100) == 0); /* not in place yet */
    KS_CHECK(ks_keyboard_visible_height(kb, t0 + 250) == full);
    KS_CHECK(ks_keyboard_next_wake(kb, t0 + 250) == UINT64_MAX); /* idle: no wake-ups */
    g_t = t0 + 300;
    tap_action(kb, "hide", NULL);
    drain(kb, &f);
    KS_CHECK(f.hides == 1);
    KS_CHECK(!ks_keyboard_is_shown(kb));
    KS_CHECK(ks_keyboard_visible_height(kb, g_t + 250) == 0);
    ks_keyboard_destroy(kb);
    g_t += 1000;
}

static void test_route_finds_keys_across_layouts(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    ks_error err = {0};
    ks_kb_step st;
    KS_CHECK(ks_keyboard_route(kb, "q", &st, &err) == KS_OK && st.final && !st.hold_ms);
    KS_CHECK(ks_keyboard_route(kb, "Q", &st, &err) == KS_OK && !st.final); /* shift first */
    KS_CHECK_STR(st.needs, "shift");
    KS_CHECK(ks_keyboard_route(kb, "@", &st, &err) == KS_OK && !st.final); /* ?123 first */
    KS_CHECK_STR(st.needs, "symbols");
    KS_CHECK(ks_keyboard_route(kb, "ö", &st, &err) == KS_OK && st.final && st.hold_ms >= KS_KB_LONG_PRESS_MS);
    KS_CHECK(ks_keyboard_route(kb, "ж", &st, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(strstr(err.msg, "ж") != NULL);
    /* Zhuyin keys are found by code and by label. */
    ks_keyboard_set_layout(kb, "zhuyin", NULL);
    ks_kb_step a, b;
    KS_CHECK(ks_keyboard_route(kb, "s", &a, &err) == KS_OK);
    KS_CHECK(ks_keyboard_route(kb, "ㄋ", &b, &err) == KS_OK);
    KS_CHECK(a.x == b.x && a.y == b.y && a.final);
    ks_keyboard_destroy(kb);
}

static void test_ime_layout_without_engine_types_latin(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    ks_keyboard_set_layout(kb, "pinyin", NULL);
    KS_CHECK(type_str(kb, "nihao") == 0);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "nihao");
    KS_CHECK_STR(ks_keyboard_preedit(kb, NULL), "");
    KS_CHECK(ks_keyboard_candidate_count(kb) == 0);
    ks_keyboard_destroy(kb);
}

static void test_reset_forgets_everything(void)
{
    ks_keyboard *kb = make_kb(NULL, NULL, W, H, 96);
    field f = {0};
    int sx, sy;
    type_str(kb, "secret");
    target_centre(kb, find_target(kb, "shift", NULL), &sx, &sy);
    tap(kb, sx, sy);
    ks_keyboard_pad(kb, KS_KB_PAD_RIGHT, g_t);
    ks_keyboard_set_layout(kb, "symbols", NULL);
    ks_keyboard_reset(kb);
    drain(kb, &f);
    KS_CHECK_STR(f.text, ""); /* queued events dropped */
    KS_CHECK_STR(ks_keyboard_layout(kb), "en");
    KS_CHECK(ks_keyboard_shift_state(kb) == 0);
    KS_CHECK(ks_keyboard_focus(kb) == -1);
    KS_CHECK(!ks_keyboard_is_shown(kb));
    KS_CHECK(ks_keyboard_visible_height(kb, g_t) == 0);
    ks_keyboard_destroy(kb);
}

/* ---- input methods ------------------------------------------------------ */

static void test_ime_layouts_type_latin_while_deploying_then_convert(void)
{
    ks_error err = {0};
    KS_REQUIRE(ks_ime_create(g_suite_dir, &g_ime, &err) == KS_OK);
    ks_keyboard *kb = make_kb(g_ime, NULL, W, H, 96);
    field f = {0};
    ks_keyboard_set_layout(kb, "pinyin", NULL);
    if (ks_ime_get_state(g_ime) == KS_IME_DEPLOYING) {
        KS_CHECK(ks_keyboard_next_wake(kb, g_t) <= g_t + 100); /* polls for readiness */
        type_str(kb, "ok");
        drain(kb, &f);
        KS_CHECK_STR(f.text, "ok");
    }
    shared_ime();
    ks_keyboard_tick(kb, g_t);
    KS_CHECK(ks_keyboard_needs_redraw(kb, g_t));
    f.text[0] = '\0';
    KS_CHECK(type_str(kb, "nihao") == 0);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "");
    KS_CHECK(f.preedits >= 5);
    size_t caret = 0;
    KS_CHECK_STR(ks_keyboard_preedit(kb, &caret), "ni hao");
    KS_CHECK(caret == 6);
    int x, y;
    KS_REQUIRE(ks_keyboard_candidate_center(kb, 1, &x, &y, &err) == KS_OK);
    tap(kb, x, y);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "你好");
    KS_CHECK_STR(ks_keyboard_preedit(kb, NULL), "");
    KS_CHECK(ks_keyboard_candidate_center(kb, 1, &x, &y, &err) == KS_ERR_NOT_FOUND);
    ks_keyboard_destroy(kb);
}

static void test_zhuyin_and_cangjie_by_taps(void)
{
    ks_keyboard *kb = make_kb(shared_ime(), NULL, W, H, 96);
    ks_error err = {0};
    field f = {0};
    int x, y;
    ks_keyboard_set_layout(kb, "zhuyin", NULL);
    KS_CHECK(type_str(kb, "ㄋㄧˇㄏㄠˇ") == 0);
    KS_CHECK_STR(ks_keyboard_preedit(kb, NULL), "ㄋㄧˇ ㄏㄠˇ");
    KS_REQUIRE(ks_keyboard_candidate_center(kb, 1, &x, &y, &err) == KS_OK);
    tap(kb, x, y);
    /* Full-width punctuation key: commits the composition, then the mark. */
    KS_CHECK(type_str(kb, "su3") == 0);
    tap_action(kb, "char", "，");
    /* Enter with a composition commits the conversion and does not submit. */
    KS_CHECK(type_str(kb, "cl3") == 0);
    tap_action(kb, "enter", NULL);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "你好你，好");
    KS_CHECK(f.enters == 0);
    tap_action(kb, "enter", NULL);
    drain(kb, &f);
    KS_CHECK(f.enters == 1);

    ks_keyboard_set_layout(kb, "cangjie", NULL);
    KS_CHECK(type_str(kb, "ab") == 0);
    KS_CHECK_STR(ks_keyboard_preedit(kb, NULL), "日月");
    /* Backspace edits the composition, not the field. */
    tap_action(kb, "backspace", NULL);
    KS_CHECK_STR(ks_keyboard_preedit(kb, NULL), "日");
    KS_CHECK(type_str(kb, "b") == 0);
    KS_REQUIRE(ks_keyboard_candidate_center(kb, 1, &x, &y, &err) == KS_OK);
    tap(kb, x, y);
    tap_action(kb, "backspace", NULL);
    tap_action(kb, "backspace", NULL);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "你好你，");
    /* Switching layout keeps what was being composed. */
    KS_CHECK(type_str(kb, "onf") == 0);
    ks_keyboard_set_layout(kb, "en", NULL);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "你好你，你");
    KS_CHECK_STR(ks_keyboard_preedit(kb, NULL), "");
    ks_keyboard_destroy(kb);
}

static void test_candidate_bar_pages_through_windows_and_rime_pages(void)
{
    ks_keyboard *kb = make_kb(shared_ime(), NULL, 1080, 1920, 96);
    ks_error err = {0};
    field f = {0};
    ks_keyboard_set_layout(kb, "pinyin", NULL);
    KS_CHECK(type_str(kb, "shi") == 0);
    int shown = ks_keyboard_candidate_count(kb);
    KS_CHECK(shown >= 3);
    int prev = find_target(kb, "page", "previous"), next = find_target(kb, "page", "next");
    KS_REQUIRE(prev >= 0 && next >= 0);
    ks_kb_target first;
    ks_keyboard_target_get(kb, (size_t)find_target(kb, "candidate", NULL), &first);
    char first_label[64];
    snprintf(first_label, sizeof first_label, "%s", first.label);
    /* Forward through 20 windows: the labels change, pages turn. */
    for (int i = 0; i < 20; i++)
        tap_action(kb, "page", "next");
    ks_ime_view v;
    ks_ime_get_view(shared_ime(), &v);
    KS_CHECK(v.page_no >= 1);
    for (int i = 0; i < 20; i++)
        tap_action(kb, "page", "previous");
    ks_ime_get_view(shared_ime(), &v);
    KS_CHECK(v.page_no == 0);
    ks_keyboard_target_get(kb, (size_t)find_target(kb, "candidate", NULL), &first);
    KS_CHECK_STR(first.label, first_label);
    /* LB/RB page too while candidates show. */
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_RB, g_t) == 1);
    KS_CHECK_STR(ks_keyboard_layout(kb), "pinyin");
    ks_keyboard_target_get(kb, (size_t)find_target(kb, "candidate", NULL), &first);
    KS_CHECK(strcmp(first.label, first_label) != 0);
    char picked[64];
    snprintf(picked, sizeof picked, "%s", first.label);
    int x, y;
    KS_REQUIRE(ks_keyboard_candidate_center(kb, 1, &x, &y, &err) == KS_OK);
    tap(kb, x, y);
    drain(kb, &f);
    KS_CHECK_STR(f.text, picked);
    ks_keyboard_destroy(kb);
}

static void test_dwell_and_gamepad_pick_candidates(void)
{
    ks_keyboard *kb = make_kb(shared_ime(), NULL, W, H, 96);
    ks_error err = {0};
    field f = {0};
    ks_keyboard_set_layout(kb, "pinyin", NULL);
    KS_REQUIRE(ks_keyboard_set_dwell(kb, 600, &err) == KS_OK);
    type_str(kb, "mima");
    int x, y;
    KS_REQUIRE(ks_keyboard_candidate_center(kb, 1, &x, &y, &err) == KS_OK);
    uint64_t t0 = g_t;
    for (uint64_t t = t0; t < t0 + 3000; t += 50) {
        ks_keyboard_hover(kb, x, y, t);
        ks_keyboard_tick(kb, t);
    }
    drain(kb, &f);
    KS_CHECK_STR(f.text, "密码");
    ks_keyboard_hover_leave(kb);
    g_t = t0 + 3000;
    /* Gamepad: up from the keys reaches the bar. */
    type_str(kb, "kefu");
    ks_keyboard_focus_enter(kb);
    KS_CHECK(ks_keyboard_pad(kb, KS_KB_PAD_UP, g_t) == 1);
    ks_kb_target t;
    ks_keyboard_target_get(kb, (size_t)ks_keyboard_focus(kb), &t);
    KS_CHECK(t.kind == KS_KB_TARGET_CANDIDATE || t.kind == KS_KB_TARGET_PAGE_PREV);
    while (t.kind != KS_KB_TARGET_CANDIDATE && ks_keyboard_pad(kb, KS_KB_PAD_RIGHT, g_t))
        ks_keyboard_target_get(kb, (size_t)ks_keyboard_focus(kb), &t);
    KS_CHECK_STR(t.label, "客服");
    ks_keyboard_pad(kb, KS_KB_PAD_A, g_t);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "密码客服");
    ks_keyboard_destroy(kb);
}

static void test_reset_clears_the_composition(void)
{
    ks_keyboard *kb = make_kb(shared_ime(), NULL, W, H, 96);
    field f = {0};
    ks_keyboard_set_layout(kb, "pinyin", NULL);
    type_str(kb, "wangjimima");
    KS_CHECK(strlen(ks_keyboard_preedit(kb, NULL)) > 0);
    ks_keyboard_reset(kb);
    drain(kb, &f);
    KS_CHECK_STR(f.text, "");
    KS_CHECK_STR(ks_keyboard_layout(kb), "en");
    ks_keyboard_set_layout(kb, "pinyin", NULL);
    KS_CHECK_STR(ks_keyboard_preedit(kb, NULL), "");
    KS_CHECK(ks_keyboard_candidate_count(kb) == 0);
    ks_keyboard_destroy(kb);
}

/* ---- rendering ---------------------------------------------------------- */

typedef struct canvas {
    SDL_Surface *s;
    SDL_Renderer *r;
    ks_text *text;
    ks_ui *ui;
    ks_theme *theme;
} canvas;

static int canvas_open(canvas *c, int w, int h)
{
    ks_error err = {0};
    memset(c, 0, sizeof *c);
    c->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    c->r = c->s ? SDL_CreateSoftwareRenderer(c->s) : NULL;
    if (!c->r) return -1;
    if (ks_text_create(c->r, &c->text, &err) || ks_ui_create(c->r, c->text, &c->ui, &err)) {
        fprintf(stderr, "  %s\n", err.msg);
        return -1;
    }
    c->theme = ks_theme_builtin(0);
    ks_ui_configure(c->ui, c->theme, w, h, 96, 0);
    return 0;
}

static void canvas_close(canvas *c)
{
    ks_ui_destroy(c->ui);
    ks_text_destroy(c->text);
    ks_theme_free(c->theme);
    if (c->r) SDL_DestroyRenderer(c->r);
    if (c->s) SDL_FreeSurface(c->s);
}

static void frame(canvas *c, ks_keyboard *kb, uint64_t now)
{
    ks_ui_invalidate_all(c->ui);
    KS_REQUIRE(ks_ui_begin_frame(c->ui));
    const ks_theme_colors *col = ks_ui_colors(c->ui);
    ks_ui_fill(c->ui, (SDL_Rect){0, 0, c->s->w, c->s->h}, col->background);
    /* A stand-in for the focused search field, to judge the composition. */
    int fy = c->s->h - ks_keyboard_visible_height(kb, now) - 140;
    ks_ui_round_rect(c->ui, (SDL_Rect){60, fy, c->s->w - 120, 96}, 20, col->surface);
    size_t caret;
    const char *pre = ks_keyboard_preedit(kb, &caret);
    ks_text_style st = ks_ui_style(c->ui, KS_TYPE_SUBTITLE, 0, col->text);
    ks_ui_text(c->ui, *pre ? pre : "How do I reset my PIN?", &st, 100, fy + 26, c->s->w - 200, 1,
               KS_ALIGN_LEFT, 255, NULL, NULL);
    ks_keyboard_draw(kb, c->ui, now);
    ks_ui_end_frame(c->ui);
}

static void save(canvas *c, const char *name)
{
    char dir[600], path[700];
    const char *b = getenv("KS_BUILD_DIR");
    snprintf(dir, sizeof dir, "%s/golden/keyboard", b ? b : ks_test_tmpdir());
    ks_path_mkdirs(dir, NULL);
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    KS_CHECK_MSG(IMG_SavePNG(c->s, path) == 0, "%s: %s", path, IMG_GetError());
}

static SDL_Color pixel(canvas *c, int x, int y)
{
    Uint32 p = ((Uint32 *)c->s->pixels)[y * (c->s->pitch / 4) + x];
    SDL_Color col;
    SDL_GetRGBA(p, c->s->format, &col.r, &col.g, &col.b, &col.a);
    return col;
}

static int same(SDL_Color a, SDL_Color b)
{
    return abs(a.r - b.r) + abs(a.g - b.g) + abs(a.b - b.b) <= 6;
}

static void test_renders_every_layout_landscape_and_portrait(void)
{
    static const int sizes[2][2] = {{1920, 1080}, {1080, 1920}};
    for (int s = 0; s < 2; s++) {
        canvas c;
        KS_REQUIRE(canvas_open(&c, sizes[s][0], sizes[s][1]) == 0);
        ks_keyboard *kb = make_kb(shared_ime(), c.text, sizes[s][0], sizes[s][1], 96);
        ks_keyboard_set_enter_search(kb, 1);
        const ks_theme_colors *col = ks_ui_colors(c.ui);
        ks_ui_text_element el;
        for (size_t li = 0; li < ks_keyboard_layout_count(kb); li++) {
            const char *name = ks_keyboard_layout_name(kb, li);
            ks_keyboard_set_layout(kb, name, NULL);
            ks_keyboard_tick(kb, g_t);
            frame(&c, kb, g_t);
            char fn[128];
            snprintf(fn, sizeof fn, "%s_%dx%d", name, sizes[s][0], sizes[s][1]);
            save(&c, fn);
            /* The panel is drawn in its colour, keys in theirs. */
            SDL_Rect p = ks_keyboard_rect(kb);
            KS_CHECK(same(pixel(&c, p.x + 2, p.y + p.h - 2), col->keyboard_bg));
            ks_kb_target t;
            ks_keyboard_target_get(kb, 0, &t);
            KS_CHECK_MSG(same(pixel(&c, t.rect.x + t.rect.w / 5, t.rect.y + t.rect.h - 5), col->key),
                         "%s: first key not in the key colour", name);
            /* Its label is drawn: some pixels inside differ from the key. */
            int ink = 0;
            for (int y = t.rect.y + 4; y < t.rect.y + t.rect.h - 4; y++)
                for (int x = t.rect.x + 4; x < t.rect.x + t.rect.w - 4; x++)
                    if (!same(pixel(&c, x, y), col->key)) ink++;
            KS_CHECK_MSG(ink > 20, "%s: no label ink on the first key", name);
            KS_CHECK(ks_ui_text_find(c.ui, t.label, &el) == 0 || strcmp(t.action, "char") != 0);
            /* Every label's ink sits in the middle of its key (tone marks
             * and punctuation are drawn high or low in their em box). */
            for (size_t i = 0; i < ks_keyboard_target_count(kb); i++) {
                ks_keyboard_target_get(kb, i, &t);
                if (strcmp(t.action, "char") != 0) continue;
                long sum = 0, cnt = 0;
                for (int y = t.rect.y + 3; y < t.rect.y + t.rect.h - 3; y++)
                    for (int x = t.rect.x + t.rect.w / 5; x < t.rect.x + t.rect.w * 7 / 10; x++)
                        if (!same(pixel(&c, x, y), col->key)) {
                            sum += y - t.rect.y;
                            cnt++;
                        }
                double cy = cnt ? (double)sum / (double)cnt / t.rect.h : 0;
                KS_CHECK_MSG(cnt > 0 && cy > 0.3 && cy < 0.7,
                             "%s: label \"%s\" ink centre at %.2f of the key", name, t.label, cy);
            }
        }
        ks_keyboard_destroy(kb);
        canvas_close(&c);
    }
}

static void test_renders_states_preview_popup_candidates_focus_dwell(void)
{
    canvas c;
    ks_error err = {0};
    KS_REQUIRE(canvas_open(&c, W, H) == 0);
    ks_keyboard *kb = make_kb(shared_ime(), c.text, W, H, 96);
    const ks_theme_colors *col = ks_ui_colors(c.ui);
    ks_ui_text_element el;
    int x, y;

    /* Key preview while a finger is on "g". */
    target_centre(kb, find_target(kb, "char", "g"), &x, &y);
    ks_keyboard_pointer_down(kb, 1, x, y, g_t);
    frame(&c, kb, g_t);
    save(&c, "state_preview");
    ks_kb_target t;
    ks_keyboard_target_get(kb, (size_t)find_target(kb, "char", "g"), &t);
    KS_CHECK(same(pixel(&c, t.rect.x + 6, t.rect.y + t.rect.h - 6), col->key_pressed));
    /* The bubble above repeats the label, larger. */
    int gs = 0;
    for (size_t i = 0; i < ks_ui_text_count(c.ui); i++)
        if (ks_ui_text_get(c.ui, i, &el) == 0 && strcmp(el.text, "g") == 0) {
            gs++;
            if (el.rect.y + el.rect.h <= t.rect.y) KS_CHECK(el.rect.h > t.rect.h / 3);
        }
    KS_CHECK(gs == 2);
    /* What to invalidate covers the bubble above the panel, and after the
     * release still covers it once, so the app's screen is redrawn there. */
    SDL_Rect panel = ks_keyboard_rect(kb), rr = ks_keyboard_redraw_rect(kb, g_t);
    KS_CHECK(rr.y < panel.y && rr.y + rr.h >= panel.y + panel.h);
    KS_CHECK(!ks_keyboard_needs_redraw(kb, g_t));
    ks_keyboard_pointer_up(kb, 1, x, y, g_t + 30);
    KS_CHECK(ks_keyboard_needs_redraw(kb, g_t + 30));
    frame(&c, kb, g_t + 30);
    rr = ks_keyboard_redraw_rect(kb, g_t + 30);
    KS_CHECK(rr.y < panel.y);
    frame(&c, kb, g_t + 40);
    rr = ks_keyboard_redraw_rect(kb, g_t + 40);
    KS_CHECK(rr.y == panel.y); /* nothing above any more */
    g_t += 100;

    /* Alternates of "e" with the second one chosen. */
    target_centre(kb, find_target(kb, "char", "e"), &x, &y);
    ks_keyboard_pointer_down(kb, 1, x, y, g_t);
    ks_keyboard_tick(kb, g_t + 600);
    ks_kb_step st;
    KS_REQUIRE(ks_keyboard_route(kb, "è", &st, &err) == KS_OK);
    ks_keyboard_pointer_move(kb, 1, st.alt_x, st.alt_y, g_t + 650);
    frame(&c, kb, g_t + 650);
    save(&c, "state_popup");
    KS_CHECK(same(pixel(&c, st.alt_x - 20, st.alt_y + 20), col->primary));
    ks_keyboard_pointer_cancel(kb);
    g_t += 1000;

    /* Caps lock and the gamepad focus ring. */
    target_centre(kb, find_target(kb, "shift", NULL), &x, &y);
    tap(kb, x, y);
    tap(kb, x, y);
    ks_keyboard_focus_enter(kb);
    ks_keyboard_pad(kb, KS_KB_PAD_DOWN, g_t);
    frame(&c, kb, g_t);
    save(&c, "state_caps_focus");
    KS_CHECK(ks_ui_text_find(c.ui, "Q", &el) == 0);

    /* Pinyin with candidates, dwell ring half way on "n". */
    ks_keyboard_set_layout(kb, "pinyin", NULL);
    ks_keyboard_focus_clear(kb);
    type_str(kb, "nihao");
    KS_REQUIRE(ks_keyboard_set_dwell(kb, 600, &err) == KS_OK);
    target_centre(kb, find_target(kb, "char", "n"), &x, &y);
    ks_keyboard_hover(kb, x, y, g_t);
    frame(&c, kb, g_t + 300);
    save(&c, "state_pinyin_candidates_dwell");
    KS_CHECK(ks_ui_text_find(c.ui, "你好", &el) == 0);
    ks_keyboard_hover_leave(kb);
    ks_keyboard_set_dwell(kb, 0, NULL);

    /* Zhuyin composing, cangjie composing. */
    ks_keyboard_set_layout(kb, "zhuyin", NULL);
    type_str(kb, "5j/");
    frame(&c, kb, g_t);
    save(&c, "state_zhuyin_candidates");
    KS_CHECK(ks_ui_text_find(c.ui, "中", &el) == 0);
    ks_keyboard_set_layout(kb, "cangjie", NULL);
    type_str(kb, "ab");
    frame(&c, kb, g_t);
    save(&c, "state_cangjie_candidates");
    KS_CHECK(ks_ui_text_find(c.ui, "明", &el) == 0);

    /* Half way through sliding in. */
    ks_keyboard_reset(kb);
    ks_keyboard_show(kb, g_t);
    frame(&c, kb, g_t + 60);
    save(&c, "state_sliding");
    SDL_Rect p = ks_keyboard_rect(kb);
    KS_CHECK(same(pixel(&c, p.x + 2, p.y + 2), col->background)); /* not there yet */
    ks_keyboard_destroy(kb);
    canvas_close(&c);
}

int main(void)
{
    char tmpl[] = "/tmp/ks-test-kb-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    snprintf(g_suite_dir, sizeof g_suite_dir, "%s", tmpl);

    KS_RUN(test_shipped_layouts_all_load);
    KS_RUN(test_layout_errors_name_file_and_key);
    KS_RUN(test_layout_directory_errors);
    KS_RUN(test_keys_are_at_least_9mm_landscape_and_portrait);
    KS_RUN(test_area_too_small_for_9mm_keys_is_refused);
    KS_RUN(test_typing_english_by_taps_with_shift);
    KS_RUN(test_shift_is_one_shot_and_double_tap_locks_caps);
    KS_RUN(test_long_press_opens_alternates);
    KS_RUN(test_backspace_repeats_after_delay);
    KS_RUN(test_first_finger_wins_and_sliding_off_cancels);
    KS_RUN(test_dwell_presses_exactly_once_until_the_pointer_leaves);
    KS_RUN(test_gamepad_reaches_and_presses_every_key);
    KS_RUN(test_layout_keys_and_ime_cycle);
    KS_RUN(test_slides_in_and_out_within_250ms);
    KS_RUN(test_route_finds_keys_across_layouts);
    KS_RUN(test_ime_layout_without_engine_types_latin);
    KS_RUN(test_reset_forgets_everything);
    KS_RUN(test_ime_layouts_type_latin_while_deploying_then_convert);
    KS_RUN(test_zhuyin_and_cangjie_by_taps);
    KS_RUN(test_candidate_bar_pages_through_windows_and_rime_pages);
    KS_RUN(test_dwell_and_gamepad_pick_candidates);
    KS_RUN(test_reset_clears_the_composition);
    KS_RUN(test_renders_every_layout_landscape_and_portrait);
    KS_RUN(test_renders_states_preview_popup_candidates_focus_dwell);

    ks_ime_destroy(g_ime);
    ks_path_remove_tree(g_suite_dir, NULL);
    return ks_test_summary();
}
