#!/bin/sh
# A triple fault with -no-reboot: exit status 3 and "triple fault" on stderr.
exec "${srcdir:-.}/tests/guest/run-guest.sh" --stderr 'triple fault' --no-pass tests/guest/triple.elf 3
