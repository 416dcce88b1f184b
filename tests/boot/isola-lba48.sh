#!/bin/sh
# The test MBR under isola with the bundled BIOS on a sparse 200 GiB disk,
# whose last sector needs LBA48 commands, with 1 GiB of RAM.
exec "${srcdir:-.}/tests/boot/run-boot.sh" isola 200G 1024
