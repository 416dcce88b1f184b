#!/bin/sh
# model.sh: random writes, truncates and name changes checked against a
# model (test_fs model), then e2fsck -fn finds the image clean; with 1 and
# 4 KiB blocks and a few seeds.
. "${srcdir:-.}/tests/fs/lib.sh"

mkdir "$tmp/st"
for bs in 1024 4096; do
    for seed in 1 2 3; do
        mkimage "$tmp/img" $bs 32M "$tmp/st" >/dev/null
        run "$TEST_FS" model "$tmp/img" $seed
        fsck_clean "$tmp/img" "$bs-byte blocks, seed $seed"
    done
done
exit $((failures != 0))
