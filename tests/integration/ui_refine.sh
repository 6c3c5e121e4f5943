#!/usr/bin/env bash
# Search as you type stays instant and gets smarter when the visitor
# pauses: every keystroke searches without sentence vectors, and
# REFINE_AFTER_MS (250 ms) after the last one the full search (with the
# sentence encoder) replaces the list. On the bundled sample content,
# "who can i complain to" shares no telling word with the articles: the
# quick search settles on a weak lexical match (a VR health page), the
# encoder knows it is about reaching a person.
# (Needs the sentence encoder the build ships; without it there is no
# refinement to see and the test says so.)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ui.sh"
T=$(mktemp -d /tmp/ks-ui-XXXXXX)
trap '[ "${KEEP:-}" ] || rm -rf "$T"' EXIT
D=$T/data # empty: the kiosk imports the bundled sample content

if [ -z "$(find "$KS_BUILD_DIR/share" -name 'encoder-en.kse' 2>/dev/null)" ]; then
  echo "ui_refine: no sentence encoder in this build: nothing to refine (skipped)"
  exit 0
fi
cat >"$T/refine.txt" <<'SCRIPT'
wait 300
type "who"
wait 500
type " can i complain to"
expect-text "Is VR safe for me?"
wait 100
expect-text "Is VR safe for me?"
wait 300
expect-no-text "Is VR safe for me?"
expect-text "How can I talk to a real person?"
expect-text "How do I open a support ticket"
shot refined
SCRIPT
ui_play 1920x1080 "$T/refine.txt" || ui_fail "the refine flow failed: $(tail -3 "$T/err")"
[ -f "$T/shots/refined.png" ] || ui_fail "no screenshot"
echo "ui_refine: ok"
