#!/bin/sh
# The keyboard controller from a guest (see tests/dev/kbd.c), with keys
# typed by isola's -keys option.
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/dev/kbd.elf 33 -display none \
    -serial none -keys 'aB1\nx'
