#!/bin/sh
# usertests on a kernel told not to use NX (-kernel/-initrd, nx=off):
# data, heap, stack and writable mappings can then be executed, and the
# four no-execute tests must say so ("skipped: no NX") instead of
# failing; everything else still passes.
OS_TIMEOUT=${OS_TIMEOUT:-300}     # a whole run takes 5 to 15 s
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel 'usertests
' -append nx=off
expect 'PAE paging, global pages'
reject 'PAE paging, NX'
expect_usertests
for t in nx-data nx-heap nx-stack nx-mmap; do
    expect "^test $t: skipped: no NX"
done
expect_count 4 '^test [^ ]+: skipped'
