"""kstest.py - helpers for the sync integration tests: a temporary work
directory, kioskctl, signed bundles built from small generated sources, the
reference API and a real nginx started on free loopback ports, and checks
of a data directory (integrity, content version, media hashes).

Test code only. Servers are started by the test and killed by their pid
when it ends; nothing outside the temporary directory is touched.
"""

import atexit
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

SRC = os.environ.get("KS_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD = os.environ.get("KS_BUILD_DIR") or os.path.join(SRC, "build")
KIOSKCTL = os.environ.get("KIOSKCTL") or os.path.join(BUILD, "kioskctl")
REFAPI = os.path.join(SRC, "tools", "refapi", "refapi.py")
NGINX = "/usr/sbin/nginx"


def is_sanitized_build():
    """True when KS_BUILD_DIR was configured with -DKS_SANITIZE=ON."""
    try:
        with open(os.path.join(BUILD, "CMakeCache.txt"), encoding="utf-8") as f:
            return any(line.strip() == "KS_SANITIZE:BOOL=ON" for line in f)
    except OSError:
        return False


class Failure(Exception):
    pass


class Test:
    """One integration test: a temp dir, checks, and clean-up at exit."""

    def __init__(self, name):
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix="ks-%s-" % name)
        self.failures = 0
        self.checks = 0
        self.procs = []
        atexit.register(self._cleanup)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def check(self, cond, what):
        self.checks += 1
        if not cond:
            self.failures += 1
            print("  FAIL: %s" % what, flush=True)
        return cond

    def require(self, cond, what):
        if not self.check(cond, what):
            raise Failure(what)

    def done(self):
        if self.failures:
            print("%s: %d of %d checks failed (files kept in %s)" % (self.name, self.failures, self.checks, self.tmp))
            sys.exit(1)
        print("%s: all %d checks passed" % (self.name, self.checks))
        sys.exit(0)

    def _cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if not self.failures:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------ kioskctl

    def ctl(self, *args, data=None, expect=0, env=None, timeout=120):
        """Runs kioskctl; checks the exit code when expect is not None."""
        cmd = [KIOSKCTL] + (["--data-dir", data] if data else []) + [str(a) for a in args]
        e = dict(os.environ)
        if env:
            e.update(env)
        r = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=timeout)
        if expect is not None and r.returncode != expect:
            self.check(False, "%s -> exit %d (wanted %d)\n    stdout: %s\n    stderr: %s"
                       % (" ".join(cmd[1:]), r.returncode, expect, r.stdout.strip(), r.stderr.strip()))
        return r

    def sync(self, data, url, pub, *extra, expect=0, env=None):
        """kioskctl sync --once --json; returns (exit code, result dict)."""
        r = self.ctl("sync", "--once", "--json", "--url", url, "--pubkey", pub, *extra,
                     data=data, expect=expect, env=env)
        try:
            res = json.loads(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            self.check(False, "sync printed no JSON result: %r / %r" % (r.stdout, r.stderr))
            res = {}
        return r.returncode, res

    def keys(self):
        sec, pub = self.path("sec.key"), self.path("pub.key")
        if not os.path.exists(pub):
            self.ctl("keygen", sec, pub)
        return sec, pub

    def build(self, src, out, version, expires=None, key=None):
        sec = key or self.keys()[0]
        args = ["bundle", "build", "--key", sec, "--version", version]
        if expires:
            args += ["--expires", expires]
        return self.ctl(*(args + [src, out]))

    # ------------------------------------------------------------ servers

    def refapi(self, bundle_dir):
        return RefApi(self, bundle_dir)

    def nginx(self, root, tls=None):
        return Nginx(self, root, tls)


def make_src(src, articles=3, media=None, revised=None):
    """Writes a kiosk-faq/1 source tree: `articles` articles a0.. in en (a0
    also in zh-Hans), category 'help'; media is {name: bytes}, article i
    citing the i-th name; revised is {article id: tag}, changing only those
    articles' bodies (a one-article change is revised={"a1": "v2"})."""
    os.makedirs(os.path.join(src, "media"), exist_ok=True)
    media = media or {}
    revised = revised or {}
    names = sorted(media)
    arts = []
    for i in range(articles):
        aid = "a%d" % i
        body = "Answer number %d, as the help desk wrote it." % i
        if aid in revised:
            body = "Answer number %d, revised (%s)." % (i, revised[aid])
        if i < len(names):
            body += "\n\n![picture](media/%s)" % names[i]
        arts.append({"id": aid, "locale": "en", "category": "help",
                     "title": "Question %d" % i, "body": body, "questions": ["How about %d?" % i]})
    arts.append({"id": "a0", "locale": "zh-Hans", "category": "help", "title": "问题零", "body": "答案。"})
    doc = {"format": "kiosk-faq/1",
           "categories": [{"id": "help", "titles": {"en": "Help", "zh-Hans": "帮助"}}],
           "articles": arts}
    for old in os.listdir(os.path.join(src, "media")):
        if old not in media:
            os.remove(os.path.join(src, "media", old))
    with open(os.path.join(src, "faq.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
    for name, data in media.items():
        p = os.path.join(src, "media", name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)


def article_body(data, aid, locale="en"):
    c = db(data)
    try:
        row = c.execute("SELECT body FROM articles WHERE id = ? AND locale = ?", (aid, locale)).fetchone()
        return row[0] if row else None
    finally:
        c.close()


def pseudo_random(n, seed):
    """n deterministic bytes (no entropy needed, only distinct content)."""
    out = bytearray()
    h = hashlib.sha256(b"seed%d" % seed).digest()
    while len(out) < n:
        h = hashlib.sha256(h).digest()
        out += h * 64
    return bytes(out[:n])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, what, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise Failure("%s exited at start (code %s)" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Failure("%s did not listen on port %d" % (what, port))


class RefApi:
    """The reference API (tools/refapi/refapi.py) on a free loopback port."""

    def __init__(self, test, bundle_dir, state=None):
        self.test = test
        port_file = test.path("refapi-%d.port" % len(test.procs))
        args = [sys.executable, REFAPI, "--bundle-dir", bundle_dir, "--port-file", port_file]
        if state:
            args += ["--state", state]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(test.path("refapi.log"), "a"))
        test.procs.append(self.proc)
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise Failure("the reference API did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read())
        wait_port(self.port, self.proc, "refapi")
        self.base = "http://127.0.0.1:%d/" % self.port
        self.url = self.base + "bundle/"

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path.lstrip("/"), data=data, method=method,
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def control(self, method, what, body=None):
        status, raw, _ = self.call(method, "_control/" + what, body)
        if status != 200:
            raise Failure("refapi control %s %s -> %d %s" % (method, what, status, raw))
        return json.loads(raw)

    def fault(self, mode, path="", times=1, **kw):
        self.control("POST", "faults", dict(kw, mode=mode, path=path, times=times))

    def clear_faults(self):
        self.control("DELETE", "faults")

    def log(self, clear=True):
        reqs = self.control("GET", "log")["requests"]
        if clear:
            self.control("DELETE", "log")
        return [r for r in reqs if not r["path"].startswith("/_control/")]

    def serve(self, bundle_dir):
        self.control("POST", "bundle", {"dir": bundle_dir})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Nginx:
    """A real nginx serving root over loopback (optionally TLS), started with
    a config in the test's temp dir: no root paths, single process."""

    def __init__(self, test, root, tls=None):
        self.test = test
        self.port = free_port()
        d = test.path("nginx-%d" % self.port)
        os.makedirs(d)
        self.access_log = os.path.join(d, "access.log")
        listen = "127.0.0.1:%d" % self.port
        ssl = ""
        if tls:
            listen += " ssl"
            ssl = "ssl_certificate %s; ssl_certificate_key %s;" % tls
        conf = """
daemon off;
master_process off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 64; }
http {
  client_body_temp_path %(d)s/body;
  proxy_temp_path %(d)s/proxy;
  fastcgi_temp_path %(d)s/fastcgi;
  uwsgi_temp_path %(d)s/uwsgi;
  scgi_temp_path %(d)s/scgi;
  types { application/json json; }
  default_type application/octet-stream;
  log_format ks '$status $bytes_sent $request_length "$request" "$http_range" "$http_if_none_match"';
  access_log %(d)s/access.log ks;
  server {
    listen %(listen)s;
    %(ssl)s
    root %(root)s;
    etag on;
  }
}
""" % {"d": d, "listen": listen, "ssl": ssl, "root": root}
        cpath = os.path.join(d, "nginx.conf")
        with open(cpath, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen([NGINX, "-p", d, "-c", cpath], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(d, "stderr.log"), "w"))
        test.procs.append(self.proc)
        wait_port(self.port, self.proc, "nginx")
        self.url = "%s://127.0.0.1:%d/" % ("https" if tls else "http", self.port)
        self._seen = 0

    def log(self):
        """Access-log entries since the last call: (status, bytes_sent,
        request_length, request line, range)."""
        time.sleep(0.05)  # nginx writes the line after the response
        with open(self.access_log) as f:
            lines = f.read().splitlines()
        new = lines[self._seen:]
        self._seen = len(lines)
        out = []
        for line in new:
            status, sent, reqlen, rest = line.split(" ", 3)
            req, rng = rest[1:].split('" "', 1)[0], rest.split('" "')[1]
            out.append((int(status), int(sent), int(reqlen), req, rng))
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------ data checks

def db(data):
    return sqlite3.connect("file:%s?mode=ro" % os.path.join(data, "kiosk.db"), uri=True, timeout=10)


def content_state(data):
    """(content version, {(id, locale): title}, integrity) of a data dir."""
    if not os.path.exists(os.path.join(data, "kiosk.db")):
        return 0, {}, "ok"
    c = db(data)
    try:
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
        row = c.execute("SELECT value FROM meta WHERE key = 'content_version'").fetchone()
        version = int(row[0]) if row else 0
        titles = {(i, l): t for i, l, t in c.execute("SELECT id, locale, title FROM articles")}
        return version, titles, integrity
    finally:
        c.close()


def live_media_ok(data):
    """None when every media file and content document media_live names is
    in the store (DATA/media/<sha256>, table content_blobs) with its hash."""
    c = db(data)
    try:
        try:
            rows = c.execute("SELECT kind, name, sha256, size FROM media_live").fetchall()
        except sqlite3.OperationalError:
            return None  # no bundle installed yet
        docs = {}
        for kind, name, sha, size in rows:
            if kind == "content":
                row = c.execute("SELECT data FROM content_blobs WHERE sha256 = ?", (sha,)).fetchone()
                docs[sha] = bytes(row[0]) if row else None
    finally:
        c.close()
    for kind, name, sha, size in rows:
        if kind == "content":
            blob = docs.get(sha)
            if blob is None:
                return "content %s: document %s missing" % (name, sha)
        else:
            try:
                with open(os.path.join(data, "media", sha), "rb") as f:
                    blob = f.read()
            except OSError:
                return "%s %s: %s missing" % (kind, name, sha)
        if len(blob) != size or hashlib.sha256(blob).hexdigest() != sha:
            return "%s %s: %s has the wrong size or hash" % (kind, name, sha)
    return None


def kv(data, key):
    c = db(data)
    try:
        row = c.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None
    finally:
        c.close()
