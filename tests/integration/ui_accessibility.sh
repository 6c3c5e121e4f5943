#!/usr/bin/env bash
# High contrast and large text switch at run time from the display
# settings (reachable from every screen), survive navigation, and are
# undone by the idle reset along with everything else the visitor changed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ui.sh"
ui_setup

cat >"$T/a11y.txt" <<'SCRIPT'
tap-text "Display settings"
wait 300
expect-text "High contrast"
expect-text "Large text"
expect-no-text "On"
tap-text "High contrast"
wait 300
expect-text "On"
shot hc_dialog
tap-text "Large text"
wait 300
expect-no-text "Off"
key Escape
wait 300
expect-no-text "High contrast"
shot hc_large_home
# the settings stay on while the visitor moves around
tap-text "Cards"
wait 300
tap-text "I lost my card"
wait 300
expect-text "Right now"
tap-text "Display settings"
wait 300
expect-no-text "Off"
# turning them off again
tap-text "High contrast"
wait 300
tap-text "Large text"
wait 300
expect-no-text "On"
tap-text "Close"
wait 300
expect-text "Right now"
SCRIPT
ui_play 1920x1080 "$T/a11y.txt" || ui_fail "the accessibility script failed"

# The idle reset (config idle_timeout_s) brings the next visitor a fresh
# kiosk: home, default language, default display, empty search.
cat >"$T/config.json" <<'JSON'
{"idle_timeout_s": 30}
JSON
cat >"$T/idle.txt" <<'SCRIPT'
locale zh-Hant
tap-text "顯示設定"
wait 300
tap-text "高對比"
wait 300
key Escape
wait 300
type "遺失"
wait 300
expect-text "遺失"
wait 29000
expect-text "遺失"
wait 2000
expect-text "Browse topics"
expect-no-text "遺失"
tap-text "Display settings"
wait 300
expect-no-text "On"
SCRIPT
ui_play 1280x800 "$T/idle.txt" --config "$T/config.json" || ui_fail "the idle reset script failed"
# A portrait totem with large text: the top bar keeps Back and Home as
# icons (their names still reachable) and the language switch untouched.
cat >"$T/narrow.txt" <<'SCRIPT'
tap-text "Display settings"
wait 300
tap-text "Large text"
wait 300
key Escape
wait 300
locale zh-Hant
tap-text "銀行卡"
wait 300
tap-text "金融卡遺失了怎麼辦？"
wait 300
expect-text "現在就做"
tap-text "返回"
wait 300
expect-text "2 篇文章"
tap-text "首頁"
wait 300
expect-text "瀏覽主題"
SCRIPT
ui_play 1080x1920 "$T/narrow.txt" || ui_fail "the narrow large-text script failed"
echo "ok: high contrast, large text, idle reset"
