#!/bin/sh
# The same disk under qemu-system-i386 with its own BIOS (SeaBIOS): the
# loader on a BIOS it was not written against. Skipped without QEMU.
exec "${srcdir:-.}/tests/osboot/run-osboot.sh" qemu-disk
