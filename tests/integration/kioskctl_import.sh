#!/usr/bin/env bash
# kioskctl import and status as a technician uses them: exit codes, the
# one-line summary, precise errors that change nothing, valid status JSON
# (also with awkward strings in the sync fields), --replace-all.
set -euo pipefail
: "${KIOSKCTL:?set KIOSKCTL to the kioskctl binary}"
src=${KS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fx="$src/tests/fixtures/faq"
tmp=$(mktemp -d /tmp/ks-it-import-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
d="$tmp/data"
fail() { echo "FAIL: $*" >&2; exit 1; }

# status JSON field, read with Python's json (which also proves validity)
field() { "$KIOSKCTL" --data-dir "$d" status --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

out=$("$KIOSKCTL" --data-dir "$d" import "$fx/basic.json")
[[ $out == "imported 1 file: 8 articles (en 5, zh-Hans 2, zh-Hant 1), 3 categories; 0 unchanged, 0 removed; content version 0; "* ]] \
  || fail "summary: $out"
[ "$(field "['articles']")" = 8 ] || fail "articles after import"
[ "$(field "['articles_by_locale']['zh-Hant']")" = 1 ] || fail "zh-Hant count"
[ "$(field "['categories']")" = 3 ] || fail "categories"
[ "$(field "['sync']['state']")" = None ] || fail "sync.state should be null"
[ "$(field "['sync']['pending_bytes']")" = 0 ] || fail "pending_bytes should be 0"
[ "$(field "['last_import']['mode']")" = merge ] || fail "last_import.mode"
"$KIOSKCTL" --data-dir "$d" status | grep -q "^articles         8 in 5 ids: en 5, zh-Hans 2, zh-Hant 1$" || fail "text status"

# Re-import: everything unchanged.
out=$("$KIOSKCTL" --data-dir "$d" import "$fx/basic.json")
[[ $out == *"8 unchanged"* ]] || fail "re-import: $out"

# A bad file: exit 1, the file, article, locale and field named, nothing changed.
printf '{"format":"kiosk-faq/1","articles":[{"id":"seed_phrase","locale":"en","title":"changed"},{"id":"b","locale":"zh-TW","title":"t","body":"\xff"}]}' >"$tmp/bad.json"
set +e
err=$("$KIOSKCTL" --data-dir "$d" import "$tmp/bad.json" 2>&1 >/dev/null); rc=$?
set -e
[ $rc = 1 ] || fail "bad file exit $rc"
[[ $err == "kioskctl: import: $tmp/bad.json: article 'b' (zh-Hant): 'body' is not valid UTF-8 (nothing was changed)" ]] || fail "message: $err"
"$KIOSKCTL" --data-dir "$d" status | grep -q "last import .* 8 articles from .*basic.json" || fail "bad import was logged"

# Good file + bad file together: the good one is not applied either.
printf '{"format":"kiosk-faq/1","articles":[{"id":"z","locale":"en","category":"nowhere","title":"t"}]}' >"$tmp/badcat.json"
set +e
err=$("$KIOSKCTL" --data-dir "$d" import "$fx/categories.json" "$tmp/badcat.json" 2>&1 >/dev/null); rc=$?
set -e
[ $rc = 1 ] || fail "bad category exit $rc"
[[ $err == *"badcat.json: article 'z' (en): 'category' \"nowhere\" is defined neither"* ]] || fail "message: $err"
[ "$(field "['categories']")" = 3 ] || fail "categories changed by a failed import"

# Usage errors exit 2; a directory gets a hint.
set +e
"$KIOSKCTL" --data-dir "$d" import 2>/dev/null; [ $? = 2 ] || fail "no file: exit"
"$KIOSKCTL" --data-dir "$d" import --bogus x.json 2>/dev/null; [ $? = 2 ] || fail "unknown option: exit"
"$KIOSKCTL" --data-dir "$d" status --yaml 2>/dev/null; [ $? = 2 ] || fail "status bad arg: exit"
err=$("$KIOSKCTL" --data-dir "$d" import "$tmp" 2>&1); rc=$?
set -e
[ $rc = 1 ] && [[ $err == *"is a directory"*"--pubkey"* ]] || fail "directory: $rc $err"

# Sync fields as the sync worker stores them, including awkward text.
python3 - "$d/kiosk.db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.executemany("INSERT OR REPLACE INTO kv(key, value) VALUES(?, ?)", [
    ("sync.state", "downloading"), ("sync.last_sync", "2026-11-22T09:14:03Z"),
    ("sync.last_error", 'server said "no"\n\tand \\ left 中文'), ("sync.pending_bytes", "123456")])
con.commit()
PY
[ "$(field "['sync']['state']")" = downloading ] || fail "sync.state"
[ "$(field "['sync']['pending_bytes']")" = 123456 ] || fail "sync.pending_bytes"
"$KIOSKCTL" --data-dir "$d" status --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["sync"]["last_error"] == "server said \"no\"\n\tand \\ left 中文", d'

# Replace-all: only what the files name remains.
out=$("$KIOSKCTL" --data-dir "$d" import --replace-all "$fx/categories.json" "$fx/articles_en.json")
[[ $out == *"2 articles (en 2), 2 categories; 0 unchanged, 8 removed"* ]] || fail "replace-all: $out"
[ "$(field "['articles']")" = 2 ] || fail "articles after replace-all"
[ "$(field "['last_import']['mode']")" = replace-all ] || fail "last_import.mode replace-all"
echo "kioskctl import/status: ok"
