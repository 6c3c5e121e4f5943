#!/usr/bin/env bash
# osk_typing.sh - the on-screen keyboard in the kiosk, by simulated touches:
# a tap on the search field slides it in without covering the field, an
# English phrase typed key by key lands in the field and the results follow
# it, shift and long-press alternates (é), backspace repeat, Enter (search)
# and the hide key put it away, opening an article hides it, and
# osk.enabled = false leaves the kiosk without one. At 1920x1080 and
# 1080x1920.
. "$KS_SOURCE_DIR/tests/integration/lib/osk.sh"
ui_setup
osk_rime_seed

for size in 1920x1080 1080x1920; do
  cat >"$T/type.txt" <<'S'
tap-text "Ask a question"
wait 400
# the keyboard is up: its keys are visible, the field too
expect-text "?123"
expect-text "Popular questions"
osk-type "lost card"
expect-field "lost card"
expect-text "I lost my card. What should I do?"
expect-text "Results for “lost card”"
# Enter = search: the keyboard steps aside, the results stay
osk-hold enter 40
wait 300
expect-no-text "?123"
expect-field "lost card"
expect-text "I lost my card. What should I do?"
# a tap on the field brings it back; the hide key puts it away
tap-text "lost card"
wait 300
expect-text "?123"
osk-hold hide 40
wait 300
expect-no-text "?123"
S
  ui_play "$size" "$T/type.txt" || ui_fail "typing at $size"
done

# shift, long-press alternates, backspace repeat, opening an article
cat >"$T/edit.txt" <<'S'
osk-layout en
osk-type "Café"
expect-field "Café"
osk-type " abcdefghijklmnopqrst"
expect-field "Café abcdefghijklmnopqrst"
# one at the press, then from 500 ms on 20 per second (500, 550, ... 1000):
# 1 + 11 in a 1000 ms hold; a short press deletes one
osk-hold backspace 1000
expect-field "Café abcdefgh"
osk-hold backspace 200
expect-field "Café abcdefg"
key Escape
wait 400
osk-layout en
osk-type "lost"
tap-text "I lost my card. What should I do?"
wait 400
expect-text "Act quickly"
expect-no-text "?123"
S
ui_play 1920x1080 "$T/edit.txt" || ui_fail "editing"

# the keyboard never covers the field: the field's text stays visible
# above the panel with every layout, in both orientations
for size in 1920x1080 1080x1920 1280x800; do
  {
    echo 'osk-layout en'
    echo 'osk-type "card"'
    for l in en symbols numeric pinyin zhuyin cangjie; do
      echo "osk-layout $l"
      echo 'expect-text "Results for “card”"'
      echo 'expect-field "card"'
    done
  } >"$T/cover.txt"
  ui_play "$size" "$T/cover.txt" || ui_fail "layouts at $size"
done

# osk.enabled = false: no keyboard, and the harness says why
printf '{"osk": {"enabled": false}}\n' >"$T/off.json"
printf 'tap-text "Ask a question"\nwait 400\nexpect-no-text "?123"\nosk-layout en\n' >"$T/off.txt"
if ui_play 1920x1080 "$T/off.txt" --config "$T/off.json"; then ui_fail "osk-layout worked with osk.enabled false"; fi
grep -q "osk-layout: the on-screen keyboard is off (config osk.enabled)" "$T/err" || ui_fail "no clear message with osk.enabled false"
grep -q "off.txt:3" "$T/err" && ui_fail "the keyboard showed with osk.enabled false"

# a bad layout name names the ones there are
printf 'osk-layout dvorak\n' >"$T/bad.txt"
if ui_play 1920x1080 "$T/bad.txt"; then ui_fail "osk-layout dvorak passed"; fi
grep -q "no layout 'dvorak' (there are: cangjie, en, numeric, phone, pinyin, symbols, zhuyin)" "$T/err" ||
  ui_fail "unknown layout message"
echo "osk_typing: ok"
