/*
 * bench_search.c - how fast the search engine answers on a large FAQ, and
 * what it costs. Prints figures; asserts nothing.
 *
 *   bench_search [--articles N] [--queries Q] [--keep] [--faq-out FILE]
 *
 * Generates an N-article FAQ (default 100,000; half English, half
 * Simplified Chinese, realistic lengths: a title, 3-5 alternative
 * questions, 2-5 keywords and a body of 100-250 words or 150-500
 * characters), imports it through the store (so the index hooks run as in
 * production), then times Q queries of each kind through ks_search_query:
 * 1-, 2- and 3-character prefixes (as typed on the on-screen keyboard),
 * titles, and full questions with a typo. Finally it runs `kioskctl search`
 * on the same data directory to measure its peak RSS, and prints the
 * database size per article. --faq-out also writes the FAQ as a kiosk-faq/1
 * file for `kioskctl import`.
 *
 * The text is generated from word lists written for this program (a help
 * kiosk's vocabulary plus a long tail of made-up words drawn with a Zipf
 * law), not from any real FAQ or evaluation data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "ks/faq.h"
#include "ks/path.h"
#include "ks/search.h"
#include "ks/store.h"

/* ------------------------------------------------------------ generator */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double rndf(void)
{
    return (double)(rnd() >> 11) / (double)(1ull << 53);
}
static size_t rndn(size_t n)
{
    return (size_t)(rnd() % n);
}

static const char *const en_domain[] = {
    "wallet",       "send",        "receive",      "network",
    "fee",          "fees",        "phone",        "lost",
    "recovery",     "phrase",      "seed",         "words",
    "backup",       "restore",     "booth",        "headset",
    "goggles",      "strap",       "lens",         "fit",
    "hygiene",      "cover",       "dizzy",        "motion",
    "sickness",     "break",       "account",      "verify",
    "verification", "identity",    "document",     "passport",
    "selfie",       "refund",      "cancel",       "order",
    "payment",      "card",        "bank",         "transfer",
    "pending",      "stuck",       "confirm",      "confirmation",
    "transaction",  "hash",        "address",      "copy",
    "paste",        "scan",        "code",         "token",
    "coin",         "balance",     "history",      "export",
    "statement",    "item",        "items",        "avatar",
    "skin",         "collectible", "marketplace",  "listing",
    "sell",         "buy",         "price",        "offer",
    "auction",      "royalty",     "gas",          "limit",
    "speed",        "slow",        "fast",         "replace",
    "bump",         "wrong",       "chain",        "bridge",
    "swap",         "exchange",    "rate",         "kiosk",
    "screen",       "touch",       "keyboard",     "language",
    "chinese",      "english",     "font",         "larger",
    "text",         "voice",       "audio",        "captions",
    "video",        "help",        "human",        "agent",
    "staff",        "desk",        "ticket",       "queue",
    "wait",         "call",        "chat",         "email",
    "support",      "scam",        "phishing",     "fake",
    "message",      "link",        "password",     "pin",
    "lock",         "unlock",      "biometric",    "fingerprint",
    "face",         "device",      "new",          "old",
    "update",       "version",     "app",          "install",
    "download",     "open",        "close",        "error",
    "failed",       "problem",     "issue",        "working",
    "crash",        "restart",     "settings",     "privacy",
    "data",         "delete",      "remove",       "share",
    "never",        "safe",        "safety",       "security",
    "protect",      "two",         "factor",       "authentication",
    "sms",          "reset",       "change",       "name",
    "profile",      "photo",       "event",        "tickets",
    "entry",        "room",        "world",        "virtual",
    "space",        "map",         "friend",       "invite",
    "gift",         "reward",      "points",       "loyalty",
    "membership",   "plan",        "subscription", "monthly",
    "annual",       "charge",      "charged",      "twice",
    "receipt",      "invoice",     "tax",          "country",
    "region",       "available",   "limit",        "daily",
    "maximum",      "minimum",     "amount",       "small",
    "large",
};
static const char *const en_func[] = {
    "the",   "a",      "to",   "my",   "your", "is",  "can", "how", "why",  "when", "what",
    "do",    "i",      "it",   "not",  "of",   "and", "in",  "for", "on",   "with", "from",
    "after", "before", "this", "that", "be",   "if",  "are", "was", "will", "does", "should",
    "where", "which",  "me",   "we",   "you",  "at",  "by",  "or",  "an",
};
static const char *const en_starts[] = {"how do i",
                                        "why is my",
                                        "what happens if",
                                        "can i",
                                        "where can i",
                                        "how long does it take to",
                                        "what should i do if",
                                        "is it safe to"};

/* Common Simplified characters, for the long tail of made-up words. */
static const char zh_pool[] =
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所"
    "去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从已"
    "现全事点正意明理问题手机钱包网络费用转账收款发送接收安全密码助记词恢复备份账户验证退款订单支付银行卡"
    "交易确认地址复制扫描代码余额记录导出物品头像商店价格出售购买拍卖速度慢快更换错误链桥兑换汇率屏幕键盘"
    "语言文字声音视频帮助人工客服排队等待电话消息链接锁定解锁指纹设备更新版本应用安装下载打开关闭失败问题"
    "重启设置隐私数据删除分享永远保护短信重置修改名称资料照片活动门票房间世界虚拟空间地图朋友邀请礼物奖励";
static const char *const zh_domain[] = {
    "钱包",     "发送",   "接收", "网络", "手续费", "手机", "丢失", "助记词", "备份",   "恢复", "体验舱",
    "头显",     "眼镜",   "绑带", "镜片", "佩戴",   "卫生", "头晕", "晕动",   "休息",   "账户", "验证",
    "身份",     "证件",   "护照", "自拍", "退款",   "取消", "订单", "支付",   "银行卡", "转账", "等待",
    "卡住",     "确认",   "交易", "哈希", "地址",   "复制", "粘贴", "扫码",   "代币",   "余额", "记录",
    "导出",     "账单",   "物品", "虚拟", "藏品",   "市场", "出售", "购买",   "价格",   "拍卖", "版税",
    "燃料费",   "速度",   "加速", "错误", "公链",   "跨链", "兑换", "汇率",   "屏幕",   "触摸", "键盘",
    "语言",     "中文",   "英文", "字体", "放大",   "语音", "字幕", "视频",   "帮助",   "人工", "客服",
    "工作人员", "服务台", "排队", "电话", "聊天",   "邮件", "诈骗", "钓鱼",   "假冒",   "短信", "链接",
    "密码",     "锁定",   "解锁", "指纹", "人脸",   "设备", "更新", "版本",   "应用",   "安装", "下载",
    "打开",     "关闭",   "失败", "问题", "重启",   "设置", "隐私", "数据",   "删除",   "分享", "安全",
    "保护",     "双重",   "认证", "重置", "修改",   "名字", "头像", "活动",   "门票",   "入场", "房间",
    "世界",     "空间",   "地图", "朋友", "邀请",   "礼物", "奖励", "积分",   "会员",   "订阅", "每月",
    "扣费",     "两次",   "收据", "发票", "国家",   "地区", "限额", "每日",   "金额",
};
static const char *const zh_func[] = {"的",     "了",   "吗",   "我", "你",   "怎么", "什么",
                                      "为什么", "如何", "可以", "是", "在",   "不",   "有",
                                      "能",     "要",   "还",   "就", "没有", "一直", "请问"};

typedef struct vocab {
    char **w;
    size_t n;
    double *cdf; /* Zipf cumulative distribution */
} vocab;

static void zipf_cdf(vocab *v, double s)
{
    v->cdf = malloc(v->n * sizeof *v->cdf);
    double sum = 0;
    for (size_t i = 0; i < v->n; i++)
        sum += 1.0 / pow((double)(i + 1), s);
    double acc = 0;
    for (size_t i = 0; i < v->n; i++) {
        acc += 1.0 / pow((double)(i + 1), s) / sum;
        v->cdf[i] = acc;
    }
}

