#!/bin/sh
# The differential test as `make check` runs it: one fixed seed, 200000
# instructions, every instruction compared against Unicorn. Leaks inside
# Unicorn itself are suppressed in sanitizer builds (tests/difftest.lsan).
here=$(cd "$(dirname "$0")" && pwd)
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$here/difftest.lsan"
export LSAN_OPTIONS
exec "${builddir:-.}/tests/difftest" --seed 1 --count 200000 "$@"
