#!/usr/bin/env python3
"""sync_refapi.py - `kioskctl sync` against the reference API (started here
on a free loopback port): a full sync, an unchanged poll (one request,
under 1 KB), a one-article change (only that article moves), every fault
mode of the server (each leaves the live content untouched; drops and
truncations resume with Range, fetching only the missing bytes), every
refusal the sync client must make over the network (signature, key,
rollback, expiry, schemes, redirects), and the worker honouring
Retry-After.
"""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kstest  # noqa: E402
from kstest import content_state, kv, live_media_ok, make_src, pseudo_random  # noqa: E402

T = kstest.Test("sync_refapi")
sec, pub = T.keys()
src, site, data = T.path("src"), T.path("site"), T.path("data")
M1, M2, M3 = pseudo_random(300_000, 1), pseudo_random(200_000, 2), pseudo_random(400_000, 3)


def expect_refusal(res, words, what):
    err = res.get("error") or ""
    T.check(all(w in err for w in words), "%s: error %r should mention %s" % (what, err, words))


def unchanged(d, version, what):
    v, titles, integ = content_state(d)
    T.check(integ == "ok", "%s: integrity %s" % (what, integ))
    T.check(v == version, "%s: content version %d, wanted %d (live content must be untouched)" % (what, v, version))
    T.check(live_media_ok(d) is None, "%s: %s" % (what, live_media_ok(d)))


