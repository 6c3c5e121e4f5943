#!/usr/bin/env python3
"""ui_sync.py - the kiosk itself runs content sync on its worker thread:
started on the bundled sample content with a config naming the reference
API, it installs a newer signed bundle from it and the screens show the new
content without a restart; pointed at a server that is not there, it keeps
serving its content and shows the discreet offline pill; the settings card
tells the technician the content version and the sync state.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kstest  # noqa: E402
from kstest import free_port  # noqa: E402

KIOSK = os.environ["KIOSK"]
T = kstest.Test("ui_sync")
sec, pub = T.keys()


def write_faq(src):
    os.makedirs(src, exist_ok=True)
    doc = {"format": "kiosk-faq/1",
           "categories": [{"id": "desk", "titles": {"en": "Service desk", "zh-Hans": "服务台"}}],
           "articles": [{"id": "desk_hours", "locale": "en", "category": "desk",
                         "title": "When is the service desk open?",
                         "body": "Every day from 9:00 to 18:00, next to the main entrance.",
                         "questions": ["opening hours of the desk"]}]}
    with open(os.path.join(src, "faq.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)


def run_kiosk(name, url, script_text):
    data, shots = T.path(name, "data"), T.path(name, "shots")
    os.makedirs(shots, exist_ok=True)
    cfg = T.path(name, "kiosk.json")
    with open(cfg, "w") as f:
        json.dump({"support_api_url": url, "content_pubkey": pub, "sync_interval_s": 10}, f)
    script = T.path(name, "script.txt")
    with open(script, "w") as f:
        f.write(script_text)
    cmd = [KIOSK, "--headless", "--size", "1280x800", "--config", cfg, "--data-dir", data,
           "--script", script, "--screenshots", shots, "--stats", T.path(name, "stats.json")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    T.check(r.returncode == 0, "%s: kiosk exit %d\n%s" % (name, r.returncode, r.stderr[-3000:]))
    return r


try:
    # A newer bundle on the reference API: the kiosk installs it by itself.
    src, site = T.path("src"), T.path("site")
    write_faq(src)
    T.build(src, site, 7)
    api = T.refapi(site)
    run_kiosk("online", api.base, """
# the sample content is imported at start; the worker's first pass (at a
# random moment in its first 5 s, maybe before this line) installs version 7
wait 300
sync-wait idle 30000
wait 300
expect-text "Service desk"
expect-no-text "Wallet safety"
tap-text "Service desk"
wait 400
expect-text "When is the service desk open?"
shot online
tap-text "When is the service desk open?"
wait 400
expect-text "next to the main entrance"
# search finds the new content too
tap-text "Home"
wait 400
type "service desk hours"
wait 300
expect-text "When is the service desk open?"
""")
    r = T.ctl("status", "--json", data=T.path("online", "data"))
    st = json.loads(r.stdout or "{}")
    T.check(st.get("content_version") == 7, "status after the kiosk's sync: %s" % r.stdout)

    # Nobody listening: the kiosk stays on its content and says so discreetly.
    dead = "http://127.0.0.1:%d/" % free_port()
    run_kiosk("offline", dead, """
wait 300
sync-wait offline 30000
wait 300
expect-text "Offline"
expect-text "Wallet safety"
shot offline
tap-text "Display settings"
wait 400
expect-text "Content version 0"
shot offline_settings
""")
except kstest.Failure as e:
    T.check(False, str(e))
T.done()
