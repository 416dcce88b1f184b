#!/bin/sh
# Random system calls from user programs (guest-os/user/cmd/sysfuzz.c:
# kernel addresses, wrapping lengths, garbage signal frames, clone into
# nowhere, ...) cannot bring the kernel down: after each run the shell
# still answers, and once the killed workers are gone the free page count
# is back where it was (within the few pages the buffer cache may keep).
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel 'free
sysfuzz -s 11 -n 4000 -w 4 -t 15
sysfuzz -s 12 -n 4000 -w 4 -t 15
sleep 1
free
echo still answering
'
expect '^sysfuzz: [0-9]+ workers'
expect_sysfuzz_survived sysfuzz
