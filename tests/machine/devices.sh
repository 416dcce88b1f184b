#!/bin/sh
# devices.sh: the PC devices as the machine wires them: COM1 behind each
# -serial backend, the CMOS clock from -rtc base=, the PS/2 keyboard on
# IRQ1 fed by -keys at 0.5 emulated seconds.
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"
guestdir=$srcdir/tests/machine

guest serial.elf timer.S 0x100000 -I"$srcdir/tests/cli" -DSERIAL -DTICKS=1
guest keys.elf timer.S 0x100000 -I"$srcdir/tests/cli" -DKEYS=8

rtc="-rtc base=2038-01-19T03:14:07"

# COM1: to a file, to stdout (-serial stdio, and -nographic's default), nowhere.
run 1 $rtc -serial file:"$tmp/com1" "$tmp/serial.elf" &&
    out_is "rtc=38-01-19 03:14:07
ticks=00000001"
printf 'serial ok\r\n' >"$tmp/want"
cmp -s "$tmp/com1" "$tmp/want" || fail "-serial file: got '$(cat "$tmp/com1")'"
run 1 $rtc -serial stdio "$tmp/serial.elf" && grep -q '^serial ok' "$tmp/out" ||
    fail "-serial stdio: $(cat "$tmp/out")"
run 1 $rtc -nographic "$tmp/serial.elf" && grep -q '^serial ok' "$tmp/out" ||
    fail "-nographic: $(cat "$tmp/out")"
run 1 $rtc -display none "$tmp/serial.elf" && grep -q '^serial ok' "$tmp/out" ||
    fail "-display none: $(cat "$tmp/out")"
run 1 $rtc -serial none "$tmp/serial.elf" && grep -q 'serial ok' "$tmp/out" &&
    fail "-serial none printed: $(cat "$tmp/out")"

# -keys: set-2 codes translated to set 1 by the controller (its power-on
# command byte has translation on): A, Shift+B, Enter, make and break.
run 1 $rtc -keys 'aB\n' "$tmp/keys.elf" &&
    grep -q '^1E 9E 2A 30 B0 AA 1C 9C $' "$tmp/out" || fail "-keys: $(cat "$tmp/out")"
# ...typed at 0.5 s: about 50 ticks of the guest's 100 Hz timer went by.
ticks=$(sed -n 's/^ticks=//p' "$tmp/out")
[ $((0x${ticks:-0})) -ge 50 ] && [ $((0x${ticks:-0})) -lt 60 ] ||
    fail "-keys typed after $ticks ticks, expected about 50 (0x32)"

# -screenshot: the text screen as a PNG when the run ends, however it ends.
run 1 -screenshot "$tmp/shot.png" "$tmp/serial.elf"
[ "$(head -c 4 "$tmp/shot.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] ||
    fail "-screenshot: $tmp/shot.png is not a PNG; stderr: $(cat "$tmp/err")"
run 4 -insn-limit 100 -screenshot "$tmp/shot2.png" "$tmp/serial.elf"
[ -s "$tmp/shot2.png" ] || fail "-screenshot after -insn-limit: no file"
run 1 -screenshot "$tmp/no/such/dir/shot.png" "$tmp/serial.elf" &&
    err_is "isola: -screenshot $tmp/no/such/dir/shot.png:"

finish
