#!/bin/sh
# determinism.sh: with a fixed -rtc base the same guest gives the same
# output and the same instruction and interrupt counts, run after run:
# emulated time is a function of the instruction count, so timer
# interrupts land on the same instructions. The guest computes between
# ticks and hashes the EIP each tick interrupted.
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"
guestdir=$srcdir/tests/machine

guest busy.elf timer.S 0x100000 -I"$srcdir/tests/cli" -DBUSY -DHZ=1000 -DTICKS=200

# The -stats lines that must repeat (not host seconds or MIPS).
counts() {
    grep -v -e 'host seconds' -e MIPS "$tmp/err" >"$1"
}

rtc="-rtc base=2024-01-02T03:04:05"
run 1 -stats $rtc "$tmp/busy.elf" && counts "$tmp/err1" && cp "$tmp/out" "$tmp/out1"
run 1 -stats $rtc "$tmp/busy.elf" && counts "$tmp/err2" && cp "$tmp/out" "$tmp/out2"
cmp -s "$tmp/out1" "$tmp/out2" || fail "output differs: $(cat "$tmp/out1") / $(cat "$tmp/out2")"
cmp -s "$tmp/err1" "$tmp/err2" || fail "statistics differ: $(diff "$tmp/err1" "$tmp/err2")"
grep -q '^ticks=000000C8$' "$tmp/out1" || fail "ticks: $(cat "$tmp/out1")"
grep -q '^  interrupts  *200$' "$tmp/err1" || fail "interrupts: $(grep interrupts "$tmp/err1")"

# The hash does see where interrupts land: another rate moves them.
run 1 -stats $rtc -icount 37M "$tmp/busy.elf"
h1=$(grep '^hash=' "$tmp/out1")
h2=$(grep '^hash=' "$tmp/out")
[ -n "$h1" ] && [ "$h1" != "$h2" ] || fail "-icount 37M gave the same $h2"

# The RTC starts at -rtc base and follows emulated time: 0.2 s in, the
# guest's first reading (at the start) is the base itself.
grep -q '^rtc=24-01-02 03:04:05$' "$tmp/out1" || fail "rtc: $(cat "$tmp/out1")"

# A whole PC boot: the bundled firmware boots the boot tests' MBR
# (tests/boot) from a disk, twice; -snapshot keeps the MBR's write test
# from changing the disk between the runs. Same serial output, same
# counts, same screen to the pixel.
if [ -f firmware/bios.bin ] && [ -f tests/boot/mbr.bin ] && [ -f tests/boot/stage2.bin ]; then
    sh "$srcdir/tests/boot/mkdisk.sh" "$tmp/disk.img" tests/boot/mbr.bin \
        tests/boot/stage2.bin 8M || fail "mkdisk.sh"
    boot="-bios firmware/bios.bin -hda $tmp/disk.img -snapshot -nographic -stats $rtc"
    run 33 $boot -screenshot "$tmp/boot1.png" && counts "$tmp/err1" && cp "$tmp/out" "$tmp/out1"
    run 33 $boot -screenshot "$tmp/boot2.png" && counts "$tmp/err2" && cp "$tmp/out" "$tmp/out2"
    grep -q '^mbr: done' "$tmp/out1" || fail "the MBR did not finish: $(cat "$tmp/out1")"
    cmp -s "$tmp/out1" "$tmp/out2" || fail "boot output differs: $(diff "$tmp/out1" "$tmp/out2")"
    cmp -s "$tmp/err1" "$tmp/err2" || fail "boot statistics differ: $(diff "$tmp/err1" "$tmp/err2")"
    cmp -s "$tmp/boot1.png" "$tmp/boot2.png" || fail "boot screenshots differ"
else
    echo "firmware/bios.bin or tests/boot/*.bin not built: firmware boot not checked"
fi

finish
