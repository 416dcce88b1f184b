/*
 * paging_switch.S: changing between two-level and PAE paging. CR4.PAE
 * may change only while paging is off, and once it is off every fetch
 * and data access uses physical addresses (SDM vol. 3, 4.1.2), so this
 * routine is called at its identity-mapped alias (its address minus
 * KERNEL_BASE), touches no memory while paging is off, and returns to
 * its high-half caller once paging is back on.
 *
 *   void paging_switch(uint32_t cr3, uint32_t cr4);
 */
#include "mmu.h"

.text
.globl paging_switch
paging_switch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    movl %cr0, %ecx
    andl $~CR0_PG, %ecx
    movl %ecx, %cr0
    movl %edx, %cr4
    movl %eax, %cr3
    orl $CR0_PG, %ecx
    movl %ecx, %cr0
    ret
