#!/bin/sh
# The C library's own test program (tests/user/libctest.c): formats,
# conversions, allocation, sorting, getopt, strings, threads with futexes
# and per-thread errno, signals, processes, files and directories.
. "${srcdir:-.}/tests/user/common.sh"
if [ ! -x tests/user/libctest ]; then
    echo "libc.sh: tests/user/libctest not built" >&2
    exit 99
fi
out=$(PATH="$B:$PATH" timeout 120 tests/user/libctest "$T" 2>&1)
status=$?
echo "$out"
expect "libctest exit status" 0 "$status"
expect "libctest summary" "libctest: 0 failures" "$(echo "$out" | tail -n 1)"
finish
