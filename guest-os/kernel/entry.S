/*
 * entry.S: where the boot loader jumps, in 32-bit protected mode with
 * paging off, EAX = the Multiboot magic and EBX = the physical address of
 * the Multiboot information (spec 0.6.96, 3.2).
 *
 * The kernel is linked at KERNEL_BASE + 1 MiB, so before any C code runs
 * it turns on paging with a boot page directory of 4 MiB pages (CR4.PSE)
 * that maps the first 16 MiB both at 0 (so the instruction after the one
 * that sets CR0.PG can still be fetched) and at KERNEL_BASE. kmain then
 * builds the real page tables.
 */
#include "mmu.h"

#define MB_FLAGS 0x00000003    /* modules page-aligned, memory map wanted */

.section .multiboot, "a"
.align 4
    .long 0x1BADB002
    .long MB_FLAGS
    .long -(0x1BADB002 + MB_FLAGS)

.text
.globl _start
_start = start - KERNEL_BASE

.globl start
start:
    cli
    movl $(boot_pgdir - KERNEL_BASE), %ecx
    movl %ecx, %cr3
    movl %cr4, %ecx
    orl $CR4_PSE, %ecx
    movl %ecx, %cr4
    movl %cr0, %ecx
    orl $(CR0_PG | CR0_WP), %ecx
    movl %ecx, %cr0
    movl $high, %ecx
    jmp *%ecx
high:
    movl $boot_stack_top, %esp
    xorl %ebp, %ebp           /* the end of every backtrace */
    pushl %ebx
    pushl %eax
    call kmain
1:  hlt
    jmp 1b

.data
.align 4096
.globl boot_pgdir
boot_pgdir:
    .long 0x00000083, 0x00400083, 0x00800083, 0x00C00083  /* P|W|PS */
    .fill (KERNEL_BASE >> 22) - 4, 4, 0
    .long 0x00000083, 0x00400083, 0x00800083, 0x00C00083
    .fill 1024 - (KERNEL_BASE >> 22) - 4, 4, 0

.bss
.align 16
.globl boot_stack
boot_stack:
    .space KSTACK_SIZE
boot_stack_top:
