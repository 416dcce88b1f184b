#!/bin/sh
# usertests on the OS that QEMU boots with -kernel/-initrd. Skips
# without QEMU.
OS_TIMEOUT=${OS_TIMEOUT:-300}     # a whole run takes 5 to 15 s
. "${srcdir:-.}/tests/os/lib.sh"
os_run qemu-kernel 'usertests
'
expect 'PAE paging, NX'
expect_usertests
reject '^test [^ ]+: skipped'
