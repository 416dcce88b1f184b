/*
 * mbr.S: the master boot record of disks/isola.img. The BIOS loads it at
 * 0000:7C00 and jumps there with DL = the boot drive; it loads LBA 1-63
 * (the config sector and the second stage, see boot.h) to 0000:7E00 with
 * one extended read and jumps to the second stage with DL kept.
 *
 * Rules kept here:
 *  - At most 446 bytes of code, then the partition table the image
 *    builder fills in, then 55 AA: the layout every BIOS and partitioning
 *    tool expects (the BIOS boot specification 1.01, 6.5.1, checks only
 *    the signature).
 *  - Only INT 13h extended reads (AH=42h): LBA addressing reaches the
 *    whole disk and needs no geometry. A BIOS without the extensions
 *    (INT 13h AH=41h, EDD 3.0 section 7.1) is told so, and the MBR halts.
 *  - Every failure prints one line "isola-boot: ..." through INT 10h
 *    teletype and halts with interrupts off, so an emulator sees a
 *    halted CPU instead of a hang.
 */
#include "boot.h"

#define MBR_SECTORS_READ 63     /* LBA 1-63: config + stage 2 */

    .code16
    .section .text
    .globl _start
_start:
    /* The BIOS may enter at 07C0:0000 as well as 0000:7C00, and leaves
     * the segment registers undefined: set them all to 0, with the stack
     * just below this sector, before touching memory. */
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $STACK_TOP, %sp
    ljmp $0, $1f
1:  sti
    cld
    movb %dl, drive

    /* EDD: AH=41h, BX=55AAh returns BX=AA55h and, in CX bit 0, the
     * fixed disk access subset (functions 42h-44h, 47h, 48h). */
    movb $0x41, %ah
    movw $0x55AA, %bx
    int $0x13
    jc no_ext
    cmpw $0xAA55, %bx
    jne no_ext
    testb $1, %cl
    jz no_ext

    /* Three tries: a read may fail once while the drive spins up. */
    movb $3, %bl
2:  movw $dap, %si
    movb drive, %dl
    movb $0x42, %ah
    int $0x13
    jnc 3f
    xorb %ah, %ah               /* reset the disk system, then again */
    movb drive, %dl
    int $0x13
    decb %bl
    jnz 2b
    movw $msg_read, %si
    jmp die
3:  cmpl $STAGE2_MAGIC, STAGE2_ADDR
    jne no_stage2
    movb drive, %dl
    ljmp $0, $STAGE2_ADDR + 4

no_ext:
    movw $msg_ext, %si
    jmp die
no_stage2:
    movw $msg_stage2, %si
die:
    pushw %si
    movw $msg_prefix, %si
    call puts
    popw %si
    call puts
    cli
4:  hlt
    jmp 4b

/* Print the NUL-terminated string at DS:SI with INT 10h AH=0Eh. */
puts:
    lodsb
    testb %al, %al
    jz 5f
    movb $0x0E, %ah
    movw $0x0007, %bx
    int $0x10
    jmp puts
5:  ret

    .balign 4
/* The disk address packet of AH=42h (EDD 3.0, 7.1.2): size 16, sectors,
 * buffer offset:segment, 64-bit LBA. */
dap:
    .byte 16, 0
    .word MBR_SECTORS_READ
    .word CONFIG_ADDR, 0
    .quad CONFIG_LBA
drive:
    .byte 0x80
msg_prefix: .asciz "isola-boot: "
msg_ext:    .asciz "the BIOS lacks INT 13h extensions\r\n"
msg_read:   .asciz "disk read error loading stage 2\r\n"
msg_stage2: .asciz "no stage 2 on the disk\r\n"

    /* .org fails the build when the code has already passed it. */
    .org PART_TABLE_OFF
    .fill 64, 1, 0              /* the partition table: mkosimage.sh writes it */
    .byte 0x55, 0xAA

    .section .note.GNU-stack, "", @progbits