try:
    # --- a full sync --------------------------------------------------------
    make_src(src, articles=5, media={"m1.bin": M1, "m2.bin": M2})
    T.build(src, site, 1)
    api = T.refapi(site)
    rc, res = T.sync(data, api.url, pub)
    T.check(res.get("updated") is True and res.get("content_version") == 1, "first sync installs v1: %s" % res)
    T.check(res.get("files_fetched") == 9, "7 content files + 2 media fetched: %s" % res)  # categories, 6 articles
    unchanged(data, 1, "after the first sync")
    T.check(kv(data, "sync.state") == "idle" and kv(data, "sync.last_error") is None, "kv state idle, no error")
    T.check(kv(data, "sync.last_sync") is not None, "kv last_sync set")
    api.log()

    # --- an unchanged poll: one small request ---------------------------------
    rc, res = T.sync(data, api.url, pub)
    log = api.log()
    T.check(len(log) == 1 and log[0]["status"] == 304, "unchanged poll is one 304: %s" % log)
    if log:
        wire = log[0]["header_bytes"] + log[0]["body_bytes"]
        T.check(wire <= 1024, "unchanged poll response is %d bytes (<= 1 KB)" % wire)
    T.check(res.get("requests") == 1 and res.get("bytes_received", 9999) <= 1024, "client counts: %s" % res)
    print("unchanged poll: %d request(s), %d bytes received" % (res.get("requests", -1), res.get("bytes_received", -1)))

    # --- a one-article change ------------------------------------------------
    make_src(src, articles=5, media={"m1.bin": M1, "m2.bin": M2}, revised={"a3": "v2"})
    T.build(src, site, 2)
    rc, res = T.sync(data, api.url, pub)
    log = api.log()
    T.check(res.get("content_version") == 2 and res.get("files_fetched") == 1, "v2 fetches one file: %s" % res)
    files = [r for r in log if "/content/" in r["path"] or "/media/" in r["path"]]
    T.check(len(files) == 1, "only the changed article's file is requested: %s" % [r["path"] for r in log])
    if files:
        moved = sum(r["body_bytes"] for r in files)
        doc = os.path.join(site, files[0]["path"][len("/bundle/"):])
        T.check(moved <= 2 * os.path.getsize(doc), "one-article change moved %d bytes of content" % moved)
        print("one-article change: manifest %d bytes + %d bytes of content"
              % (sum(r["body_bytes"] for r in log if r["path"].endswith("manifest.json")), moved))
    T.check("revised (v2)" in (kstest.article_body(data, "a3") or ""), "a3 carries the revision")
    snap_v2 = T.path("snap-v2")
    shutil.copytree(data, snap_v2)

    def fresh(name):
        d = T.path(name)
        shutil.copytree(snap_v2, d)
        return d

    # Version 3 adds a 400 KB media file and changes a2: the fault target.
    make_src(src, articles=5, media={"m1.bin": M1, "m2.bin": M2, "m3.bin": M3}, revised={"a3": "v2", "a2": "v3"})
    T.build(src, site, 3)

    # --- drop mid-body, then resume with Range: only missing bytes move -------
    d = fresh("drop")
    api.fault("drop", path="/media/", fraction=0.5)
    rc, res = T.sync(d, api.url, pub, expect=1)
    expect_refusal(res, ["transfer failed"], "drop mid-body")
    unchanged(d, 2, "after a drop")
    T.check(kv(d, "sync.state") == "error" and kv(d, "sync.last_error"), "kv records the failure")
    T.check(int(kv(d, "sync.pending_bytes") or 0) > 0, "kv pending_bytes > 0 after a drop")
    api.log()
    rc, res = T.sync(d, api.url, pub)
    log = [r for r in api.log() if "/media/" in r["path"]]
    T.check(res.get("content_version") == 3, "resumed sync installs v3: %s" % res)
    T.check(len(log) == 1 and log[0]["status"] == 206 and log[0]["range"] == "bytes=200000-",
            "resume asks for the missing range: %s" % log)
    if log:
        T.check(log[0]["body_bytes"] == len(M3) - 200000,
                "resume moved %d bytes, exactly the %d missing" % (log[0]["body_bytes"], len(M3) - 200000))
    T.check(res.get("bytes_resumed") == 200000, "client reports 200000 bytes resumed: %s" % res)
    unchanged(d, 3, "after the resume")
    T.check(kv(d, "sync.pending_bytes") == "0", "pending bytes back to 0")

    # --- truncated response, then resume ---------------------------------------
    d = fresh("truncate")
    api.fault("truncate", path="/media/", fraction=0.25)
    rc, res = T.sync(d, api.url, pub, expect=1)
    expect_refusal(res, ["incomplete", "will resume"], "truncate")
    unchanged(d, 2, "after a truncated file")
    rc, res = T.sync(d, api.url, pub)
    T.check(res.get("content_version") == 3 and res.get("bytes_resumed") == 100000, "truncate resumes: %s" % res)
    api.log()

    # --- faults that must leave v2 untouched --------------------------------------
    cases = [
        ("500", "manifest.json", {}, ["HTTP 500"]),
        ("503", "manifest.json", {"retry_after": 7}, ["HTTP 503", "retry after 7 s"]),
        ("429", "manifest.json", {"retry_after": 5, "retry_after_date": True}, ["HTTP 429"]),
        ("notfound", "/media/", {}, ["HTTP 404"]),
        ("drop", "manifest.json", {}, ["transfer failed"]),
        ("malformed", "manifest.json", {}, ["not valid JSON"]),
        ("oversize", "manifest.json", {"bytes": 17 * 1024 * 1024}, ["larger than the limit"]),
        ("oversize", "/media/", {"bytes": 1000}, ["more than the manifest declares", "refused"]),
        ("wronghash", "/media/", {}, ["wrong SHA-256", "refused"]),
        ("wronghash", "/content/", {}, ["content '", "wrong SHA-256", "refused"]),
        ("oversize", "/content/", {"bytes": 100}, ["more than the manifest declares", "refused"]),
        ("truncate", "/content/", {}, ["the manifest declares", "refused"]),
        ("redirect-loop", "manifest.json", {"times": -1}, ["more than 5 redirects"]),
        ("redirect-scheme", "manifest.json", {}, ["another scheme", "refused"]),
        ("redirect", "manifest.json", {"location": "http://updates.example.org/bundle/manifest.json"},
         ["only allowed to this machine", "refused"]),
        ("stall", "/media/", {"stall_s": 30, "fraction": 0.3}, ["stalled"]),
    ]
    for mode, path, extra, words in cases:
        d = fresh("fault-%s-%s" % (mode, path.strip("/").replace(".", "_")))
        api.fault(mode, path=path, **extra)
        t0 = time.time()
        rc, res = T.sync(d, api.url, pub, "--low-speed-time", "2", expect=1)
        took = time.time() - t0
        expect_refusal(res, words, "fault %s on %s" % (mode, path))
        unchanged(d, 2, "fault %s on %s" % (mode, path))
        T.check(kv(d, "sync.state") == "error", "fault %s: kv sync.state is error" % mode)
        if mode in ("503", "429"):
            T.check(res.get("retry_after_s") in ((7,) if mode == "503" else (4, 5, 6)),
                    "fault %s: Retry-After read: %s" % (mode, res))
        if mode == "stall":
            T.check(took < 15, "a stalled transfer is abandoned by the low-speed limit (%.1f s)" % took)
        if mode == "wronghash":
            T.check(not os.listdir(os.path.join(d, "media", ".partial")), "wrong bytes are not kept for a resume")
        api.clear_faults()
        api.log()
        # ...and the next sync completes.
        rc, res = T.sync(d, api.url, pub)
        T.check(res.get("content_version") == 3, "after fault %s the next sync completes: %s" % (mode, res))
        unchanged(d, 3, "recovered from %s" % mode)
        api.log()

    # A redirect that stays within the policy is followed.
    d = fresh("redirect-ok")
    api.fault("redirect", path="/moved/", location=api.url + "manifest.json?from=moved")
    rc, res = T.sync(d, api.base + "moved/manifest.json", pub)
    T.check(res.get("content_version") == 3 and res.get("requests", 0) >= 2, "allowed redirect followed: %s" % res)
    T.check(all(not r["path"].startswith("/moved/content") for r in api.log()),
            "files are fetched relative to the manifest's final URL")
    api.clear_faults()

    # --- refusals of the manifest itself ---------------------------------------
    def variant(name, mutate):
        dst = T.path(name)
        shutil.copytree(site, dst)
        mp = os.path.join(dst, "manifest.json")
        with open(mp) as f:
            env = json.load(f)
        mutate(env)
        with open(mp, "w") as f:
            json.dump(env, f)
        return dst

    def bad_sig(env):
        s = env["signatures"][0]["sig"]
        env["signatures"][0]["sig"] = ("A" if s[0] != "A" else "B") + s[1:]

    def tamper(env):
        env["signed"] = env["signed"].replace('"version":3', '"version":30')

    def unsigned(env):
        env["signatures"] = []

    for name, mutate, words in [("badsig", bad_sig, ["does not verify", "refused"]),
                                ("tampered", tamper, ["does not verify"]),
                                ("unsigned", unsigned, ["no signature", "refused"])]:
        api.serve(variant(name, mutate))
        d = fresh("refuse-" + name)
        rc, res = T.sync(d, api.url, pub, expect=1)
        expect_refusal(res, words, name)
        unchanged(d, 2, name)

    other_sec, other_pub = T.path("other.key"), T.path("other.pub")
    T.ctl("keygen", other_sec, other_pub)
    T.build(src, T.path("site-otherkey"), 3, key=other_sec)
    api.serve(T.path("site-otherkey"))
    d = fresh("refuse-otherkey")
    rc, res = T.sync(d, api.url, pub, expect=1)
    expect_refusal(res, ["not by the trusted key", "refused"], "other key")
    unchanged(d, 2, "other key")

    old_src = T.path("old-src")
    make_src(old_src, articles=2)
    T.build(old_src, T.path("site-v1"), 1)
    api.serve(T.path("site-v1"))
    d = fresh("refuse-rollback")
    rc, res = T.sync(d, api.url, pub, expect=1)
    expect_refusal(res, ["older than the installed version 2", "rollback refused"], "rollback")
    unchanged(d, 2, "rollback")

    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
    T.build(src, T.path("site-expiring"), 4, expires=soon)
    api.serve(T.path("site-expiring"))
    time.sleep(3)
    d = fresh("refuse-expired")
    rc, res = T.sync(d, api.url, pub, expect=1)
    expect_refusal(res, ["expired", "refused"], "expired manifest")
    unchanged(d, 2, "expired")
    api.serve(site)

    # --- defaults from the config: support_api_url + "bundle/", content_pubkey ----
    d = fresh("from-config")
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump({"support_api_url": api.base, "content_pubkey": pub}, f)
    r = T.ctl("sync", "--once", "--json", data=d)
    res = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}
    T.check(res.get("content_version") == 3, "sync --once with the config's URL and key: %s" % res)
    with open(T.path("other-config.json"), "w") as f:
        json.dump({"support_api_url": api.base, "content_pubkey": other_pub}, f)
    d = fresh("from-other-config")
    r = T.ctl("sync", "--once", "--config", T.path("other-config.json"), data=d, expect=1)
    T.check("not by the trusted key" in r.stderr, "--config FILE is used (its key refuses): %s" % r.stderr.strip())
    r = T.ctl("sync", "--once", data=T.path("no-config"), expect=2)
    T.check("no URL" in r.stderr, "without URL or config: a usage error naming what is missing")

    # --- URL policy, before any request -----------------------------------------
    d = fresh("policy")
    for url, words in [("http://updates.example.org/bundle/", ["only allowed to this machine"]),
                       ("ftp://127.0.0.1/bundle/", ["not allowed"])]:
        rc, res = T.sync(d, url, pub, expect=1)
        expect_refusal(res, words, url)
        T.check(res.get("requests") == 0, "%s: no request made" % url)
    unchanged(d, 2, "policy")

    # --- the worker honours Retry-After --------------------------------------------
    d = fresh("worker")
    api.log()
    api.fault("503", path="manifest.json", retry_after=2)
    r = T.ctl("sync", "--url", api.url, "--pubkey", pub, "--interval", "60", "--passes", "2", data=d, timeout=60)
    manifests = [x for x in api.log() if x["path"].endswith("manifest.json")]
    T.check(len(manifests) == 2 and manifests[0]["status"] == 503 and manifests[1]["status"] == 200,
            "worker: a 503 then a successful poll: %s" % [(x["status"], x["t"]) for x in manifests])
    if len(manifests) == 2:
        gap = manifests[1]["t"] - manifests[0]["t"]
        T.check(2.0 <= gap < 6.0, "worker waited %.2f s after 'Retry-After: 2'" % gap)
    T.check("idle" in r.stdout and "error" in r.stdout, "worker printed its states: %r" % r.stdout)
    unchanged(d, 3, "worker")
    # --- stopping the worker mid-download: prompt, partial kept, resumed later ----
    d = fresh("worker-stop")
    api.clear_faults()
    api.log()
    api.fault("stall", path="/media/", stall_s=30, fraction=0.5)
    import subprocess
    p = subprocess.Popen([kstest.KIOSKCTL, "--data-dir", d, "sync", "--url", api.url, "--pubkey", pub],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 15
    while time.time() < deadline and not any("/media/" in x["path"] for x in api.log(clear=False)):
        time.sleep(0.1)
    time.sleep(0.5)
    t0 = time.time()
    p.terminate()
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    T.check(time.time() - t0 < 3, "the worker stops promptly during a stalled download (%.1f s)" % (time.time() - t0))
    T.check(p.returncode == 0, "the worker exits cleanly on SIGTERM (%s)" % p.returncode)
    T.check(kv(d, "sync.state") == "idle" and kv(d, "sync.last_error") is None, "a stop is not reported as an error")
    T.check(os.listdir(os.path.join(d, "media", ".partial")), "the partial download is kept")
    api.clear_faults()
    rc, res = T.sync(d, api.url, pub)
    T.check(res.get("content_version") == 3 and res.get("bytes_resumed", 0) > 0, "and resumed next time: %s" % res)
except kstest.Failure as e:
    T.check(False, str(e))
T.done()
