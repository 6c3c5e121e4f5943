#!/usr/bin/env bash
# Switching language at run time changes the UI strings and the content at
# once, on every screen, by the language switch (touch) and by the
# harness's locale step; an article missing in the visitor's language is
# shown from the fallback chain with a visible badge.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ui.sh"
ui_setup

cat >"$T/lang.txt" <<'SCRIPT'
expect-text "Browse topics"
tap-text "简体中文"
wait 300
expect-text "浏览主题"
expect-text "银行卡"
expect-no-text "Browse topics"
tap-text "银行卡"
wait 300
expect-text "银行卡丢了怎么办？"
# switching on an inner screen relists it in the new language
tap-text "繁體中文"
wait 300
expect-text "金融卡遺失了怎麼辦？"
expect-text "返回"
expect-no-text "银行卡丢了怎么办？"
tap-text "金融卡遺失了怎麼辦？"
wait 300
expect-text "現在就做"
locale en
expect-text "Right now"
expect-text "Back"
# English-only article seen in Chinese: shown in English, with the badge
tap-text "Home"
wait 300
locale zh-Hans
tap-text "到访须知"
wait 300
tap-text "When is the help desk open?"
wait 300
expect-text "every day from 9:00 to 18:00"
expect-text "英文"
# in Traditional Chinese the English-and-Traditional article needs no badge
tap-text "首页"
wait 300
locale zh-Hant
tap-text "來訪須知"
wait 300
tap-text "我可以把車停在哪裡？"
wait 300
expect-text "B2 樓層"
expect-no-text "英文"
SCRIPT
ui_play 1080x1920 "$T/lang.txt" || ui_fail "the language script failed"

# The badge says where the text came from, in the visitor's language.
cat >"$T/badge.txt" <<'SCRIPT'
locale zh-Hans
tap-text "到访须知"
wait 300
tap-text "When is the help desk open?"
wait 300
shot fallback
SCRIPT
ui_play 1920x1080 "$T/badge.txt" || ui_fail "the badge script failed"

# a locale that is not enabled is refused, naming the line
printf 'locale fr\n' >"$T/bad.txt"
if ui_play 1280x800 "$T/bad.txt"; then ui_fail "an unknown locale was accepted"; fi
grep -q "bad.txt:1: locale" "$T/err" || ui_fail "the error does not name the line: $(cat "$T/err")"
echo "ok: language switch, content relisted, fallback badge"
