#!/bin/sh
# SGDT/SIDT/SLDT/SMSW/STR in ring 3 with and without CR4.UMIP (see umip.c).
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/guest/umip.elf 33
