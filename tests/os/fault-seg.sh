#!/bin/sh
# The fault demonstrations with isolation=seg (-kernel/-initrd): a
# process reaching past its region is stopped by the segment limit, with
# the one-line report naming #GP (or #SS for the stack) and the limit;
# ring 3 still keeps it from the I/O ports and CLI; a kernel pointer
# passed to write() is EFAULT. Address 0 is the region's first byte, so
# a null pointer is not caught (documented in guest-os/README.md). And
# swap= with this mode is refused at boot, with a line saying why.
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel 'fault kernel
echo after-kernel $?
fault stack-overflow
echo after-stack-overflow $?
fault portio
echo after-portio $?
fault cli
echo after-cli $?
fault null
echo after-null $?
fault wild-syscall
echo after-wild-syscall $?
' -append 'isolation=seg swap=hda2'
hex='[0-9a-f]{8}'
expect '^swap: swap=hda2 refused: isolation=seg has no paging to page with$'
expect "^pid [0-9]+ \\(fault\\): general protection fault \\(beyond the segment limit 3fffff\\), eip $hex: killed\$"
expect "^pid [0-9]+ \\(fault\\): stack fault \\(beyond the segment limit 3fffff\\), eip $hex: killed\$"
expect "^pid [0-9]+ \\(fault\\): general protection fault \\(privileged instruction: out\\), eip $hex: killed\$"
expect "^pid [0-9]+ \\(fault\\): general protection fault \\(privileged instruction: cli\\), eip $hex: killed\$"
expect_count 4 '^pid [0-9]+ \(fault\): '
for m in kernel stack-overflow portio cli; do
    expect "^after-$m 139\$"
done
expect '^fault: null: nothing stopped it$'
expect '^write\(1, 0xc0000000, 16\) = -14 \(EFAULT: Bad address\)$'
expect '^after-wild-syscall 0$'
reject 'panic'
reject 'page fault'
expect_poweroff
