/*
 * svc.S: a boot sector (and the second stage it loads) that calls the
 * bundled BIOS's other services and prints what they return, one
 * "svc: " line each, for svc.sh to compare with svc.expected.
 *
 * Rules it keeps:
 * - The disk: LBA 0 this sector (section .text), LBA 1-4 the second stage
 *   (section .stage2, linked at 0x8000 where the load puts it).
 * - Values are printed raw, in hex, so the expected file states exactly
 *   what the BIOS must return (Ralf Brown's interrupt list): INT 10h
 *   AH=02h/03h/06h-09h/0Fh/12h/13h/1Ah, INT 11h, INT 12h, INT 15h
 *   AH=86h/88h/C0h, AX=E801h/2402h, INT 16h AH=00h/01h/02h/10h, INT 1Ah
 *   AH=00h/02h/04h.
 * - It expects to run under isola with -m 128, -rtc base=2025-01-01T12:00:00
 *   and -keys "aB\n": the clock and the keys are deterministic there.
 * - It ends by writing 0x10 to port 0xF4 (exit status 33); a failed load
 *   writes 0x01.
 */
#define STAGE2  0x8000
#define SCRATCH 0x9000

        .code16
        .text
        .globl _start
_start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    $0x7C00, %sp
        ljmp    $0, $1f
1:      sti
        cld
        movw    $dap, %si
        movb    $0x42, %ah
        int     $0x13
        jc      2f
        jmp     STAGE2
2:      movb    $0x01, %al
        outb    %al, $0xF4
3:      hlt
        jmp     3b

dap:    .byte   0x10, 0
        .word   4, STAGE2, 0
        .quad   1

        .org    510
        .byte   0x55, 0xAA

        .section .stage2, "ax"
/* INT 12h, INT 11h: base memory KiB, equipment word. */
        int     $0x12
        movw    $s_int12, %si
        call    line16
        int     $0x11
        movw    $s_int11, %si
        call    line16

/* INT 15h: AH=88h, AX=E801h (AX, BX), AX=2402h, AH=C0h (model, feature 1). */
        movb    $0x88, %ah
        int     $0x15
        movw    $s_88, %si
        call    line16
        movw    $0xE801, %ax
        int     $0x15
        pushw   %bx
        movw    $s_e801, %si
        call    say16
        popw    %ax
        call    space16
        call    crlf
        movw    $0x2402, %ax
        int     $0x15
        movw    $s_a20, %si
        call    line16
        pushw   %es
        movb    $0xC0, %ah
        int     $0x15
        movw    %es:2(%bx), %ax         /* model, submodel */
        movw    %es:5(%bx), %cx         /* feature byte 1 */
        popw    %es
        movw    $s_c0, %si
        call    say16
        movw    %cx, %ax
        call    space16
        call    crlf

/* INT 10h: mode, EGA info, display combination, cursor shape. */
        movb    $0x0F, %ah
        int     $0x10
        movb    %bh, %bl                /* AL mode, AH columns, BH page */
        pushw   %bx
        movw    $s_mode, %si
        call    say16
        popw    %ax
        call    space16
        call    crlf
        movw    $0x1200, %ax
        movb    $0x10, %bl
        int     $0x10
        movw    %bx, %ax
        movw    $s_ega, %si
        call    line16
        movw    $0x1A00, %ax
        int     $0x10
        pushw   %bx
        movw    $s_dcc, %si
        call    say16
        popw    %ax
        call    space16
        call    crlf
        movb    $0x03, %ah
        xorb    %bh, %bh
        int     $0x10
        movw    %cx, %ax
        movw    $s_shape, %si
        call    line16

/* AH=02h to (20,70), AH=09h 'X' on 1Fh three times, AH=08h reads (20,72). */
        movw    $0x1446, %dx
        call    setcur
        movw    $0x0958, %ax
        movw    $0x001F, %bx
        movw    $3, %cx
        int     $0x10
        movw    $0x1448, %dx
        call    readcell
        movw    $s_cell, %si
        call    line16
/* AH=07h scrolls rows 20-21, columns 70-79, down one line with 30h:
 * the X at (20,70) moves to row 21, row 20 becomes blank on 30h. (The
 * line printed above started at the cursor, (20,72).) */
        movw    $0x0701, %ax
        movb    $0x30, %bh
        movw    $0x1446, %cx
        movw    $0x154F, %dx
        int     $0x10
        movw    $0x1546, %dx
        call    readcell
        movw    $s_down, %si
        call    say16
        movw    $0x1446, %dx
        call    readcell
        call    space16
        call    crlf
/* AH=13h AL=01h writes "hi" on 2Eh at (22,0) and moves the cursor. */
        movw    $0x1301, %ax
        movw    $0x002E, %bx
        movw    $2, %cx
        movw    $0x1600, %dx
        movw    $s_hi, %bp
        int     $0x10
        movb    $0x03, %ah
        xorb    %bh, %bh
        int     $0x10
        pushw   %dx
        movw    $0x1600, %dx
        call    readcell
        movw    $s_str, %si
        call    say16
        popw    %ax
        call    space16
        call    crlf

