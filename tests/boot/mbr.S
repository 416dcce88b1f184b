/*
 * mbr.S: a test master boot record (and the second stage it loads) that
 * exercises the BIOS services a boot loader relies on, and prints what it
 * finds as lines starting "mbr".
 *
 * Rules it keeps:
 * - Only BIOS services and the documented boot state: loaded at 0000:7C00,
 *   DL = boot drive, nothing else assumed about registers or flags.
 * - Every line it prints goes through INT 10h AH=0Eh (teletype) and ends in
 *   CR LF. Lines starting "mbr: " must read the same under every PC BIOS
 *   (isola's, SeaBIOS) given the same disk and -m; lines starting
 *   "mbr-info: " may differ (the E820 map's layout is the BIOS's choice).
 * - The disk (built by mkdisk.sh): LBA 0 this MBR (section .text), LBA 1-3
 *   text "sector K: ..." (NUL-terminated), LBA 4-8 the second stage
 *   (section .stage2, linked at 0x8600 where the MBR's read puts it),
 *   LBA 9 a scratch sector for the write test, and the last sector of the
 *   disk the text "last sector".
 * - It ends by writing 0x10 to port 0xF4 (isa-debug-exit: exit status 33),
 *   then halts; a failure prints "mbr: FAIL, ah=XX" and writes 0x01.
 *
 * Services (Ralf Brown's interrupt list; Phoenix EDD 1.1): INT 10h AH=0Eh;
 * INT 13h AH=02h/08h/41h/42h/43h/48h; INT 15h AX=E820h.
 */
#define NSECT     8              /* sectors read with AH=42h, LBA 1..NSECT */
#define BUF       0x8000         /* where they land (0000:8000) */
#define STAGE2    0x8600         /* LBA 4 in that buffer */
#define SECBUF    0x9000         /* one sector read back by the second stage */
#define WRBUF     0x9200         /* the write test's sector */
#define E820BUF   0x9400         /* one E820 entry; also the AH=48h buffer */
#define MAGIC     0x3253         /* "S2": the second stage's first word */

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
        ljmp    $0, $start2
start2:
        sti
        cld
        movb    %dl, drive

        movw    $s_hello, %si
        call    say
        movb    drive, %al
        call    hex8
        call    crlf

/* INT 13h AH=41h: extensions present, with fixed disk access (CX bit 0). */
        movb    $0x41, %ah
        movw    $0x55AA, %bx
        call    disk
        cmpw    $0xAA55, %bx
        jne     fail
        testb   $1, %cl
        jz      fail
        movw    $s_ext, %si
        call    sayline

/* INT 13h AH=42h: read LBA 1..NSECT to 0000:BUF, then a checksum of it. */
        movb    $0x42, %ah
        call    dapio
        cmpw    $NSECT, dap + 2
        jne     fail
        movw    $BUF, %si
        movw    $NSECT * 512 / 4, %cx
        xorl    %edx, %edx
1:      lodsl
        roll    $5, %edx
        addl    %eax, %edx
        loop    1b
        movw    $s_sum, %si
        call    say
        movl    %edx, %eax
        call    hex32
        call    crlf
        movw    $s_says, %si
        call    say
        movw    $BUF, %si
        call    putline
        cmpw    $MAGIC, STAGE2
        jne     fail
        jmp     STAGE2 + 2

/* disk: INT 13h on the boot drive; a carry ends the test. */
dapio:
        movw    $dap, %si
disk:
        movb    drive, %dl
        int     $0x13
        jnc     9f
fail:
        movw    $s_fail, %si
        call    say
        movb    %ah, %al
        call    hex8
        call    crlf
        movb    $0x01, %al
exit:
        outb    %al, $0xF4
1:      hlt
        jmp     1b

/* say: "mbr: " and the string at SI; sayline adds CR LF. */
sayline:
        call    say
        jmp     crlf
say:
        pushw   %si
        movw    $s_prefix, %si
        call    puts
        popw    %si
puts:
        lodsb
        testb   %al, %al
        jz      9f
        call    putc
        jmp     puts
putline:
        call    puts
crlf:
        movb    $13, %al
        call    putc
        movb    $10, %al

/* putc: AL through INT 10h teletype; keeps every register. */
putc:
        pushal
        movb    $0x0E, %ah
        movw    $0x0007, %bx
        int     $0x10
        popal
9:      ret

hex32:
        rorl    $16, %eax
        call    hex16
        rorl    $16, %eax
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

drive:  .byte   0
dap:    .byte   0x10, 0
        .word   NSECT, BUF, 0
        .quad   1

s_prefix: .asciz "mbr: "
s_hello:  .asciz "hello, boot drive "
s_ext:    .asciz "int13 extensions ok"
s_sum:    .asciz "sectors 1-8 checksum "
s_says:   .asciz "sector 1 says: "
s_fail:   .asciz "FAIL, ah="

        .org    510
        .byte   0x55, 0xAA

/*
 * The second stage: more INT 13h (geometry, CHS, writes, the disk's size)
 * and the E820 memory map.
 */
        .section .stage2, "ax"
        .word   MAGIC

/* AH=48h: the size of the disk; AH=42h reads its last sector. */
        movw    $E820BUF, %si
        movw    $0x1A, (%si)
        movb    $0x48, %ah
        call    disk
        cmpw    $512, E820BUF + 0x18
        jne     fail
        movl    E820BUF + 0x10, %eax
        movl    E820BUF + 0x14, %edx
        subl    $1, %eax
        sbbl    $0, %edx
        movl    %eax, dap + 8
        movl    %edx, dap + 12
        movw    $1, dap + 2
        movw    $SECBUF, dap + 4
        movb    $0x42, %ah
        call    dapio
        movw    $s_last, %si
        call    say
        movw    $SECBUF, %si
        call    putline

/* AH=08h geometry, then AH=02h reads LBA 3 by CHS: it must match. */
        movb    $0x08, %ah
        xorw    %di, %di
        call    disk
        pushw   %ds                     /* ES:DI is only for floppies, */
        popw    %es                     /* but some BIOSes change ES */
        andb    $0x3F, %cl              /* sectors per track */
        movw    $3, %ax                 /* LBA 3: cylinder 0 */
        divb    %cl                     /* al = head, ah = sector - 1 */
        movb    %al, %dh
        movb    %ah, %cl
        incb    %cl
        movb    $0, %ch
        movw    $SECBUF, %bx
        movw    $0x0201, %ax
        call    disk
        movw    $SECBUF, %si
        movw    $BUF + 2 * 512, %di
        movw    $256, %cx
        repe cmpsw
        jne     fail
        movw    $s_chs, %si
        call    sayline

/* AH=43h writes LBA 9, AH=42h reads it back. */
        movw    $0xA55A, %ax
        call    fillwr
        movw    $WRBUF, dap + 4
        movl    $9, dap + 8
        movl    $0, dap + 12
        movw    $0x4300, %ax
        call    dapio
        xorw    %ax, %ax
        call    fillwr
        movb    $0x42, %ah
        call    dapio
        movw    $WRBUF, %si
        movw    $256, %cx
2:      lodsw
        cmpw    $0xA55A, %ax
        jne     fail
        loop    2b
        movw    $s_write, %si
        call    sayline

/* INT 15h E820: count the entries and add up the usable (type 1) KiB. */
        xorl    %ebx, %ebx
        xorl    %ebp, %ebp              /* usable KiB */
        xorw    %si, %si                /* entries */
3:      movl    $0xE820, %eax
        movl    $0x534D4150, %edx       /* "SMAP" */
        movl    $20, %ecx
        movw    $E820BUF, %di
        int     $0x15
        jc      4f
        cmpl    %edx, %eax
        jne     fail
        incw    %si
        cmpb    $1, E820BUF + 16
        jne     5f
        movl    E820BUF + 8, %eax       /* length, low dword */
        movl    E820BUF + 12, %edx
        shrdl   $10, %edx, %eax
        addl    %eax, %ebp
5:      testl   %ebx, %ebx
        jnz     3b
4:      pushw   %si
        testw   %si, %si
        jz      fail
        movw    $s_e820n, %si
        call    puts
        popw    %ax
        call    dec16
        call    crlf
        /* Whole MiB, rounded down: with N MiB of RAM BIOSes report 639 KiB
         * below 640 KiB plus N-1 MiB above 1 MiB, less what they keep at
         * the top of RAM (SeaBIOS 128 KiB): N-1 for both. */
        movw    $s_mem, %si
        call    say
        movl    %ebp, %eax
        shrl    $10, %eax
        call    dec16
        movw    $s_mib, %si
        call    putline

        movw    $s_done, %si
        call    sayline
        /* Wait two timer ticks (BDA 0x46C) with interrupts on: a BIOS may
         * pass teletype output to its serial console late (SeaBIOS does). */
        movw    0x46C, %bx
        addw    $2, %bx
6:      hlt
        cmpw    %bx, 0x46C
        jne     6b
        movb    $0x10, %al
        jmp     exit

fillwr:
        movw    $WRBUF, %di
        movw    $256, %cx
        rep stosw
        ret

/* dec16: AX in decimal. */
dec16:
        pushal
        xorw    %cx, %cx
        movw    $10, %bx
1:      xorw    %dx, %dx
        divw    %bx
        pushw   %dx
        incw    %cx
        testw   %ax, %ax
        jnz     1b
2:      popw    %ax
        call    hex4
        loop    2b
        popal
        ret

s_last:   .asciz "last sector says: "
s_chs:    .asciz "chs read ok"
s_write:  .asciz "write and read back ok"
s_e820n:  .asciz "mbr-info: e820 entries "
s_mem:    .asciz "usable memory "
s_mib:    .asciz " MiB"
s_done:   .asciz "done"