static const char *zipf_pick(const vocab *v)
{
    double x = rndf();
    size_t lo = 0, hi = v->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->cdf[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return v->w[lo];
}

static vocab make_en_vocab(size_t tail)
{
    static const char *const on[] = {"b", "c", "d", "f",  "g",  "l",  "m",  "n",  "p",  "r",
                                     "s", "t", "v", "tr", "st", "pl", "gr", "ch", "sh", "br"};
    static const char *const nu[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "io"};
    static const char *const co[] = {"", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng", "x"};
    static const char *const suf[] = {"", "", "", "s", "ed", "ing", "er", "ion", "ly", "ment"};
    size_t nd = sizeof en_domain / sizeof en_domain[0];
    vocab v = {malloc((nd + tail) * sizeof(char *)), 0, NULL};
    for (size_t i = 0; i < nd; i++)
        v.w[v.n++] = strdup(en_domain[i]);
    for (size_t i = 0; i < tail; i++) {
        char buf[64] = "";
        int syl = 2 + (int)rndn(3);
        for (int k = 0; k < syl; k++) {
            strncat(buf, on[rndn(sizeof on / sizeof on[0])], sizeof buf - strlen(buf) - 1);
            strncat(buf, nu[rndn(sizeof nu / sizeof nu[0])], sizeof buf - strlen(buf) - 1);
            strncat(buf, co[rndn(sizeof co / sizeof co[0])], sizeof buf - strlen(buf) - 1);
        }
        strncat(buf, suf[rndn(sizeof suf / sizeof suf[0])], sizeof buf - strlen(buf) - 1);
        v.w[v.n++] = strdup(buf);
    }
    zipf_cdf(&v, 1.05);
    return v;
}

/* The n-th character (3 bytes) of the pool. */
static void pool_char(size_t i, char out[4])
{
    size_t nchars = (sizeof zh_pool - 1) / 3;
    memcpy(out, zh_pool + 3 * (i % nchars), 3);
    out[3] = '\0';
}

static vocab make_zh_vocab(size_t tail)
{
    size_t nd = sizeof zh_domain / sizeof zh_domain[0];
    size_t nchars = (sizeof zh_pool - 1) / 3;
    vocab v = {malloc((nd + tail) * sizeof(char *)), 0, NULL};
    for (size_t i = 0; i < nd; i++)
        v.w[v.n++] = strdup(zh_domain[i]);
    for (size_t i = 0; i < tail; i++) {
        char a[4], b[4], buf[16];
        pool_char(rndn(nchars), a);
        pool_char(rndn(nchars), b);
        snprintf(buf, sizeof buf, "%s%s", a, b);
        v.w[v.n++] = strdup(buf);
    }
    zipf_cdf(&v, 1.0);
    return v;
}

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, k);
    b->n += k;
    b->p[b->n] = '\0';
}

static char *en_sentence(const vocab *v, size_t words, const char *start, int question)
{
    sbuf b = {0};
    sb_add(&b, "");
    if (start) sb_add(&b, start);
    for (size_t i = 0; i < words; i++) {
        if (b.n) sb_add(&b, " ");
        sb_add(&b, rndf() < 0.35 ? en_func[rndn(sizeof en_func / sizeof en_func[0])] : zipf_pick(v));
    }
    sb_add(&b, question ? "?" : ".");
    if (b.p[0] >= 'a' && b.p[0] <= 'z') b.p[0] = (char)(b.p[0] - 'a' + 'A');
    return b.p;
}

static char *zh_sentence(const vocab *v, size_t chars, int question)
{
    sbuf b = {0};
    sb_add(&b, "");
    while (b.n / 3 < chars)
        sb_add(&b, rndf() < 0.3 ? zh_func[rndn(sizeof zh_func / sizeof zh_func[0])] : zipf_pick(v));
    sb_add(&b, question ? "？" : "。");
    return b.p;
}

