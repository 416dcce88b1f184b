#!/bin/sh
# TLB staleness, INVLPG, CR3 writes and global pages (see tlb.c), under the
# default TLB and a few other geometries and policies.
run="${srcdir:-.}/tests/guest/run-guest.sh"
fail=0
for spec in "" "fast=off" "entries=64,ways=4,policy=fifo" "unified,entries=128,ways=8" \
            "i=32:32,d=256:256,policy=random,fast=off"; do
    if [ -n "$spec" ]; then
        "$run" tests/guest/tlb.elf 33 -tlb "$spec" || fail=1
    else
        "$run" tests/guest/tlb.elf 33 || fail=1
    fi
done
exit $fail
