#!/usr/bin/env bash
# osk_pad_repeat.sh - a D-pad direction held down repeats, as a held key
# does: one move at once, then after 450 ms one every 120 ms, and it stops
# when the button is let go.
. "$KS_SOURCE_DIR/tests/integration/lib/osk.sh"
ui_setup
osk_rime_seed

cat >"$T/hold.txt" <<'S'
pad down
expect-focus "Ask a question"
pad a
wait 400
expect-focus "q"
# at once (w), then at 450 (e), 570 (r) and 690 ms (t)
pad-hold right 800
expect-focus "t"
# a short press is one move
pad right
expect-focus "y"
# let go: nothing moves on by itself
wait 1000
expect-focus "y"
S
ui_play 1920x1080 "$T/hold.txt" || ui_fail "held D-pad: $(grep -v '^<' "$T/err" | tail -2)"
echo "osk_pad_repeat: ok"
