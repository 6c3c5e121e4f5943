/*
 * bench_sync.c - sync figures (docs/PERFORMANCE.md, "Sync"): a bundle of
 * 10,000 articles and 200 MB of media built here, served by a real nginx
 * on loopback, synced by a child process running ks_sync_once(), whose
 * wall time and peak RSS are measured (also with a quarter of the media,
 * to show that RSS does not grow with media size); then an unchanged poll
 * and a one-article change, with the bytes they move.
 *
 *   bench_sync [--articles N] [--media-mb M] [--keep]
 *
 * Prints figures; never fails on time. Needs /usr/sbin/nginx and ~4x the
 * media size of free disk in $TMPDIR (removed at the end unless --keep).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "ks/bundle.h"
#include "ks/clock.h"
#include "ks/file.h"
#include "ks/log.h"
#include "ks/path.h"
#include "ks/sync.h"

#define NGINX "/usr/sbin/nginx"

static char tmp[512];

static void die(const char *what, const ks_error *e)
{
    fprintf(stderr, "bench_sync: %s: %s\n", what, e ? e->msg : strerror(errno));
    exit(1);
}

static char *pth(const char *a, const char *b)
{
    char *p = ks_path_join(a, b);
    if (!p) die("out of memory", NULL);
    return p;
}

/* Writes the content: n articles over 10 files, en with every fifth also
 * in zh-Hans; article 7's body carries `tag` (the one-article change). */
static void write_content(const char *src, int n, int n_media, const char *tag)
{
    ks_path_mkdirs(src, NULL);
    int per = (n + 9) / 10, id = 0;
    for (int f = 0; f < 10; f++) {
        char name[64];
        snprintf(name, sizeof name, "%s/part%02d.json", src, f);
        FILE *o = fopen(name, "w");
        if (!o) die(name, NULL);
        fprintf(o, "{\"format\":\"kiosk-faq/1\",");
        if (f == 0)
            fprintf(o, "\"categories\":[{\"id\":\"general\",\"titles\":{\"en\":\"General\",\"zh-Hans\":"
                       "\"常见问题\"}}],");
        fprintf(o, "\"articles\":[");
        for (int i = 0; i < per && id < n; i++, id++) {
            char media[64] = "";
            if (id < n_media) snprintf(media, sizeof media, "\\n\\n![figure](media/m%03d.bin)", id);
            int zh = id % 5 == 0;
            fprintf(
                o,
                "%s{\"id\":\"q%05d\",\"locale\":\"%s\",\"category\":\"general\",\"title\":\"%s %d\","
                "\"body\":\"%s %d. Visit any branch with your ID, or use the app: open Settings, choose "
                "Security and follow the steps. Our staff can help you at the counter during opening hours."
                "%s%s\",\"questions\":[\"How do I handle case %d?\",\"Problem %d\"],"
                "\"keywords\":[\"help\",\"case%d\"]}",
                i ? "," : "", id, zh ? "zh-Hans" : "en", zh ? "如何处理问题" : "How to handle case", id,
                zh ? "请带身份证到网点办理" : "Answer for case", id, id == 7 ? tag : "", media, id, id, id);
        }
        fprintf(o, "]}\n");
        fclose(o);
    }
}

static void write_media(const char *src, int n_files, size_t each)
{
    char *dir = pth(src, "media");
    ks_path_mkdirs(dir, NULL);
    unsigned char *buf = malloc(each);
    if (!buf) die("out of memory", NULL);
    for (int i = 0; i < n_files; i++) {
        char name[32];
        snprintf(name, sizeof name, "m%03d.bin", i);
        randombytes_buf(buf, each);
        char *p = pth(dir, name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, buf, each) != (ssize_t)each) die(p, NULL);
        close(fd);
        free(p);
    }
    free(buf);
    free(dir);
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &l) != 0)
        die("free port", NULL);
    close(s);
    return ntohs(a.sin_port);
}

