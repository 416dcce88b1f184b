#!/bin/sh
# pagefault.c again with every access through the TLB model (no fast path).
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/guest/pagefault.elf 33 -tlb fast=off
