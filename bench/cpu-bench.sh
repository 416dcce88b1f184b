#!/bin/sh
# cpu-bench.sh: isola against Unicorn, QEMU's TCG and Bochs on the same
# CPU-bound guest work (bench/cpu-bench.elf), reported as MIPS and ratios.
# A benchmark, not a test: the numbers depend on the host and on its load.
#
# Run from the build directory after make (or `make bench`). Settings:
#   BENCH_ITERS      guest iterations of the timed runs (default 20000000,
#                    about 435 million instructions)
#   BENCH_RUNS       rounds; each emulator's fastest counts (default 3)
#   ISOLA, UCRUN, BENCH_ELF   paths of the programs
#   QEMU             qemu-system-i386 (default: from PATH; skipped if absent)
#   BOCHS            bochs (default: from PATH; skipped if absent)
#   BOCHS_DISPLAY    Bochs's display library (default: nogui, else sdl2
#                    with SDL's dummy video driver: Debian's bochs has no
#                    nogui, its bochs-sdl package runs headless that way)
#   BOCHS_IPS        Bochs's `cpu: ips=` (default 4000000, Bochs's own);
#                    with `clock: sync=none` it sets only the emulated
#                    clock and does not throttle the run (4, 50 and 1000
#                    million ran the work equally fast; a higher one only
#                    makes the BIOS's timed waits longer in host time)
#   BOOT_MBR, BOOT_STAGE2     the OS's boot loader, which boots the guest
#                    in Bochs (default: guest-os/boot/ in the build)
#
# What is timed, the same way for every emulator: each round runs the
# guest with BENCH_ITERS iterations and with a few ($cal), and the
# emulator's time for the work is the difference, which takes out what
# does not depend on the iteration count: process start-up, firmware and
# boot (Bochs has no -kernel: it boots a disk image through its BIOS and
# the OS's boot loader, guest-os/boot/), the guest's set-up. isola and
# ucrun time their own run loop ("host seconds"); QEMU and Bochs are
# timed from outside (wall time; for QEMU, whose work takes about as long
# as its start-up, the fastest big run less the fastest small one, and no
# figure at all when the work is too short to time). The instructions are the difference
# between isola's -stats counts of the two runs: every emulator runs the
# same instructions, as the guest's work depends only on its iteration
# count. Checks: at $cal iterations Unicorn counts (with a per-instruction
# hook, in a calibration run never timed) what isola counts; Bochs's
# instruction count (its tick count when the guest shuts it down, which is
# one tick per instruction while no HLT runs) differs between the two runs
# by what isola's does; every guest prints the same checksum.
#
# Bochs: Debian's package (apt-get install bochs bochsbios vgabios
# bochs-sdl) has its internal debugger compiled in, which slows it; the
# script says so when it finds one. An optimised build, from Bochs's
# source:
#   ./configure --enable-all-optimizations --enable-cpu-level=6 \
#       --disable-debugger --with-nogui && make && make install
# (--enable-all-optimizations turns on handler chaining, trace linking and
# the repeat speed-ups; the trace cache is always on). Then BOCHS=path.
# Without `make install`, BXSHARE=SRC/bios tells it where its BIOS is.

isola=${ISOLA:-./emu/isola}
ucrun=${UCRUN:-./bench/ucrun}
elf=${BENCH_ELF:-./bench/cpu-bench.elf}
mbr=${BOOT_MBR:-./guest-os/boot/mbr.bin}
stage2=${BOOT_STAGE2:-./guest-os/boot/stage2.bin}
iters=${BENCH_ITERS:-20000000}
runs=${BENCH_RUNS:-3}
bochs_ips=${BOCHS_IPS:-4000000}
cal=20000
srcdir=$(cd "$(dirname "$0")/.." && pwd)
mkosimage=$srcdir/disks/mkosimage.sh

for f in "$isola" "$ucrun" "$elf"; do
    if [ ! -f "$f" ]; then
        echo "cpu-bench: $f not found (run make first, from the build directory)" >&2
        exit 1
    fi
done
case $iters in
    ''|*[!0-9]*) echo "cpu-bench: BENCH_ITERS must be a number" >&2; exit 1 ;;
