#!/bin/sh
# usertests with isolation=seg (-kernel/-initrd): paging off, each process
# in an 8 MiB region behind its own segments, ring 3. The tests that need
# paging (page rights, copy-on-write, shared memory, the exchange heap,
# NX, guard pages, mprotect) must say why they are skipped; the rest,
# the isolation tests that only the segment limit and ring 3 enforce
# among them (kernel memory, privileged instructions), must pass. 1 GiB
# of RAM: fork-tree holds some 90 regions at once.
OS_TIMEOUT=${OS_TIMEOUT:-300}     # a run takes about 10 s
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel 'usertests
' -m 1024 -append 'isolation=seg segsize=8M'
expect '^isolation=seg: paging off; each process in a region of 8192 KiB .* ring 3$'
expect '^isolation=seg: no NX, copy-on-write, swap, shared memory, exchange-heap blocks, mprotect or guard pages$'
expect_usertests
for t in kernel-memory privileged own-segments fork-tree fork-many cow sbrk mmap threads threads-many \
    thread-fault forkbomb signal-reach other-handles efault-io; do
    expect "^test $t: ok\$"
done
for t in mprotect map-fixed cow-pages shm-basic xh-alloc chan-move other-process nx-data \
    write-text stack-guard exec-elf leak-mmap; do
    expect "^test $t: skipped: isolation=seg: "
done
expect_count 25 '^test [^ ]+: skipped: isolation=seg: '
expect_count 25 '^test [^ ]+: skipped'
# the limit, not a page fault, stops a process at its region's end
expect '^pid [0-9]+ \(usertests\): general protection fault \(beyond the segment limit 7fffff\), eip [0-9a-f]{8}: killed$'
reject 'page fault'
