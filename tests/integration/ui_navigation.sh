#!/usr/bin/env bash
# Touch and keyboard navigation: a flick scrolls an article with kinetic
# motion, Tab and Return reach and open things without a pointer, a double
# tap opens one screen (not two), links show their address, and the
# bundled sample content loads by itself into an empty data directory.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ui.sh"
ui_setup

cat >"$T/nav.txt" <<'SCRIPT'
# keyboard only: Tab to the first topic, open it, Tab to its first article
key Tab
key Tab
key Return
wait 300
expect-text "I lost my card. What should I do?"
key Tab
key Return
wait 300
expect-text "Right now"
# a link shows its address and a code to scan, never a browser
tap-text "delivery page"
wait 300
expect-text "https://help.example.org/delivery"
tap-text "Close"
wait 300
expect-no-text "https://help.example.org/delivery"
key Escape
wait 300
key Escape
wait 300
expect-text "Browse topics"
# a double tap on a topic opens it once: Back returns home at once
tap-text "Cards"
tap-text "Cards"
wait 300
tap-text "Back"
wait 300
expect-text "Browse topics"
SCRIPT
ui_play 1920x1080 "$T/nav.txt" || ui_fail "the navigation script failed"

# A long article scrolls; a flick moves it, and it keeps moving after
# the finger lifts.
cat >"$T/scroll.txt" <<'SCRIPT'
tap-text "Using this kiosk"
wait 300
tap-text "A short tour of this kiosk"
wait 300
expect-text "Finding an answer"
expect-no-text "enjoy your visit"
# a slow drag moves the page by about as much as the finger
drag 640 600 640 450 1500
wait 2000
expect-no-text "enjoy your visit"
expect-text "Reading an answer"
# the same distance flicked: the page glides on to the end
drag 640 600 640 450 40
wait 40
shot gliding
wait 3000
expect-text "enjoy your visit"
expect-no-text "Finding an answer"
drag 640 250 640 750 60
wait 3000
expect-text "Finding an answer"
SCRIPT
ui_play 1280x800 "$T/scroll.txt" || ui_fail "the scroll script failed"

# An empty data directory gets the bundled sample content, off the UI
# thread, and the kiosk shows it without a restart.
rm -rf "$D"
cat >"$T/sample.txt" <<'SCRIPT'
expect-text "Browse topics"
expect-no-text "Loading"
expect-no-text "Nothing here yet"
SCRIPT
ui_play 1280x800 "$T/sample.txt" || ui_fail "the bundled sample did not load"
[ -f "$D/kiosk.db" ] || ui_fail "no database was created in the data directory"
echo "ok: flick, keyboard, double tap, links, sample content"
