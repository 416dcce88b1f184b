#!/bin/sh
# The differential test as `make check` runs it: one fixed seed, 200000
# instructions, every instruction compared against Unicorn.
exec "${builddir:-.}/tests/difftest" --seed 1 --count 200000 "$@"