/* INT 1Ah: the clock isola started at 2025-01-01 12:00:00. */
        movb    $0x04, %ah
        int     $0x1A
        pushw   %dx
        movw    %cx, %ax
        movw    $s_date, %si
        call    say16
        popw    %ax
        call    hex16
        call    crlf
        movb    $0x02, %ah
        int     $0x1A
        pushw   %dx
        movw    %cx, %ax
        movw    $s_time, %si
        call    say16
        popw    %ax
        andb    $0xF0, %ah              /* the tens of seconds */
        call    hex16
        call    crlf
        xorb    %ah, %ah
        int     $0x1A
        subw    $0x0058, %dx            /* 12:00:00 is 0xC0058 ticks */
        sbbw    $0x000C, %cx
        orw     %cx, %ax                /* AL: midnight flag */
        shrw    $4, %dx                 /* 16-tick slack for the boot */
        orw     %dx, %ax
        movw    $s_ticks, %si
        call    line16

/* INT 15h AH=86h waits 200 ms (CX:DX = 200000 us): 3.6 ticks of 54.9 ms,
 * so the tick count moves on by 3 or 4. Prints 0001 when it did. */
        xorb    %ah, %ah
        int     $0x1A
        movw    %dx, %di
        movb    $0x86, %ah
        movw    $0x0003, %cx
        movw    $0x0D40, %dx
        int     $0x15
        jc      1f
        xorb    %ah, %ah
        int     $0x1A
        subw    %di, %dx
        subw    $3, %dx
        cmpw    $1, %dx
1:      setbe   %al
        movzbw  %al, %ax
        movw    $s_wait, %si
        call    line16

/* INT 16h: nothing typed yet (ZF=1), then a, B, Enter (AH=00h, AH=10h). */
        movb    $0x01, %ah
        int     $0x16
        lahf
        movb    %ah, %al
        andw    $0x0040, %ax
        movw    $s_nokey, %si
        call    line16
        movb    $0x00, %ah
        int     $0x16
        movw    $s_key, %si
        call    line16
        movb    $0x10, %ah
        int     $0x16
        movw    $s_key, %si
        call    line16
        movb    $0x00, %ah
        int     $0x16
        movw    $s_key, %si
        call    line16
        movb    $0x02, %ah
        int     $0x16
        xorb    %ah, %ah
        movw    $s_shift, %si
        call    line16

        movw    $s_done, %si
        call    puts
        call    crlf
        movb    $0x10, %al
        outb    %al, $0xF4
1:      hlt
        jmp     1b

setcur:
        movb    $0x02, %ah
        xorb    %bh, %bh
        int     $0x10
        ret

/* readcell: AX = INT 10h AH=08h at DX on page 0. */
readcell:
        call    setcur
        movb    $0x08, %ah
        int     $0x10
        ret

/* line16: "svc: NAME XXXX" for the string at SI and AX, then CR LF. */
line16:
        call    say16
        jmp     crlf
say16:
        pushw   %ax
        pushw   %si
        movw    $s_prefix, %si
        call    puts
        popw    %si
        call    puts
        popw    %ax
hex16:
        xchgb   %al, %ah
        call    hex8
        xchgb   %al, %ah
hex8:
        rorb    $4, %al
        call    hex4
        rorb    $4, %al
hex4:
        pushw   %ax
        andb    $0x0F, %al
        addb    $'0', %al
        cmpb    $'9', %al
        jbe     1f
        addb    $'a' - '9' - 1, %al
1:      call    putc
        popw    %ax
        ret
space16:
        pushw   %ax
        movb    $' ', %al
        call    putc
        popw    %ax
        jmp     hex16

puts:
        lodsb
        testb   %al, %al
        jz      1f
        call    putc
        jmp     puts
1:      ret
crlf:
        movb    $13, %al
        call    putc
        movb    $10, %al
putc:
        pushal
        movb    $0x0E, %ah
        movw    $0x0007, %bx
        int     $0x10
        popal
        ret

s_prefix: .asciz "svc: "
s_int12:  .asciz "int12 "
s_int11:  .asciz "int11 "
s_88:     .asciz "int15-88 "
s_e801:   .asciz "e801 "
s_a20:    .asciz "a20 "
s_c0:     .asciz "c0 "
s_mode:   .asciz "mode "
s_ega:    .asciz "ega "
s_dcc:    .asciz "dcc "
s_shape:  .asciz "shape "
s_cell:   .asciz "cell "
s_down:   .asciz "scroll "
s_str:    .asciz "string "
s_hi:     .ascii "hi"
s_date:   .asciz "date "
s_time:   .asciz "time "
s_ticks:  .asciz "ticks "
s_wait:   .asciz "wait "
s_nokey:  .asciz "nokey "
s_key:    .asciz "key "
s_shift:  .asciz "shift "
s_done:   .asciz "svc: done"
