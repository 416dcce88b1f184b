#!/bin/sh
# usertests on the OS booted from its disk image by QEMU and SeaBIOS (a
# CPU with NX): the same results as under isola. Skips without QEMU.
OS_TIMEOUT=${OS_TIMEOUT:-300}     # a whole run takes 5 to 15 s
. "${srcdir:-.}/tests/os/lib.sh"
os_run qemu-disk 'usertests
'
expect 'PAE paging, NX'
expect_usertests
reject '^test [^ ]+: skipped'
