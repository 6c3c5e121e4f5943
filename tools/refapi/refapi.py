#!/usr/bin/env python3
"""refapi.py - the reference support API (docs/api.md), for development,
demos and tests. Python 3 standard library only.

It serves a content bundle tree the way a static server or CDN would
(strong ETags, If-None-Match -> 304, single byte ranges -> 206) under
/bundle/, the dynamic endpoints the kiosk talks to under /v1/ (tickets with
idempotency keys, feedback, statistics, heartbeat), and a control API under
/_control/ that switches fault modes per test and returns a log of every
request with the bytes it cost.

It must not be exposed to a network: it binds to loopback by default, has
no authentication and keeps its state in memory (or a JSON file).

    refapi.py --bundle-dir DIR [--host 127.0.0.1] [--port 0]
              [--port-file FILE] [--state FILE] [--verbose]
"""

import argparse
import email.utils
import hashlib
import http.server
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

MAX_BODY = 1024 * 1024          # largest POST body accepted
DRAIN_MAX = 16 * MAX_BODY       # an oversized body is read and dropped up to this
CHUNK = 64 * 1024
FAULT_MODES = (
    "drop", "500", "503", "429", "stall", "truncate", "oversize", "malformed",
    "wronghash", "redirect-loop", "redirect-scheme", "redirect", "slow", "notfound",
)


