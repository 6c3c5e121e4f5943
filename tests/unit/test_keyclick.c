/*
 * test_keyclick.c - the key-click sound: its shape (short, soft, decaying,
 * no pop at either end), bounds of the renderer, and playing it through
 * SDL's dummy audio driver.
 */
#include <stdlib.h>
#include <string.h>

#include "ks/keyclick.h"
#include "test.h"

static void test_click_is_short_soft_and_decays_without_pops(void)
{
    int16_t buf[4096];
    size_t n = ks_keyclick_render(buf, 4096, 48000);
    KS_CHECK(n == 720); /* 15 ms */
    int peak = 0;
    double e_first = 0, e_last = 0;
    for (size_t i = 0; i < n; i++) {
        int a = abs(buf[i]);
        if (a > peak) peak = a;
        if (i < n / 4) e_first += (double)buf[i] * buf[i];
        if (i >= n * 3 / 4) e_last += (double)buf[i] * buf[i];
    }
    KS_CHECK(peak > 32767 / 10 && peak < 32767 / 2); /* audible, never loud */
    KS_CHECK(e_last < e_first * 0.01);
    KS_CHECK(abs(buf[0]) < 200);    /* soft attack */
    KS_CHECK(abs(buf[n - 1]) < 50); /* fades to silence */
}

static void test_render_respects_its_bounds(void)
{
    int16_t buf[100];
    memset(buf, 0x7f, sizeof buf);
    KS_CHECK(ks_keyclick_render(buf, 10, 48000) == 10);
    KS_CHECK(buf[10] == 0x7f7f); /* nothing written past max */
    KS_CHECK(ks_keyclick_render(buf, 100, 0) == 0);
    KS_CHECK(ks_keyclick_render(buf, 100, -1) == 0);
    KS_CHECK(ks_keyclick_render(NULL, 100, 48000) == 0);
    KS_CHECK(ks_keyclick_render(buf, 100, 8000) == 100); /* 15 ms at 8 kHz is 120: cut */
}

static void test_plays_on_the_dummy_audio_driver(void)
{
    ks_keyclick *k = NULL;
    ks_error err = {0};
    ks_status st = ks_keyclick_create(&k, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    for (int i = 0; i < 5; i++)
        ks_keyclick_play(k); /* rapid presses cut each other off */
    ks_keyclick_destroy(k);
    ks_keyclick_play(NULL);
    ks_keyclick_destroy(NULL);
}

int main(void)
{
    KS_RUN(test_click_is_short_soft_and_decays_without_pops);
    KS_RUN(test_render_respects_its_bounds);
    KS_RUN(test_plays_on_the_dummy_audio_driver);
    return ks_test_summary();
}
