#!/bin/sh
# cpu-bench.sh: isola against Unicorn on the same CPU-bound guest work
# (bench/cpu-bench.elf), reported as MIPS and a ratio. A benchmark, not a
# test: the numbers depend on the host and on its load.
#
# Run from the build directory after make (or `make bench`). Settings:
#   BENCH_ITERS      guest iterations of the timed runs (default 20000000,
#                    about 440 million instructions)
#   BENCH_RUNS       runs of each emulator; the fastest counts (default 3)
#   ISOLA, UCRUN, BENCH_ELF   paths of the programs
#
# Both emulators run the same instructions (the guest's work depends only
# on its iteration count), so isola's -stats count serves both; a short
# calibration run counts them in Unicorn too (with a per-instruction hook,
# never used in the timed runs) and warns if the counts disagree.
# Each emulator times its own run loop (isola -stats "host seconds",
# ucrun "host seconds"), so process start-up is not counted.

isola=${ISOLA:-./emu/isola}
ucrun=${UCRUN:-./bench/ucrun}
elf=${BENCH_ELF:-./bench/cpu-bench.elf}
iters=${BENCH_ITERS:-20000000}
runs=${BENCH_RUNS:-3}
cal=20000
for f in "$isola" "$ucrun" "$elf"; do
    if [ ! -f "$f" ]; then
        echo "cpu-bench: $f not found (run make first, from the build directory)" >&2
        exit 1
    fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpu-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# field NAME FILE: the number after "NAME" in a statistics file
field() {
    awk -v name="$1" 'index($0, name) { n = split($0, w, " "); print w[n]; exit }' "$2"
}

"$isola" -stats -append "iters=$cal" -kernel "$elf" >/dev/null 2>"$tmp/cal.i"
"$ucrun" -count -append "iters=$cal" "$elf" >/dev/null 2>"$tmp/cal.u"
cal_i=$(field instructions "$tmp/cal.i")
cal_u=$(field "ucrun: instructions" "$tmp/cal.u")
echo "calibration, $cal iterations: isola counts $cal_i instructions, Unicorn $cal_u"
if [ -z "$cal_i" ] || [ -z "$cal_u" ] ||
   [ $((cal_u - cal_i)) -gt 2 ] || [ $((cal_i - cal_u)) -gt 2 ]; then
    echo "cpu-bench: warning: the instruction counts disagree; the MIPS below are not comparable"
fi

best_i=
best_u=
k=0
while [ $k -lt "$runs" ]; do
    "$isola" -stats -append "iters=$iters" -kernel "$elf" >"$tmp/out.i" 2>"$tmp/run.i" ||
        [ $? -eq 33 ] || { echo "cpu-bench: isola failed"; cat "$tmp/run.i"; exit 1; }
    "$ucrun" -append "iters=$iters" "$elf" >"$tmp/out.u" 2>"$tmp/run.u" ||
        [ $? -eq 33 ] || { echo "cpu-bench: ucrun failed"; cat "$tmp/run.u"; exit 1; }
    if ! cmp -s "$tmp/out.i" "$tmp/out.u"; then
        echo "cpu-bench: the guests' outputs differ:"
        cat "$tmp/out.i" "$tmp/out.u"
        exit 1
    fi
    s_i=$(field "host seconds" "$tmp/run.i")
    s_u=$(field "host seconds" "$tmp/run.u")
    insns=$(field instructions "$tmp/run.i")
    best_i=$(awk -v a="$best_i" -v b="$s_i" 'BEGIN { print (a == "" || b < a) ? b : a }')
    best_u=$(awk -v a="$best_u" -v b="$s_u" 'BEGIN { print (a == "" || b < a) ? b : a }')
    k=$((k + 1))
done

# QEMU's own TCG (qemu-system-i386), when installed. Its run time is the
# wall time of a full run less that of a run of $cal iterations, which
# takes out QEMU's start-up; the guest's output must match isola's.
qemu=${QEMU:-qemu-system-i386}
best_q=
if command -v "$qemu" >/dev/null 2>&1; then
    qemu_wall() {  # qemu_wall ITERS OUT: prints the seconds the run took
        _s=$(date +%s.%N)
        "$qemu" -accel tcg -m 128 -display none -no-reboot -serial none -monitor none \
            -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon "file:$2" \
            -kernel "$elf" -append "iters=$1" </dev/null >/dev/null 2>&1
        _e=$(date +%s.%N)
        awk -v s="$_s" -v e="$_e" 'BEGIN { print e - s }'
    }
    k=0
    while [ $k -lt "$runs" ]; do
        t_small=$(qemu_wall "$cal" "$tmp/qsmall")
        t_big=$(qemu_wall "$iters" "$tmp/out.q")
        if ! cmp -s "$tmp/out.i" "$tmp/out.q"; then
            echo "cpu-bench: QEMU's guest output differs from isola's; QEMU not compared"
            best_q=
            break
        fi
        s_q=$(awk -v a="$t_big" -v b="$t_small" 'BEGIN { print a - b }')
        best_q=$(awk -v a="$best_q" -v b="$s_q" 'BEGIN { print (a == "" || b < a) ? b : a }')
        k=$((k + 1))
    done
fi

cat "$tmp/out.i"
awk -v n="$insns" -v ti="$best_i" -v tu="$best_u" -v tq="$best_q" -v it="$iters" -v runs="$runs" 'BEGIN {
    mi = n / ti / 1e6
    mu = n / tu / 1e6
    printf "guest: %d iterations, %d instructions (best of %d runs each)\n", it, n, runs
    printf "isola:          %8.3f s  %8.1f MIPS\n", ti, mi
    printf "Unicorn:        %8.3f s  %8.1f MIPS\n", tu, mu
    if (tq != "") {
        mq = n / tq / 1e6
        printf "QEMU TCG:       %8.3f s  %8.1f MIPS\n", tq, mq
    }
    printf "ratio isola/Unicorn: %.2f\n", mi / mu
    if (tq != "")
        printf "ratio isola/QEMU TCG: %.2f\n", mi / mq
}'
