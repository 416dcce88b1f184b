#!/bin/sh
# usertests on a kernel using two-level (non-PAE) page tables (pae=off),
# the other page-table format: all of it passes, without NX (which needs
# PAE), so the four no-execute tests say "skipped: no NX".
OS_TIMEOUT=${OS_TIMEOUT:-300}     # a whole run takes 5 to 15 s
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel 'usertests
' -append pae=off
expect 'two-level paging'
expect_usertests
for t in nx-data nx-heap nx-stack nx-mmap; do
    expect "^test $t: skipped: no NX"
done
expect_count 4 '^test [^ ]+: skipped'
