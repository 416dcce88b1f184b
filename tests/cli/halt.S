/* halt.S: HLT with interrupts disabled, or enabled with -DSTI. */
#include "guest.h"
    .text
    .code32
    .globl _start
    MULTIBOOT_HEADER
_start:
#ifdef STI
    sti
#endif
    hlt
