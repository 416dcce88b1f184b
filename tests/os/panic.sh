#!/bin/sh
# A kernel that cannot go on says why, shows where (a backtrace with
# function names from the kernel's own symbol table) and powers off with
# the panic status (0x7F, reported by isola as (0x7F << 1) | 1 = 255)
# instead of hanging: here init cannot be found.
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel '' -append 'init=/bin/no-such-program'
expect '^kernel panic: cannot run /bin/no-such-program \(error 2\)'
expect '^backtrace:'
expect '^  0xc01[0-9a-f]{5} kmain\+0x[0-9a-f]+'
expect '^kernel halted'
[ "$status" -eq 255 ] || fail "exit status $status, not 255 (the panic status)"
