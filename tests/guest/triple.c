/*
 * triple.c: a triple fault. With an IDT whose limit is 0 every vector is
 * beyond it: #UD becomes #GP, #GP becomes #DF, and a fault while
 * delivering #DF shuts the processor down (SDM vol. 3, 6.15, interrupt 8).
 * Run with -no-reboot, isola must stop with exit status 3 and say
 * "triple fault" on stderr; this guest must never print PASS.
 */
#include "rt.h"

void test_main(void)
{
    diag("loading an IDT with limit 0, then UD2");
    idt_reload(0);
    __asm__ volatile("ud2");
    printf("# still running after a triple fault\nFAIL\n");
    guest_exit(EXIT_FAIL);
}
