#!/usr/bin/env bash
# The bundled sample content answers visitors' own words, through the
# kioskctl contract and with the sentence encoder and word vectors the
# build ships: paraphrases that share few or no words with an article's
# questions find it and are answered with confidence; words that mean
# nothing find nothing (no made-up choices); Chinese is unaffected (the
# encoder reads English only).
set -euo pipefail
: "${KS_BUILD_DIR:?set KS_BUILD_DIR to the build directory}"
: "${KS_SOURCE_DIR:?set KS_SOURCE_DIR to the source directory}"
ctl=${KIOSKCTL:-$KS_BUILD_DIR/kioskctl}
tmp=$(mktemp -d /tmp/ks-it-searchsent-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ctl" --data-dir "$tmp/data" import "$KS_SOURCE_DIR"/assets/content/sample/*.json >/dev/null || fail "import"

cat >"$tmp/cases.tsv" <<'CASES'
my mobile got nicked	lostsmall	lost_stolen_phone	1
I feel queasy in the goggles	vr	vr_motion_sickness	1
can somebody from staff help me	human	talk_to_human	1
someone texted asking for my twelve secret words	seed	seed_phrase_never_share	1
how long until my money comes back	refund	refund_request	1
xyzzy plugh	nonsense	-	0
手机丢了怎么办	zh	lost_stolen_phone	1
CASES
cut -f1 "$tmp/cases.tsv" | "$ctl" --data-dir "$tmp/data" search --batch --json --limit 3 >"$tmp/out.jsonl" ||
  fail "search"
python3 - "$tmp/cases.tsv" "$tmp/out.jsonl" <<'PY' || exit 1
import json, sys
cases = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
outs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
bad = 0
for (q, _, want, conf), o in zip(cases, outs):
    ids = [r["id"] for r in o["results"]]
    if want == "-":
        ok = not ids and not o["confident"]
    else:
        ok = ids[:1] == [want] and o["confident"] == (conf == "1")
    if not ok:
        bad += 1
        print("FAIL: %r gave %s confident=%s, expected %s" % (q, ids, o["confident"], want), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "search_sentences: ok"
