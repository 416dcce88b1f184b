#!/bin/sh
# The test kernel on a disk built by disks/mkosimage.sh, booted by isola with
# the bundled BIOS and the OS's boot loader (see run-osboot.sh).
exec "${srcdir:-.}/tests/osboot/run-osboot.sh" isola-disk
