/* triple.S: a triple fault: INT3 through an empty IDT raises #GP, whose
 * delivery fails again (#DF), and #DF's failure shuts the CPU down.
 * With -DPRINT it prints "boot" first, every time it is started. */
#include "guest.h"
    .text
    .code32
    .globl _start
    MULTIBOOT_HEADER
_start:
#ifdef PRINT
    PUTS(msg_boot)
#endif
    lidt empty_idt
    int3
    GUEST_HELPERS
empty_idt: .word 0
    .long 0
msg_boot: .asciz "boot\n"
