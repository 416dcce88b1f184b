#!/bin/sh
# qemu-check.sh: run the directed guest tests under qemu-system-i386, the
# oracle for what real hardware does, to check the tests themselves.
#
# Usage (from the build directory, after make): tests/guest/qemu-check.sh [ELF...]
# Runs each kernel with -cpu max (for NX, PGE and UMIP in CPUID) and the
# isa-debug-exit device on port 0xF4, and prints its "not ok" lines. The
# checks QEMU (7.2, TCG) is known to fail are listed in README.md; a
# failure not listed there is a bug in the test or a QEMU difference to study.
qemu=${QEMU:-qemu-system-i386}
if [ $# -eq 0 ]; then
    set -- tests/guest/prot.elf tests/guest/ring.elf tests/guest/pagefault.elf \
        tests/guest/tlb.elf tests/guest/iobitmap.elf tests/guest/umip.elf
fi
for elf in "$@"; do
    out=$(timeout 120 "$qemu" -cpu max -m 128 -kernel "$elf" -display none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -debugcon stdio 2>&1)
    status=$?
    summary=$(printf '%s\n' "$out" | grep -c '^ok ')
    echo "== $elf: exit status $status, $summary ok"
    printf '%s\n' "$out" | grep -A2 '^not ok'
done
