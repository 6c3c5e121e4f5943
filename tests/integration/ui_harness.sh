#!/usr/bin/env bash
# The headless harness's contract (other tests and tools depend on it):
# arguments, comments, every step, errors that name the line, exit codes,
# screenshots and the stats file.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ui.sh"
ui_setup

# Comments, blank lines, every step of the contract.
cat >"$T/ok.txt" <<'SCRIPT'
# a comment

   # an indented comment
wait 100
tap 5 5
tap-text "Cards"
wait 250
type "abc"
key Escape
wait 250
key Tab
key Return
wait 250
expect-text "Right now"
key Escape
wait 250
key Escape
wait 250
locale zh-Hans
locale en
shot first
expect-text "Browse topics"
SCRIPT
ui_play 1280x800 "$T/ok.txt" || ui_fail "a valid script failed"
[ -s "$T/shots/first.png" ] || ui_fail "shot did not write first.png"
head -c 8 "$T/shots/first.png" | od -An -c | grep -q "P   N   G" || ui_fail "first.png is not a PNG"

expect_error() { # NAME SCRIPT-TEXT PATTERN: the run fails and stderr matches
  printf '%s\n' "$2" >"$T/$1.txt"
  if ui_play 1280x800 "$T/$1.txt"; then ui_fail "$1: the script succeeded"; fi
  grep -q -- "$3" "$T/err" || ui_fail "$1: stderr does not match '$3': $(cat "$T/err")"
}
expect_error unknown $'wait 10\n# fine\ntapp 3 4' "unknown.txt:3: unknown step 'tapp'"
expect_error missing $'tap 10' "missing.txt:1: tap: missing argument"
expect_error extra $'wait 10 20' "extra.txt:1: wait: unexpected"
expect_error notnum $'wait soon' "notnum.txt:1: wait: expected a number"
expect_error quote $'expect-text "open' "quote.txt:1: expect-text: unterminated string"
expect_error expect $'wait 10\nexpect-text "No such words anywhere"' "expect.txt:2: expect-text: \"No such words anywhere\" is not visible"
expect_error taptext $'tap-text "Nothing like this"' "taptext.txt:1: tap-text: no visible text"
expect_error key $'key NotAKey' "key.txt:1: key: 'NotAKey' is not an SDL key name"
expect_error outside $'tap 5000 10' "outside.txt:1: 5000,10 is outside"
expect_error shotname $'shot ../escape' "shotname.txt:1: shot: '../escape' is not a file name"
# a syntax error stops the run before the kiosk starts: no stats, no shots
rm -rf "$T/shots" "$T/stats.json"
expect_error early $'shot never\nbogus' "early.txt:2: unknown step"
[ ! -e "$T/shots/never.png" ] || ui_fail "a broken script ran its first steps"

# Arguments.
"$KIOSK" --headless --size 1280x800 2>"$T/err" && ui_fail "--headless without --script was accepted"
grep -q "needs --size WxH and --script" "$T/err" || ui_fail "no message for a missing --script"
"$KIOSK" --headless --size 12x --script "$T/ok.txt" 2>"$T/err" && ui_fail "a bad --size was accepted"
grep -q "wants WxH" "$T/err" || ui_fail "no message for a bad --size"
"$KIOSK" --bogus 2>"$T/err" && ui_fail "an unknown argument was accepted"
grep -q "unknown argument '--bogus'" "$T/err" || ui_fail "no message for an unknown argument"
"$KIOSK" --help | grep -q -- "--headless" || ui_fail "--help does not describe --headless"

# One kiosk per data directory: hold the lock (flock(1) takes the same
# kind of lock) and the kiosk must refuse to start, saying why.
if command -v flock >/dev/null; then
  printf 'wait 100\n' >"$T/w.txt"
  flock "$D/kiosk.lock" sleep 3 &
  holder=$!
  sleep 0.3
  if "$KIOSK" --headless --size 640x480 --script "$T/w.txt" --data-dir "$D" 2>"$T/err"; then
    kill $holder 2>/dev/null || true
    ui_fail "a second kiosk started on a locked data directory"
  fi
  kill $holder 2>/dev/null || true
  wait $holder 2>/dev/null || true
  grep -q "another kiosk is already running" "$T/err" || ui_fail "locked data dir: $(cat "$T/err")"
fi
echo "ok: harness steps, errors naming lines, arguments"
