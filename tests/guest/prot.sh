#!/bin/sh
# Protection faults and their error codes (see prot.c).
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/guest/prot.elf 33