static void gen_article(ks_faq_article *a, size_t i, const vocab *en, const vocab *zh)
{
    char id[32];
    snprintf(id, sizeof id, "a%06zu", i);
    a->id = strdup(id);
    int chinese = i % 2;
    a->locale = strdup(chinese ? "zh-Hans" : "en");
    a->n_questions = 3 + rndn(3);
    a->questions = calloc(a->n_questions, sizeof *a->questions);
    a->n_keywords = 2 + rndn(4);
    a->keywords = calloc(a->n_keywords, sizeof *a->keywords);
    sbuf body = {0};
    sb_add(&body, "");
    if (chinese) {
        a->title = zh_sentence(zh, 6 + rndn(10), 1);
        for (size_t q = 0; q < a->n_questions; q++)
            a->questions[q] = zh_sentence(zh, 6 + rndn(10), 1);
        for (size_t k = 0; k < a->n_keywords; k++)
            a->keywords[k] = strdup(zipf_pick(zh));
        size_t target = 150 + rndn(350);
        while (body.n / 3 < target) {
            char *s = zh_sentence(zh, 12 + rndn(20), 0);
            sb_add(&body, s);
            free(s);
        }
    } else {
        a->title = en_sentence(en, 3 + rndn(4), en_starts[rndn(sizeof en_starts / sizeof en_starts[0])], 1);
        for (size_t q = 0; q < a->n_questions; q++)
            a->questions[q] = en_sentence(en, 4 + rndn(6), rndf() < 0.5 ? en_starts[rndn(8)] : NULL, 1);
        for (size_t k = 0; k < a->n_keywords; k++)
            a->keywords[k] = strdup(zipf_pick(en));
        size_t target = 100 + rndn(150), words = 0;
        while (words < target) {
            size_t n = 8 + rndn(12);
            char *s = en_sentence(en, n, NULL, 0);
            if (body.n) sb_add(&body, " ");
            sb_add(&body, s);
            free(s);
            words += n;
        }
    }
    a->body = body.p;
    a->updated_at = strdup("2026-01-01T00:00:00Z");
    a->position = (int)i;
}

static void free_vocab(vocab *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->w[i]);
    free(v->w);
    free(v->cdf);
}

/* ------------------------------------------------------------- figures */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : (x > y);
}

typedef struct qset {
    const char *label;
    char **q;
    size_t n;
} qset;

static uint64_t cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Wall time is the engine's own took_us; CPU time is this thread's, which
 * a busy machine (other processes on the same cores) does not inflate. */
static void run_set(ks_search *s, const qset *qs)
{
    uint64_t *us = malloc(qs->n * sizeof *us), *cpu = malloc(qs->n * sizeof *cpu);
    size_t hits = 0, confident = 0;
    for (size_t i = 0; i < qs->n; i++) {
        ks_search_result r;
        ks_error err = {0};
        uint64_t c0 = cpu_us();
        if (ks_search_query(s, qs->q[i], strlen(qs->q[i]), NULL, 10, &r, &err) != KS_OK) {
            fprintf(stderr, "bench_search: query failed: %s\n", err.msg);
            us[i] = cpu[i] = 0;
            continue;
        }
        cpu[i] = cpu_us() - c0;
        us[i] = r.took_us;
        hits += r.n_hits > 0;
        confident += r.confident;
        ks_search_result_free(&r);
    }
    qsort(us, qs->n, sizeof *us, cmp_u64);
    qsort(cpu, qs->n, sizeof *cpu, cmp_u64);
    size_t p99 = (size_t)((double)qs->n * 0.99);
    printf("  %-26s p50 %5llu us  p99 %5llu us  max %6llu us | cpu p50 %5llu us  p99 %5llu us  (%.0f%% with "
           "results)\n",
           qs->label, (unsigned long long)us[qs->n / 2], (unsigned long long)us[p99],
           (unsigned long long)us[qs->n - 1], (unsigned long long)cpu[qs->n / 2],
           (unsigned long long)cpu[p99], 100.0 * (double)hits / (double)qs->n);
    free(us);
    free(cpu);
}

