/*
 * test_config.c - the JSON config loader: defaults, every key, and every
 * way a config can be wrong (each error names the file and the key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ks/config.h"
#include "test.h"

static char *write_file(const char *name, const char *text, size_t len)
{
    static char path[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(path[i], sizeof path[i], "%s/%s", ks_test_tmpdir(), name);
    FILE *f = fopen(path[i], "wb");
    if (!f) return NULL;
    fwrite(text, 1, len, f);
    fclose(f);
    return path[i];
}

/* Loads text written to kiosk.json; returns the status, fills cfg/err. */
static ks_status load_text(const char *text, ks_config **cfg, ks_error *err)
{
    const char *p = write_file("kiosk.json", text, strlen(text));
    if (!p) return KS_ERR_IO;
    ks_error_clear(err);
    return ks_config_load(p, cfg, err);
}

/* Parses text under the name "kiosk.json" (for exact messages). */
static ks_status parse_text(const char *text, ks_config **cfg, ks_error *err)
{
    ks_error_clear(err);
    return ks_config_parse(text, strlen(text), "kiosk.json", ks_test_tmpdir(), cfg, err);
}

static int has_warning(const ks_config *cfg, const char *needle)
{
    for (size_t i = 0; i < cfg->n_warnings; i++)
        if (strstr(cfg->warnings[i], needle)) return 1;
    return 0;
}

/* The config must fail with KS_ERR_INVALID and a message containing all
 * the given fragments. */
static void expect_invalid(const char *text, const char *frag1, const char *frag2)
{
    ks_config *cfg = NULL;
    ks_error err;
    ks_status st = parse_text(text, &cfg, &err);
    KS_CHECK_MSG(st == KS_ERR_INVALID, "status %s for %s", ks_status_name(st), text);
    KS_CHECK(cfg == NULL);
    KS_CHECK_MSG(strstr(err.msg, frag1) != NULL, "'%s' not in \"%s\"", frag1, err.msg);
    if (frag2) KS_CHECK_MSG(strstr(err.msg, frag2) != NULL, "'%s' not in \"%s\"", frag2, err.msg);
    ks_config_free(cfg);
}

