/*
 * entry.S: the BIOS's ways in from the CPU: the reset vector, the start of
 * POST, the interrupt entry points, and the jump to the boot sector.
 *
 * Rules it keeps:
 * - The CPU starts in real mode at F000:FFF0 with CS base 0xFFFF0000 (SDM
 *   vol. 3, 9.1.4); the image's last 16 bytes far-jump into segment F000,
 *   where the whole 64 KiB image is also mapped.
 * - A C handler is entered through common_entry with the caller's registers
 *   saved as a struct regs (bios.h) that is copied onto the BIOS stack in
 *   the EBDA; the C code runs with CS = GS = F000, DS = ES = SS = EBDA,
 *   FS = 0 and DF = 0, its argument (the frame) in EAX (-mregparm=3). An
 *   interrupt that arrives while the BIOS stack is in use (INT 16h waits
 *   with interrupts on) continues below the current frame on that stack.
 * - On the way out the (possibly changed) frame is copied back and popped,
 *   so IRET restores the caller's FLAGS as the handler left them (CF, ZF).
 * - The timer interrupt (INT 08h) and the default handlers touch nothing
 *   but the BDA and the PICs, so they are written here without C.
 */
#include "bios.h"

        .code16
        .section .text.entry, "ax"

/* POST: A20 on (port 0x92, "fast A20"), a stack in the EBDA, BDA and EBDA
 * zeroed, then post_main() and INT 19h. A warm reset that the CMOS
 * shutdown status byte (0x0F) marks 05h or 0Ah resumes at 0040:0067. */
        .globl  post_entry
post_entry:
        cli
        cld
        movb    $0x0F, %al
        outb    %al, $0x70
        inb     $0x71, %al
        cmpb    $0x05, %al
        je      resume
        cmpb    $0x0A, %al
        je      resume

        inb     $0x92, %al
        orb     $0x02, %al
        andb    $0xFE, %al              /* bit 0 would reset the CPU */
        outb    %al, $0x92

        xorw    %ax, %ax
        movw    %ax, %es
        movw    $0x400, %di
        movw    $0x80, %cx
        rep stosw                       /* the BDA, 0x400-0x4FF */
        movw    $EBDA_SEG, %ax
        movw    %ax, %es
        xorw    %di, %di
        xorw    %ax, %ax
        movw    $0x200, %cx
        rep stosw                       /* the EBDA, 1 KiB */
        movw    %es, %ax
        movw    %ax, %ss
        movl    $STACK_TOP, %esp
        movw    %ax, %ds
        xorw    %ax, %ax
        movw    %ax, %fs
        movw    $BIOS_SEG, %ax
        movw    %ax, %gs
        xorl    %ebp, %ebp
        calll   post_main
        int     $0x19
        jmp     halt_forever

resume:
        movb    $0x0F, %al              /* shutdown status back to normal */
        outb    %al, $0x70
        xorb    %al, %al
        outb    %al, $0x71
        xorw    %ax, %ax
        movw    %ax, %ds
        ljmp    *0x467

/*
 * C interrupt handlers: each stub pushes its handler's address and joins
 * common_entry.
 */
.macro  CENTRY name, handler
        .globl  \name
\name:
        pushl   $\handler
        jmp     common_entry
.endm

        CENTRY  int09_entry, int09_handler
        CENTRY  int10_entry, int10_handler
        CENTRY  int11_entry, int11_handler
        CENTRY  int12_entry, int12_handler
        CENTRY  int13_entry, int13_handler
        CENTRY  int15_entry, int15_handler
        CENTRY  int16_entry, int16_handler
        CENTRY  int18_entry, int18_handler
        CENTRY  int19_entry, int19_handler
        CENTRY  int1a_entry, int1a_handler

common_entry:
        pushal
        pushw   %ds
        pushw   %es
        pushw   %fs
        pushw   %gs
        cld
        movw    %ss, %ax
        movw    %ax, %ds
        movw    %sp, %si                /* DS:SI = the frame, caller's stack */
        xorw    %bx, %bx
        movw    %bx, %fs
        movw    %fs:0x40E, %bx          /* the EBDA: our stack and state */
        movw    %bx, %es
        movw    $STACK_TOP, %di
        cmpw    %ax, %bx
        jne     1f
        movw    %si, %di                /* nested: below the current frame */
1:      subw    $FRAME_SIZE + 4, %di
        movw    %di, %dx                /* our SP */
        movw    $FRAME_SIZE / 2, %cx
        rep movsw                       /* ES:DI ends at our frame's end */
        subw    $FRAME_SIZE, %si
        movw    %si, %es:(%di)          /* then the caller's SS:SP */
        movw    %ax, %es:2(%di)
        movw    %bx, %ss
        movzwl  %dx, %esp
        movw    %bx, %ds
        movw    $BIOS_SEG, %ax
        movw    %ax, %gs
        movzwl  %dx, %eax
        calll   *FRAME_HANDLER(%esp)

        movw    %sp, %si                /* DS:SI = our frame */
        movw    FRAME_SIZE(%si), %di
        movw    FRAME_SIZE + 2(%si), %es
        movl    FRAME_ESP(%si), %edx    /* keep the caller's ESP[31:16] */
        movw    %di, %dx
        movw    $FRAME_SIZE / 2, %cx
        rep movsw
        movw    %es, %ax
        movw    %ax, %ss
        movl    %edx, %esp
        popw    %gs
        popw    %fs
        popw    %es
        popw    %ds
        popal
        addw    $4, %sp                 /* the handler's address */
        iret

/*
 * INT 08h, IRQ 0: the 18.2 Hz tick. Counts BDA 0x46C, wraps it at midnight
 * (0x1800B0 ticks a day) setting 0x470, calls the user hook INT 1Ch, and
 * acknowledges the PIC.
 */
        .globl  int08_entry
int08_entry:
        pushw   %ds
        pushw   %ax
        xorw    %ax, %ax
        movw    %ax, %ds
        incl    0x46C
        cmpl    $0x1800B0, 0x46C
        jb      1f
        movl    $0, 0x46C
        movb    $1, 0x470
1:      int     $0x1C
        movb    $PIC_EOI, %al
        outb    %al, $PIC1_CMD
        popw    %ax
        popw    %ds
        iret

/* Hardware interrupts nobody handles: acknowledge them and return. */
        .globl  irq_master_entry, irq_slave_entry
irq_slave_entry:
        pushw   %ax
        movb    $PIC_EOI, %al
        outb    %al, $PIC2_CMD
        jmp     1f
irq_master_entry:
        pushw   %ax
1:      movb    $PIC_EOI, %al
        outb    %al, $PIC1_CMD
        popw    %ax
        .globl  iret_entry
iret_entry:
        iret

/* boot_jump(drive): enter the boot sector at 0000:7C00 with DL = drive,
 * the stack below it, segments 0 and interrupts on. */
        .globl  boot_jump
boot_jump:
        cli
        movl    %eax, %edx
        xorl    %eax, %eax
        movw    %ax, %ss
        movl    $0x7C00, %esp
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        movzbl  %dl, %edx
        xorl    %ebx, %ebx
        xorl    %ecx, %ecx
        xorl    %esi, %esi
        xorl    %edi, %edi
        xorl    %ebp, %ebp
        sti
        ljmp    $0, $0x7C00

/* halt_forever: wait with interrupts on (the keyboard and the timer keep
 * working), never return. */
        .globl  halt_forever
halt_forever:
        sti
        hlt
        jmp     halt_forever

        .globl  far_move16
/* far_move16(seg, dst, src, n): EAX, EDX, ECX, and n on the stack. */
far_move16:
        pushl   %esi
        pushl   %edi
        pushw   %es
        pushw   %ds
        movw    %ax, %es
        movw    %ax, %ds
        movzwl  %dx, %edi
        movzwl  %cx, %esi
        movzwl  16(%esp), %ecx          /* above 12 bytes saved, 4 of return */
        cmpw    %si, %di
        jbe     1f
        leaw    -2(%esi,%ecx,2), %si    /* overlap with dst above src: */
        leaw    -2(%edi,%ecx,2), %di    /* copy from the top down */
        std
1:      rep movsw
        cld
        popw    %ds
        popw    %es
        popl    %edi
        popl    %esi
        retl

        .globl  far_fill16
/* far_fill16(seg, dst, v, n) */
far_fill16:
        pushl   %edi
        pushw   %es
        movw    %ax, %es
        movzwl  %dx, %edi
        movl    %ecx, %eax
        movzwl  10(%esp), %ecx
        rep stosw
        popw    %es
        popl    %edi
        retl

/*
 * lapic_virtual_wire(): where the CPU has a local APIC (CPUID.01h:EDX bit
 * 9) that is enabled (IA32_APIC_BASE bit 11), the 8259's INTR reaches the
 * CPU only through LINT0, which reset leaves masked (SDM vol. 3, 10.4.7.1
 * and 10.5.1). Set up the MP spec's virtual wire mode: APIC software
 * enabled (SVR bit 8), LINT0 ExtINT, LINT1 NMI. The APIC's registers sit
 * above 1 MiB, so ES gets a 4 GiB limit through a moment in protected
 * mode (SDM vol. 3, 9.9.2: the descriptor cache keeps the limit when
 * real mode returns).
 */
        .globl  lapic_virtual_wire
lapic_virtual_wire:
        pushal
        pushw   %es
        pushfl
        pushfl                          /* can EFLAGS.ID (bit 21) change? */
        xorl    $0x00200000, (%esp)
        popfl
        pushfl
        popl    %eax
        xorl    (%esp), %eax
        popfl
        testl   $0x00200000, %eax
        jz      9f                      /* no CPUID */
        movl    $1, %eax
        cpuid
        testl   $(1 << 9), %edx
        jz      9f
        testl   $(1 << 5), %edx         /* MSRs: read IA32_APIC_BASE */
        movl    $0xFEE00000, %ebx
        jz      1f
        movl    $0x1B, %ecx
        rdmsr
        testl   $(1 << 11), %eax
        jz      9f                      /* the APIC is off: the PIC is wired */
        movl    %eax, %ebx
        andl    $0xFFFFF000, %ebx
1:      lgdtl   %cs:flat_gdt_desc
        movl    %cr0, %eax
        orb     $1, %al
        movl    %eax, %cr0
        jmp     2f
2:      movw    $8, %cx
        movw    %cx, %es
        andb    $0xFE, %al
        movl    %eax, %cr0
        jmp     3f
3:      xorw    %cx, %cx
        movw    %cx, %es                /* base 0, the 4 GiB limit stays */
        orl     $0x100, %es:0xF0(%ebx)  /* SVR: APIC software enabled */
        movl    $0x700, %es:0x350(%ebx) /* LVT LINT0: ExtINT */
        movl    $0x400, %es:0x360(%ebx) /* LVT LINT1: NMI */
9:      popw    %es
        popal
        retl

        .balign 8
flat_gdt:
        .quad   0
        .quad   0x00CF93000000FFFF      /* data, base 0, limit 4 GiB */
flat_gdt_desc:
        .word   15
        .long   BIOS_SEG * 16 + flat_gdt

/* The last 16 bytes: the reset vector, the BIOS date at F000:FFF5 and the
 * model byte at F000:FFFE (0xFC: AT class), as the IBM AT placed them. */
        .section .reset, "ax"
        .globl  reset_vector
reset_vector:
        ljmp    $BIOS_SEG, $post_entry
        .ascii  "11/21/25"
        .byte   0, 0xFC, 0
        .section .note.GNU-stack,"",@progbits
