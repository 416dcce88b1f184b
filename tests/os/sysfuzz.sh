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
[ "$(grep -c '^sysfuzz: the kernel is alive$' "$out")" -eq 2 ] || fail "a fuzzing run did not finish"
expect '^still answering$'
reject 'panic'
expect_poweroff
before=$(grep '^Pages:' "$out" | head -n 1 | awk '{print $4}')
after=$(grep '^Pages:' "$out" | tail -n 1 | awk '{print $4}')
[ -n "$before" ] && [ -n "$after" ] || fail "no page counts"
diff=$((before - after))
[ "$diff" -le 32 ] && [ "$diff" -ge -32 ] || fail "free pages $before before, $after after"