static pid_t start_nginx(const char *root, int port, char **access_log)
{
    char *dir = pth(tmp, "nginx");
    ks_path_mkdirs(dir, NULL);
    char *conf = pth(dir, "nginx.conf");
    *access_log = pth(dir, "access.log");
    FILE *f = fopen(conf, "w");
    if (!f) die(conf, NULL);
    fprintf(f,
            "daemon off; master_process off; pid %s/nginx.pid; error_log %s/error.log warn;\n"
            "events { worker_connections 64; }\n"
            "http { client_body_temp_path %s/b; proxy_temp_path %s/p; fastcgi_temp_path %s/f;\n"
            "  uwsgi_temp_path %s/u; scgi_temp_path %s/s; types { application/json json; }\n"
            "  default_type application/octet-stream; sendfile on;\n"
            "  log_format ks '$status $bytes_sent $request_length \"$request\"'; access_log %s ks;\n"
            "  server { listen 127.0.0.1:%d; root %s; etag on; } }\n",
            dir, dir, dir, dir, dir, dir, dir, *access_log, port, root);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 1);
        dup2(nul, 2);
        execl(NGINX, "nginx", "-p", dir, "-c", conf, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
        close(s);
        if (ok) break;
        ks_clock_sleep_ms(25);
    }
    free(conf);
    free(dir);
    return pid;
}

/* Sums bytes_sent + request_length of access-log lines after line *seen. */
static void log_bytes(const char *log, size_t *seen, unsigned *requests, unsigned long long *bytes)
{
    ks_clock_sleep_ms(50);
    FILE *f = fopen(log, "r");
    char line[1024];
    size_t n = 0;
    *requests = 0;
    *bytes = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (n++ < *seen) continue;
        unsigned long long sent = 0, req = 0;
        int status = 0;
        if (sscanf(line, "%d %llu %llu", &status, &sent, &req) == 3) {
            (*requests)++;
            *bytes += sent + req;
        }
    }
    if (f) fclose(f);
    *seen = n;
}

typedef struct run {
    ks_sync_result res;
    ks_status rc;
    double secs;
    long rss_kb;
} run;

/* One ks_sync_once() in a child process: its own peak RSS. */
static run sync_child(const char *data, const char *url, const unsigned char pk[32])
{
    int fds[2];
    run r = {0};
    if (pipe(fds) != 0) die("pipe", NULL);
    uint64_t t0 = ks_clock_real_us();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        ks_sync_config cfg = {.data_dir = data, .url = url};
        memcpy(cfg.pubkey, pk, 32);
        run c = {0};
        ks_error e = {0};
        c.rc = ks_sync_once(&cfg, &c.res, &e);
        if (c.rc) fprintf(stderr, "bench_sync: sync: %s\n", e.msg);
        if (write(fds[1], &c, sizeof c) != (ssize_t)sizeof c) _exit(2);
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], &r, sizeof r) != (ssize_t)sizeof r) r.rc = KS_ERR_IO;
    close(fds[0]);
    int status = 0;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    r.secs = (double)(ks_clock_real_us() - t0) / 1e6;
    r.rss_kb = ru.ru_maxrss;
    return r;
}

static int64_t build(const char *src, const char *out, const unsigned char sk[64], int64_t version,
                     double *secs)
{
    ks_bundle_build_opts o = {.version = version};
    ks_bundle_build_stats st = {0};
    ks_error e = {0};
    uint64_t t0 = ks_clock_real_us();
    if (ks_bundle_build(src, out, sk, &o, &st, &e) != KS_OK) die("build", &e);
    *secs = (double)(ks_clock_real_us() - t0) / 1e6;
    return (int64_t)st.total_bytes;
}

