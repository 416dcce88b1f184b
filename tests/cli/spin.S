/* spin.S: counts in EAX forever (for -insn-limit and signals). */
#include "guest.h"
    .text
    .code32
    .globl _start
    MULTIBOOT_HEADER
_start:
1:  inc %eax
    jmp 1b