static void test_defaults_without_a_file(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(ks_config_load(NULL, &cfg, &err) == KS_OK);
    KS_CHECK(cfg->source_path == NULL);
    KS_CHECK(cfg->data_dir == NULL);
    KS_REQUIRE(cfg->assets_dir != NULL);
    char probe[1200];
    snprintf(probe, sizeof probe, "%s/i18n/en.json", cfg->assets_dir);
    KS_CHECK(ks_path_exists(probe));
    KS_CHECK(cfg->support_api_url == NULL);
    KS_CHECK(cfg->content_pubkey == NULL);
    KS_CHECK(cfg->allow_insecure_http == 0);
    KS_CHECK(cfg->sync_interval_s == 900);
    KS_REQUIRE(cfg->n_locales == 3);
    KS_CHECK_STR(cfg->locales[0], "en");
    KS_CHECK_STR(cfg->locales[1], "zh-Hans");
    KS_CHECK_STR(cfg->locales[2], "zh-Hant");
    KS_CHECK_STR(cfg->default_locale, "en");
    KS_CHECK_STR(cfg->theme, "default");
    KS_CHECK(cfg->theme_path && strstr(cfg->theme_path, "themes/default.json"));
    KS_CHECK(cfg->large_text == 0);
    KS_CHECK(cfg->idle_timeout_s == 90);
    KS_CHECK(cfg->attract_after_s == 180);
    KS_CHECK(cfg->screen_dpi == 96);
    KS_CHECK(cfg->fullscreen == 1);
    KS_CHECK(cfg->window_w == 1280 && cfg->window_h == 800);
    KS_CHECK(cfg->log_level == KS_LOG_INFO);
    KS_CHECK(cfg->osk.enabled == 1 && cfg->osk.dwell_ms == 600 && cfg->osk.key_click == 0);
    KS_CHECK(!ks_config_has_pin(cfg));
    KS_CHECK(!ks_config_pin_ok(cfg, "1234"));
    KS_CHECK(cfg->n_warnings == 0);
    unsigned char key[32];
    KS_CHECK(ks_config_pubkey(cfg, key, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(strstr(err.msg, "content_pubkey") != NULL);
    ks_config_free(cfg);
}

static void test_every_key_is_read(void)
{
    KS_REQUIRE(ks_path_mkdirs(ks_test_tmpdir(), NULL) == KS_OK);
    char assets[1024];
    snprintf(assets, sizeof assets, "%s/assets", ks_test_src(""));
    char text[4096];
    snprintf(text, sizeof text,
             "{\"_comment\": \"a test kiosk\",\n"
             " \"data_dir\": \"state\",\n"
             " \"assets_dir\": \"%s\",\n"
             " \"support_api_url\": \"https://help.example.org/api/\",\n"
             " \"content_pubkey\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\",\n"
             " \"allow_insecure_http\": false,\n"
             " \"sync_interval_s\": 300,\n"
             " \"locales\": [\"zh-TW\", \"en-GB\"],\n"
             " \"default_locale\": \"zh-Hant\",\n"
             " \"theme\": \"high-contrast\",\n"
             " \"large_text\": true,\n"
             " \"idle_timeout_s\": 0,\n"
             " \"attract_after_s\": 45,\n"
             " \"screen_dpi\": 160,\n"
             " \"fullscreen\": false,\n"
             " \"window_size\": \"1080x1920\",\n"
             " \"log_level\": \"debug\",\n"
             " \"osk\": {\"enabled\": false, \"dwell_ms\": 800, \"key_click\": true},\n"
             " \"technician_pin\": \"024680\"}\n",
             assets);
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(load_text(text, &cfg, &err) == KS_OK);
    KS_CHECK(cfg->n_warnings == 0);
    KS_CHECK(cfg->source_path && strstr(cfg->source_path, "kiosk.json"));
    /* relative data_dir resolves against the config's directory */
    KS_CHECK(cfg->data_dir && cfg->data_dir[0] == '/' && strstr(cfg->data_dir, "/state"));
    KS_CHECK_STR(cfg->support_api_url, "https://help.example.org/api/");
    KS_CHECK(cfg->sync_interval_s == 300);
    KS_REQUIRE(cfg->n_locales == 2);
    KS_CHECK_STR(cfg->locales[0], "zh-Hant");
    KS_CHECK_STR(cfg->locales[1], "en");
    KS_CHECK_STR(cfg->default_locale, "zh-Hant");
    KS_CHECK(ks_config_has_locale(cfg, "zh-HK"));
    KS_CHECK(!ks_config_has_locale(cfg, "zh-Hans"));
    KS_CHECK(!ks_config_has_locale(cfg, "not a tag"));
    KS_CHECK(cfg->theme_path && strstr(cfg->theme_path, "themes/high-contrast.json"));
    KS_CHECK(cfg->large_text == 1);
    KS_CHECK(cfg->idle_timeout_s == 0);
    KS_CHECK(cfg->attract_after_s == 45);
    KS_CHECK(cfg->screen_dpi == 160);
    KS_CHECK(cfg->fullscreen == 0);
    KS_CHECK(cfg->window_w == 1080 && cfg->window_h == 1920);
    KS_CHECK(cfg->log_level == KS_LOG_DEBUG);
    KS_CHECK(cfg->osk.enabled == 0 && cfg->osk.dwell_ms == 800 && cfg->osk.key_click == 1);
    unsigned char key[32];
    KS_REQUIRE(ks_config_pubkey(cfg, key, &err) == KS_OK);
    for (int i = 0; i < 32; i++) KS_CHECK(key[i] == i);
    KS_CHECK(ks_config_has_pin(cfg));
    KS_CHECK(ks_config_pin_ok(cfg, "024680"));
    KS_CHECK(!ks_config_pin_ok(cfg, "24680"));
    KS_CHECK(!ks_config_pin_ok(cfg, "0246800"));
    KS_CHECK(!ks_config_pin_ok(cfg, ""));
    KS_CHECK(!ks_config_pin_ok(cfg, NULL));
    ks_config_free(cfg);
}

static void test_missing_file_is_an_error_naming_it(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    char path[1024];
    snprintf(path, sizeof path, "%s/nope.json", ks_test_tmpdir());
    KS_CHECK(ks_config_load(path, &cfg, &err) == KS_ERR_NOT_FOUND);
    KS_CHECK(cfg == NULL);
    KS_CHECK(strstr(err.msg, "nope.json") != NULL);
    KS_CHECK(strncmp(err.msg, "config", 6) == 0);
}

static void test_oversized_file_is_refused(void)
{
    size_t n = KS_CONFIG_MAX_BYTES + 10;
    char *big = malloc(n);
    KS_REQUIRE(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    const char *p = write_file("big.json", big, n);
    free(big);
    ks_config *cfg = NULL;
    ks_error err;
    KS_CHECK(ks_config_load(p, &cfg, &err) == KS_ERR_TOO_LARGE);
    KS_CHECK(strstr(err.msg, "big.json") != NULL);
}

static void test_invalid_json_reports_line_and_column(void)
{
    expect_invalid("{\n  \"idle_timeout_s\": 90,\n  \"theme\": \n}\n", "line 4, column 1", "kiosk.json");
    expect_invalid("{\"idle_timeout_s\": 90,}", "line 1, column 23", NULL);
    expect_invalid("{\"a\": 1} trailing", "line 1, column 10", "near 'trailing'");
    expect_invalid("{\"a\": ", "text ends too early", NULL);
    expect_invalid("", "invalid JSON", NULL);
    /* columns count characters, not bytes (cJSON points one past the 'o') */
    expect_invalid("{\"_c\": \"\xe4\xb8\xad\xe6\x96\x87\", oops}", "line 1, column 15", NULL);
    expect_invalid("{\"a\": 1,}", "config kiosk.json: invalid JSON", NULL);
}

static void test_top_level_must_be_an_object(void)
{
    expect_invalid("[1, 2]", "one JSON object", "got [1,2]");
    expect_invalid("\"kiosk\"", "one JSON object", NULL);
}

static void test_wrong_types_name_the_key(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    KS_CHECK(parse_text("{\"idle_timeout_s\": \"abc\"}", &cfg, &err) == KS_ERR_INVALID);
    KS_CHECK_STR(err.msg, "config kiosk.json: key 'idle_timeout_s' must be a non-negative integer, got \"abc\"");
    expect_invalid("{\"idle_timeout_s\": -5}", "'idle_timeout_s' must be a non-negative integer", "got -5");
    expect_invalid("{\"idle_timeout_s\": 1.5}", "'idle_timeout_s'", "got 1.5");
    expect_invalid("{\"attract_after_s\": true}", "'attract_after_s'", "got true");
    expect_invalid("{\"sync_interval_s\": 0}", "'sync_interval_s' must be a positive integer", NULL);
    expect_invalid("{\"screen_dpi\": \"96\"}", "'screen_dpi' must be a positive integer", "got \"96\"");
    expect_invalid("{\"fullscreen\": \"yes\"}", "'fullscreen' must be true or false", NULL);
    expect_invalid("{\"large_text\": 1}", "'large_text' must be true or false", NULL);
    expect_invalid("{\"allow_insecure_http\": 0}", "'allow_insecure_http'", NULL);
    expect_invalid("{\"data_dir\": 7}", "'data_dir' must be a directory path", NULL);
    expect_invalid("{\"data_dir\": \"\"}", "'data_dir'", NULL);
    expect_invalid("{\"theme\": [\"default\"]}", "'theme'", NULL);
    expect_invalid("{\"locales\": \"en\"}", "'locales' must be a list", NULL);
    expect_invalid("{\"locales\": [\"en\", 5]}", "'locales' item 2", "got 5");
    expect_invalid("{\"locales\": [\"en\", \"not a tag\"]}", "'locales' item 2", NULL);
    expect_invalid("{\"default_locale\": \"x\"}", "'default_locale'", NULL);
    expect_invalid("{\"window_size\": \"big\"}", "'window_size' must be a size like", NULL);
    expect_invalid("{\"window_size\": \"100x\"}", "'window_size'", NULL);
    expect_invalid("{\"window_size\": \"100x200px\"}", "'window_size'", NULL);
    expect_invalid("{\"window_size\": [1280, 800]}", "'window_size'", NULL);
    expect_invalid("{\"log_level\": \"loud\"}", "'log_level' must be one of", NULL);
    expect_invalid("{\"osk\": true}", "'osk' must be an object", NULL);
    expect_invalid("{\"osk\": {\"dwell_ms\": \"slow\"}}", "'osk.dwell_ms'", NULL);
    expect_invalid("{\"osk\": {\"enabled\": \"no\"}}", "'osk.enabled'", NULL);
    expect_invalid("{\"osk\": {\"key_click\": 1}}", "'osk.key_click'", NULL);
}

static void test_urls_are_checked(void)
{
    expect_invalid("{\"support_api_url\": \"ftp://example.org\"}", "'support_api_url'", "http");
    expect_invalid("{\"support_api_url\": \"https://\"}", "'support_api_url'", "host");
    expect_invalid("{\"support_api_url\": \"http://help.example.org\"}", "plain http://",
                   "allow_insecure_http");
    ks_config *cfg = NULL;
    ks_error err;
    KS_CHECK(parse_text("{\"support_api_url\": \"http://127.0.0.1:8080/api\"}", &cfg, &err) == KS_OK);
    ks_config_free(cfg);
    KS_CHECK(parse_text("{\"support_api_url\": \"http://[::1]:8080/\"}", &cfg, &err) == KS_OK);
    ks_config_free(cfg);
    /* order in the file does not matter for the cross-key rule */
    KS_CHECK(parse_text("{\"support_api_url\": \"http://help.example.org\", \"allow_insecure_http\": true}",
                        &cfg, &err) == KS_OK);
    ks_config_free(cfg);
    KS_CHECK(parse_text("{\"support_api_url\": \"\"}", &cfg, &err) == KS_OK);
    KS_CHECK(cfg->support_api_url == NULL);
    ks_config_free(cfg);
}

static void test_out_of_range_numbers_are_clamped_with_a_warning(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(parse_text("{\"osk\": {\"dwell_ms\": 5000}, \"sync_interval_s\": 1, \"screen_dpi\": 9999,"
                          " \"idle_timeout_s\": 1e12, \"window_size\": \"100x100\"}",
                          &cfg, &err) == KS_OK);
    KS_CHECK(cfg->osk.dwell_ms == 1100);
    KS_CHECK(cfg->sync_interval_s == 10);
    KS_CHECK(cfg->screen_dpi == 1200);
    KS_CHECK(cfg->idle_timeout_s == 86400);
    KS_CHECK(cfg->window_w == 320 && cfg->window_h == 240);
    KS_CHECK(has_warning(cfg, "'osk.dwell_ms' is 5000, outside 300..1100; using 1100"));
    KS_CHECK(has_warning(cfg, "'sync_interval_s'"));
    KS_CHECK(has_warning(cfg, "'screen_dpi'"));
    KS_CHECK(has_warning(cfg, "'window_size'"));
    KS_CHECK(cfg->n_warnings == 5);
    ks_config_free(cfg);
}

static void test_unknown_and_duplicate_keys_are_warnings(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(parse_text("{\"idle_timout_s\": 30, \"colour\": 1, \"theme\": \"default\", \"theme\": 5,"
                          " \"osk\": {\"dwel_ms\": 700}, \"_note\": \"ignored\"}",
                          &cfg, &err) == KS_OK);
    KS_CHECK(cfg->idle_timeout_s == 90);
    KS_CHECK(has_warning(cfg, "config kiosk.json: unknown key 'idle_timout_s' ignored (did you mean 'idle_timeout_s'?)"));
    KS_CHECK(has_warning(cfg, "unknown key 'colour' ignored"));
    KS_CHECK(!has_warning(cfg, "'colour' ignored (did you mean"));
    KS_CHECK(has_warning(cfg, "key 'theme' appears twice; the first is used"));
    KS_CHECK(has_warning(cfg, "unknown key 'osk.dwel_ms' ignored (did you mean 'osk.dwell_ms'?)"));
    KS_CHECK(!has_warning(cfg, "_note"));
    KS_CHECK(cfg->n_warnings == 4);
    ks_config_free(cfg);
}

static void test_many_unknown_keys_are_summarised(void)
{
    char text[8192] = "{";
    size_t n = 1;
    for (int i = 0; i < 100; i++) n += (size_t)snprintf(text + n, sizeof text - n, "%s\"junk%d\": 1", i ? "," : "", i);
    snprintf(text + n, sizeof text - n, "}");
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(parse_text(text, &cfg, &err) == KS_OK);
    KS_CHECK(cfg->n_warnings == 64);
    KS_CHECK(strstr(cfg->warnings[63], "and 37 more warnings") != NULL);
    ks_config_free(cfg);
}

static void test_locale_list_rules(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(parse_text("{\"locales\": [\"zh-Hant\", \"zh-TW\", \"en\"]}", &cfg, &err) == KS_OK);
    KS_CHECK(cfg->n_locales == 2);
    KS_CHECK_STR(cfg->default_locale, "zh-Hant"); /* first enabled one */
    KS_CHECK(has_warning(cfg, "lists 'zh-Hant' twice"));
    ks_config_free(cfg);

    KS_REQUIRE(parse_text("{\"locales\": []}", &cfg, &err) == KS_OK);
    KS_CHECK(cfg->n_locales == 3);
    KS_CHECK(has_warning(cfg, "'locales' is empty"));
    ks_config_free(cfg);

    KS_REQUIRE(parse_text("{\"locales\": [\"en\"], \"default_locale\": \"zh-Hans\"}", &cfg, &err) == KS_OK);
    KS_CHECK_STR(cfg->default_locale, "en");
    KS_CHECK(has_warning(cfg, "'default_locale' 'zh-Hans' is not in 'locales'; using 'en'"));
    ks_config_free(cfg);
}

static void test_null_values_mean_default(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(parse_text("{\"support_api_url\": null, \"idle_timeout_s\": null, \"osk\": null,"
                          " \"theme\": null, \"locales\": null}",
                          &cfg, &err) == KS_OK);
    KS_CHECK(cfg->support_api_url == NULL);
    KS_CHECK(cfg->idle_timeout_s == 90);
    KS_CHECK(cfg->osk.dwell_ms == 600);
    KS_CHECK_STR(cfg->theme, "default");
    KS_CHECK(cfg->n_locales == 3);
    KS_CHECK(cfg->n_warnings == 0);
    ks_config_free(cfg);
}

static void test_paths_must_exist_when_they_must(void)
{
    expect_invalid("{\"assets_dir\": \"no/such/dir\"}", "'assets_dir'", "does not exist");
    expect_invalid("{\"theme\": \"ocean\"}", "no theme named 'ocean'", "high-contrast");
    expect_invalid("{\"theme\": \"themes/mine.json\"}", "'theme'", "mine.json");
    expect_invalid("{\"content_pubkey\": \"keys/none.pub\"}", "'content_pubkey'", "keys/none.pub");

    /* A theme path relative to the config file is found there. */
    const char *t = write_file("mine.json", "{}", 2);
    KS_REQUIRE(t);
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(load_text("{\"theme\": \"mine.json\"}", &cfg, &err) == KS_OK);
    KS_CHECK(cfg->theme_path && strstr(cfg->theme_path, "/mine.json") && cfg->theme_path[0] == '/');
    ks_config_free(cfg);
}

static void test_pubkey_from_files(void)
{
    unsigned char raw[32];
    for (int i = 0; i < 32; i++) raw[i] = (unsigned char)(200 + i);
    char b64[64];
    KS_REQUIRE(sodium_init() >= 0);
    sodium_bin2base64(b64, sizeof b64, raw, 32, sodium_base64_VARIANT_ORIGINAL);
    char line[80];
    snprintf(line, sizeof line, "%s\n", b64);

    const char *names[] = {"raw.pub", "b64.pub", "bad.pub"};
    write_file("raw.pub", (const char *)raw, 32);
    write_file("b64.pub", line, strlen(line));
    write_file("bad.pub", "not a key at all", 16);
    for (int k = 0; k < 3; k++) {
        char text[256];
        snprintf(text, sizeof text, "{\"content_pubkey\": \"%s\"}", names[k]);
        ks_config *cfg = NULL;
        ks_error err;
        KS_REQUIRE(load_text(text, &cfg, &err) == KS_OK);
        KS_CHECK(cfg->content_pubkey[0] == '/');
        unsigned char key[32] = {0};
        ks_status st = ks_config_pubkey(cfg, key, &err);
        if (k < 2) {
            KS_CHECK(st == KS_OK);
            KS_CHECK(memcmp(key, raw, 32) == 0);
        } else {
            KS_CHECK(st == KS_ERR_INVALID);
            KS_CHECK(strstr(err.msg, "bad.pub") != NULL);
        }
        ks_config_free(cfg);
    }
    /* hex inline works as well */
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, raw, 32);
    char text[256];
    snprintf(text, sizeof text, "{\"content_pubkey\": \"%s\"}", hex);
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(parse_text(text, &cfg, &err) == KS_OK);
    unsigned char key[32];
    KS_CHECK(ks_config_pubkey(cfg, key, &err) == KS_OK && memcmp(key, raw, 32) == 0);
    ks_config_free(cfg);
}

static void test_pin_rules_never_echo_the_pin(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    KS_CHECK(parse_text("{\"technician_pin\": 2468}", &cfg, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "'technician_pin'") && strstr(err.msg, "in quotes"));
    KS_CHECK(strstr(err.msg, "2468") == NULL);
    KS_CHECK(parse_text("{\"technician_pin\": \"97a1\"}", &cfg, &err) == KS_ERR_INVALID);
    KS_CHECK(strstr(err.msg, "97a1") == NULL);
    KS_CHECK(parse_text("{\"technician_pin\": \"123\"}", &cfg, &err) == KS_ERR_INVALID);
    KS_CHECK(parse_text("{\"technician_pin\": \"1234567890123\"}", &cfg, &err) == KS_ERR_INVALID);
    expect_invalid("{\"technician_pin_hash\": \"plain\"}", "'technician_pin_hash'", "$argon2id$");
    expect_invalid("{\"technician_pin_hash\": \"$argon2id$v=19$m=65536,t=2,p=1$cut\"}", "'technician_pin_hash'", NULL);
}

static void test_pin_hash_round_trip(void)
{
    char hash[KS_CONFIG_PIN_HASH_MAX];
    ks_error err;
    KS_CHECK(ks_config_pin_hash("12", hash, &err) == KS_ERR_INVALID);
    KS_REQUIRE(ks_config_pin_hash("13579", hash, &err) == KS_OK);
    KS_CHECK(strncmp(hash, "$argon2id$", 10) == 0);
    char text[512];
    snprintf(text, sizeof text, "{\"technician_pin\": \"1111\", \"technician_pin_hash\": \"%s\"}", hash);
    ks_config *cfg = NULL;
    KS_REQUIRE(parse_text(text, &cfg, &err) == KS_OK);
    KS_CHECK(has_warning(cfg, "both 'technician_pin' and 'technician_pin_hash'"));
    KS_CHECK(ks_config_pin_ok(cfg, "13579"));
    KS_CHECK(!ks_config_pin_ok(cfg, "1111"));
    ks_config_free(cfg);
}

static void test_config_text_is_wiped_after_loading(void)
{
    /* Indirect but real: the loaded struct holds no copy of the PIN. */
    ks_config *cfg = NULL;
    ks_error err;
    KS_REQUIRE(load_text("{\"technician_pin\": \"86420\"}", &cfg, &err) == KS_OK);
    const unsigned char *p = (const unsigned char *)cfg;
    int found = 0;
    for (size_t i = 0; i + 5 <= sizeof *cfg; i++)
        if (memcmp(p + i, "86420", 5) == 0) found = 1;
    KS_CHECK(!found);
    KS_CHECK(ks_config_pin_ok(cfg, "86420"));
    ks_config_free(cfg);
}

static void test_example_config_loads_cleanly(void)
{
    ks_config *cfg = NULL;
    ks_error err;
    ks_status st = ks_config_load(ks_test_src("assets/kiosk.example.json"), &cfg, &err);
    KS_CHECK_MSG(st == KS_OK, "%s", err.msg);
    if (st != KS_OK) return;
    for (size_t i = 0; i < cfg->n_warnings; i++) fprintf(stderr, "  warning: %s\n", cfg->warnings[i]);
    KS_CHECK(cfg->n_warnings == 0);
    ks_config_free(cfg);
}

int main(void)
{
    KS_RUN(test_defaults_without_a_file);
    KS_RUN(test_every_key_is_read);
    KS_RUN(test_missing_file_is_an_error_naming_it);
    KS_RUN(test_oversized_file_is_refused);
    KS_RUN(test_invalid_json_reports_line_and_column);
    KS_RUN(test_top_level_must_be_an_object);
    KS_RUN(test_wrong_types_name_the_key);
    KS_RUN(test_urls_are_checked);
    KS_RUN(test_out_of_range_numbers_are_clamped_with_a_warning);
    KS_RUN(test_unknown_and_duplicate_keys_are_warnings);
    KS_RUN(test_many_unknown_keys_are_summarised);
    KS_RUN(test_locale_list_rules);
    KS_RUN(test_null_values_mean_default);
    KS_RUN(test_paths_must_exist_when_they_must);
    KS_RUN(test_pubkey_from_files);
    KS_RUN(test_pin_rules_never_echo_the_pin);
    KS_RUN(test_pin_hash_round_trip);
    KS_RUN(test_config_text_is_wiped_after_loading);
    KS_RUN(test_example_config_loads_cleanly);
    return ks_test_summary();
}
