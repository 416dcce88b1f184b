#!/bin/sh
# firmware.sh: the firmware path with a tiny ROM of the test's own
# (rom.S): the first fetch at 0xFFFFFFF0 through the high alias, the low
# copy below 1 MiB read-only, 64 and 128 KiB images, the A20 gate at port
# 0x92, and a guest's reset request through the i8042 (silent, RAM kept;
# status 3 with -no-reboot).
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"
guestdir=$srcdir/tests/machine

guest rom.bin rom.S 0
[ "$(wc -c <"$tmp/rom.bin")" -eq 65536 ] || fail "rom.bin is not 64 KiB"
head -c 65536 /dev/zero >"$tmp/rom128.bin"
cat "$tmp/rom.bin" >>"$tmp/rom128.bin"

want="rom
rom is read-only
a20 ok
reset
rom
rom is read-only
a20 ok
booted again"
for rom in rom.bin rom128.bin; do
    run 1 -bios "$tmp/$rom" && out_is "$want"
    [ -s "$tmp/err" ] && fail "-bios $rom: a guest reset printed: $(cat "$tmp/err")"
done
# RAM sizes down to 1 MiB hold the low copy.
run 1 -m 1 -bios "$tmp/rom.bin" && out_is "$want"

run 3 -no-reboot -bios "$tmp/rom.bin" &&
    err_is "isola: guest requested a reset at f000:" && one_line
out_is "rom
rom is read-only
a20 ok
reset"

finish
