#!/bin/sh
# usertests on the OS booted from its disk image by isola's BIOS, with
# PAE paging and NX: every test applies here, so none may be skipped.
OS_TIMEOUT=${OS_TIMEOUT:-300}     # a whole run takes 5 to 15 s
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-disk 'usertests
'
expect 'PAE paging, NX'
expect_usertests
reject '^test [^ ]+: skipped'
expect '^test oom: ok$'
