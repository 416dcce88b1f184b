#!/bin/sh
# The OS boots from its disk image through the bundled BIOS to a shell
# prompt, runs commands, and powers off when its console input ends.
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-disk 'echo hello from the shell
uname -a
ps
exit 3
echo not reached
'
expect '(^|\$ )hello from the shell'
expect 'isola isola 0\.1\.0 .* i686'
expect 'PID +PPID'
expect '^ *1 +0 .*init'
reject '^not reached'
reject 'panic'
expect_poweroff
