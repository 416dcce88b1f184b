#!/bin/sh
# The TSS I/O permission bitmap (see iobitmap.c).
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/guest/iobitmap.elf 33
