#!/usr/bin/env bash
# Search quality figures (not a pass/fail test, not registered with CTest):
# builds the development sets with ../shared/eval/make_sets.py into
# BUILD_DIR/evalsets and scores `kioskctl search` on clinc, atec and
# atec_hant with ../shared/eval/score.py (both use only the kioskctl
# contract). Targets and past figures: docs/search.md.
#
#   tests/quality/run.sh [BUILD_DIR]      default: build
#
# The sets are development data: nothing from them goes into the product.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
case "$build" in /*) ;; *) build=$here/$build ;; esac
eval_dir=${KS_EVAL_DIR:-$here/../shared/eval}
ctl=$build/kioskctl
[ -x "$ctl" ] || { echo "quality: $ctl not found: build first (cmake --build $build)" >&2; exit 2; }
[ -f "$eval_dir/make_sets.py" ] || { echo "quality: $eval_dir/make_sets.py not found (set KS_EVAL_DIR)" >&2; exit 2; }
command -v opencc >/dev/null || echo "quality: the opencc command is missing (package opencc): atec_hant cannot be built" >&2
sets=$build/evalsets
python3 "$eval_dir/make_sets.py" "$sets" >/dev/null
echo "search quality ($(date -u +%Y-%m-%dT%H:%MZ), $ctl)"
printf '  %-10s %s\n' target "clinc top1>=0.88 top3>=0.96 oos_rejected>=0.60 with inscope_confident>=0.85; atec top1>=0.65 top3>=0.85; atec_hant within 0.02 of atec"
for s in clinc atec atec_hant; do
  if [ -f "$sets/$s.faq.json" ] && [ -f "$sets/$s.queries.tsv" ]; then
    printf '  %-10s %s\n' "$s" "$(python3 "$eval_dir/score.py" "$ctl" "$sets/$s" | sed 's/^set=[^ ]* *//')"
  else
    printf '  %-10s %s\n' "$s" "(set not built)"
  fi
done
