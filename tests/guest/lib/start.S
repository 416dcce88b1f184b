/*
 * start.S: the Multiboot entry, the 256 vector stubs, the common trap
 * entry, rt_setjmp/rt_longjmp and the call gate's handler.
 *
 * Rules kept here:
 *  - Every vector has a stub of 16 bytes at rt_vectors + 16 * vector that
 *    pushes its number and nothing else; whether the CPU pushed an error
 *    code is for rt_trap() to know (SDM vol. 3, 6.13).
 *  - The trap entry saves everything, loads the kernel data segments and
 *    calls rt_trap(frame). If rt_trap returns, the interrupted code
 *    resumes with IRET; rt_trap sets bit 8 of the saved vector when an
 *    error code must be dropped first.
 *  - rt_longjmp abandons whatever frame it is called from and comes back
 *    in ring 0 with flat kernel segments.
 */
#include "rt.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003   /* page-aligned modules, memory information */

        .section .multiboot, "a"
        .balign 4
        .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
_start:
        cli
        movl $boot_stack_top, %esp
        pushl $0
        popfl
        pushl %ebx
        pushl %eax
        call rt_main
1:      hlt
        jmp 1b

/* rt_load_segments(): reload CS, DS, ES, FS, GS and SS from the new GDT */
        .globl rt_load_segments
rt_load_segments:
        ljmp $SEL_KCODE, $1f
1:      movw $SEL_KDATA, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %fs
        movw %ax, %gs
        movw %ax, %ss
        ret

        .balign 16
        .globl rt_vectors
rt_vectors:
        .set vec, 0
        .rept 256
        .balign 16
        pushl $vec
        jmp rt_trap_entry
        .set vec, vec + 1
        .endr

rt_trap_entry:
        pushfl
        pushal
        pushl %ds
        pushl %es
        pushl %fs
        pushl %gs
        movw $SEL_KDATA, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %fs
        movw %ax, %gs
        cld
        pushl %esp
        call rt_trap
        addl $4, %esp
        popl %gs
        popl %fs
        popl %es
        popl %ds
        popal
        leal 4(%esp), %esp      /* the handler's EFLAGS */
        testl $0x100, (%esp)
        leal 4(%esp), %esp      /* the vector; LEA keeps the flags of TEST */
        jz 1f
        leal 4(%esp), %esp      /* the error code */
1:      iret

/* int rt_setjmp(struct rt_jmp *j) */
        .globl rt_setjmp
rt_setjmp:
        movl 4(%esp), %eax
        movl %ebx, 0(%eax)
        movl %esi, 4(%eax)
        movl %edi, 8(%eax)
        movl %ebp, 12(%eax)
        leal 4(%esp), %ecx
        movl %ecx, 16(%eax)
        movl (%esp), %ecx
        movl %ecx, 20(%eax)
        pushfl
        popl 24(%eax)
        xorl %eax, %eax
        ret

/* void rt_longjmp(struct rt_jmp *j, int v) */
        .globl rt_longjmp
rt_longjmp:
        movl 4(%esp), %edx
        movl 8(%esp), %eax
        movw $SEL_KDATA, %cx
        movw %cx, %ds
        movw %cx, %es
        movw %cx, %fs
        movw %cx, %gs
        movw %cx, %ss
        movl 16(%edx), %esp
        movl 0(%edx), %ebx
        movl 4(%edx), %esi
        movl 8(%edx), %edi
        movl 12(%edx), %ebp
        pushl 24(%edx)
        popfl
        jmp *20(%edx)

/*
 * The call gate's target. A far CALL through SEL_CALLGATE from ring 3
 * arrives here on the TSS ring-0 stack holding, from ESP up: EIP, CS,
 * the two copied parameters, the caller's ESP and SS (SDM vol. 3, 5.8.5).
 * Record them and return, releasing the parameters on both stacks.
 */
        .globl callgate_entry
callgate_entry:
        movl %esp, %ss:cg_esp
        pushl %eax
        movl 4(%esp), %eax
        movl %eax, %ss:cg_words
        movl 8(%esp), %eax
        movl %eax, %ss:cg_words + 4
        movl 12(%esp), %eax
        movl %eax, %ss:cg_words + 8
        movl 16(%esp), %eax
        movl %eax, %ss:cg_words + 12
        movl 20(%esp), %eax
        movl %eax, %ss:cg_words + 16
        movl 24(%esp), %eax
        movl %eax, %ss:cg_words + 20
        popl %eax
        lret $8

        .bss
        .balign 16
        .space 16384
        .globl boot_stack_top
boot_stack_top:
        .space 16384
        .globl trap_stack_top
trap_stack_top:

        .section .note.GNU-stack, "", @progbits
