#!/bin/sh
# The shell on a terminal (tests/user/interactive.py drives a pty):
# prompt, Ctrl-C reaching the foreground job only, background notices.
# Skips without python3.
. "${srcdir:-.}/tests/user/common.sh"
if ! command -v python3 >/dev/null 2>&1; then
    echo "interactive.sh: no python3: skipped"
    exit 77
fi
timeout 60 python3 "${srcdir:-.}/tests/user/interactive.py" "$B"
