#!/bin/sh
# A guest's reset through the keyboard controller (0xFE) and through
# port 0x92 bit 0: with -no-reboot isola stops with status 3.
run="${srcdir:-.}/tests/guest/run-guest.sh"
"$run" --no-pass --stderr 'guest requested a reset' tests/dev/kbd.elf 3 \
    -display none -serial none -append reset || exit 1
"$run" --no-pass --stderr 'guest requested a reset' tests/dev/kbd.elf 3 \
    -display none -serial none -append reset92 || exit 1
