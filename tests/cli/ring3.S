/* ring3.S: the kernel sets up a GDT, a TSS and an IDT, drops to ring 3
 * with IRET, and ring 3 calls INT 0x80; the handler prints the CPL it
 * came from and exits. For -d int: "int v=0x80 ... hw=0 ... cpl 3->0". */
#include "guest.h"
#define KCODE 0x08
#define KDATA 0x10
#define UCODE 0x1B
#define UDATA 0x23
#define TSSSEL 0x28
    .text
    .code32
    .globl _start
    MULTIBOOT_HEADER
_start:
    mov $kstack_top, %esp
    /* TSS descriptor: base = tss, limit 103, present 32-bit available TSS */
    mov $tss, %eax
    mov %ax, gdt + TSSSEL + 2
    shr $16, %eax
    mov %al, gdt + TSSSEL + 4
    mov %ah, gdt + TSSSEL + 7
    lgdt gdtr
    ljmp $KCODE, $1f
1:  mov $KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    movl $kstack_top, tss + 4      /* ESP0 */
    movl $KDATA, tss + 8           /* SS0 */
    mov $TSSSEL, %ax
    ltr %ax
    /* IDT entry 0x80: 32-bit interrupt gate, DPL 3 */
    mov $syscall, %eax
    mov %ax, idt + 0x80 * 8
    movw $KCODE, idt + 0x80 * 8 + 2
    movw $0xEE00, idt + 0x80 * 8 + 4
    shr $16, %eax
    mov %ax, idt + 0x80 * 8 + 6
    lidt idtr
    /* to ring 3 */
    push $UDATA
    push $ustack_top
    pushf
    push $UCODE
    push $user
    iret

user:
    mov $UDATA, %ax
    mov %ax, %ds
    int $0x80
2:  jmp 2b                          /* not reached */

syscall:
    mov $KDATA, %ax
    mov %ax, %ds
    PUTS(msg)
    mov 4(%esp), %eax               /* the interrupted CS */
    and $3, %eax
    call puthex
    call newline
    EXIT(0)
    GUEST_HELPERS

msg: .asciz "syscall from cpl "
    .align 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        /* 0x08 ring 0 code */
    .quad 0x00CF92000000FFFF        /* 0x10 ring 0 data */
    .quad 0x00CFFA000000FFFF        /* 0x18 ring 3 code */
    .quad 0x00CFF2000000FFFF        /* 0x20 ring 3 data */
    .quad 0x0000890000000067        /* 0x28 TSS, base filled in */
gdt_end:
gdtr: .word gdt_end - gdt - 1
    .long gdt
idtr: .word 256 * 8 - 1
    .long idt

    .bss
    .align 4096
idt: .space 256 * 8
tss: .space 104
    .align 16
    .space 1024
kstack_top:
    .space 1024
ustack_top:
