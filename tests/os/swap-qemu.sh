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
expect '^swap: hda2, 98304 KiB \(24576 slots of 4 KiB\)$'
for t in fill cow syscall thrash threads writes oom; do
    expect "^test $t: ok\$"
done
expect '^ALL TESTS PASSED$'
reject 'FAILED'
expect_count 1 'out of memory'
expect '^pid [0-9]+ \(swaptests\): out of memory \(RAM and swap full\): killed$'
expect '^the shell lives$'
expect '^Swap: +98304 +[0-9]+ +[0-9]+$'
reject 'panic'
expect_poweroff
grep -E '^test [a-z]+: note:|^swaptests: ' "$out"
