#!/bin/sh
# qemu-system-i386 -kernel -initrd, the oracle for isola -kernel -initrd.
# Skipped without QEMU.
exec "${srcdir:-.}/tests/osboot/run-osboot.sh" qemu-kernel
