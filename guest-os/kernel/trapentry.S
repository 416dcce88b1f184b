/*
 * trapentry.S: the 256 entry points of the IDT and the common path
 * through which every interrupt, exception and system call enters and
 * leaves the kernel.
 *
 * The CPU pushes an error code for some exceptions only (SDM vol. 3,
 * table 6-1: 8, 10-14, 17); the other stubs push a 0 in its place, so
 * every trap frame has the same shape (trap.h).
 *
 * isolation=none runs user code in ring 0 (CS = NONE_USER_CS, its own
 * segments based at its region, segmode.c). A trap without a change of
 * privilege switches no stack and pushes only EFLAGS, CS and EIP (and
 * the error code) on the interrupted stack (SDM vol. 3, 6.12.1, figure
 * 6-4), so here that is the user's stack: the entry moves those words to
 * the thread's kernel stack (none_kstack) and adds the user's ESP and SS
 * itself, which gives the frame the shape a trap from ring 3 has; the
 * return undoes it, putting EIP, CS and EFLAGS back on the user's stack
 * for an IRET that stays in ring 0. Every gate is an interrupt gate in
 * that mode (trap.c), so no interrupt comes in while the entry still
 * runs on the user's stack. The test is CS == NONE_USER_CS, a selector
 * no other mode ever runs with, so the other modes take the plain path.
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
    cmpw $NONE_USER_CS, 12(%esp)     /* the CS the CPU pushed (the upper half is undefined: SDM vol. 3, 6.12.1) */
    je from_ring0_user
frame:
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
    cmpw $NONE_USER_CS, 60(%esp)     /* the frame's cs (trap.h) */
    je to_ring0_user
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp           /* trapno and error code */
    iret

/* EIP, CS and EFLAGS go on the user's stack, under its ESP; LSS loads
 * the user's SS and that ESP together, and IRET pops the three. */
to_ring0_user:
    cli
    movl 68(%esp), %eax              /* esp */
    subl $12, %eax
    movl %eax, 68(%esp)
    addl user_kva, %eax
    movl 56(%esp), %edx              /* eip */
    movl %edx, (%eax)
    movl 60(%esp), %edx              /* cs */
    movl %edx, 4(%eax)
    movl 64(%esp), %edx              /* eflags */
    movl %edx, 8(%eax)
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp
    lss 12(%esp), %esp
    iret

/* On the user's stack: trapno, err, eip, cs, eflags. SS is the user's
 * (based at its region); user_kva is the kernel's address of that
 * region, so user_kva + ESP is where the kernel sees the same bytes. */
from_ring0_user:
    pushl %eax
    pushl %edx
    movl %esp, %edx
    addl %cs:user_kva, %edx
    movw %ss, %ax
    lss %cs:none_kstack, %esp        /* the kernel stack, SS and ESP at once */
    movzwl %ax, %eax
    pushl %eax                       /* ss */
    movl %edx, %eax
    subl %cs:user_kva, %eax
    addl $28, %eax
    pushl %eax                       /* esp, as it was before the trap */
    pushl %ss:24(%edx)               /* eflags */
    pushl %ss:20(%edx)               /* cs */
    pushl %ss:16(%edx)               /* eip */
    pushl %ss:12(%edx)               /* err */
    pushl %ss:8(%edx)                /* trapno */
    movl %ss:4(%edx), %eax
    movl %ss:(%edx), %edx
    jmp frame

.section .rodata
.globl trap_vectors
trap_vectors:
.set i, 0
.rept 256
    vector_address %i
    .set i, i + 1
.endr