esac
if [ "$iters" -le $((cal * 10)) ]; then
    echo "cpu-bench: BENCH_ITERS must be more than $((cal * 10))" >&2
    exit 1
fi
bochs=${BOCHS:-}
if [ -z "$bochs" ]; then
    bochs=$(command -v bochs 2>/dev/null)
elif ! command -v "$bochs" >/dev/null 2>&1; then
    echo "cpu-bench: BOCHS=$bochs: not found" >&2
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpu-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# field NAME FILE: the number after "NAME" in a statistics file
field() {
    awk -v name="$1" 'index($0, name) { n = split($0, w, " "); print w[n]; exit }' "$2"
}
# calc FORMAT EXPR [-v VAR=VALUE...]: an awk expression, printed with a
# printf format (the numbers may have leading zeros, which the shell's
# arithmetic reads as octal)
calc() {
    _f=$1 _e=$2; shift 2
    awk "$@" "BEGIN { printf \"$_f\\n\", $_e }" </dev/null
}
# keep_min CUR NEW: the smaller, CUR being empty at first
keep_min() {
    awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'
}
now() { date +%s.%N; }

# ---- calibration: Unicorn's instruction count against isola's ----
"$isola" -stats -append "iters=$cal" -kernel "$elf" >/dev/null 2>"$tmp/cal.i"
"$ucrun" -count -append "iters=$cal" "$elf" >/dev/null 2>"$tmp/cal.u"
cal_i=$(field instructions "$tmp/cal.i")
cal_u=$(field "ucrun: instructions" "$tmp/cal.u")
echo "calibration, $cal iterations: isola counts $cal_i instructions, Unicorn $cal_u"
if [ -z "$cal_i" ] || [ -z "$cal_u" ] ||
   [ $((cal_u - cal_i)) -gt 2 ] || [ $((cal_i - cal_u)) -gt 2 ]; then
    echo "cpu-bench: warning: the instruction counts disagree; the MIPS below are not comparable"
fi

# ---- QEMU ----
qemu=${QEMU:-qemu-system-i386}
command -v "$qemu" >/dev/null 2>&1 || qemu=
# qemu_run ITERS OUT: prints the wall seconds of a whole run
qemu_run() {
    _s=$(now)
    "$qemu" -accel tcg -m 128 -display none -no-reboot -serial none -monitor none \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon "file:$2" \
        -kernel "$elf" -append "iters=$1" </dev/null >/dev/null 2>&1
    _e=$(now)
    calc %.6f 'e - s' -v s="$_s" -v e="$_e"
}

# ---- Bochs ----
bochs_how="To get one:
  Debian's package (a debugger build): apt-get install bochs bochsbios vgabios bochs-sdl
  an optimised build, from Bochs's source: ./configure --enable-all-optimizations
    --enable-cpu-level=6 --disable-debugger --with-nogui && make && make install
  then BOCHS=path (make bench BOCHS=path), or bochs in PATH"
for f in "$mbr" "$stage2"; do
    if [ -n "$bochs" ] && [ ! -f "$f" ]; then
        echo "cpu-bench: $f not found (the boot loader that boots the guest in Bochs); Bochs not compared"
        bochs=
    fi
done
timeout=
command -v timeout >/dev/null 2>&1 && timeout="timeout 600"

# bochs_rc DISPLAY IMAGE LOG: a bochsrc ($BXSHARE is Bochs's own data
# directory, which it sets when the environment does not)
bochs_rc() {
    cat <<EOF
megs: 128
romimage: file=\$BXSHARE/BIOS-bochs-latest
vgaromimage: file=\$BXSHARE/VGABIOS-lgpl-latest
ata0-master: type=disk, path=$2, mode=flat
boot: disk
display_library: $1
port_e9_hack: enabled=1
speaker: enabled=0
cpu: count=1, ips=$bochs_ips
clock: sync=none
log: $3
EOF
}
# bochs_run ITERS OUT: one run of $tmp/b$ITERS.img; prints the wall
# seconds, leaves the guest's output in OUT, Bochs's own in OUT.bx, its
# log in OUT.log and the tick count at the guest's shutdown in OUT.ticks.
# A Bochs built with its debugger stops before the first instruction and
# reads commands: "c" on its input continues.
bochs_run() {
    bochs_rc "$bochs_disp" "$tmp/b$1.img" "$2.log" >"$2.rc"
    _s=$(now)
    printf 'c\n' | SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
        $timeout "$bochs" -q -f "$2.rc" >"$2.bx" 2>"$2.err"
    _e=$(now)
    grep '^bench: ' "$2.bx" >"$2"
    sed -n 's/^\([0-9][0-9]*\)[a-z].*Shutdown port: shutdown requested.*/\1/p' \
        "$2.log" 2>/dev/null | head -n 1 >"$2.ticks"
    calc %.6f 'e - s' -v s="$_s" -v e="$_e"
}
bochs_fail() {
    echo "cpu-bench: Bochs did not run the guest to its end (no shutdown through port 0x8900):"
    tail -n 5 "$1.err" "$1.log" 2>/dev/null
    exit 1
}
if [ -n "$bochs" ]; then
    for n in "$cal" "$iters"; do
        sh "$mkosimage" "$tmp/b$n.img" "$mbr" "$stage2" "$elf" none "iters=$n" || exit 1
    done
    # The display library: BOCHS_DISPLAY, else the first that this Bochs has.
    for bochs_disp in ${BOCHS_DISPLAY:-nogui sdl2}; do
        bochs_run "$cal" "$tmp/bprobe" >/dev/null
        grep -q "display library '$bochs_disp' not available" "$tmp/bprobe.err" ||
            break
    done
    if grep -q "display library '$bochs_disp' not available" "$tmp/bprobe.err"; then
        echo "cpu-bench: $bochs has no display library that runs without a screen (${BOCHS_DISPLAY:-nogui, sdl2});"
        echo "  Bochs not compared. $bochs_how"
        bochs=
    else
        [ -s "$tmp/bprobe.ticks" ] || bochs_fail "$tmp/bprobe"
        bochs_ver=$(sed -n 's/^ *\(Bochs x86 Emulator [^ ]*\).*/\1/p' "$tmp/bprobe.bx" | head -n 1)
        echo "Bochs: $bochs (${bochs_ver:-version unknown}), display $bochs_disp, ips=$bochs_ips"
        if grep -q '^Next at t=0' "$tmp/bprobe.bx"; then
            echo "  it has its internal debugger compiled in (as Debian's has): not an optimised build"
        fi
    fi
else
    echo "Bochs: not found, not compared. $bochs_how"
fi

# ---- the timed rounds ----
# same_output A B WHO: the guests must have computed the same thing
same_output() {
    if ! cmp -s "$1" "$2"; then
        echo "cpu-bench: $3's guest output differs from isola's:"
        cat "$1" "$2"
        exit 1
    fi
}
best_i='' best_u='' best_b='' fixed_q='' fixed_b='' big_q=''
k=0
while [ $k -lt "$runs" ]; do
    for n in "$cal" "$iters"; do
        "$isola" -stats -append "iters=$n" -kernel "$elf" >"$tmp/i$n" 2>"$tmp/i$n.err" ||
            [ $? -eq 33 ] || { echo "cpu-bench: isola failed"; cat "$tmp/i$n.err"; exit 1; }
        "$ucrun" -append "iters=$n" "$elf" >"$tmp/u$n" 2>"$tmp/u$n.err" ||
            [ $? -eq 33 ] || { echo "cpu-bench: ucrun failed"; cat "$tmp/u$n.err"; exit 1; }
        same_output "$tmp/i$n" "$tmp/u$n" Unicorn
    done
    insns=$(calc %.0f 'b - s' -v b="$(field instructions "$tmp/i$iters.err")" \
        -v s="$(field instructions "$tmp/i$cal.err")")
    s=$(calc %.6f 'b - s' -v b="$(field "host seconds" "$tmp/i$iters.err")" \
        -v s="$(field "host seconds" "$tmp/i$cal.err")")
    best_i=$(keep_min "$best_i" "$s")
    s=$(calc %.6f 'b - s' -v b="$(field "host seconds" "$tmp/u$iters.err")" \
        -v s="$(field "host seconds" "$tmp/u$cal.err")")
    best_u=$(keep_min "$best_u" "$s")

    if [ -n "$qemu" ]; then
        t_small=$(qemu_run "$cal" "$tmp/q$cal")
        t_big=$(qemu_run "$iters" "$tmp/q$iters")
        if cmp -s "$tmp/i$iters" "$tmp/q$iters" && cmp -s "$tmp/i$cal" "$tmp/q$cal"; then
            big_q=$(keep_min "$big_q" "$t_big")
            fixed_q=$(keep_min "$fixed_q" "$t_small")
        else
            echo "cpu-bench: QEMU's guest output differs from isola's; QEMU not compared"
                qemu='' big_q=''
        fi
    fi

    if [ -n "$bochs" ]; then
        t_small=$(bochs_run "$cal" "$tmp/b$cal")
        t_big=$(bochs_run "$iters" "$tmp/b$iters")
        for n in "$cal" "$iters"; do
            [ -s "$tmp/b$n.ticks" ] || bochs_fail "$tmp/b$n"
            same_output "$tmp/i$n" "$tmp/b$n" Bochs
        done
        bochs_insns=$(calc %.0f 'b - s' -v b="$(cat "$tmp/b$iters.ticks")" -v s="$(cat "$tmp/b$cal.ticks")")
        best_b=$(keep_min "$best_b" "$(calc %.6f 'b - s' -v b="$t_big" -v s="$t_small")")
        fixed_b=$(keep_min "$fixed_b" "$t_small")
    fi
    k=$((k + 1))
done

# QEMU runs the work in a fraction of a second, about as long as it takes
# to start: the difference of one round's two runs is mostly start-up
# noise, so its work time is its fastest big run less its fastest small one.
best_q=''
if [ -n "$big_q" ]; then
    best_q=$(calc %.6f 'b - s' -v b="$big_q" -v s="$fixed_q")
    if awk -v w="$best_q" -v f="$fixed_q" 'BEGIN { exit !(w < f / 2) }'; then
        echo "cpu-bench: QEMU's work took $best_q s against a start-up of $fixed_q s: too short to time; raise BENCH_ITERS. QEMU not compared"
        best_q=''
    fi
fi

if [ -n "$bochs" ]; then
    echo "instructions of $iters less $cal iterations: isola counts $insns, Bochs $bochs_insns"
    if awk -v b="$bochs_insns" -v i="$insns" \
        'BEGIN { d = b - i; if (d < 0) d = -d; exit !(d > i / 10000) }'; then
        echo "cpu-bench: warning: Bochs's count differs by more than 0.01%; its MIPS are not comparable"
    fi
fi
cat "$tmp/i$iters"
awk -v n="$insns" -v ti="$best_i" -v tu="$best_u" -v tq="$best_q" -v tb="$best_b" \
    -v fq="$fixed_q" -v fb="$fixed_b" -v it="$iters" -v cal="$cal" -v runs="$runs" 'BEGIN {
    printf "guest work: %d less %d iterations, %.0f instructions (best of %d rounds)\n", it, cal, n, runs
    mi = n / ti / 1e6
    printf "isola:          %8.3f s  %8.1f MIPS\n", ti, mi
    mu = n / tu / 1e6
    printf "Unicorn:        %8.3f s  %8.1f MIPS\n", tu, mu
    if (tq != "") {
        mq = n / tq / 1e6
        printf "QEMU TCG:       %8.3f s  %8.1f MIPS   (start-up: %.3f s, taken out)\n", tq, mq, fq
    }
    if (tb != "") {
        mb = n / tb / 1e6
        printf "Bochs:          %8.3f s  %8.1f MIPS   (start-up, BIOS and boot: %.3f s, taken out)\n", tb, mb, fb
    }
    printf "ratio isola/Unicorn: %.2f\n", mi / mu
    if (tq != "")
        printf "ratio isola/QEMU TCG: %.2f\n", mi / mq
    if (tb != "")
        printf "ratio isola/Bochs: %.2f\n", mi / mb
}'
