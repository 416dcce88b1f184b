#!/bin/sh
# Asynchronous I/O on the disk root, with isola's DMA taking emulated
# time (-disk-latency): disktests computes while a read is in flight,
# keeps many requests in flight, checks every byte, holes, the bounce
# path, coherence with the buffer cache, and a raw read past the end of
# the disk that the disk refuses (EIO and a console line, no hang).
# Afterwards the host finds the file system clean.
. "${srcdir:-.}/tests/os/disklib.sh"
disk_boot isola 'disktests aio
' -disk-latency 200
expect '^ALL TESTS PASSED$'
reject 'FAILED'
rounds=$(sed -n 's/^disktests: \([0-9]*\) rounds of computation while .* in flight$/\1/p' "$out")
[ -n "$rounds" ] && [ "$rounds" -gt 0 ] || fail "no computation during the read"
inflight=$(sed -n 's/^disktests: \([0-9]*\) of 32 requests in flight.*/\1/p' "$out")
[ -n "$inflight" ] && [ "$inflight" -gt 1 ] || fail "requests were not in flight together"
expect '^ata: hda: read of 1 sectors at 4294967280 failed: device error'
expect_poweroff
fsck_clean
