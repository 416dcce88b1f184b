#!/bin/sh
# The VGA text-mode registers from a guest (see tests/dev/vga.c).
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/dev/vga.elf 33 -display none -serial none
