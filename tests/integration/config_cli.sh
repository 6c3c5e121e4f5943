#!/usr/bin/env bash
# The config helpers a technician uses on site: `kioskctl check-config`
# accepts the shipped example, names the key and the position of what is
# wrong, and `kioskctl pin-hash` makes a hash that check-config accepts.
set -euo pipefail
: "${KIOSKCTL:?set KIOSKCTL to the kioskctl binary}"
src=${KS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d /tmp/ks-it-config-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$KIOSKCTL" check-config "$src/assets/kiosk.example.json" 2>&1) || fail "example config refused: $out"
[[ $out == *"usable (0 warnings)"* ]] || fail "example summary: $out"

printf '{"idle_timeout_s": "abc"}' >"$tmp/bad.json"
set +e
out=$("$KIOSKCTL" check-config "$tmp/bad.json" 2>&1); rc=$?
set -e
[ $rc = 1 ] || fail "bad config exit $rc"
[[ $out == *"key 'idle_timeout_s' must be a non-negative integer, got \"abc\""* ]] || fail "bad config: $out"

printf '{\n  "theme": "default",\n  "locales": ["en",]\n}\n' >"$tmp/json.json"
set +e
out=$("$KIOSKCTL" check-config "$tmp/json.json" 2>&1); rc=$?
set -e
[ $rc = 1 ] || fail "invalid JSON exit $rc"
[[ $out == *"invalid JSON at line 3"* ]] || fail "invalid JSON: $out"

printf '{"idle_timout_s": 30}' >"$tmp/typo.json"
out=$("$KIOSKCTL" check-config "$tmp/typo.json" 2>&1) || fail "typo config refused: $out"
[[ $out == *"did you mean 'idle_timeout_s'"* ]] || fail "typo warning: $out"

set +e
"$KIOSKCTL" check-config "$tmp/missing.json" >/dev/null 2>&1; rc=$?
set -e
[ $rc = 1 ] || fail "missing file exit $rc"

hash=$(echo 482916 | "$KIOSKCTL" pin-hash)
[[ $hash == '$argon2id$'* ]] || fail "pin-hash output: $hash"
printf '{"technician_pin_hash": "%s"}' "$hash" >"$tmp/pin.json"
"$KIOSKCTL" check-config "$tmp/pin.json" >/dev/null || fail "hash refused"
set +e
echo 12ab | "$KIOSKCTL" pin-hash >/dev/null 2>&1; rc=$?
set -e
[ $rc = 1 ] || fail "bad PIN exit $rc"
echo "config_cli: ok"
