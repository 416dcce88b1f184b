#!/bin/sh
# swap.sh under QEMU (a CPU with NX, SeaBIOS not involved: -kernel with
# the disk attached): the same tests, the same verdicts. Skips without
# QEMU.
OS_TIMEOUT=${OS_TIMEOUT:-600}
. "${srcdir:-.}/tests/os/lib.sh"
os_run qemu-disk 'swaptests
echo the shell lives
free
' -kernel "$kernel" -append 'root=hda1 swap=hda2' -m 32
expect_swaptests_passed
reject 'panic'
expect_poweroff
grep -E '^test [a-z]+: note:|^swaptests: ' "$out"