class State:
    """Everything the server remembers; one lock guards it all."""

    def __init__(self, bundle_dir, state_file):
        self.lock = threading.Lock()
        self.bundle_dir = os.path.realpath(bundle_dir) if bundle_dir else None
        self.state_file = state_file
        self.faults = []          # rules: dict(mode, path, times, ...)
        self.log = []             # one dict per request
        self.etags = {}           # (path, mtime_ns, size) -> etag
        self.data = {"tickets": [], "feedback": [], "statistics": [], "heartbeats": {},
                     "idempotency": {}, "next_ticket": 1, "next_id": 1}
        self.stopping = threading.Event()
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as f:
                self.data.update(json.load(f))

    def save(self):
        """Writes the dynamic state atomically (caller holds the lock)."""
        if not self.state_file:
            return
        tmp = self.state_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_file)

    def take_fault(self, path):
        """The first rule matching path, consuming one use of it."""
        with self.lock:
            for rule in self.faults:
                if rule.get("path", "") in path:
                    times = rule.get("times", 1)
                    if times == 0:
                        continue
                    if times > 0:
                        rule["times"] = times - 1
                    return dict(rule)
        return None

    def etag(self, path, st):
        key = (path, st.st_mtime_ns, st.st_size)
        with self.lock:
            tag = self.etags.get(key)
        if tag:
            return tag
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                h.update(block)
        tag = '"%s"' % h.hexdigest()[:32]
        with self.lock:
            self.etags[key] = tag
        return tag


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kiosk-refapi/1"

    # ------------------------------------------------------------ plumbing

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, delayed
        # ACKs add ~40 ms to every small response on loopback.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # noqa: D401 - quiet unless asked
        if self.server.verbose:
            sys.stderr.write("refapi: %s\n" % (fmt % args))

    @property
    def st(self):
        return self.server.state

    def _begin(self):
        self.rec = {"t": round(time.time(), 3), "method": self.command, "path": self.path,
                    "status": 0, "header_bytes": 0, "body_bytes": 0,
                    "range": self.headers.get("Range"),
                    "if_none_match": self.headers.get("If-None-Match"),
                    "idempotency_key": self.headers.get("Idempotency-Key"),
                    "fault": None}

    def _end(self):
        with self.st.lock:
            self.st.log.append(self.rec)

    def _head(self, status, headers, length):
        """Writes the status line and headers; counts their bytes."""
        lines = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0]),
                 "Server: " + self.server_version,
                 "Date: " + email.utils.formatdate(usegmt=True)]
        if length is not None:
            lines.append("Content-Length: %d" % length)
        lines += ["%s: %s" % kv for kv in headers]
        if self.close_connection:
            lines.append("Connection: close")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(raw)
        self.rec["status"] = status
        self.rec["header_bytes"] += len(raw)

    def _write(self, data):
        self.wfile.write(data)
        self.rec["body_bytes"] += len(data)

    def _send(self, status, body=b"", headers=(), ctype="application/json"):
        hdrs = list(headers)
        if body:
            hdrs.append(("Content-Type", ctype))
        self._head(status, hdrs, len(body))
        if self.command != "HEAD" and body:
            self._write(body)

    def _json(self, status, obj, headers=()):
        self._send(status, (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8"), headers)

    def _abort(self):
        """Closes the connection without finishing the response."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _fault(self):
        """The fault for this request: query ?fault=, X-Fault header, or a rule."""
        q = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(q.query)
        mode = (params.get("fault") or [None])[0] or self.headers.get("X-Fault")
        if mode:
            return {"mode": mode}
        return self.st.take_fault(q.path)

    # --------------------------------------------------------------- verbs

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _dispatch(self):
        self._begin()
        try:
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith("/_control/"):
                self._control(path)
                return
            fault = self._fault()
            if fault:
                self.rec["fault"] = fault.get("mode")
                if self._simple_fault(fault):
                    return
            if path.startswith("/bundle/") and self.command in ("GET", "HEAD"):
                self._static(path[len("/bundle/"):], fault)
            elif path.startswith("/v1/"):
                self._api(path[len("/v1/"):], fault)
            else:
                self._json(404, {"error": "no such endpoint: %s" % path})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self._end()

    def _simple_fault(self, fault):
        """Faults that replace the whole response. True when handled."""
        mode = fault["mode"]
        if mode not in FAULT_MODES:
            self._json(400, {"error": "unknown fault mode %r; known: %s" % (mode, ", ".join(FAULT_MODES))})
            return True
        if mode == "500":
            self._json(500, {"error": "injected internal error"})
        elif mode in ("503", "429"):
            ra = fault.get("retry_after", 2)
            value = (email.utils.formatdate(time.time() + ra, usegmt=True)
                     if fault.get("retry_after_date") else str(ra))
            self._json(int(mode), {"error": "injected: busy"}, [("Retry-After", value)])
        elif mode == "notfound":
            self._json(404, {"error": "injected: not found"})
        elif mode == "redirect-loop":
            self._send(302, headers=[("Location", self.path)])
        elif mode == "redirect-scheme":
            self._send(302, headers=[("Location", fault.get("location", "ftp://127.0.0.1/bundle/manifest.json"))])
        elif mode == "redirect":
            self._send(302, headers=[("Location", fault["location"])])
        else:
            return False
        return True

    # ---------------------------------------------------------- the bundle

    def _static(self, rel, fault):
        root = self.st.bundle_dir
        if not root:
            self._json(404, {"error": "no bundle directory configured"})
            return
        rel = urllib.parse.unquote(rel)
        full = os.path.realpath(os.path.join(root, rel))
        if not full.startswith(root + os.sep) or not os.path.isfile(full):
            self._json(404, {"error": "not found: /bundle/%s" % rel})
            return
        st = os.stat(full)
        size = st.st_size
        etag = self.st.etag(full, st)
        ctype = "application/json" if full.endswith(".json") else "application/octet-stream"
        cache = ("no-cache" if os.path.basename(full) == "manifest.json"
                 else "public, max-age=31536000, immutable")
        base = [("ETag", etag), ("Accept-Ranges", "bytes"), ("Cache-Control", cache),
                ("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))]
        inm = self.headers.get("If-None-Match")
        if inm and (inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]):
            self._head(304, base, None)
            return
        start, end, status = 0, size, 200
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and "," not in rng:
            a, _, b = rng[6:].partition("-")
            try:
                if a == "":
                    start = max(0, size - int(b))
                else:
                    start = int(a)
                    end = min(size, int(b) + 1) if b else size
            except ValueError:
                start, end = 0, size
            else:
                if start >= size or start >= end:
                    self._head(416, base + [("Content-Range", "bytes */%d" % size)], 0)
                    return
                status = 206
                base.append(("Content-Range", "bytes %d-%d/%d" % (start, end - 1, size)))
        self._stream(full, start, end, status, base + [("Content-Type", ctype)], fault)

    def _stream(self, full, start, end, status, headers, fault):
        mode = fault["mode"] if fault else None
        length = end - start
        send_len = length            # bytes of the file we send
        declared = length            # Content-Length we announce
        extra = 0                    # filler appended (oversize)
        flip_at = -1                 # file offset of a flipped byte (wronghash)
        rate = 0
        frac = float(fault.get("fraction", 0.5)) if fault else 0.5
        if mode == "drop" or mode == "stall":
            send_len = int(length * frac)
        elif mode == "truncate":
            send_len = declared = int(length * frac)
        elif mode == "oversize":
            extra = int(fault.get("bytes", 1024 * 1024))
            declared = length + extra
        elif mode == "wronghash":
            flip_at = start + length // 2 if length else -1
        elif mode == "slow":
            rate = int(fault.get("rate", 65536))
        elif mode == "malformed":
            with open(full, "rb") as f:
                f.seek(start)
                data = f.read(length)
            body = data[: len(data) // 2] + b"{{{ not json"
            self._send(status if status == 200 else 200, body, [h for h in headers if h[0] != "Content-Type"])
            return
        if self.command == "HEAD":
            self._head(status, headers, declared)
            return
        self._head(status, headers, declared)
        sent = 0
        t0 = time.time()
        with open(full, "rb") as f:
            f.seek(start)
            while sent < send_len:
                block = f.read(min(CHUNK if not rate else max(1, rate // 10), send_len - sent))
                if not block:
                    break
                if 0 <= flip_at - (start + sent) < len(block):
                    i = flip_at - (start + sent)
                    block = block[:i] + bytes([block[i] ^ 0xFF]) + block[i + 1:]
                self._write(block)
                sent += len(block)
                if rate:
                    ahead = sent / rate - (time.time() - t0)
                    if ahead > 0 and self.st.stopping.wait(ahead):
                        break
        while extra > 0:
            n = min(CHUNK, extra)
            self._write(b"\0" * n)
            extra -= n
        if mode == "stall":
            self.wfile.flush()
            self.st.stopping.wait(float(fault.get("stall_s", 30)))
            self._abort()
        elif mode == "drop":
            self._abort()

    # ------------------------------------------------------------ the API

    def _read_json(self, fault):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            # Read and drop what the client is sending (bounded), so it reads
            # the 413 instead of a reset mid-send; past the bound it is cut off.
            left = min(n, DRAIN_MAX)
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
            self.close_connection = True
            self._json(413, {"error": "body larger than %d bytes" % MAX_BODY})
            return None, True
        raw = self.rfile.read(n) if n else b""
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self._json(400, {"error": "body is not valid JSON: %s" % e})
            return None, True
        if not isinstance(obj, dict):
            self._json(400, {"error": "body must be a JSON object"})
            return None, True
        return (obj, raw), False

    def _reply(self, status, obj, fault, headers=()):
        if fault and fault["mode"] == "malformed":
            self._send(status, b'{"id": "T-', list(headers))
        elif fault and fault["mode"] == "drop":
            body = json.dumps(obj).encode()
            self._head(status, list(headers) + [("Content-Type", "application/json")], len(body))
            self._write(body[: len(body) // 2])
            self._abort()
        else:
            self._json(status, obj, headers)

    def _api(self, route, fault):
        if route == "health" and self.command == "GET":
            self._reply(200, {"ok": True, "time": int(time.time())}, fault)
            return
        if self.command == "GET" and route == "tickets":
            with self.st.lock:
                tickets = list(self.st.data["tickets"])
            self._reply(200, {"tickets": tickets}, fault)
            return
        if self.command == "GET" and route.startswith("tickets/"):
            tid = route[len("tickets/"):]
            with self.st.lock:
                found = [t for t in self.st.data["tickets"] if t["id"] == tid]
            self._reply(200, found[0], fault) if found else self._json(404, {"error": "no ticket %s" % tid})
            return
        if self.command != "POST" or route not in ("tickets", "feedback", "statistics", "heartbeat"):
            self._json(404, {"error": "no such endpoint: %s /v1/%s" % (self.command, route)})
            return
        parsed, done = self._read_json(fault)
        if done:
            return
        obj, raw = parsed
        problem = validate(route, obj)
        if problem:
            self._json(422, {"error": problem})
            return
        key = self.headers.get("Idempotency-Key")
        digest = hashlib.sha256(raw).hexdigest()
        with self.st.lock:
            data = self.st.data
            entry = data["idempotency"].get(route + ":" + key) if key else None
            if entry is not None and entry["digest"] != digest:
                pending = (409, {"error": "Idempotency-Key %r was used with a different body" % key}, [])
            elif entry is not None:
                pending = (200, entry["reply"], [("Idempotent-Replay", "true")])
            else:
                status, reply = self._store(route, obj)
                if key:
                    data["idempotency"][route + ":" + key] = {"digest": digest, "reply": reply}
                self.st.save()
                pending = (status, reply, [])
        status, reply, hdrs = pending
        self._reply(status, reply, fault, hdrs)

    def _store(self, route, obj):
        """Records obj (lock held); returns (status, reply)."""
        data = self.st.data
        now = email.utils.formatdate(usegmt=True)
        if route == "tickets":
            tid = "T-%06d" % data["next_ticket"]
            data["next_ticket"] += 1
            ticket = dict(obj, id=tid, status="open", received_at=now)
            data["tickets"].append(ticket)
            return 201, {"id": tid, "status": "open", "received_at": now}
        if route == "heartbeat":
            data["heartbeats"][obj["kiosk_id"]] = dict(obj, received_at=now)
            return 200, {"ok": True, "server_time": int(time.time())}
        rid = "%s-%06d" % (route[0].upper(), data["next_id"])
        data["next_id"] += 1
        data[route].append(dict(obj, id=rid, received_at=now))
        return 201, {"id": rid, "received_at": now}

    # -------------------------------------------------------- the control

    def _control(self, path):
        what = path[len("/_control/"):]
        if what == "faults" and self.command == "POST":
            parsed, done = self._read_json(None)
            if done:
                return
            rule = parsed[0]
            if rule.get("mode") not in FAULT_MODES:
                self._json(400, {"error": "unknown fault mode %r; known: %s"
                                 % (rule.get("mode"), ", ".join(FAULT_MODES))})
                return
            rule.setdefault("path", "")
            rule.setdefault("times", 1)
            with self.st.lock:
                self.st.faults.append(rule)
            self._json(200, {"ok": True, "faults": len(self.st.faults)})
        elif what == "faults" and self.command == "DELETE":
            with self.st.lock:
                self.st.faults.clear()
            self._json(200, {"ok": True})
        elif what == "faults" and self.command == "GET":
            with self.st.lock:
                self._json(200, {"faults": list(self.st.faults)})
        elif what == "log" and self.command == "GET":
            with self.st.lock:
                self._json(200, {"requests": list(self.st.log)})
        elif what == "log" and self.command == "DELETE":
            with self.st.lock:
                self.st.log.clear()
            self._json(200, {"ok": True})
        elif what == "bundle" and self.command == "POST":
            parsed, done = self._read_json(None)
            if done:
                return
            d = parsed[0].get("dir")
            if not d or not os.path.isdir(d):
                self._json(400, {"error": "'dir' must name an existing directory"})
                return
            with self.st.lock:
                self.st.bundle_dir = os.path.realpath(d)
            self._json(200, {"ok": True, "dir": self.st.bundle_dir})
        elif what == "state" and self.command == "GET":
            with self.st.lock:
                self._json(200, self.st.data)
        else:
            self._json(404, {"error": "no such control endpoint: %s %s" % (self.command, path)})


def validate(route, obj):
    """None when obj is an acceptable body for route, else the problem."""
    def need_str(key):
        v = obj.get(key)
        return None if isinstance(v, str) and v.strip() else "'%s' must be a non-empty string" % key

    if route == "tickets":
        return need_str("message") or need_str("kiosk_id")
    if route == "feedback":
        if need_str("article_id"):
            return need_str("article_id")
        if "helpful" in obj and not isinstance(obj["helpful"], bool):
            return "'helpful' must be true or false"
        r = obj.get("rating")
        if r is not None and (not isinstance(r, int) or isinstance(r, bool) or not 1 <= r <= 5):
            return "'rating' must be an integer from 1 to 5"
        if "helpful" not in obj and r is None:
            return "one of 'helpful' or 'rating' is required"
        return None
    if route == "statistics":
        if need_str("kiosk_id"):
            return need_str("kiosk_id")
        if not isinstance(obj.get("counters", {}), dict):
            return "'counters' must be an object"
        return None
    if route == "heartbeat":
        return need_str("kiosk_id")
    return None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="Kiosk reference support API (docs/api.md)")
    ap.add_argument("--bundle-dir", help="bundle tree served under /bundle/")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 = any free port")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--state", help="keep tickets/feedback/statistics in this JSON file")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    srv = Server((args.host, args.port), Handler)
    srv.state = State(args.bundle_dir, args.state)
    srv.verbose = args.verbose
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("refapi: listening on http://%s:%d/ (bundle: %s)" % (args.host, port, args.bundle_dir), flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.state.stopping.set()
        srv.server_close()


if __name__ == "__main__":
    main()
