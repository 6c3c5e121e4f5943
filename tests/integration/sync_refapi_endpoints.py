#!/usr/bin/env python3
"""sync_refapi_endpoints.py - the reference API's own contract
(docs/api.md): the dynamic endpoints later features use (tickets with
idempotency keys that survive a restart, feedback, statistics, heartbeat),
their validation, every fault mode as seen by a plain HTTP client, and the
static bundle tree (ETag, Range, traversal refused).
"""
import http.client
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kstest  # noqa: E402

T = kstest.Test("sync_refapi_endpoints")


def raw(api, method, path, body=b"", headers=None, timeout=10):
    """One request on a fresh connection: (status, headers, body) or the
    exception the transfer ended with."""
    c = http.client.HTTPConnection("127.0.0.1", api.port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    except (http.client.HTTPException, OSError) as e:
        return e
    finally:
        c.close()


try:
    site = T.path("site")
    os.makedirs(os.path.join(site, "media"))
    with open(os.path.join(site, "manifest.json"), "w") as f:
        f.write('{"format": "kiosk-bundle/1"}')
    with open(os.path.join(site, "media", "blob"), "wb") as f:
        f.write(bytes(range(256)) * 4)
    state = T.path("state.json")
    api = kstest.RefApi(T, site, state=state)

    # --- tickets and idempotency ---------------------------------------------------
    t1 = {"kiosk_id": "lobby-1", "locale": "en", "message": "The card reader is broken"}
    s, body, h = api.call("POST", "v1/tickets", t1, {"Idempotency-Key": "k-1"})
    first = json.loads(body)
    T.check(s == 201 and first["id"].startswith("T-"), "ticket created: %s %s" % (s, body))
    s, body, h = api.call("POST", "v1/tickets", t1, {"Idempotency-Key": "k-1"})
    T.check(s == 200 and json.loads(body)["id"] == first["id"] and h.get("Idempotent-Replay") == "true",
            "same key, same body: the same ticket again: %s %s" % (s, body))
    s, body, h = api.call("POST", "v1/tickets", dict(t1, message="other"), {"Idempotency-Key": "k-1"})
    T.check(s == 409, "same key, other body: 409: %s" % s)
    s, body, h = api.call("POST", "v1/tickets", t1)
    T.check(s == 201 and json.loads(body)["id"] != first["id"], "no key: a new ticket")
    s, body, h = api.call("GET", "v1/tickets")
    T.check(s == 200 and len(json.loads(body)["tickets"]) == 2, "two tickets stored: %s" % body)
    s, body, h = api.call("GET", "v1/tickets/" + first["id"])
    T.check(s == 200 and json.loads(body)["message"] == t1["message"], "ticket readable by id")

    # --- validation -----------------------------------------------------------------
    for path, payload, want in [("v1/tickets", {"kiosk_id": "x"}, 422),
                                ("v1/tickets", {"kiosk_id": "x", "message": "  "}, 422),
                                ("v1/feedback", {"article_id": "a1", "helpful": True}, 201),
                                ("v1/feedback", {"article_id": "a1", "rating": 4}, 201),
                                ("v1/feedback", {"article_id": "a1", "rating": 6}, 422),
                                ("v1/feedback", {"article_id": "a1", "helpful": "yes"}, 422),
                                ("v1/feedback", {"article_id": "a1"}, 422),
                                ("v1/statistics", {"kiosk_id": "lobby-1", "counters": {"queries": 12}}, 201),
                                ("v1/statistics", {"kiosk_id": "lobby-1", "counters": [1]}, 422),
                                ("v1/heartbeat", {"kiosk_id": "lobby-1", "content_version": 3}, 200),
                                ("v1/heartbeat", {}, 422),
                                ("v1/unknown", {"a": 1}, 404)]:
        s, body, _ = api.call("POST", path, payload)
        T.check(s == want, "POST /%s %s -> %d (wanted %d): %s" % (path, payload, s, want, body))
    r = raw(api, "POST", "/v1/tickets", b"{not json", {"Content-Type": "application/json"})
    T.check(r[0] == 400 and b"not valid JSON" in r[2], "malformed body -> 400: %s" % (r,))
    r = raw(api, "POST", "/v1/tickets", b"[1, 2]")
    T.check(r[0] == 400, "a body that is not an object -> 400")
    r = raw(api, "POST", "/v1/tickets", b"x" * (1024 * 1024 + 1))
    T.check(not isinstance(r, Exception) and r[0] == 413, "a body over 1 MiB -> 413: %s" % (r if isinstance(r, Exception) else r[0]))
    s, body, _ = api.call("GET", "v1/health")
    T.check(s == 200 and json.loads(body)["ok"] is True, "health")
    st = api.control("GET", "state")
    T.check(st["heartbeats"]["lobby-1"]["content_version"] == 3, "heartbeat recorded")
    T.check(len(st["feedback"]) == 2 and len(st["statistics"]) == 1, "feedback and statistics recorded")

    # --- fault modes as a plain client sees them ------------------------------------------
    hb = json.dumps({"kiosk_id": "k"}).encode()
    r = raw(api, "POST", "/v1/heartbeat", hb, {"X-Fault": "500"})
    T.check(r[0] == 500, "X-Fault: 500")
    r = raw(api, "POST", "/v1/heartbeat?fault=503", hb)
    T.check(r[0] == 503 and r[1].get("Retry-After") == "2", "?fault=503 with Retry-After: %s" % (r,))
    r = raw(api, "POST", "/v1/heartbeat", hb, {"X-Fault": "429"})
    T.check(r[0] == 429 and "Retry-After" in r[1], "X-Fault: 429")
    r = raw(api, "POST", "/v1/tickets", json.dumps(t1).encode(), {"X-Fault": "malformed"})
    ok = not isinstance(r, Exception) and r[0] == 201
    try:
        json.loads(r[2])
        ok = False
    except (ValueError, TypeError):
        pass
    T.check(ok, "X-Fault: malformed gives a body that is not JSON: %s" % (r,))
    r = raw(api, "POST", "/v1/tickets", json.dumps(t1).encode(), {"X-Fault": "drop"})
    T.check(isinstance(r, Exception), "X-Fault: drop cuts the response: %s" % (r,))
    r = raw(api, "GET", "/bundle/media/blob", headers={"X-Fault": "truncate"})
    T.check(r[0] == 200 and len(r[2]) == 512, "truncate sends half with a matching length")
    r = raw(api, "GET", "/bundle/media/blob", headers={"X-Fault": "oversize"})
    T.check(r[0] == 200 and len(r[2]) == 1024 + 1024 * 1024, "oversize appends data")
    r = raw(api, "GET", "/bundle/media/blob", headers={"X-Fault": "wronghash"})
    T.check(r[0] == 200 and len(r[2]) == 1024 and r[2] != bytes(range(256)) * 4, "wronghash flips a byte")
    r = raw(api, "GET", "/bundle/manifest.json", headers={"X-Fault": "redirect-loop"})
    T.check(r[0] == 302 and r[1]["Location"] == "/bundle/manifest.json", "redirect-loop points at itself")
    r = raw(api, "GET", "/bundle/manifest.json", headers={"X-Fault": "redirect-scheme"})
    T.check(r[0] == 302 and r[1]["Location"].startswith("ftp://"), "redirect-scheme")
    r = raw(api, "GET", "/bundle/manifest.json", headers={"X-Fault": "nonsense"})
    T.check(r[0] == 400, "an unknown fault mode is a 400")
    api.fault("stall", path="/bundle/media/", stall_s=5, fraction=0.25)
    t0 = time.time()
    r = raw(api, "GET", "/bundle/media/blob", timeout=1)
    T.check(isinstance(r, (socket.timeout, TimeoutError, OSError)) and time.time() - t0 < 3,
            "stall: the body stops coming: %s" % (r,))
    api.fault("slow", path="/bundle/media/", rate=2048)
    t0 = time.time()
    r = raw(api, "GET", "/bundle/media/blob")
    T.check(r[0] == 200 and len(r[2]) == 1024 and time.time() - t0 >= 0.3, "slow: throttled to 2 KB/s")
    r = raw(api, "POST", "/_control/faults", json.dumps({"mode": "bogus"}).encode())
    T.check(r[0] == 400, "control refuses an unknown mode")

    # --- the static tree --------------------------------------------------------------------
    r = raw(api, "GET", "/bundle/manifest.json")
    etag = r[1].get("ETag")
    T.check(r[0] == 200 and etag and r[1].get("Cache-Control") == "no-cache", "manifest with an ETag")
    r = raw(api, "GET", "/bundle/manifest.json", headers={"If-None-Match": etag})
    T.check(r[0] == 304 and r[2] == b"", "If-None-Match -> 304")
    r = raw(api, "GET", "/bundle/media/blob", headers={"Range": "bytes=1000-"})
    T.check(r[0] == 206 and r[2] == (bytes(range(256)) * 4)[1000:] and r[1]["Content-Range"] == "bytes 1000-1023/1024",
            "Range -> 206 with the tail")
    r = raw(api, "GET", "/bundle/media/blob", headers={"Range": "bytes=-24"})
    T.check(r[0] == 206 and len(r[2]) == 24, "suffix range")
    r = raw(api, "GET", "/bundle/media/blob", headers={"Range": "bytes=5000-"})
    T.check(r[0] == 416, "a range past the end -> 416")
    for p in ("/bundle/../state.json", "/bundle/%2e%2e/state.json", "/bundle/media/../../state.json"):
        r = raw(api, "GET", p)
        T.check(r[0] == 404, "%s is not served: %s" % (p, r[0]))

    # --- state survives a restart; idempotency keys too ------------------------------------------
    # (The malformed and dropped replies above still stored their tickets:
    # the server did its work, only the answer was lost - the case the
    # idempotency key exists for.)
    s, body, h = api.call("GET", "v1/tickets")
    before = len(json.loads(body)["tickets"])
    T.check(before == 4, "tickets whose replies were lost were stored: %d" % before)
    api.stop()
    api = kstest.RefApi(T, site, state=state)
    s, body, h = api.call("POST", "v1/tickets", t1, {"Idempotency-Key": "k-1"})
    T.check(s == 200 and json.loads(body)["id"] == first["id"], "after a restart the key still maps to its ticket")
    s, body, h = api.call("GET", "v1/tickets")
    T.check(len(json.loads(body)["tickets"]) == before, "tickets survive a restart")
    api.stop()
except kstest.Failure as e:
    T.check(False, str(e))
T.done()
