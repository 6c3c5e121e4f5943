#!/usr/bin/env bash
# What the results screen offers when the engine is not sure, on the
# bundled sample content: several close answers -> "Is it one of these?"
# with the choices first and a person offered right after them; nothing
# close -> the plain "no good answer" card with the person first.
# (Which queries are ambiguous is the engine's call: if it changes, pick
# another query that matches several articles equally.)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ui.sh"
T=$(mktemp -d /tmp/ks-ui-XXXXXX)
trap '[ "${KEEP:-}" ] || rm -rf "$T"' EXIT
D=$T/data # empty: the kiosk imports the bundled sample content

cat >"$T/choices.txt" <<'SCRIPT'
wait 300
type "seed phrase"
wait 300
expect-text "Is it one of these?"
expect-no-text "Best answer"
expect-text "How should I keep my recovery phrase safe?"
expect-text "Not what you need?"
expect-text "Talk to a person"
shot choices
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
key BackSpace
type "xyzzy plugh"
wait 300
expect-text "We couldn’t find a good answer"
expect-no-text "Is it one of these?"
expect-text "Talk to a person"
shot nothing
SCRIPT
ui_play 1920x1080 "$T/choices.txt" || ui_fail "the choices flow failed: $(tail -3 "$T/err")"
[ -f "$T/shots/choices.png" ] || ui_fail "no screenshot"
echo "ui_choices: ok"
