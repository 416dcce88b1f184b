#!/bin/sh
# ipcbench runs to its end with isolation=seg and with isolation=none
# (-kernel/-initrd): pipes and channel words give sane costs; what needs
# paging (exchange-heap blocks, shared memory) says it is unavailable
# (ENOSYS) instead of failing. The numbers are TSC ticks, instructions
# on isola.
. "${srcdir:-.}/tests/os/lib.sh"
for mode in seg none; do
    os_run isola-kernel 'ipcbench -n 200
' -append "isolation=$mode"
    expect "^isolation=$mode: paging off"
    expect '^ipcbench: 200 round trips each'
    expect_count 3 '^(pipe 1 B|pipe 4 KiB|channel word) +[0-9]+ +[0-9]+ +[0-9]+$'
    grep -E '^(pipe 1 B|pipe 4 KiB|channel word) +[0-9]+' "$out" |
        awk '{ n = $(NF - 2); if (n < 100 || n > 10000000) bad = 1 } END { exit bad }' ||
        fail "isolation=$mode: a round trip outside 100 to 10 million ticks"
    expect_count 4 '^(channel 1 page|channel 16 pages|shm \+ futex|shm \+ event) +unavailable: Function not implemented$'
    reject 'failed'
    reject 'panic'
    reject 'killed'
    expect_poweroff
done
