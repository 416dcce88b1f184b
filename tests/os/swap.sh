#!/bin/sh
# Swap (guest-os/kernel/swap.c, pageout.c): swaptests (guest-os/user/
# cmd/swaptests.c) with 32 MiB of RAM and the image's 96 MiB swap
# partition, named by swap=hda2 on the command line (-kernel, -append,
# the disk attached): 64 MiB filled and read back; fork with pages in
# swap and copy-on-write after; swapped-out buffers given to write()
# and read(); two processes thrashing; four threads faulting on the same
# pages; pages rewritten while they go out; and memory and swap
# exhausted, where the greedy process dies with the kernel's one
# out-of-memory line while a bystander and the shell live. Each test
# checks that no page or slot is lost. Then free shows the swap area.
# The disk takes 50 us a command (-disk-latency): with none, a DMA ends
# before any process runs again, and no write could ever meet a page on
# its way out, which the writes test needs to see at least once.
OS_TIMEOUT=${OS_TIMEOUT:-600}     # a run takes 20 s, about 60 s under ASan
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-disk 'swaptests
echo the shell lives
free
' -kernel "$kernel" -append 'root=hda1 swap=hda2' -m 32 -disk-latency 50
expect_swaptests_passed
expect '^test writes: note: .*, [1-9][0-9]* page-outs cancelled by a write$'
reject 'panic'
expect_poweroff
grep -E '^test [a-z]+: note:|^swaptests: ' "$out"
