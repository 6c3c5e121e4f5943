#!/usr/bin/env bash
# osk_gamepad.sh - a gamepad (or VR controller) alone can use the kiosk:
# the D-pad moves a focus ring spatially over every element of every
# screen and every key of every keyboard layout (expect-pad-reach walks
# the same moves breadth-first), A presses, B hides the keyboard, then goes
# back, the shoulder buttons switch layouts. Also the physical keyboard
# still types into the field while the on-screen one is up.
. "$KS_SOURCE_DIR/tests/integration/lib/osk.sh"
ui_setup
osk_rime_seed

cat >"$T/pad.txt" <<'S'
# home: the first press shows where the focus is: the search field
pad down
expect-focus "Ask a question"
expect-pad-reach
pad down
expect-focus "Cards"
pad a
wait 400
expect-text "I lost my card. What should I do?"
expect-pad-reach
# into the list, open the article, every link and button reachable
pad down
pad a
wait 400
expect-text "Act quickly"
expect-pad-reach
pad b
wait 400
pad b
wait 400
# the field by gamepad: the search opens with the keyboard, focus on a key
pad down
expect-focus "Ask a question"
pad a
wait 400
expect-text "?123"
expect-focus "q"
expect-pad-reach
# type "ha" with the D-pad: q -> a (down), a -> h (5 right)
pad down
expect-focus "a"
pad right
pad right
pad right
pad right
pad right
expect-focus "h"
pad a
pad left
pad left
pad left
pad left
pad left
pad a
expect-field "ha"
# the physical keyboard types into the same field
type "t"
expect-field "hat"
# shoulder buttons: next / previous layout of the input-method cycle
pad rb
wait 300
expect-text "拼音"
pad lb
wait 300
expect-text "English"
# B hides the keyboard first, then goes back
pad b
wait 400
expect-no-text "?123"
expect-field "hat"
expect-pad-reach
pad b
wait 400
expect-text "Browse topics"
S
ui_play 1920x1080 "$T/pad.txt" || ui_fail "gamepad flow"

# every key of every layout, in both orientations
for size in 1920x1080 1080x1920; do
  {
    for l in en symbols numeric phone pinyin zhuyin cangjie; do
      echo "osk-layout $l"
      echo "expect-pad-reach"
    done
    # with candidates in the bar
    echo 'osk-layout pinyin'
    echo 'osk-type "shi"'
    echo 'expect-pad-reach'
  } >"$T/layouts.txt"
  ui_play "$size" "$T/layouts.txt" || ui_fail "keys reachable at $size"
done

# dialogs: only their own elements; A toggles, B closes
cat >"$T/dialog.txt" <<'S'
# up from the field reaches the top bar; right goes along it
pad down
pad up
expect-focus "English"
pad right
expect-focus "简体中文"
pad right
pad right
expect-focus "Display settings"
pad a
wait 400
wait 400
expect-pad-reach
pad down
expect-focus "Close"
pad down
expect-focus "High contrast"
pad a
wait 300
expect-text "On"
pad a
wait 300
pad b
wait 400
expect-no-text "High contrast"
S
ui_play 1920x1080 "$T/dialog.txt" || ui_fail "dialog by gamepad"

# a bad button name is refused before anything runs
printf 'pad x\n' >"$T/bad.txt"
if ui_play 1920x1080 "$T/bad.txt"; then ui_fail "pad x passed"; fi
grep -q "'x' is not a button (up, down, left, right, a, b, lb, rb)" "$T/err" || ui_fail "pad x message"
echo "osk_gamepad: ok"
