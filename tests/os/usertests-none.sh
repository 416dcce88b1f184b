#!/bin/sh
# usertests with isolation=none (-kernel/-initrd): paging off, every
# process in ring 0 in a region of its own, nothing between them. The
# tests that need paging say so, and the protection tests say that this
# mode gives none ("skipped: isolation=none gives no protection"), never
# that they passed; everything else passes.
OS_TIMEOUT=${OS_TIMEOUT:-300}     # a run takes about 10 s
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel 'usertests
' -m 1024 -append 'isolation=none segsize=8M'
expect '^isolation=none: paging off; each process in a region of 8192 KiB .* ring 0, no protection$'
expect '^isolation=none: no NX, .*; processes can reach all memory and the I/O ports$'
expect_usertests
for t in kernel-memory other-process privileged thread-fault own-segments; do
    expect "^test $t: skipped: isolation=none gives no protection\$"
done
for t in fork-tree fork-many cow sbrk mmap threads threads-many forkbomb pipe-large efault-io; do
    expect "^test $t: ok\$"
done
expect_count 24 '^test [^ ]+: skipped: isolation=none: '
expect_count 29 '^test [^ ]+: skipped'
reject 'killed$'
