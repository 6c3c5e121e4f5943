#!/usr/bin/env bash
# sync_zendesk.sh - `kioskctl import-zendesk` on the fixture export pages
# (tests/fixtures/zendesk/, written for these tests): --out writes valid
# kiosk-faq/1 that a bundle can be built from; without --out the articles
# land in the store; a page that is not an export changes nothing.
set -u
K=${KIOSKCTL:?KIOSKCTL must point at kioskctl}
S=${KS_SOURCE_DIR:?KS_SOURCE_DIR must point at the source tree}
T=$(mktemp -d /tmp/ks-sync_zendesk-XXXXXX)
F=$S/tests/fixtures/zendesk
fails=0
fail() { echo "  FAIL: $*"; fails=$((fails + 1)); }

mkdir -p "$T/src"
out=$("$K" --data-dir "$T/data" import-zendesk --out "$T/src/zendesk.json" "$F/articles_page1.json" "$F/articles_page2.json" 2>&1) \
  || fail "convert to a file: $out"
grep -q "converted 5 articles (2 sections)" <<<"$out" || fail "summary: $out"
grep -q "media/block-card.png" <<<"$out" || fail "the cited image is listed: $out"
[ ! -e "$T/data/kiosk.db" ] || fail "--out must not touch the store"

# What --out wrote is content a bundle can be built from (once the image is there).
mkdir -p "$T/src/media" && head -c 3000 /dev/urandom >"$T/src/media/block-card.png"
"$K" keygen "$T/sec.key" "$T/pub.key" >/dev/null || fail "keygen"
"$K" bundle build --key "$T/sec.key" --version 1 "$T/src" "$T/bundle" >/dev/null 2>&1 || fail "bundle from the converted file"
"$K" bundle verify --pubkey "$T/pub.key" "$T/bundle" >/dev/null 2>&1 || fail "the bundle verifies"

out=$("$K" --data-dir "$T/data" import-zendesk "$F/articles_page1.json" "$F/articles_page2.json" 2>&1) || fail "import: $out"
"$K" --data-dir "$T/data" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["articles"] == 5, s
assert s["categories"] == 2, s
by = s["articles_by_locale"]
assert by.get("en") == 3 and by.get("zh-Hans") == 1 and by.get("zh-Hant") == 1, by
' || fail "store holds the converted articles"

out=$("$K" --data-dir "$T/data" import-zendesk "$F/articles_page1.json" 2>&1) || fail "page 1 alone: $out"
grep -q "more pages than were given" <<<"$out" || fail "a missing next page is reported: $out"

echo '{"results": []}' >"$T/notexport.json"
out=$("$K" --data-dir "$T/data2" import-zendesk "$T/notexport.json" 2>&1)
[ $? -eq 1 ] && grep -q "not a Zendesk articles export" <<<"$out" || fail "a non-export page is refused: $out"
[ ! -e "$T/data2/kiosk.db" ] || fail "a refused conversion creates no store"

if [ "$fails" -ne 0 ]; then
  echo "sync_zendesk: $fails checks failed (files kept in $T)"
  exit 1
fi
rm -rf "$T"
echo "sync_zendesk: all checks passed"