/* Measuring a child's peak RSS needs a parent that is small when it forks:
 * a fork of this (large) process would carry its RSS into the child's
 * figure. So a helper is forked at start-up, before any data exists, and
 * later runs kioskctl on request: it reads "QUERYFILE\n" lines (empty
 * path: one query given on the next line) and answers with the child's
 * ru_maxrss in KiB. */
typedef struct spawner {
    pid_t pid;
    FILE *to, *from;
} spawner;

static void spawner_loop(FILE *in, FILE *out)
{
    char line[4096], query[4096];
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = '\0';
        char *sep = strchr(line, '\t');
        if (!sep) break;
        *sep = '\0';
        const char *ctl = line, *dir = sep + 1;
        if (!fgets(query, sizeof query, in)) break;
        query[strcspn(query, "\n")] = '\0';
        long rss = -1;
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout)) _exit(127);
            if (query[0] == '@') {
                if (!freopen(query + 1, "r", stdin)) _exit(127);
                execl(ctl, ctl, "--data-dir", dir, "search", "--json", "--batch", (char *)NULL);
            } else {
                execl(ctl, ctl, "--data-dir", dir, "search", "--json", "--", query, (char *)NULL);
            }
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (pid > 0 && wait4(pid, &status, 0, &ru) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
            rss = ru.ru_maxrss;
        fprintf(out, "%ld\n", rss);
        fflush(out);
    }
}

static int spawner_start(spawner *sp)
{
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) return 0;
    fflush(stdout);
    sp->pid = fork();
    if (sp->pid < 0) return 0;
    if (sp->pid == 0) {
        close(down[1]);
        close(up[0]);
        FILE *in = fdopen(down[0], "r"), *out = fdopen(up[1], "w");
        if (in && out) spawner_loop(in, out);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    sp->to = fdopen(down[1], "w");
    sp->from = fdopen(up[0], "r");
    return sp->to && sp->from;
}

/* Peak RSS (KiB) of kioskctl searching query, or "@FILE" for a batch. */
static long spawner_rss(spawner *sp, const char *ctl, const char *dir, const char *query)
{
    char line[64];
    fprintf(sp->to, "%s\t%s\n%s\n", ctl, dir, query);
    fflush(sp->to);
    if (!fgets(line, sizeof line, sp->from)) return -1;
    return strtol(line, NULL, 10);
}

