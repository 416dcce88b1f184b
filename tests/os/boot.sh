#!/bin/sh
# The OS boots from its disk image through the bundled BIOS to a shell
# prompt, runs commands, and powers off when its shell exits. The console
# echoes typed-ahead input when the shell reads it, so the transcript is
# the session: each command after its prompt, then its output.
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-disk 'echo hello from the shell
uname -a
ps
exit 3
echo not reached
'
expect '^\$ echo hello from the shell$'
expect '^hello from the shell$'
expect '^\$ uname -a$'
expect '^isola isola 0\.1\.0 .* i686$'
expect '^ +PID +PPID +STATE'
expect '^ +1 +0 +S .*init$'
expect '^ +[0-9]+ +1 +S .*sh$'
expect '^\$ exit 3$'
expect '^init: /bin/sh exited with status 3$'
reject 'not reached'
reject 'panic'
expect_poweroff
