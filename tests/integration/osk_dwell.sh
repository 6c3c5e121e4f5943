#!/usr/bin/env bash
# osk_dwell.sh - dwell (gaze) selection: a pointer resting on a key or on
# any button for osk.dwell_ms presses it exactly once, with a progress
# ring, and not again until it moves to another target; the harness's
# hover always dwells; the config's dwell_ms is honoured.
. "$KS_SOURCE_DIR/tests/integration/lib/osk.sh"
ui_setup
osk_rime_seed

cat >"$T/dwell.txt" <<'S'
osk-layout en
# 600 ms by default: not yet at 500, pressed at 600, never again while still
hover-text "q" 500
expect-field ""
shot ring
hover-text "q" 150
expect-field "q"
hover-text "q" 3000
expect-field "q"
# moving to another key starts a new dwell
hover-text "w" 700
expect-field "qw"
# any button: the top bar's Home, then a topic tile
hover-text "Home" 700
expect-text "Browse topics"
hover-text "Cards" 400
expect-no-text "I lost my card. What should I do?"
hover-text "Cards" 400
expect-text "I lost my card. What should I do?"
S
ui_play 1920x1080 "$T/dwell.txt" || ui_fail "dwell"
[ -s "$T/shots/ring.png" ] || ui_fail "no screenshot of the dwell ring"

# osk.dwell_ms from the config (and osk.dwell on for a gaze booth)
printf '{"osk": {"dwell": true, "dwell_ms": 1000}}\n' >"$T/slow.json"
cat >"$T/slow.txt" <<'S'
osk-layout en
hover-text "z" 900
expect-field ""
hover-text "z" 150
expect-field "z"
S
ui_play 1080x1920 "$T/slow.txt" --config "$T/slow.json" || ui_fail "dwell_ms 1000"
echo "osk_dwell: ok"
