/* aout.S: a Multiboot kernel that is not ELF: header flag 16 gives its
 * addresses (linked as a flat binary at 0x200000). Prints "aout" and
 * checks its bss (up to bss_end_addr) was zeroed. */
#include "guest.h"
#define BASE 0x200000
    .text
    .code32
    .globl _start
_start:
header:
    .long 0x1BADB002, 0x00010000, -(0x1BADB002 + 0x00010000)
    .long BASE              /* header_addr */
    .long BASE              /* load_addr */
    .long 0                 /* load_end_addr: the whole file */
    .long BASE + 0x2000     /* bss_end_addr */
    .long BASE + (entry - header)
entry:
    PUTS(msg)
    mov $BASE + 0x1000, %edi
    mov $0x400, %ecx
    xor %eax, %eax
    repe scasl
    jne bad
    EXIT(0)
bad:
    EXIT(0x20)
    GUEST_HELPERS
msg: .asciz "aout\n"
