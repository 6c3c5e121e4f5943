# ui.sh - shared by tests/integration/ui_*.sh: runs the kiosk's headless
# harness on the app fixture in a fresh temporary directory.
#   ui_setup               creates $T (temp dir, removed on success) and a
#                          data dir $D with tests/fixtures/app/faq.json
#   ui_play SIZE SCRIPT    plays SCRIPT (a file) at SIZE; stderr in $T/err
#   ui_fail MESSAGE        reports and exits 1 (keeping $T)
set -euo pipefail
: "${KIOSK:?run through ctest (KIOSK is not set)}"
: "${KIOSKCTL:?run through ctest (KIOSKCTL is not set)}"
: "${KS_SOURCE_DIR:?run through ctest (KS_SOURCE_DIR is not set)}"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

ui_fail() {
  echo "FAIL: $*" >&2
  [ -f "$T/err" ] && sed 's/^/  kiosk: /' "$T/err" >&2
  echo "  (files kept in $T)" >&2
  trap - EXIT
  exit 1
}

ui_setup() {
  T=$(mktemp -d /tmp/ks-ui-XXXXXX)
  trap 'rm -rf "$T"' EXIT
  D=$T/data
  "$KIOSKCTL" --data-dir "$D" import "$KS_SOURCE_DIR/tests/fixtures/app/faq.json" >/dev/null ||
    ui_fail "kioskctl import of the app fixture failed"
}

ui_play() {
  local size=$1 script=$2
  shift 2
  "$KIOSK" --headless --size "$size" --script "$script" --screenshots "$T/shots" \
    --stats "$T/stats.json" --data-dir "$D" "$@" 2>"$T/err"
}
