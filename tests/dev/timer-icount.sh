#!/bin/sh
# timer.c at another instruction rate: 100 Hz must stay 100 IRQ0 per
# emulated second, measured by the RTC and by 20 M instructions.
exec "${srcdir:-.}/tests/guest/run-guest.sh" tests/dev/timer.elf 33 \
    -m 32 -rtc base=2024-02-29T23:59:58 -icount 20M -append ips=20000000
