/*
 * bench_text.c - figures for the text engine on the software renderer
 * (the headless harness's path): first layout and first draw of a CJK
 * paragraph, cached draws, label throughput, cache memory, and the
 * process RSS with the CJK fonts loaded. Prints figures; never fails on
 * time.
 *
 *   bench_text [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "ks/font.h"
#include "ks/text.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* VmRSS and VmHWM of this process in kB. */
static void rss(long *cur, long *peak)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    *cur = *peak = -1;
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) *cur = strtol(line + 6, NULL, 10);
        if (strncmp(line, "VmHWM:", 6) == 0) *peak = strtol(line + 6, NULL, 10);
    }
    fclose(f);
}

static void print_rss(const char *what)
{
    long cur, peak;
    rss(&cur, &peak);
    printf("  %-46s RSS %6.1f MB  (peak %6.1f MB)\n", what, (double)cur / 1024.0, (double)peak / 1024.0);
}

static const char *const CJK_PARA =
    "新卡寄出后一般七个工作日内送达（偏远地区可能需要更长时间）。如果十天后仍未收到，请拨打客服热线挂失，"
    "并在“我的卡片”中申请补办。补办期间，您仍可以使用手机银行进行转账、缴费和查询余额等操作；如需现金，"
    "请携带有效身份证件到任一网点柜台办理。为保障您的资金安全，请勿将密码告诉任何人，工作人员也不会向您索取"
    "密码。若发现卡片被盗用，请立即冻结账户并报警处理。感谢您的耐心与理解，祝您生活愉快！";

static const char *const CJK_PARA_TC =
    "新卡寄出後一般七個工作日內送達（偏遠地區可能需要更長時間）。如果十天後仍未收到，請撥打客服熱線掛失，"
    "並在「我的卡片」中申請補辦。補辦期間，您仍可以使用手機銀行進行轉帳、繳費和查詢餘額等操作；如需現金，"
    "請攜帶有效身分證件到任一分行櫃檯辦理。為保障您的資金安全，請勿將密碼告訴任何人。";