static void spawner_stop(spawner *sp)
{
    if (sp->to) fclose(sp->to);
    if (sp->from) fclose(sp->from);
    if (sp->pid > 0) waitpid(sp->pid, NULL, 0);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

int main(int argc, char **argv)
{
    size_t n_articles = 100000, n_queries = 2000;
    int keep = 0;
    const char *faq_out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--articles") == 0 && i + 1 < argc)
            n_articles = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            n_queries = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else if (strcmp(argv[i], "--faq-out") == 0 && i + 1 < argc)
            faq_out = argv[++i];
        else {
            fprintf(stderr, "usage: bench_search [--articles N] [--queries Q] [--keep] [--faq-out FILE]\n");
            return 2;
        }
    }
    if (n_articles < 10) n_articles = 10;
    if (n_queries < 10) n_queries = 10;
    spawner sp = {0};
    int have_spawner = spawner_start(&sp);
    char tmpl[] = "/tmp/ks-bench-search-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        perror("bench_search: mkdtemp");
        return 1;
    }
    printf("bench_search: %zu articles (half en, half zh-Hans), data in %s\n", n_articles, dir);

    double t0 = now_s();
    vocab en = make_en_vocab(30000), zh = make_zh_vocab(20000);
    ks_faq faq = {0};
    faq.articles = calloc(n_articles, sizeof *faq.articles);
    faq.n_articles = n_articles;
    for (size_t i = 0; i < n_articles; i++)
        gen_article(&faq.articles[i], i, &en, &zh);
    printf("  generate                   %.2f s\n", now_s() - t0);

    if (faq_out) {
        FILE *f = fopen(faq_out, "w");
        if (f) {
            fprintf(f, "{\"format\": \"kiosk-faq/1\", \"categories\": [], \"articles\": [\n");
            for (size_t i = 0; i < n_articles; i++) {
                const ks_faq_article *a = &faq.articles[i];
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "id", a->id);
                cJSON_AddStringToObject(o, "locale", a->locale);
                cJSON_AddStringToObject(o, "title", a->title);
                cJSON_AddStringToObject(o, "body", a->body);
                cJSON_AddItemToObject(
                    o, "questions",
                    cJSON_CreateStringArray((const char *const *)a->questions, (int)a->n_questions));
                cJSON_AddItemToObject(
                    o, "keywords",
                    cJSON_CreateStringArray((const char *const *)a->keywords, (int)a->n_keywords));
                char *txt = cJSON_PrintUnformatted(o);
                fprintf(f, "%s%s\n", txt, i + 1 < n_articles ? "," : "");
                cJSON_free(txt);
                cJSON_Delete(o);
            }
            fprintf(f, "]}\n");
            fclose(f);
            printf("  wrote %s\n", faq_out);
        } else {
            perror(faq_out);
        }
    }

    ks_store *store = NULL;
    ks_error err = {0};
    if (ks_store_open(dir, &store, &err) != KS_OK) {
        fprintf(stderr, "bench_search: %s\n", err.msg);
        return 1;
    }
    ks_faq *faqs[1] = {&faq};
    t0 = now_s();
    if (ks_store_import(store, faqs, 1, NULL, NULL, &err) != KS_OK) {
        fprintf(stderr, "bench_search: import: %s\n", err.msg);
        return 1;
    }
    double dt = now_s() - t0;
    printf("  import (with indexing)     %.2f s   %.0f articles/s\n", dt, (double)n_articles / dt);

    sqlite3 *db = ks_store_db(store);
    ks_search *s = NULL;
    t0 = now_s();
    if (ks_search_open(db, &s, &err) != KS_OK) {
        fprintf(stderr, "bench_search: %s\n", err.msg);
        return 1;
    }
    printf("  open the engine            %.1f ms\n", (now_s() - t0) * 1e3);

    /* Query sets. */
    qset sets[5] = {{"1-character prefixes", NULL, 0},
                    {"2-character prefixes", NULL, 0},
                    {"3-character prefixes", NULL, 0},
                    {"titles", NULL, 0},
                    {"full questions, with typos", NULL, 0}};
    for (int k = 0; k < 5; k++)
        sets[k].q = calloc(n_queries, sizeof(char *));
    size_t nchars = (sizeof zh_pool - 1) / 3;
    for (size_t i = 0; i < n_queries; i++) {
        int chinese = i % 2;
        for (int len = 1; len <= 3; len++) {
            char buf[16] = "";
            if (chinese) {
                /* the first characters of a frequent word or two */
                const char *w = zipf_pick(&zh);
                char c[4];
                size_t have = strlen(w) / 3;
                for (int k = 0; k < len; k++) {
                    if ((size_t)k < have)
                        memcpy(c, w + 3 * k, 3), c[3] = '\0';
                    else
                        pool_char(rndn(nchars), c);
                    strncat(buf, c, sizeof buf - strlen(buf) - 1);
                }
            } else {
                const char *w = zipf_pick(&en);
                size_t wl = strlen(w);
                memcpy(buf, w, (size_t)len < wl ? (size_t)len : wl);
                buf[(size_t)len < wl ? (size_t)len : wl] = '\0';
            }
            sets[len - 1].q[i] = strdup(buf);
        }
        const ks_faq_article *a = &faq.articles[rndn(n_articles)];
        sets[3].q[i] = strdup(a->title);
        char *q = strdup(a->questions[rndn(a->n_questions)]);
        size_t ql = strlen(q);
        if (!chinese && ql > 6) {
            /* swap two letters of a word: the commonest typo */
            size_t p = 1 + rndn(ql - 3);
            if (q[p] != ' ' && q[p + 1] != ' ') {
                char t = q[p];
                q[p] = q[p + 1];
                q[p + 1] = t;
            }
        }
        sets[4].q[i] = q;
    }
    for (int k = 0; k < 5; k++)
        sets[k].n = n_queries;
    printf("query latency (ks_search_query, limit 10):\n");
    for (int k = 0; k < 5; k++)
        run_set(s, &sets[k]);

    /* kioskctl's peak memory on this data directory. */
    char *exe_dir = NULL;
    if (ks_path_exe_dir(&exe_dir, &err) == KS_OK) {
        char *ctl = ks_path_join(exe_dir, "kioskctl");
        char *qfile = ks_path_join(dir, "queries.txt");
        FILE *qf = qfile ? fopen(qfile, "w") : NULL;
        for (int k = 0; qf && k < 5; k++)
            for (size_t i = 0; i < n_queries && i < 500; i++)
                fprintf(qf, "%s\n", sets[k].q[i]);
        if (qf) fclose(qf);
        char at[1100];
        snprintf(at, sizeof at, "@%s", qfile ? qfile : "");
        long one = have_spawner ? spawner_rss(&sp, ctl, dir, sets[4].q[0]) : -1;
        long batch = have_spawner && qf ? spawner_rss(&sp, ctl, dir, at) : -1;
        if (one < 0 || batch < 0)
            printf("kioskctl search peak RSS: could not run %s\n", ctl);
        else
            printf("kioskctl search peak RSS   one query %.1f MiB, batch of %d queries %.1f MiB\n",
                   one / 1024.0, 5 * (int)(n_queries < 500 ? n_queries : 500), batch / 1024.0);
        if (qfile) unlink(qfile);
        free(qfile);
        free(ctl);
        free(exe_dir);
    }

    ks_search_close(s);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            db,
            "SELECT CASE WHEN name LIKE 'search%' THEN 'search index' ELSE 'content' END, sum(pgsize)"
            " FROM dbstat GROUP BY 1",
            -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            printf("  %-26s %.1f MiB (%.0f bytes/article)\n", (const char *)sqlite3_column_text(st, 0),
                   (double)sqlite3_column_int64(st, 1) / 1048576.0,
                   (double)sqlite3_column_int64(st, 1) / (double)n_articles);
    }
    sqlite3_finalize(st);
    ks_store_close(store);
    char *dbp = ks_path_join(dir, "kiosk.db");
    long long size = file_size(dbp);
    printf("  database file              %.1f MiB (%.0f bytes/article)\n", (double)size / 1048576.0,
           (double)size / (double)n_articles);
    free(dbp);

    for (int k = 0; k < 5; k++) {
        for (size_t i = 0; i < n_queries; i++)
            free(sets[k].q[i]);
        free(sets[k].q);
    }
    for (size_t i = 0; i < n_articles; i++) {
        ks_faq_article *a = &faq.articles[i];
        free(a->id);
        free(a->locale);
        free(a->title);
        free(a->body);
        for (size_t q = 0; q < a->n_questions; q++)
            free(a->questions[q]);
        free(a->questions);
        for (size_t k = 0; k < a->n_keywords; k++)
            free(a->keywords[k]);
        free(a->keywords);
        free(a->updated_at);
    }
    free(faq.articles);
    free_vocab(&en);
    free_vocab(&zh);
    spawner_stop(&sp);
    if (!keep)
        ks_path_remove_tree(dir, NULL);
    else
        printf("  kept %s\n", dir);
    return 0;
}
