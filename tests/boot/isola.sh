#!/bin/sh
# The test MBR under isola with the bundled BIOS (see run-boot.sh).
exec "${srcdir:-.}/tests/boot/run-boot.sh" isola 8M 128
