#!/bin/sh
# Interrupt delivery across rings, the TSS stack switch, call gates (see ring.c).
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/guest/ring.elf 33
