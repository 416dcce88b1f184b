#!/bin/sh
# The same disk under QEMU with the bundled BIOS. Skipped without QEMU.
exec "${srcdir:-.}/tests/osboot/run-osboot.sh" qemu-bios-disk
