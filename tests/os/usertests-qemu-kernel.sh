#!/bin/sh
# usertests on the OS that QEMU boots with -kernel/-initrd. Skips
# without QEMU.
. "${srcdir:-.}/tests/os/lib.sh"
os_run qemu-kernel 'usertests
'
expect 'PAE paging, NX'
expect_usertests
reject '^test [^ ]+: skipped'
