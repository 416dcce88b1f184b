#!/bin/sh
# The test MBR under QEMU's own BIOS (SeaBIOS): checks that what the test
# expects is what a PC BIOS gives. Skipped without QEMU.
dir=${srcdir:-.}/tests/boot
"$dir/run-boot.sh" seabios 8M 128 || exit $?
exec "$dir/run-boot.sh" seabios 200G 1024
