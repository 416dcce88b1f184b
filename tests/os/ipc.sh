#!/bin/sh
# Inter-process communication on the OS, through its shell: pipelines and
# command substitution over pipe(); a FIFO made with mkfifo between two
# programs the shell started separately (neither the other's parent); and
# ipcbench, briefly, which must print a sane cost for every mechanism.
# Under isola (this script) the TSC counts instructions: a round trip is
# well above 100 and far below ten million. ipc-qemu.sh runs the same
# under QEMU, where the TSC counts cycles. (The IPC tests of usertests,
# pipes to channels, run with the rest in usertests-*.sh.)
. "${srcdir:-.}/tests/os/lib.sh"
host=${IPC_HOST:-isola-kernel}
os_run "$host" 'cat /etc/motd | wc -l
echo "[$(echo sub  stitution | cat)]"
yes | head -n 2
cd /tmp
echo fifo between two children of the shell >msg
mkfifo f
ls -l f
cat f >out &
cat msg >f
wait
cat out
ipcbench -n 200
'
expect_lines() {
    [ "$(grep -Ec -- "$2" "$out")" -eq "$1" ] || fail "expected $1 lines /$2/"
}
expect '^\$ cat /etc/motd \| wc -l$'
expect '^1$'
expect '^\[sub stitution\]$'
expect_lines 2 '^y$'
expect '^prw-r--r-- '
expect '^fifo between two children of the shell$'
expect '^ipcbench: 200 round trips each'
mechs='pipe 1 B|pipe 4 KiB|channel word|channel 1 page|channel 16 pages|shm \+ futex|shm \+ event'
expect_lines 7 "^($mechs) +[0-9]+ +[0-9]+ +[0-9]+$"
grep -E "^($mechs) +[0-9]+" "$out" |
    awk '{ n = $(NF - 2); if (n < 100 || n > 10000000) bad = 1 } END { exit bad }' ||
    fail "a round trip outside 100 to 10 million ticks"
reject 'panic'
reject 'killed'
expect_poweroff
