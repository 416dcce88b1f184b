#!/bin/sh
# The bundled BIOS on QEMU's PC: the same MBR lines as under isola and
# SeaBIOS, on a small disk and on a 200 GiB one (LBA48). Skipped without QEMU.
dir=${srcdir:-.}/tests/boot
"$dir/run-boot.sh" qemu-bios 8M 128 || exit $?
exec "$dir/run-boot.sh" qemu-bios 200G 1024