int main(int argc, char **argv)
{
    int articles = 10000, media_mb = 200, keep = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--articles") == 0 && i + 1 < argc)
            articles = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--media-mb") == 0 && i + 1 < argc)
            media_mb = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else {
            fprintf(stderr, "usage: bench_sync [--articles N] [--media-mb M] [--keep]\n");
            return 2;
        }
    }
    if (sodium_init() < 0 || access(NGINX, X_OK) != 0) {
        fprintf(stderr, "bench_sync: needs libsodium and %s\n", NGINX);
        return 1;
    }
    ks_log_set_level(KS_LOG_WARN);
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmp, sizeof tmp, "%s/ks-bench-sync-XXXXXX", base);
    if (!mkdtemp(tmp)) die("mkdtemp", NULL);
    char *sec = pth(tmp, "sec.key"), *pub = pth(tmp, "pub.key"), *site = pth(tmp, "site");
    ks_error e = {0};
    unsigned char pk[32], sk[64];
    if (ks_bundle_keygen(sec, pub, &e) || ks_bundle_read_seckey(sec, sk, &e) ||
        ks_bundle_read_pubkey(pub, pk, &e))
        die("keys", &e);
    ks_path_mkdirs(site, NULL);
    int port = free_port();
    char *alog = NULL;
    pid_t nginx = start_nginx(site, port, &alog);
    size_t seen = 0;

    printf("== bench_sync: %d articles; media 2 MB files; nginx on loopback\n", articles);
    long rss[2] = {0, 0};
    int sizes[2] = {media_mb / 4 / 2 * 2, media_mb / 2 * 2}; /* whole 2 MB files */
    char *data = NULL;
    for (int k = 0; k < 2; k++) {
        char name[32];
        snprintf(name, sizeof name, "src%d", k);
        char *src = pth(tmp, name);
        int n_media = sizes[k] / 2;
        write_content(src, articles, n_media, "");
        write_media(src, n_media, 2u * 1024 * 1024);
        double bsecs = 0;
        int64_t bytes = build(src, site, sk, k + 1, &bsecs);
        snprintf(name, sizeof name, "data%d", k);
        free(data);
        data = pth(tmp, name);
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
        run r = sync_child(data, url, pk);
        if (r.rc != KS_OK) die("sync failed", NULL);
        rss[k] = r.rss_kb;
        printf("full sync, %d articles + %d MB media: %.2f s (%.1f MB/s), %u requests, %u files, "
               "peak RSS %.1f MB   [build %.2f s]\n",
               articles, n_media * 2, r.secs, (double)bytes / 1048576.0 / r.secs, r.res.requests,
               r.res.files_fetched, r.rss_kb / 1024.0, bsecs);
        if (k == 0) {
            ks_path_remove_tree(src, NULL);
            ks_path_remove_tree(data, NULL);
        }
        free(src);
        log_bytes(alog, &seen, &(unsigned){0}, &(unsigned long long){0});
    }
    printf("peak RSS with %d MB vs %d MB of media: %.1f MB vs %.1f MB (%+.1f MB)\n", sizes[0], sizes[1],
           rss[0] / 1024.0, rss[1] / 1024.0, (rss[1] - rss[0]) / 1024.0);

    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    run r = sync_child(data, url, pk);
    unsigned reqs = 0;
    unsigned long long wire = 0;
    log_bytes(alog, &seen, &reqs, &wire);
    printf("unchanged poll: %.3f s, %u request(s), %llu bytes on the wire (request + response), client "
           "received %llu\n",
           r.secs, reqs, wire, (unsigned long long)r.res.bytes_received);

    char *src = pth(tmp, "src1");
    write_content(src, articles, sizes[1] / 2, " Updated today.");
    double bsecs = 0;
    build(src, site, sk, 3, &bsecs);
    char *mpath = pth(site, "manifest.json");
    uint64_t msize = 0;
    ks_file_size(mpath, &msize, NULL);
    r = sync_child(data, url, pk);
    log_bytes(alog, &seen, &reqs, &wire);
    printf("one-article change: %.2f s, %u requests, %u file(s) fetched, %llu bytes received in all "
           "(manifest %llu bytes); on the wire %llu bytes\n",
           r.secs, r.res.requests, r.res.files_fetched, (unsigned long long)r.res.bytes_received,
           (unsigned long long)msize, wire);
    /* Body bytes of the non-manifest responses, from nginx's log. */
    FILE *f = fopen(alog, "r");
    char line[1024];
    unsigned long long other = 0;
    size_t n = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (n++ < seen - reqs) continue;
        unsigned long long sent = 0, req = 0;
        int status = 0;
        if (sscanf(line, "%d %llu %llu", &status, &sent, &req) == 3 && !strstr(line, "manifest.json"))
            other += sent;
    }
    if (f) fclose(f);
    /* The changed article's document, from the signed manifest: what a
     * perfect client must move besides the manifest. */
    char *mtext = NULL;
    size_t mlen = 0;
    ks_manifest *m = NULL;
    uint64_t doc = 0;
    if (ks_file_read_all(mpath, KS_MANIFEST_MAX_BYTES, &mtext, &mlen, &e) == KS_OK &&
        ks_manifest_open(mtext, mlen, "manifest.json", pk, 0, &m, &e) == KS_OK) {
        for (size_t i = 0; i < m->n_content; i++)
            if (strcmp(m->files[i].name, "en/q00007") == 0) doc = m->files[i].size;
    }
    ks_manifest_free(m);
    free(mtext);
    printf("one-article change: %llu bytes (with headers) besides the manifest, for an article document of "
           "%llu bytes: %.2fx\n",
           other, (unsigned long long)doc, doc ? (double)other / (double)doc : 0.0);

    kill(nginx, SIGTERM);
    waitpid(nginx, NULL, 0);
    if (!keep)
        ks_path_remove_tree(tmp, NULL);
    else
        printf("kept %s\n", tmp);
    free(src);
    free(mpath);
    free(data);
    free(alog);
    free(sec);
    free(pub);
    free(site);
    return 0;
}
