#!/bin/sh
# The paging study (bench/paging-study.py) on a reduced configuration:
# five boots of the OS, two benchmarks each. The script must finish, write
# its report and plots, and find the orders the study rests on (TLB misses
# fall as the TLB grows; flushing on every switch misses more than the
# tagged TLB on the pipe ping-pong; global pages off misses more than on).
. "${srcdir:-.}/tests/trace/lib.sh"
kernel=guest-os/kernel/kernel.elf
root=disks/root.ext2
need "$kernel" "$root"
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }

python3 "$srcdir/bench/paging-study.py" --quick --check --isola "$isola" --kernel "$kernel" \
    --root "$root" --out "$tmp/out" --doc "$tmp/doc/paging-study.md" --timeout 300 \
    >"$tmp/study.log" 2>&1 || fail "paging-study.py --quick --check: $(cat "$tmp/study.log")"
for f in paging-study.md paging-study-ws.svg paging-study-tlbsize.svg; do
    [ -s "$tmp/doc/$f" ] || fail "no $f written"
done
grep -q '^| + TLB flushed on every address-space switch | [0-9]' "$tmp/doc/paging-study.md" ||
    fail "the report has no ladder row for paging with a flush on every switch"
grep -q '<polyline' "$tmp/doc/paging-study-tlbsize.svg" || fail "the TLB-size plot has no line"
for f in "$tmp"/out/*.console; do
    grep -q '^power off' "$f" || fail "$(basename "$f" .console): the OS did not power off"
done
for f in "$tmp"/out/*.err; do
    [ -e "$f" ] && clean_stderr "$f"
done
finish
