/*
 * stage2.S: the second stage's entry and the few things C cannot do:
 * BIOS calls, the A20 test, copies through 32-bit protected mode, and
 * the jump into the kernel. loader.c does the rest.
 *
 * Rules kept here:
 *  - The mbr jumps to STAGE2_ADDR + 4 (after the magic) with DL = the
 *    boot drive, CS = DS = ES = SS = 0. C runs with those segments and
 *    ESP's upper half clear (gcc -m16 code addresses the stack with ESP).
 *  - Functions follow gcc's -mregparm=3 convention (arguments in EAX,
 *    EDX, ECX; EBX, ESI, EDI, EBP preserved) and return with a 32-bit
 *    RET, since gcc -m16 calls with 32-bit CALLs.
 *  - Protected mode is entered only with interrupts off: the IVT the
 *    BIOS set up means nothing there (Intel SDM vol. 3A, 9.9.1). Real
 *    mode is re-entered through a 16-bit code segment, with the data
 *    segments reloaded from a 64 KiB descriptor first, so the hidden
 *    descriptor caches are those of real mode again (SDM vol. 3A, 9.9.2).
 */
#include "boot.h"

    .code16
    .section .entry, "ax"
    .globl _start
_start:
    .long STAGE2_MAGIC
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl $STACK_TOP, %esp
    sti
    cld
    movzbl %dl, %ebx
    /* .bss lies past the sectors the MBR read: clear it. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorb %al, %al
    rep stosb
    movl %ebx, %eax
    calll stage2_main
    jmp halt

    .text
/* void bios_int(uint32_t vector, struct bios_regs *r): load the general
 * registers from *r, call the BIOS's handler for `vector`, store them and
 * the flags it returned back into *r. The handler is called as INT would
 * call it (FLAGS, CS, IP pushed, IF cleared), through the IVT at 0, so
 * one routine serves every vector. DS and ES are 0 again afterwards. */
    .globl bios_int
bios_int:
    pushal
    movzbl %al, %eax
    movl (,%eax,4), %eax        /* the IVT entry: offset, segment */
    movl %eax, bios_vector
    pushl %edx
    movl 4(%edx), %ebx
    movl 8(%edx), %ecx
    movl 16(%edx), %esi
    movl 20(%edx), %edi
    movl 0(%edx), %eax
    movl 12(%edx), %edx
    pushfw
    cli
    lcallw *bios_vector
    pushfl
    pushl %eax
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    popl %eax
    pushl %edx
    movl 8(%esp), %edx          /* r */
    movl %eax, 0(%edx)
    movl %ebx, 4(%edx)
    movl %ecx, 8(%edx)
    popl %eax
    movl %eax, 12(%edx)
    movl %esi, 16(%edx)
    movl %edi, 20(%edx)
    popl %eax
    movl %eax, 24(%edx)
    popl %edx
    popal
    retl

/* int a20_on(void): 1 when the A20 line is enabled. With A20 off,
 * FFFF:0510 (linear 0x100500) wraps to 0000:0500; write two different
 * words there and see whether they stay apart. Both are put back. */
    .globl a20_on
a20_on:
    pushw %es
    pushl %ebx
    movw $0xFFFF, %ax
    movw %ax, %es
    movw 0x500, %bx
    movw %es:0x510, %cx
    movw $0x1234, 0x500
    movw $0xEDCB, %es:0x510
    xorl %eax, %eax
    cmpw $0x1234, 0x500
    jne 1f
    incl %eax
1:  movw %cx, %es:0x510
    movw %bx, 0x500
    popl %ebx
    popw %es
    retl

/* void pm_copy(uint32_t dst, uint32_t src, uint32_t len): move len bytes
 * from src to dst (or clear them when src is 0) in 32-bit protected mode
 * with flat segments: real mode reaches only the first MiB. */
    .globl pm_copy
pm_copy:
    pushl %esi
    pushl %edi
    pushfl
    movl %eax, %edi
    movl %edx, %esi
    cli
    lgdtl gdt_desc
    movl %cr0, %eax
    orb $1, %al                 /* CR0.PE */
    movl %eax, %cr0
    ljmpl $SEL_CODE32, $1f
    .code32
1:  movw $SEL_DATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movl %ecx, %edx
    shrl $2, %ecx               /* dwords first, then the odd bytes */
    andl $3, %edx
    testl %esi, %esi
    jz 2f
    rep movsl
    movl %edx, %ecx
    rep movsb
    jmp 3f
2:  xorl %eax, %eax
    rep stosl
    movl %edx, %ecx
    rep stosb
3:  ljmp $SEL_CODE16, $4f
    .code16
4:  movw $SEL_DATA16, %ax
    movw %ax, %ds
    movw %ax, %es
    movl %cr0, %eax
    andb $0xFE, %al
    movl %eax, %cr0
    ljmp $0, $5f
5:  xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    popfl                       /* IF as it was */
    popl %edi
    popl %esi
    retl

/* void enter_kernel(uint32_t entry, uint32_t mbi): the machine state of
 * the Multiboot specification 0.6.96, section 3.2: 32-bit protected mode,
 * CS a 4 GiB execute/read segment at 0, DS ES FS GS SS 4 GiB read/write
 * segments at 0, paging off, IF = 0, EAX = 0x2BADB002, EBX = the
 * information block. A20 is already on. */
    .globl enter_kernel
enter_kernel:
    cli
    movl %eax, %esi
    movl %edx, %ebx
    lgdtl gdt_desc
    movl %cr0, %eax
    andl $0x7FFFFFFF, %eax      /* CR0.PG off (it is; the spec requires it) */
    orb $1, %al
    movl %eax, %cr0
    ljmpl $SEL_CODE32, $1f
    .code32
1:  movw $SEL_DATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $STACK_TOP, %esp       /* the spec leaves ESP to the kernel */
    pushl $0x2                  /* EFLAGS: IF, DF, TF clear */
    popfl
    movl $0x2BADB002, %eax
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %edi, %edi
    xorl %ebp, %ebp
    jmp *%esi
    .code16

/* void halt(void): stop for good. Interrupts off, so nothing wakes the
 * CPU and an emulator reports a halted machine. */
    .globl halt
halt:
    cli
1:  hlt
    jmp 1b

    .data
    .balign 8
/* Flat 32-bit code and data, and 64 KiB 16-bit ones to return to real
 * mode with (SDM vol. 3A, 3.4.5: base 0, limit 0xFFFFF with G = 1 is
 * 4 GiB; D/B = 1 for 32-bit; access 0x9A code, 0x92 data). */
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF    /* SEL_CODE32 */
    .quad 0x00CF92000000FFFF    /* SEL_DATA32 */
    .quad 0x00009A000000FFFF    /* SEL_CODE16 */
    .quad 0x000092000000FFFF    /* SEL_DATA16 */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
bios_vector:
    .long 0

    .section .note.GNU-stack, "", @progbits
