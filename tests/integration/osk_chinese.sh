#!/usr/bin/env bash
# osk_chinese.sh - Chinese input on the on-screen keyboard through rime:
# the layout follows the UI language (zh-Hans -> pinyin; zh-Hant -> zhuyin,
# with cangjie one globe press away), pinyin "nihao" + candidate 1 gives
# 你好, the composition shows inline in the field, a pinyin search finds a
# Simplified article, zhuyin and cangjie key codes give their characters,
# and the idle reset leaves no composition behind. Shares one rime
# deployment (lib/osk.sh).
. "$KS_SOURCE_DIR/tests/integration/lib/osk.sh"
ui_setup
osk_rime_seed

cat >"$T/pinyin.txt" <<'S'
locale zh-Hans
osk-layout pinyin
osk-type "nihao"
# the composition is inline in the field, not yet its text
expect-text "ni hao"
expect-field ""
expect-text "你好"
osk-pick 1
expect-field "你好"
# a search in pinyin finds the Simplified article
tap-text "你好"
wait 300
osk-hold backspace 40
osk-hold backspace 40
expect-field ""
osk-type "yinhangka"
osk-pick 1
expect-field "银行卡"
expect-text "银行卡丢了怎么办？"
shot pinyin
S
ui_play 1920x1080 "$T/pinyin.txt" || ui_fail "pinyin"

cat >"$T/zhuyin.txt" <<'S'
osk-layout zhuyin
# Dachen key codes: ㄋㄧˇ ㄏㄠˇ
osk-type "su3cl3"
expect-text "ㄋㄧˇ ㄏㄠˇ"
osk-pick 1
expect-field "你好"
osk-layout cangjie
# cangjie: 人弓火 = 你, then 女弓木 = 好
osk-type "onf"
osk-pick 1
osk-type "vnd"
osk-pick 1
expect-field "你好你好"
S
ui_play 1080x1920 "$T/zhuyin.txt" || ui_fail "zhuyin and cangjie"

# the layout follows the UI language; the globe key goes round the cycle
cat >"$T/locale.txt" <<'S'
locale zh-Hans
tap-text "请输入您的问题"
wait 400
expect-text "拼音"
key Escape
wait 400
locale zh-Hant
tap-text "請輸入您的問題"
wait 400
expect-text "注音"
osk-hold ime 40
wait 300
expect-text "倉頡"
osk-hold ime 40
wait 300
expect-text "English"
# the language switch while typing changes the keyboard at once
osk-type "ok"
tap-text "简体中文"
wait 300
expect-text "拼音"
expect-field "ok"
S
ui_play 1920x1080 "$T/locale.txt" || ui_fail "layout per language"

# idle reset in the middle of a composition: nothing survives
cat >"$T/idle.txt" <<'S'
osk-layout pinyin
osk-type "mima"
expect-text "mi ma"
wait 95000
expect-no-text "mi ma"
expect-no-text "拼音"
tap-text "Ask a question"
wait 400
expect-text "English"
expect-field ""
expect-no-text "mi ma"
S
printf '{"idle_timeout_s": 60}\n' >"$T/idle.json"
ui_play 1920x1080 "$T/idle.txt" --config "$T/idle.json" || ui_fail "idle reset"
echo "osk_chinese: ok"
