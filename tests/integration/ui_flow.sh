#!/usr/bin/env bash
# The visitor's main flow through the real kiosk (headless harness):
# home -> type -> results update as they type -> article -> back -> home,
# with touch, keyboard and the on-screen text checked at each step, and a
# --stats file with every figure the contract names.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ui.sh"
ui_setup

cat >"$T/flow.txt" <<'SCRIPT'
# home
expect-text "Browse topics"
expect-text "Cards"
# typing on the home screen opens the search with what was typed
type "lost"
wait 300
expect-text "Results for “lost”"
type " card"
expect-text "Results for “lost card”"
expect-text "Best answer"
expect-text "I lost my card. What should I do?"
tap-text "I lost my card. What should I do?"
wait 300
expect-text "Right now"
expect-text "Choose the card and tap"
expect-no-text "Results for"
shot article
# back to the results, which kept the query
tap-text "Back"
wait 300
expect-text "Results for “lost card”"
# Backspace edits the query; Escape goes back to home
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
expect-text "Results for “lost”"
key Escape
wait 300
expect-text "Browse topics"
expect-no-text "Results for"
# a topic, an article, then Home from two levels deep
tap-text "Visiting us"
wait 300
expect-text "Where can I park?"
tap-text "Where can I park?"
wait 300
expect-text "level B2"
tap-text "Home"
wait 300
expect-text "Browse topics"
expect-no-text "level B2"
SCRIPT

ui_play 1920x1080 "$T/flow.txt" || ui_fail "the flow script failed"
[ -s "$T/shots/article.png" ] || ui_fail "no screenshot written"
python3 - "$T/stats.json" <<'PY' || ui_fail "the stats file is incomplete"
import json, sys
s = json.load(open(sys.argv[1]))
for k in ("first_frame_ms", "frames", "frame_ms_p50", "frame_ms_p95", "frame_ms_p99", "rss_peak_kb"):
    assert k in s, k
    assert isinstance(s[k], (int, float)), k
assert s["frames"] > 20, s["frames"]
assert 0 < s["first_frame_ms"] < 60000, s["first_frame_ms"]
assert 0 < s["frame_ms_p50"] <= s["frame_ms_p95"] <= s["frame_ms_p99"], s
assert s["rss_peak_kb"] > 1000, s
PY
echo "ok: home -> type -> results -> article -> back"
