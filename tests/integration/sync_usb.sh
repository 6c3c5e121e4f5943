#!/usr/bin/env bash
# sync_usb.sh - the technician's USB path and the bundle commands, exactly as
# the contract spells them (docs/kioskctl.md):
#   kioskctl keygen SECRET PUBLIC
#   kioskctl bundle build --key SECRET --version N [--expires ISO8601] SRC OUT
#   kioskctl bundle verify --pubkey PUBLIC DIR          (exit 0 only if all verifies)
#   kioskctl --data-dir D import --pubkey PUBLIC BUNDLE_DIR
#   kioskctl --data-dir D status --json
# plus every refusal of the import (tampered file, other key, rollback,
# expired, not enough free disk for the reserve), each leaving the live
# content untouched.
set -u
K=${KIOSKCTL:?KIOSKCTL must point at kioskctl}
T=$(mktemp -d /tmp/ks-sync_usb-XXXXXX)
fails=0
checks=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  checks=$((checks + 1))
  if ! "$@" >/dev/null 2>&1; then echo "  FAIL: $what"; fails=$((fails + 1)); fi
}
expect_fail() { # expect_fail DESCRIPTION WORDS COMMAND... (exit 1, stderr has WORDS)
  local what=$1 words=$2; shift 2
  checks=$((checks + 1))
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -ne 1 ] || ! grep -q -- "$words" <<<"$out"; then
    echo "  FAIL: $what: exit $rc, output: $out"; fails=$((fails + 1))
  fi
}
version_is() { "$K" --data-dir "$1" status --json | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["content_version"] != int(sys.argv[1]))' "$2"; }

mkdir -p "$T/src/media" "$T/src2/media"
cat >"$T/src/cards.json" <<'EOF'
{"format": "kiosk-faq/1",
 "categories": [{"id": "cards", "titles": {"en": "Cards", "zh-Hant": "金融卡"}}],
 "articles": [
  {"id": "card_lost", "locale": "en", "category": "cards", "title": "I lost my card",
   "body": "Block it first.\n\n![Block button](media/block.png)", "questions": ["My card is gone"]},
  {"id": "card_lost", "locale": "zh-Hant", "category": "cards", "title": "金融卡遺失", "body": "請先凍結。"}
 ]}
EOF
head -c 65536 /dev/urandom >"$T/src/media/block.png"
sed 's/Block it first./Block it first, then call us./' "$T/src/cards.json" >"$T/src2/cards.json"
cp "$T/src/media/block.png" "$T/src2/media/"

check "keygen" "$K" keygen "$T/sec.key" "$T/pub.key"
check "second key pair" "$K" keygen "$T/other.key" "$T/other.pub"
expect_fail "keygen refuses to overwrite" "refusing to overwrite" "$K" keygen "$T/sec.key" "$T/x.pub"
check "bundle build v1" "$K" bundle build --key "$T/sec.key" --version 1 "$T/src" "$T/usb1"
check "bundle build v2" "$K" bundle build --key "$T/sec.key" --version 2 --expires 2099-01-01T00:00:00Z "$T/src2" "$T/usb2"
check "bundle verify v1" "$K" bundle verify --pubkey "$T/pub.key" "$T/usb1"
check "bundle verify v2" "$K" bundle verify --pubkey "$T/pub.key" "$T/usb2"
expect_fail "verify with another key" "not by the trusted key" "$K" bundle verify --pubkey "$T/other.pub" "$T/usb1"
checks=$((checks + 1))
"$K" bundle build --key "$T/sec.key" "$T/src" "$T/x" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "  FAIL: a wrong command line exits 2"; fails=$((fails + 1)); }

# Tampering is caught by verify and by import. The changed article's file is
# the one v2 adds (the media file is shared, so a kiosk with v1 never reads
# v2's copy of it: it already holds the verified one).
cp -r "$T/usb2" "$T/usb2-bad"
changed=$(comm -13 <(ls "$T/usb1/content") <(ls "$T/usb2/content") | head -1)
printf 'X' | dd of="$T/usb2-bad/content/$changed" bs=1 seek=20 conv=notrunc status=none
expect_fail "verify catches a changed article file" "wrong SHA-256" "$K" bundle verify --pubkey "$T/pub.key" "$T/usb2-bad"
cp -r "$T/usb1" "$T/usb1-bad"
media=$(ls "$T/usb1-bad/media" | head -1)
printf 'X' | dd of="$T/usb1-bad/media/$media" bs=1 seek=100 conv=notrunc status=none
expect_fail "verify catches a changed media file" "wrong SHA-256" "$K" bundle verify --pubkey "$T/pub.key" "$T/usb1-bad"
expect_fail "import of a changed media file is refused" "wrong SHA-256" "$K" --data-dir "$T/fresh" import --pubkey "$T/pub.key" "$T/usb1-bad"

D=$T/data
check "import v1 from the stick" "$K" --data-dir "$D" import --pubkey "$T/pub.key" "$T/usb1"
check "status shows version 1" version_is "$D" 1
expect_fail "import refuses a tampered bundle" "wrong SHA-256" "$K" --data-dir "$D" import --pubkey "$T/pub.key" "$T/usb2-bad"
check "content untouched after the refusal" version_is "$D" 1
expect_fail "import refuses another key" "not by the trusted key" "$K" --data-dir "$D" import --pubkey "$T/other.pub" "$T/usb2"
expect_fail "import refuses when the reserve does not fit" "not enough free disk space" \
  env KS_DISK_RESERVE_MB=100000000 "$K" --data-dir "$D" import --pubkey "$T/pub.key" "$T/usb2"
check "content untouched after the disk refusal" version_is "$D" 1
check "import v2" "$K" --data-dir "$D" import --pubkey "$T/pub.key" "$T/usb2"
check "status shows version 2" version_is "$D" 2
expect_fail "import refuses a rollback to v1" "rollback refused" "$K" --data-dir "$D" import --pubkey "$T/pub.key" "$T/usb1"
check "still version 2" version_is "$D" 2
checks=$((checks + 1))
out=$("$K" --data-dir "$D" import --pubkey "$T/pub.key" "$T/usb2" 2>&1)
grep -q "already installed" <<<"$out" || { echo "  FAIL: re-import says already installed: $out"; fails=$((fails + 1)); }

# An expired bundle (signed to expire two seconds from now).
soon=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
check "bundle build v3 expiring soon" "$K" bundle build --key "$T/sec.key" --version 3 --expires "$soon" "$T/src" "$T/usb3"
sleep 3
expect_fail "verify refuses an expired manifest" "expired" "$K" bundle verify --pubkey "$T/pub.key" "$T/usb3"
expect_fail "import refuses an expired manifest" "expired" "$K" --data-dir "$D" import --pubkey "$T/pub.key" "$T/usb3"
check "still version 2 after the expired one" version_is "$D" 2

# status --json carries the sync fields (contract).
checks=$((checks + 1))
"$K" --data-dir "$D" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
flat = json.dumps(s)
for k in ("content_version", "last_sync", "last_error", "pending"):
    assert k in flat, k
' || { echo "  FAIL: status --json lacks a sync field"; fails=$((fails + 1)); }

if [ "$fails" -ne 0 ]; then
  echo "sync_usb: $fails of $checks checks failed (files kept in $T)"
  exit 1
fi
rm -rf "$T"
echo "sync_usb: all $checks checks passed"
