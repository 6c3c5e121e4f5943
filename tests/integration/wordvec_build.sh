#!/usr/bin/env bash
# mkwordvec, the build-time tool that makes search's word-vector table:
# builds a small wink-format source (exit 0, a summary line, a table that
# starts with the magic), is byte-for-byte repeatable, and refuses bad
# input with exit 1 and a message naming the file and the byte, and bad
# usage with exit 2.
set -euo pipefail
: "${KS_BUILD_DIR:?set KS_BUILD_DIR to the build directory}"
mk="$KS_BUILD_DIR/mkwordvec"
[ -x "$mk" ] || { echo "FAIL: $mk is not built" >&2; exit 1; }
tmp=$(mktemp -d /tmp/ks-it-wordvec-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/src.json" <<'JSON'
{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":5,"dimensions":3,
 "words":["the",",","car","cars","zebra"],
 "vectors":{"the":[1,0,0,1,0],",":[0,1,0,1,1],"car":[0,1,0,1,2],
            "cars":[0,0.5,0.5,0.7,3],"zebra":[-0.2,0.1,0.9,0.9,4]},
 "unkVector":[0,0,0,0,-1]}
JSON

out=$("$mk" "$tmp/src.json" "$tmp/a.ksv" 2>&1) || fail "mkwordvec failed on a good source: $out"
[[ $out == "mkwordvec: 3 terms from the first 50000 words -> $tmp/a.ksv ("*" MB)" ]] || fail "summary: $out"
[ "$(head -c 8 "$tmp/a.ksv")" = "KSWVEC1" ] || fail "table does not start with the magic"
"$mk" --max-words 3 --weight-a 0.01 "$tmp/src.json" "$tmp/b.ksv" >"$tmp/b.out" || fail "options refused"
grep -q "mkwordvec: 2 terms from the first 3 words" "$tmp/b.out" || fail "max-words: $(cat "$tmp/b.out")"
"$mk" "$tmp/src.json" "$tmp/c.ksv" >/dev/null || fail "second build failed"
cmp -s "$tmp/a.ksv" "$tmp/c.ksv" || fail "two builds of the same source differ"

# Bad input: exit 1, the file and the byte named, no table left behind.
printf '{"size":5,"dimensions" 3}' >"$tmp/bad.json"
set +e
out=$("$mk" "$tmp/bad.json" "$tmp/bad.ksv" 2>&1); rc=$?
set -e
[ $rc = 1 ] || fail "malformed source exit $rc: $out"
[[ $out == "mkwordvec: $tmp/bad.json: byte 23: expected ':' after a key"* ]] || fail "malformed source: $out"
[ ! -e "$tmp/bad.ksv" ] || fail "a table was written from a malformed source"

sed 's/"zebra":\[-0.2,/"zebra":[/' "$tmp/src.json" >"$tmp/short.json"
set +e
out=$("$mk" "$tmp/short.json" "$tmp/bad.ksv" 2>&1); rc=$?
set -e
[ $rc = 1 ] || fail "short vector exit $rc: $out"
[[ $out == *"the vector of \"zebra\" has 4 numbers, expected 5"* ]] || fail "short vector: $out"

set +e
out=$("$mk" "$tmp/missing.json" "$tmp/bad.ksv" 2>&1); rc=$?
set -e
[ $rc = 1 ] || fail "missing source exit $rc"
[[ $out == *"$tmp/missing.json: cannot open"* ]] || fail "missing source: $out"

# Usage errors: exit 2 with the usage line.
for args in "" "$tmp/src.json" "--max-words 0 $tmp/src.json $tmp/x.ksv" "--max-words abc $tmp/src.json $tmp/x.ksv" \
            "--weight-a -1 $tmp/src.json $tmp/x.ksv" "--bogus $tmp/src.json $tmp/x.ksv" "a b c"; do
  set +e
  # shellcheck disable=SC2086
  out=$("$mk" $args 2>&1); rc=$?
  set -e
  [ $rc = 2 ] || fail "usage error '$args' exit $rc"
  [[ $out == *"usage: mkwordvec"* ]] || fail "usage error '$args': $out"
done
echo "wordvec_build: ok"
