#!/usr/bin/env bash
# Search with word vectors (wordvec.h), through the kioskctl contract: a
# visitor's word the content never uses ("refrigerator") finds the article
# that says "fridge" when the table knows the two are near, and not
# without it; an index made with one table is searched safely with another
# (lexical only, no crash) and a reindex brings the vectors back. Uses a
# tiny hand-made table (mkwordvec on a wink-format source), not the real
# one, so the expectations do not move with the published vectors.
set -euo pipefail
: "${KS_BUILD_DIR:?set KS_BUILD_DIR to the build directory}"
ctl=${KIOSKCTL:-$KS_BUILD_DIR/kioskctl}
mk="$KS_BUILD_DIR/mkwordvec"
tmp=$(mktemp -d /tmp/ks-it-searchvec-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# This test is about the word vectors alone: the sentence encoder (which
# would find "automobile" by itself) is tested in test_encoder and
# search_sentences.
export KS_ENCODER=none

# 8 dimensions: a "food storage" direction, a "parking" direction, a
# "payment" one, and noise for the function words.
cat >"$tmp/src.json" <<'JSON'
{"precision":8,"l2NormIndex":8,"wordIndex":9,"size":19,"dimensions":8,
 "words":["the","how","my","i","can","do","long","where","in","fridge","refrigerator","food","leftovers",
          "car","automobile","park","leave","pay","card"],
 "vectors":{
  "the":[0.1,0.1,0.1,0.1,0.3,-0.2,0.1,0.2,1,0],
  "how":[0.1,0.1,0.1,-0.2,0.1,0.3,0.1,0.1,1,1],
  "my":[0.1,0.1,0.1,0.1,-0.3,0.1,0.2,0.1,1,2],
  "i":[0.1,0.1,0.1,0.2,0.1,0.1,-0.3,0.1,1,3],
  "can":[0.1,0.1,0.1,0.1,0.2,0.1,0.1,-0.3,1,4],
  "do":[0.1,0.1,0.1,-0.1,0.1,-0.2,0.2,0.1,1,5],
  "long":[0.2,0.1,0.1,0.1,0.1,0.1,0.1,0.3,1,6],
  "where":[0.1,0.3,0.1,0.1,0.2,0.1,0.1,0.1,1,7],
  "in":[0.1,0.1,0.1,0.3,0.1,0.1,0.2,0.1,1,8],
  "fridge":[1.0,0.0,0.0,0.05,0,0,0,0,1,9],
  "refrigerator":[0.95,0.02,0.0,0.1,0,0,0,0,1,10],
  "food":[0.8,0.0,0.1,0.0,0.1,0,0,0,1,11],
  "leftovers":[0.85,0.0,0.05,0.0,0.05,0.1,0,0,1,12],
  "car":[0.0,1.0,0.0,0,0,0.05,0,0,1,13],
  "automobile":[0.0,0.97,0.05,0,0,0.1,0,0,1,14],
  "park":[0.05,0.9,0.0,0,0.1,0,0,0,1,15],
  "leave":[0.1,0.5,0.1,0,0,0,0.1,0,1,16],
  "pay":[0.0,0.0,1.0,0,0,0,0,0.1,1,17],
  "card":[0.0,0.1,0.9,0,0.1,0,0,0,1,18]},
 "unkVector":[0,0,0,0,0,0,0,0,0,-1]}
JSON
"$mk" "$tmp/src.json" "$tmp/a.ksv" >/dev/null || fail "mkwordvec failed"
# The same words, another table (other id): nothing near anything.
sed 's/"refrigerator":\[0.95,0.02,0.0,0.1/"refrigerator":[0.0,0.02,0.95,0.1/' "$tmp/src.json" >"$tmp/src2.json"
"$mk" "$tmp/src2.json" "$tmp/b.ksv" >/dev/null || fail "mkwordvec failed (second table)"

cat >"$tmp/faq.json" <<'JSON'
{"format": "kiosk-faq/1", "categories": [], "articles": [
 {"id": "fridge", "locale": "en", "category": "", "title": "Keeping food in the fridge",
  "body": "Cooked food keeps three days in the fridge.",
  "questions": ["how long does food keep in the fridge", "is food from the fridge still good",
                "fridge food storage", "can i keep cooked food in the fridge"],
  "keywords": [], "updated_at": "2026-01-01T00:00:00Z"},
 {"id": "parking", "locale": "en", "category": "", "title": "Parking your car",
  "body": "The car park is behind the hall.",
  "questions": ["where do i park my car", "where is the car park", "can i leave my car here",
                "car parking"],
  "keywords": [], "updated_at": "2026-01-01T00:00:00Z"},
 {"id": "payment", "locale": "en", "category": "", "title": "Paying by card",
  "body": "Every till takes cards.",
  "questions": ["can i pay by card", "do you take cards", "card payment", "pay with my card"],
  "keywords": [], "updated_at": "2026-01-01T00:00:00Z"}]}
JSON

first_id() { python3 -c 'import json,sys; r=json.loads(sys.stdin.readline())["results"]; print(r[0]["id"] if r else "-")'; }
search() { # table query
  KS_WORDVEC=$1 "$ctl" --data-dir "$tmp/data" search --json --limit 3 "$2" | first_id
}

KS_WORDVEC="$tmp/a.ksv" "$ctl" --data-dir "$tmp/data" import "$tmp/faq.json" >/dev/null || fail "import"
got=$(search "$tmp/a.ksv" "leftovers in my refrigerator")
[ "$got" = fridge ] || fail "with vectors, 'leftovers in my refrigerator' gave '$got', not fridge"
got=$(search "$tmp/a.ksv" "automobile")
[ "$got" = parking ] || fail "with vectors, 'automobile' gave '$got', not parking"
# Lexical matches still win where they exist.
got=$(search "$tmp/a.ksv" "pay by card")
[ "$got" = payment ] || fail "'pay by card' gave '$got'"

# The same index without any table: the word is unknown, nothing is found.
got=$(search none "automobile")
[ "$got" = - ] || fail "without vectors 'automobile' should find nothing, gave '$got'"

# Another table than the index was made with: ignored (logged), no crash,
# lexical search unchanged.
got=$(search "$tmp/b.ksv" "pay by card")
[ "$got" = payment ] || fail "with another table, 'pay by card' gave '$got'"
got=$(search "$tmp/b.ksv" "automobile")
[ "$got" = - ] || fail "with another table than the index's, 'automobile' gave '$got'"

# A damaged table: a warning, and search goes on without it.
cp "$tmp/a.ksv" "$tmp/bad.ksv"
printf 'X' | dd of="$tmp/bad.ksv" bs=1 seek=100 conv=notrunc status=none
out=$(KS_WORDVEC="$tmp/bad.ksv" "$ctl" --data-dir "$tmp/data" search --json "pay by card" 2>"$tmp/err")
[ "$(printf '%s\n' "$out" | first_id)" = payment ] || fail "a damaged table broke search: $out"
grep -q "checksum does not match" "$tmp/err" || fail "no warning about the damaged table: $(cat "$tmp/err")"

# Re-importing with the new table makes the index use it.
KS_WORDVEC="$tmp/b.ksv" "$ctl" --data-dir "$tmp/data2" import "$tmp/faq.json" >/dev/null || fail "import 2"
got=$(KS_WORDVEC="$tmp/b.ksv" "$ctl" --data-dir "$tmp/data2" search --json "refrigerator" | first_id)
[ "$got" != fridge ] || fail "table b moved refrigerator away from fridge, yet it was found"
echo "search_vectors: ok"
