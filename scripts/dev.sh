#!/usr/bin/env bash
# The project's entry point on a fresh Debian 12 machine:
#   scripts/dev.sh run     install what is missing, build, launch the kiosk on
#                          the bundled sample content (under Xvfb if there is
#                          no display)
#   scripts/dev.sh test    the same set-up, then the whole test suite: the
#                          normal build, the ASan+UBSan build, brief fuzzing
#   scripts/dev.sh bench   the benchmarks (print figures; see docs/PERFORMANCE.md)
#   scripts/dev.sh fuzz    long fuzzing runs (FUZZ_SECONDS each, default 600)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
cmd=${1:-run}
shift || true

case "$cmd" in
run)
  scripts/setup.sh
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "dev.sh: no display here; running the kiosk under Xvfb (1920x1080)"
    exec xvfb-run -a -s "-screen 0 1920x1080x24" build/kiosk "$@"
  fi
  exec build/kiosk "$@"
  ;;
test)
  scripts/setup.sh --asan
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  echo "== tests (RelWithDebInfo)"
  ctest --test-dir build --output-on-failure -j"$(nproc)" | tee -a "$log"
  echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)" | tee -a "$log"
  echo "== brief fuzzing"
  FUZZ_SECONDS=${FUZZ_SECONDS:-15} scripts/fuzz.sh
  # One closing line for both runs: "N tests failed out of M" from each.
  awk '/tests failed out of/ { failed += $4; total += $NF }
       END { printf "tests: %d passed, %d failed\n", total - failed, failed }' "$log"
  ;;
bench)
  scripts/setup.sh
  for b in build/bench_*; do [ -x "$b" ] && "$b" "$@"; done
  ;;
fuzz)
  scripts/setup.sh
  FUZZ_SECONDS=${FUZZ_SECONDS:-600} scripts/fuzz.sh
  ;;
*)
  echo "usage: scripts/dev.sh run|test|bench|fuzz" >&2
  exit 2
  ;;
esac
