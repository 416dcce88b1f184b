/* exit.S: prints "ok" and exits through port 0xF4 with EXIT_VALUE.
 * Built with -DFLAT it has no Multiboot header (a flat binary) and prints
 * ESP too. */
#include "guest.h"
#ifndef EXIT_VALUE
#define EXIT_VALUE 0
#endif
    .text
    .code32
    .globl _start
_start:
#ifndef FLAT
    jmp 1f
    MULTIBOOT_HEADER
1:
#endif
    mov %esp, %ebx
    PUTS(msg_ok)
#ifdef FLAT
    PUTS(msg_esp)
    mov %ebx, %eax
    call puthex
    call newline
#endif
    EXIT(EXIT_VALUE)
    GUEST_HELPERS
msg_ok: .asciz "ok\n"
msg_esp: .asciz "esp="
