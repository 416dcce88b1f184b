#!/bin/sh
# COM1 from a guest (see tests/dev/uart.c): "ping\n" goes in on stdin,
# the guest's line comes out on stdout next to its report.
out=$(printf 'ping\n' | "${srcdir:-.}/tests/guest/run-guest.sh" tests/dev/uart.elf 33 \
    -display none -serial stdio)
status=$?
printf '%s\n' "$out"
[ $status -eq 0 ] || exit $status
if ! printf '%s\n' "$out" | grep -q 'uart: hello from COM1'; then
    echo "uart.sh: FAIL: the guest's serial output is missing from stdout"
    exit 1
fi
