#!/bin/sh
# On QEMU there is no trace-marker port: the kernel's writes to it at
# every process switch, and a region marked through SYS_trace_mark, must
# go nowhere and change nothing. The OS boots under qemu-system-i386, runs
# a command as a region, and powers off. Skips without QEMU or python3.
. "${srcdir:-.}/tests/trace/lib.sh"
qemu=${QEMU:-qemu-system-i386}
kernel=guest-os/kernel/kernel.elf
root=disks/root.ext2
need "$kernel" "$root"
command -v "$qemu" >/dev/null 2>&1 || { echo "$qemu not found: skipped"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }

st=0
printf 'region demo ls /bin\necho status $?\n' |
    python3 "$srcdir/tests/trace/qemu-drive.py" 300 "$qemu" -nographic -m 128 -cpu qemu32,+nx \
        -no-reboot -net none -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -kernel "$kernel" -initrd "$root" >"$tmp/q.out" 2>&1 || st=$?
[ $st -eq 1 ] || fail "QEMU exited $st, not 1 (power off)"
grep -q 'poweroff' "$tmp/q.out" || fail "region demo ls /bin printed no listing"
grep -q '^status 0$' "$tmp/q.out" || fail "region did not succeed"
grep -q 'panic' "$tmp/q.out" && fail "the kernel panicked"
[ $failed -eq 0 ] || tail -20 "$tmp/q.out"
finish
