/* rom.S: a tiny firmware image (-bios) for the machine's firmware path.
 * The CPU fetches its first instruction at 0xFFFFFFF0 (the ROM's high
 * alias) and jumps to F000:start (the low copy below 1 MiB). It checks
 * that the ROM is read-only and that the A20 gate (port 0x92) wraps
 * 0x100500 onto 0x500, then asks the keyboard controller for a reset
 * (0xFE to port 0x64). RAM survives the reset: on the second start the
 * boot count at 0x500 is 1, and it exits through port 0xF4 with 0.
 * Padded in front to 128 KiB it is a bigger ROM with the same last 64 KiB. */
#define DEBUGCON 0xE9
#define BOOTS 0x500
    .code16
    .text
    .globl _start
_start:
start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %sp
    mov $msg_hello, %si
    call puts

    /* ROM: a write to F000:marker is dropped. */
    mov $0xF000, %ax
    mov %ax, %es
    movb $0x55, %es:marker
    cmpb $0xAA, %es:marker
    mov $msg_ro_bad, %si
    jne 1f
    mov $msg_ro_ok, %si
1:  call puts

    /* A20 off: FFFF:0510 is 0x100500, which wraps to 0x500. */
    incb BOOTS
    mov $0xFFFF, %ax
    mov %ax, %es
    in $0x92, %al
    and $0xFD, %al
    out %al, $0x92
    movb $0x5A, %es:0x510+0x10
    cmpb $0x5A, 0x510
    jne a20_bad
    movb $0x00, 0x510
    in $0x92, %al
    or $0x02, %al
    out %al, $0x92
    movb $0xA5, %es:0x510+0x10
    cmpb $0xA5, 0x510
    je a20_bad
    mov $msg_a20_ok, %si
    jmp 2f
a20_bad:
    mov $msg_a20_bad, %si
2:  call puts

    cmpb $1, BOOTS
    jne again
    mov $msg_reset, %si
    call puts
    mov $0xFE, %al
    out %al, $0x64
3:  hlt
    jmp 3b

again:
    mov $msg_again, %si
    call puts
    mov $0, %al
    out %al, $0xF4
4:  hlt
    jmp 4b

/* DS:SI points into the ROM's low copy: CS-relative */
puts:
    cs lodsb
    test %al, %al
    jz 5f
    out %al, $DEBUGCON
    jmp puts
5:  ret

marker: .byte 0xAA
msg_hello: .asciz "rom\n"
msg_ro_ok: .asciz "rom is read-only\n"
msg_ro_bad: .asciz "ROM WRITABLE\n"
msg_a20_ok: .asciz "a20 ok\n"
msg_a20_bad: .asciz "A20 BAD\n"
msg_reset: .asciz "reset\n"
msg_again: .asciz "booted again\n"

    .org 0xFFF0
    ljmp $0xF000, $start
    .org 0x10000
