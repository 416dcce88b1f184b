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
    expect_sysfuzz_survived "isolation=$mode"
    if [ $mode = none ]; then
        expect '^sysfuzz: isolation=none: the workers run in ring 0 unprotected'
    fi
done
