#!/usr/bin/env python3
"""sync_crash.py - crash consistency of sync: `kioskctl sync --once` is
killed with SIGKILL at random moments while it installs a newer version
from a real nginx. After every kill: PRAGMA integrity_check is ok, the
content is entirely the old or entirely the new version (every article,
title and body), every file the live content names is in the media store
with its hash, and the next sync completes.

Runs: 200 in a normal build; 60 under AddressSanitizer (KS_SANITIZE=ON
builds run ~5x slower and share the suite's time budget). KS_CRASH_RUNS
overrides either. Every third run keeps the previous run's half-finished
state (partial downloads) instead of starting from a clean copy, so kills
also land in resumed transfers.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kstest  # noqa: E402
from kstest import content_state, live_media_ok, make_src, pseudo_random  # noqa: E402

T = kstest.Test("sync_crash")
runs = int(os.environ.get("KS_CRASH_RUNS") or (60 if kstest.is_sanitized_build() else 200))
sec, pub = T.keys()
src, site, data = T.path("src"), T.path("site"), T.path("data")
rng = random.Random(int(os.environ.get("KS_CRASH_SEED") or time.time()))


def articles(d):
    c = kstest.db(d)
    try:
        return {(i, l): (t, b) for i, l, t, b in c.execute("SELECT id, locale, title, body FROM articles")}
    finally:
        c.close()


try:
    media_v1 = {"m%d.bin" % i: pseudo_random(60_000, i) for i in range(4)}
    make_src(src, articles=40, media=media_v1)
    T.build(src, site, 1)
    web = T.nginx(site)
    T.sync(data, web.url, pub)
    old = articles(data)
    snap = T.path("snap-v1")
    shutil.copytree(data, snap)

    # The newer version: most articles revised, two media replaced, one added.
    media_v2 = dict(media_v1)
    media_v2["m1.bin"] = pseudo_random(60_000, 101)
    media_v2["m3.bin"] = pseudo_random(60_000, 103)
    media_v2["m9.bin"] = pseudo_random(120_000, 109)
    make_src(src, articles=40, media=media_v2, revised={"a%d" % i: "v2" for i in range(0, 40, 2)})
    T.build(src, site, 2)

    # How long a whole install takes here: the kills spread over that time.
    took = []
    for k in range(3):
        ref = T.path("ref-v2-%d" % k)
        shutil.copytree(snap, ref)
        t0 = time.time()
        T.sync(ref, web.url, pub)
        took.append(time.time() - t0)
    full = sorted(took)[1]
    new = articles(ref)
    T.require(old != new and content_state(ref)[0] == 2, "the two versions differ")
    cmd = [kstest.KIOSKCTL, "--data-dir", None, "sync", "--once", "--url", web.url, "--pubkey", pub]
    print("sync_crash: %d runs, a full install takes %.0f ms" % (runs, full * 1000), flush=True)

    outcome = {"old": 0, "new": 0}
    d = None
    for i in range(runs):
        if d is None or i % 3 != 2:
            if d:
                shutil.rmtree(d)
            d = T.path("run")
            shutil.copytree(snap, d)
        cmd[2] = d
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # A little past the full time as well: the switch is the install's
        # last step (the index and its sentence vectors are built inside the
        # same transaction), so without the margin kills after it would be
        # rare, and a kill after the process ended must be harmless too.
        time.sleep(rng.uniform(0, full * 1.15))
        p.send_signal(signal.SIGKILL)
        p.wait()
        version, _, integ = content_state(d)
        arts = articles(d)
        ok = T.check(integ == "ok", "run %d: integrity_check says %s" % (i, integ))
        ok &= T.check(arts in (old, new), "run %d: content is a mix of versions (version %d)" % (i, version))
        ok &= T.check((arts == old and version == 1) or (arts == new and version == 2),
                      "run %d: version %d does not match the content" % (i, version))
        bad = live_media_ok(d)
        ok &= T.check(bad is None, "run %d: %s" % (i, bad))
        outcome["new" if version == 2 else "old"] += 1
        # The next sync completes. When the next run shall start from this
        # half-finished state, the completing sync runs on a copy.
        target = d
        if i % 3 == 1:
            target = T.path("run-copy")
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(d, target)
        r = subprocess.run(cmd[:2] + [target] + cmd[3:], capture_output=True, text=True)
        ok &= T.check(r.returncode == 0, "run %d: the next sync failed: %s" % (i, r.stderr.strip()[-300:]))
        ok &= T.check(articles(target) == new and content_state(target)[0] == 2 and live_media_ok(target) is None,
                      "run %d: the next sync did not complete the new version" % i)
        if not ok:
            break
    print("sync_crash: after the kill, %d runs had the old content and %d the new" % (outcome["old"], outcome["new"]))
    T.check(outcome["old"] > 0 and outcome["new"] > 0, "kills landed both before and after the switch")
    web.stop()
except kstest.Failure as e:
    T.check(False, str(e))
T.done()