static const char *const LATIN_PARA =
    "When will my new card arrive? Cards are usually delivered within seven working days. If your card has "
    "not arrived after ten days, call the support line to block it and order a replacement. Meanwhile you "
    "can still use mobile banking for transfers, bills and balance checks; for cash, bring a valid ID to any "
    "branch counter. Never tell anyone your PIN: our staff will never ask for it.";

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    int reps = quick ? 200 : 2000;
    printf("bench_text: text engine on the software renderer (1920x1080)\n");
    print_rss("start");

    SDL_Surface *screen = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = screen ? SDL_CreateSoftwareRenderer(screen) : NULL;
    if (!r) {
        fprintf(stderr, "bench_text: no software renderer: %s\n", SDL_GetError());
        return 1;
    }
    print_rss("1920x1080 software renderer");

    ks_text *t = NULL;
    ks_error err = {0};
    double t0 = now_ms();
    if (ks_text_create(r, &t, &err) != KS_OK) {
        fprintf(stderr, "bench_text: %s\n", err.msg);
        return 1;
    }
    printf("  engine created (fontconfig lookups)          %8.2f ms\n", now_ms() - t0);
    print_rss("engine created, no font open yet");

    /* 1. A CJK paragraph: first layout (fonts open, glyph metrics), first
     * draw (rasterising every glyph), then cached draws. */
    ks_text_style zh = {26, 0, {20, 24, 32, 255}, "zh-Hans"};
    ks_text_layout *l = NULL;
    t0 = now_ms();
    if (ks_text_layout_plain(t, CJK_PARA, &zh, 1200, 0, KS_ALIGN_LEFT, &l, &err) != KS_OK) {
        fprintf(stderr, "bench_text: %s\n", err.msg);
        return 1;
    }
    double first_layout = now_ms() - t0;
    t0 = now_ms();
    ks_text_layout_draw(t, l, 40, 40, 255);
    double first_draw = now_ms() - t0;
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)CJK_PARA; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    printf("  CJK paragraph, %zu chars, 26 px, %zu lines:\n", chars, ks_text_layout_lines(l));
    printf("    first layout (cold fonts)                  %8.2f ms\n", first_layout);
    printf("    first draw (render %zu line textures)      %8.2f ms\n", ks_text_layout_lines(l), first_draw);
    t0 = now_ms();
    for (int i = 0; i < reps; i++)
        ks_text_layout_draw(t, l, 40, 40, 255);
    printf("    cached draw                                %8.3f ms\n", (now_ms() - t0) / reps);
    ks_text_layout_destroy(l);
    t0 = now_ms();
    ks_text_layout_plain(t, CJK_PARA, &zh, 900, 0, KS_ALIGN_LEFT, &l, &err);
    double relayout = now_ms() - t0;
    t0 = now_ms();
    ks_text_layout_draw(t, l, 40, 40, 255);
    printf("    layout again at another width (warm)       %8.2f ms\n", relayout);
    printf("    draw again (re-render)                     %8.2f ms\n", now_ms() - t0);
    ks_text_layout_destroy(l);

    /* 2. Traditional and Latin paragraphs. */
    ks_text_style tc = {26, 0, {20, 24, 32, 255}, "zh-Hant"};
    t0 = now_ms();
    ks_text_layout_plain(t, CJK_PARA_TC, &tc, 1200, 0, KS_ALIGN_LEFT, &l, &err);
    double tc_layout = now_ms() - t0;
    t0 = now_ms();
    ks_text_layout_draw(t, l, 40, 300, 255);
    printf("  zh-Hant paragraph: first layout %.2f ms, first draw %.2f ms\n", tc_layout, now_ms() - t0);
    ks_text_layout_destroy(l);
    ks_text_style en = {24, 0, {20, 24, 32, 255}, "en"};
    t0 = now_ms();
    ks_text_layout_plain(t, LATIN_PARA, &en, 1200, 0, KS_ALIGN_LEFT, &l, &err);
    double en_layout = now_ms() - t0;
    t0 = now_ms();
    ks_text_layout_draw(t, l, 40, 500, 255);
    printf("  English paragraph: first layout %.2f ms, first draw %.2f ms\n", en_layout, now_ms() - t0);
    ks_text_layout_destroy(l);

    /* 3. A screen of labels through ks_text_draw: 60 labels, both scripts,
     * four sizes and bold: first frame, then cached frames. */
    static const char *const words[] = {"银行卡",    "Cards",    "帳戶", "Accounts", "转账汇款",
                                        "Transfers", "常見問題", "Help", "联系我们", "Contact"};
    char label[128];
    t0 = now_ms();
    for (int i = 0; i < 60; i++) {
        ks_text_style st = {18 + (i % 4) * 8, i % 3 == 0, {20, 24, 32, 255}, i % 2 ? "zh-Hant" : "zh-Hans"};
        snprintf(label, sizeof label, "%s %d", words[i % 10], i);
        ks_text_draw(t, label, &st, (i % 6) * 300, (i / 6) * 100, 280, 1, KS_ALIGN_CENTER, 255, NULL, NULL);
    }
    double first_frame = now_ms() - t0;
    t0 = now_ms();
    int frames = quick ? 50 : 500;
    for (int f = 0; f < frames; f++) {
        for (int i = 0; i < 60; i++) {
            ks_text_style st = {
                18 + (i % 4) * 8, i % 3 == 0, {20, 24, 32, 255}, i % 2 ? "zh-Hant" : "zh-Hans"};
            snprintf(label, sizeof label, "%s %d", words[i % 10], i);
            ks_text_draw(t, label, &st, (i % 6) * 300, (i / 6) * 100, 280, 1, KS_ALIGN_CENTER, 255, NULL,
                         NULL);
        }
    }
    double cached_frame = (now_ms() - t0) / frames;
    ks_text_stats s;
    ks_text_get_stats(t, &s);
    printf("  60 labels (4 sizes, bold, SC+TC): first frame %.2f ms, cached frame %.3f ms (%.1f us/label)\n",
           first_frame, cached_frame, cached_frame * 1000.0 / 60.0);
    printf("  label cache: %zu layouts, %.1f KB of textures, %zu hits, %zu misses\n", s.cached_layouts,
           (double)s.cached_bytes / 1024.0, s.hits, s.misses);
    printf("  open fonts: %zu (caps: 16, of which 8 CJK)\n", ks_fonts_open_count(ks_text_fonts(t)));
    print_rss("after paragraphs and labels (fonts loaded)");

    char cjk_path[1024];
    int cjk_index = 0;
    snprintf(cjk_path, sizeof cjk_path, "%s",
             ks_fonts_face_file(ks_text_fonts(t), KS_FACE_CJK_SC, 0, &cjk_index));
    ks_text_flush_cache(t);
    print_rss("after ks_text_flush_cache");
    ks_text_destroy(t);
    print_rss("after ks_text_destroy (freed heap stays mapped)");

    /* 4. Why a table of fonts and not TTF_SetFontSize: a size switch
     * flushes the glyph cache, so alternating two sizes re-rasterises. */
    {
        const char *path = cjk_path;
        int idx = cjk_index;
        TTF_Init(); /* the engine's TTF_Quit closed SDL_ttf */
        TTF_Font *one = TTF_OpenFontIndex(path, 20, idx);
        TTF_Font *a = TTF_OpenFontIndex(path, 20, idx), *b = TTF_OpenFontIndex(path, 28, idx);
        SDL_Color ink = {0, 0, 0, 255};
        int n = quick ? 50 : 300;
        if (one && a && b) {
            t0 = now_ms();
            for (int i = 0; i < n; i++) {
                TTF_SetFontSize(one, i % 2 ? 28 : 20);
                SDL_FreeSurface(TTF_RenderUTF8_Blended(one, "确认取消返回", ink));
            }
            double sw = (now_ms() - t0) / n;
            t0 = now_ms();
            for (int i = 0; i < n; i++)
                SDL_FreeSurface(TTF_RenderUTF8_Blended(i % 2 ? b : a, "确认取消返回", ink));
            double tb = (now_ms() - t0) / n;
            printf("  6-ideograph label alternating 20/28 px: TTF_SetFontSize %.3f ms, two fonts %.3f ms\n",
                   sw, tb);
        }
        TTF_CloseFont(one);
        TTF_CloseFont(a);
        TTF_CloseFont(b);
        TTF_Quit();
    }

    SDL_DestroyRenderer(r);
    SDL_FreeSurface(screen);
    return 0;
}
