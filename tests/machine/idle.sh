#!/bin/sh
# idle.sh: a guest that programs the PIT at 100 Hz and HLTs until 1000
# ticks have come (10 emulated seconds) costs almost no host time: the
# virtual clock skips from one timer deadline to the next. The bound
# (5 s of wall time) is generous; this is not a benchmark.
. "${srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"
guestdir=$srcdir/tests/machine

guest idle.elf timer.S 0x100000 -I"$srcdir/tests/cli"

start=$(date +%s%N)
run 1 -stats -rtc base=2024-01-02T03:04:05 "$tmp/idle.elf"
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
[ "$ms" -lt 5000 ] || fail "10 emulated seconds of idling took $ms ms of wall time"

out_is "rtc=24-01-02 03:04:05
ticks=000003E8"
grep -q '^  interrupts  *1000$' "$tmp/err" ||
    fail "expected exactly 1000 interrupts: $(grep interrupts "$tmp/err")"
# 1000 periods of 11932 PIT ticks at 1.193182 MHz: 9.99998 s, plus the set-up.
secs=$(sed -n 's/^  emulated seconds  *//p' "$tmp/err")
case $secs in
9.99*|10.00*) ;;
*) fail "emulated seconds '$secs', expected about 10" ;;
esac
# The work done is the handler's, not a spin: a few dozen instructions a tick.
insns=$(sed -n 's/^  instructions  *//p' "$tmp/err")
[ "${insns:-0}" -lt 100000 ] || fail "$insns instructions for 1000 idle ticks"

# -realtime sleeps instead: 20 ticks at 100 Hz take about 0.2 s of wall time.
guest idle-rt.elf timer.S 0x100000 -I"$srcdir/tests/cli" -DTICKS=20
start=$(date +%s%N)
run 1 -realtime "$tmp/idle-rt.elf"
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
[ "$ms" -ge 150 ] || fail "-realtime: 20 ticks at 100 Hz took only $ms ms"
[ "$ms" -lt 3000 ] || fail "-realtime: 20 ticks at 100 Hz took $ms ms"
grep -q '^ticks=00000014$' "$tmp/out" || fail "-realtime: $(cat "$tmp/out")"

finish
