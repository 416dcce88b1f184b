#!/bin/sh
# #PF error codes and CR2 in every paging mode (see pagefault.c).
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/guest/pagefault.elf 33
