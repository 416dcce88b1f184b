#!/bin/sh
# PIC, PIT and RTC seen from a guest (see timer.c); the date and memory
# checks expect exactly these options.
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/dev/timer.elf 33 \
    -m 32 -rtc base=2024-02-29T23:59:58
