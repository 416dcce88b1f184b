#!/bin/sh
# sysfuzz with isolation=seg and with isolation=none (-kernel/-initrd):
# random system calls leave the kernel alive, and the kernel's free page
# count comes back (within the buffer cache's few pages). In none the
# workers run in ring 0, so sysfuzz leaves out the calls that would send
# them to random code (it says so).
. "${srcdir:-.}/tests/os/lib.sh"
for mode in seg none; do
    os_run isola-kernel 'free
sysfuzz -s 11 -n 3000 -w 4 -t 8
sysfuzz -s 12 -n 3000 -w 4 -t 8
sleep 1
free
echo still answering
' -append "isolation=$mode"
    [ "$(grep -c '^sysfuzz: the kernel is alive$' "$out")" -eq 2 ] ||
        fail "isolation=$mode: a fuzzing run did not finish"
    if [ $mode = none ]; then
        expect '^sysfuzz: isolation=none: the workers run in ring 0 unprotected'
    fi
    expect '^still answering$'
    reject 'panic'
    expect_poweroff
    before=$(grep '^Pages:' "$out" | head -n 1 | awk '{print $4}')
    after=$(grep '^Pages:' "$out" | tail -n 1 | awk '{print $4}')
    [ -n "$before" ] && [ -n "$after" ] || fail "no page counts"
    diff=$((before - after))
    [ "$diff" -le 32 ] && [ "$diff" -ge -32 ] || fail "isolation=$mode: free pages $before before, $after after"
done
