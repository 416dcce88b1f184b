#!/bin/sh
# mksyms.sh: turn `nm -n` output of the kernel into the assembly of its
# symbol table (ksyms.c reads it): the text symbols sorted by address,
# each with the offset of its name in a string block. Code refers only to
# ksyms_table, whose address is the same in both links. With no input it
# gives an empty table, for the first link. The table always takes
# KSYMS_BYTES bytes, so that filling it in moves nothing else in the
# kernel; a table that does not fit is an error.
#
# Usage: nm -n kernel.elf | mksyms.sh > symtab.S
KSYMS_BYTES=32768
awk -v limit=$KSYMS_BYTES '
BEGIN { n = 0; off = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\./ {
    addr[n] = $1; name[n] = $3; at[n] = off; off += length($3) + 1; n++
}
END {
    size = 8 + 8 * n + off
    if (size > limit) {
        print "mksyms: the symbol table needs " size " bytes, more than " limit > "/dev/stderr"
        exit 1
    }
    print "    .section .ksyms, \"a\""
    print "    .balign 4"
    print "    .globl ksyms_table"
    print "ksyms_table:"
    print "    .long " n ", " (8 + 8 * n)
    for (i = 0; i < n; i++) printf "    .long 0x%s, %d\n", addr[i], at[i]
    for (i = 0; i < n; i++) printf "    .asciz \"%s\"\n", name[i]
    print "    .fill " (limit - size) ", 1, 0"
    print "    .section .note.GNU-stack, \"\", @progbits"
}'
