#!/bin/sh
# isola -kernel -initrd: the test kernel and the root file system as a
# Multiboot module, no firmware (see run-osboot.sh).
exec "${srcdir:-.}/tests/osboot/run-osboot.sh" isola-kernel
