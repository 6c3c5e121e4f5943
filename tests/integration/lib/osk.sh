# osk.sh - shared by tests/integration/osk_*.sh: ui.sh, plus one rime
# deployment shared by all of them.
#   osk_rime_seed   copies a deployed rime user dir into $D/rime, so the
#                   kiosk starts its input methods from the cache (tens of
#                   ms) instead of deploying (5-30 s). The first test to
#                   call it deploys once into $KS_BUILD_DIR/osk-rime-cache
#                   (under a lock, so parallel tests wait for it).
. "$KS_SOURCE_DIR/tests/integration/lib/ui.sh"

osk_rime_seed() {
  local cache="${KS_BUILD_DIR:-/tmp}/osk-rime-cache"
  (
    flock 9
    if [ ! -f "$cache/ok" ]; then
      rm -rf "$cache"
      mkdir -p "$cache"
      "$KIOSKCTL" --data-dir "$cache/data" import "$KS_SOURCE_DIR/tests/fixtures/app/faq.json" >/dev/null || exit 1
      # osk-layout with an input method waits for the deployment
      printf 'osk-layout pinyin\n' >"$cache/deploy.txt"
      "$KIOSK" --headless --size 1280x800 --script "$cache/deploy.txt" --data-dir "$cache/data" 2>"$cache/err" || {
        cat "$cache/err" >&2
        exit 1
      }
      [ -f "$cache/data/rime/build/pinyin_simp.prism.bin" ] || exit 1
      touch "$cache/ok"
    fi
  ) 9>"$cache.lock" || ui_fail "could not deploy rime once for the osk tests (see above)"
  cp -a "$cache/data/rime" "$D/"
}
