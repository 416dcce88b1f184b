#!/bin/sh
# window-x11.sh: the SDL window on a real X server (Xvfb): isola opens
# it (-display sdl), keys typed into it reach the guest as set-1 bytes
# through the i8042 (set 2 translated), and the run ends as the guest
# decides. Skipped (77) without Xvfb and xdotool (Debian
# packages xvfb and xdotool).
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

for tool in Xvfb xdotool; do
    command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed" >&2; exit 77; }
done

$CC -m32 -ffreestanding -nostdlib -static -fno-pic -no-pie -Wl,--build-id=none \
    -Wl,-Ttext=0x100000 -I"$srcdir/tests/cli" -o "$tmp/kbdecho.elf" \
    "$srcdir/tests/ui/kbdecho.S" 2>"$tmp/cc.err" || {
    echo "SKIP: $CC cannot build 32-bit guests: $(head -c 300 "$tmp/cc.err")" >&2
    exit 77
}

# Xvfb picks a free display number and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.err" &
xvfb=$!
isola=""
cleanup() {
    [ -n "$isola" ] && kill "$isola" 2>/dev/null
    kill "$xvfb" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# wait_for SECONDS COMMAND...: retry COMMAND every 0.2 s until it succeeds.
wait_for() {
    _n=$(($1 * 5))
    shift
    while [ "$_n" -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
        _n=$((_n - 1))
    done
    return 1
}

display_known() { [ -s "$tmp/display" ]; }
wait_for 20 display_known || { echo "SKIP: Xvfb did not start: $(cat "$tmp/xvfb.err")" >&2; exit 77; }
DISPLAY=:$(cat "$tmp/display")
export DISPLAY

# In a sanitizer build, LeakSanitizer reports allocations that libdbus and
# Mesa (loaded by SDL for the window) never free; they are not isola's.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
$limit "$ISOLA" -display sdl "$tmp/kbdecho.elf" </dev/null >"$tmp/out" 2>"$tmp/err" &
isola=$!
if ! wait_for 30 xdotool search --name '^isola$'; then
    fail "no isola window appeared; stderr: $(head -c 400 "$tmp/err")"
    finish
fi
win=$(xdotool search --name '^isola$' | head -n 1)
xdotool windowfocus --sync "$win"

# 'a' and Up: set 2 (1C / E0 75) translated to set 1 by the controller.
xdotool key --delay 50 a Up
saw_up_break() { grep -q '^000000C8$' "$tmp/out"; }
wait_for 20 saw_up_break || fail "the guest did not get the keys: $(tr '\n' ' ' <"$tmp/out")"
xdotool key Escape
wait "$isola"
status=$?
isola=""
[ "$status" = 67 ] || fail "isola ended with status $status, expected 67; stderr: $(head -c 400 "$tmp/err")"
expect="0000001E
0000009E
000000E0
00000048
000000E0
000000C8
00000001"
got=$(head -n 7 "$tmp/out")
[ "$got" = "$expect" ] || fail "the guest got '$(echo $got)', expected '$(echo $expect)'"
finish
