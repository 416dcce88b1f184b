/* timer.S: a Multiboot guest that runs on the PC's devices: it programs
 * the 8259A pair and the 8254's channel 0 (mode 2, at HZ), counts IRQ0s,
 * and prints the CMOS date and time it found at the start.
 *
 * Default: HLT between ticks until TICKS have arrived (an idle guest).
 * -DBUSY: compute instead of halting; the IRQ0 handler folds the EIP each
 * tick interrupted into a hash, so the output shows exactly where the
 * interrupts landed (the determinism test).
 * -DSERIAL: also print "serial ok" on COM1.
 * -DKEYS=N: also take IRQ1, print each byte the keyboard controller gives
 * at port 0x60, and stop after N of them instead of after TICKS ticks.
 * It exits through port 0xF4 with 0 (status 1). */
#include "guest.h"
#ifndef HZ
#define HZ 100
#endif
#ifndef TICKS
#define TICKS 1000
#endif
#define PIT_DIVISOR ((1193182 + HZ / 2) / HZ)
#define COM1 0x3F8
#define PUTS_COM(s) mov $s, %esi; call puts_com

    .text
    .code32
    .globl _start
_start:
    jmp 1f
    MULTIBOOT_HEADER
1:
    lgdt gdt_desc
    ljmp $0x08, $2f
2:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x90000, %esp
    call setup_idt
    lidt idt_desc

#ifdef SERIAL
    PUTS_COM(msg_serial)
#endif
    call print_rtc

    /* 8259A: ICW1 edge, cascade, ICW4; ICW2 vector bases 0x20/0x28;
     * ICW3 slave on IR2; ICW4 8086 mode. Mask all but IRQ0. */
    mov $0x11, %al; out %al, $0x20; out %al, $0xA0
    mov $0x20, %al; out %al, $0x21
    mov $0x28, %al; out %al, $0xA1
    mov $0x04, %al; out %al, $0x21
    mov $0x02, %al; out %al, $0xA1
    mov $0x01, %al; out %al, $0x21; out %al, $0xA1
#ifdef KEYS
    mov $0xFC, %al; out %al, $0x21
#else
    mov $0xFE, %al; out %al, $0x21
#endif
    mov $0xFF, %al; out %al, $0xA1

    /* 8254 channel 0: LSB then MSB, mode 2 (rate generator), binary. */
    mov $0x34, %al; out %al, $0x43
    mov $(PIT_DIVISOR & 0xFF), %al; out %al, $0x40
    mov $(PIT_DIVISOR >> 8), %al; out %al, $0x40

    sti
wait:
#ifdef BUSY
    /* some work between ticks: a xorshift whose state the ticks see */
    mov state, %eax
    mov %eax, %edx; shl $13, %edx; xor %edx, %eax
    mov %eax, %edx; shr $17, %edx; xor %edx, %eax
    mov %eax, %edx; shl $5, %edx; xor %edx, %eax
    mov %eax, state
#else
    hlt
#endif
#ifdef KEYS
    cmpl $KEYS, keys
#else
    cmpl $TICKS, ticks
#endif
    jb wait
    cli
#ifdef KEYS
    call newline
#endif

    PUTS(msg_ticks)
    mov ticks, %eax
    call puthex
    call newline
#ifdef BUSY
    PUTS(msg_hash)
    mov hash, %eax
    call puthex
    call newline
#endif
    EXIT(0)

irq0:
    push %eax
    push %edx
    incl ticks
    mov 8(%esp), %eax       /* the interrupted EIP */
    mov hash, %edx
    rol $5, %edx
    xor %eax, %edx
    add state, %edx
    mov %edx, hash
    mov $0x20, %al          /* non-specific EOI */
    out %al, $0x20
    pop %edx
    pop %eax
    iret

#ifdef KEYS
irq1:
    pusha
    in $0x60, %al
    movzbl %al, %eax
    mov %eax, %ebx
    shr $4, %al
    call hexdigit
    mov %bl, %al
    and $15, %al
    call hexdigit
    mov $' ', %al
    out %al, $DEBUGCON
    incl keys
    mov $0x20, %al
    out %al, $0x20
    popa
    iret

hexdigit:
    add $'0', %al
    cmp $'9', %al
    jbe 1f
    add $7, %al
1:  out %al, $DEBUGCON
    ret
#endif

/* Every vector but 0x20 (and 0x21 with KEYS) is unexpected: report it and stop. */
unexpected:
    PUTS(msg_unexpected)
    EXIT(0x7F)

setup_idt:
    mov $idt, %edi
    xor %ecx, %ecx
3:  mov $unexpected, %eax
    cmp $0x20, %ecx
    jne 4f
    mov $irq0, %eax
4:
#ifdef KEYS
    cmp $0x21, %ecx
    jne 9f
    mov $irq1, %eax
9:
#endif
    mov %ax, (%edi)
    movw $0x08, 2(%edi)
    movw $0x8E00, 4(%edi)   /* present, DPL 0, 32-bit interrupt gate */
    shr $16, %eax
    mov %ax, 6(%edi)
    add $8, %edi
    inc %ecx
    cmp $256, %ecx
    jb 3b
    ret

/* "rtc=YY-MM-DD HH:MM:SS" from the CMOS registers, as the chip gives them
 * (BCD by default). Waits out an update in progress (register A bit 7). */
print_rtc:
    PUTS(msg_rtc)
    mov $100000, %ecx       /* an update lasts 2 ms at most: bound the wait */
5:  mov $0x0A, %al; out %al, $0x70; in $0x71, %al
    test $0x80, %al
    loopnz 5b
    mov $0x09, %bl; call cmos_byte; mov $'-', %al; out %al, $DEBUGCON
    mov $0x08, %bl; call cmos_byte; mov $'-', %al; out %al, $DEBUGCON
    mov $0x07, %bl; call cmos_byte; mov $' ', %al; out %al, $DEBUGCON
    mov $0x04, %bl; call cmos_byte; mov $':', %al; out %al, $DEBUGCON
    mov $0x02, %bl; call cmos_byte; mov $':', %al; out %al, $DEBUGCON
    mov $0x00, %bl; call cmos_byte
    jmp newline

/* register BL as two hex digits */
cmos_byte:
    mov %bl, %al
    out %al, $0x70
    in $0x71, %al
    mov %al, %bl
    shr $4, %al
    add $'0', %al
    out %al, $DEBUGCON
    mov %bl, %al
    and $15, %al
    add $'0', %al
    cmp $'9', %al
    jbe 6f
    add $7, %al
6:  out %al, $DEBUGCON
    ret

#ifdef SERIAL
/* PUTS on COM1: wait for THRE (LSR bit 5) before each byte. */
puts_com:
    lodsb
    test %al, %al
    jz 8f
    mov %al, %ah
7:  mov $(COM1 + 5), %dx
    in %dx, %al
    test $0x20, %al
    jz 7b
    mov $COM1, %dx
    mov %ah, %al
    out %al, %dx
    jmp puts_com
8:  ret
#endif

    GUEST_HELPERS

    .data
    .align 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF    /* 0x08: code, base 0, 4 GiB, 32-bit */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long gdt
idt_desc:
    .word 256 * 8 - 1
    .long idt
ticks: .long 0
keys: .long 0
hash: .long 0
state: .long 0x12345678
msg_ticks: .asciz "ticks="
msg_hash: .asciz "hash="
msg_rtc: .asciz "rtc="
msg_serial: .asciz "serial ok\r\n"
msg_unexpected: .asciz "unexpected interrupt\n"
    .bss
    .align 8
idt: .space 256 * 8
