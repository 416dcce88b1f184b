/*
 * trapentry.S: the 256 entry points of the IDT and the common path
 * through which every interrupt, exception and system call enters and
 * leaves the kernel.
 *
 * The CPU pushes an error code for some exceptions only (SDM vol. 3,
 * table 6-1: 8, 10-14, 17); the other stubs push a 0 in its place, so
 * every trap frame has the same shape (trap.h).
 */
#include "mmu.h"

.altmacro

.macro vector n
    .align 4
vector\n:
    .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17)
    .else
    pushl $0
    .endif
    pushl $\n
    jmp alltraps
.endm

.macro vector_address n
    .long vector\n
.endm

.text
.set i, 0
.rept 256
    vector %i
    .set i, i + 1
.endr

/* Interrupt and trap gates leave DF as the interrupted code had it, and
 * the segment registers as user mode set them; C code needs DF clear and
 * flat segments. FS and GS are emptied: they may name a user thread's TLS
 * slot, which the next thread switch rewrites, and a trap frame from the
 * kernel must hold selectors that are still valid when it is popped. */
alltraps:
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movw $KERNEL_DS, %ax
    movw %ax, %ds
    movw %ax, %es
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    cld
    pushl %esp
    call trap
    addl $4, %esp

.globl trapret
trapret:
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp           /* trapno and error code */
    iret

.section .rodata
.globl trap_vectors
trap_vectors:
.set i, 0
.rept 256
    vector_address %i
    .set i, i + 1
.endr
