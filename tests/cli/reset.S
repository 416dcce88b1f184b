/* reset.S: checks what a reset reloads. A counter in low RAM outside the
 * image survives resets; one in the image's .data is reloaded each time.
 * The guest triple-faults until the first has reached 3, printing "boot"
 * each time, then exits with 0x10 + the second (expect 0x11: status 35). */
#include "guest.h"
#define OUTSIDE 0x600
    .text
    .code32
    .globl _start
    MULTIBOOT_HEADER
_start:
    incl OUTSIDE
    incl in_image
    cmpl $3, OUTSIDE
    je done
    PUTS(msg_boot)
    lidt empty_idt
    int3
done:
    mov in_image, %eax
    add $0x10, %eax
    out %al, $EXIT_PORT
1:  hlt
    jmp 1b
    GUEST_HELPERS
empty_idt: .word 0
    .long 0
msg_boot: .asciz "boot\n"
    .data
in_image: .long 0
