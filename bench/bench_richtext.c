/*
 * bench_richtext.c - prints how fast article bodies parse (the article
 * screen parses one per open; search snippets strip many), how long a
 * hostile 1 MiB body takes, and how long the config, UI strings and theme
 * take to load at start-up. Figures only; nothing here fails on time.
 *   usage: bench_richtext [ASSETS_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <dirent.h>

#include "ks/config.h"
#include "ks/file.h"
#include "ks/i18n.h"
#include "ks/path.h"
#include "ks/richtext.h"
#include "ks/theme.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Every article body of the bundled sample content. */
static char **load_bodies(const char *assets, size_t *n, size_t *bytes)
{
    char **bodies = NULL;
    *n = *bytes = 0;
    char *dir = ks_path_join(assets, "content/sample");
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0) continue;
        char *path = ks_path_join(dir, e->d_name);
        char *text = NULL;
        size_t len = 0;
        if (path && ks_file_read_all(path, 64 << 20, &text, &len, NULL) == KS_OK) {
            cJSON *root = cJSON_ParseWithLength(text, len);
            const cJSON *a;
            cJSON_ArrayForEach(a, cJSON_GetObjectItem(root, "articles")) {
                const cJSON *b = cJSON_GetObjectItem(a, "body");
                if (!cJSON_IsString(b)) continue;
                char **grown = realloc(bodies, (*n + 1) * sizeof *grown);
                if (!grown) break;
                bodies = grown;
                bodies[(*n)++] = strdup(b->valuestring);
                *bytes += strlen(b->valuestring);
            }
            cJSON_Delete(root);
        }
        free(text);
        free(path);
    }
    if (d) closedir(d);
    free(dir);
    return bodies;
}

int main(int argc, char **argv)
{
    char *assets = NULL;
    if (argc > 1) assets = strdup(argv[1]);
    else if (ks_config_find_assets_dir(&assets, NULL) != KS_OK) {
        fprintf(stderr, "bench_richtext: no assets directory; pass one\n");
        return 1;
    }
    size_t n = 0, bytes = 0;
    char **bodies = load_bodies(assets, &n, &bytes);
    if (n > 0) {
        const int rounds = 50;
        size_t blocks = 0;
        double t0 = now_ms();
        for (int r = 0; r < rounds; r++)
            for (size_t i = 0; i < n; i++) {
                ks_richtext *doc = NULL;
                if (ks_richtext_parse(bodies[i], strlen(bodies[i]), &doc, NULL) == KS_OK) blocks += doc->n_blocks;
                ks_richtext_free(doc);
            }
        double parse_ms = now_ms() - t0;
        t0 = now_ms();
        for (int r = 0; r < rounds; r++)
            for (size_t i = 0; i < n; i++) free(ks_richtext_strip(bodies[i], strlen(bodies[i])));
        double strip_ms = now_ms() - t0;
        printf("richtext parse: %zu sample bodies (%zu bytes, %zu blocks): %.1f us per body, %.0f MB/s\n", n,
               bytes, blocks / rounds, parse_ms * 1e3 / (rounds * n), bytes * rounds / (parse_ms * 1e3));
        printf("richtext strip: %.1f us per body\n", strip_ms * 1e3 / (rounds * n));
    } else {
        printf("richtext parse: no sample bodies found under %s/content/sample\n", assets);
    }
    for (size_t i = 0; i < n; i++) free(bodies[i]);
    free(bodies);

    /* The worst line we know: 1 MiB of unmatched brackets and stars. */
    size_t hn = 1 << 20;
    char *h = malloc(hn);
    if (h) {
        for (size_t i = 0; i < hn; i++) h[i] = "[*![(]**\\"[(i * 7) % 9];
        double t0 = now_ms();
        ks_richtext *doc = NULL;
        ks_richtext_parse(h, hn, &doc, NULL);
        printf("richtext hostile 1 MiB line: %.1f ms\n", now_ms() - t0);
        ks_richtext_free(doc);
        free(h);
    }

    double t0 = now_ms();
    ks_config *cfg = NULL;
    char *example = ks_path_join(assets, "kiosk.example.json");
    ks_status st = ks_config_load(example, &cfg, NULL);
    double cfg_ms = now_ms() - t0;
    t0 = now_ms();
    ks_i18n *i18n = NULL;
    char *i18n_dir = ks_path_join(assets, "i18n");
    const char *locales[] = {"en", "zh-Hans", "zh-Hant"};
    ks_i18n_load(i18n_dir, locales, 3, &i18n, NULL);
    double i18n_ms = now_ms() - t0;
    t0 = now_ms();
    ks_theme *theme = NULL;
    ks_theme_load_named(assets, "default", &theme, NULL);
    double theme_ms = now_ms() - t0;
    t0 = now_ms();
    volatile size_t sink = 0;
    for (int i = 0; i < 100000; i++) sink += strlen(ks_i18n_get(i18n, "zh-Hant", "results.no_match"));
    double get_us = (now_ms() - t0) * 1e3 / 100000;
    printf("start-up: config %.2f ms (%s), UI strings (3 locales) %.2f ms, theme %.2f ms\n", cfg_ms,
           st == KS_OK ? "ok" : "failed", i18n_ms, theme_ms);
    printf("ks_i18n_get (zh-Hant, key present): %.3f us\n", get_us);
    (void)sink;
    ks_theme_free(theme);
    ks_i18n_free(i18n);
    ks_config_free(cfg);
    free(i18n_dir);
    free(example);
    free(assets);
    return 0;
}
