/*
 * prot.c: protection faults and their error codes: segment register
 * loads, limits and types, privileged instructions in ring 3, the
 * exceptions raised by single instructions, and IDT gate faults.
 *
 * Rules kept here:
 *  - Each check states the exception, the error code and the EIP the
 *    SDM requires: faults push the EIP of the faulting instruction,
 *    traps (#BP, #OF, INT n) the EIP of the next one (SDM vol. 3, 6.5).
 *  - A selector error code is the selector with its RPL bits replaced by
 *    the IDT and EXT bits (SDM vol. 3, 6.13).
 */
#include "rt.h"

/* this test's GDT slots */
#define S_SMALL 0x38   /* data RW, DPL 0, base 0, limit 0xFFF bytes */
#define S_RO 0x40      /* data read-only, DPL 0, flat */
#define S_XO 0x48      /* code execute-only, DPL 0, flat, 32-bit */
#define S_NP 0x50      /* data RW, not present */
#define S_ED 0x58      /* data RW expand-down, limit 0xFFF, B=1 */
#define S_8M 0x60      /* data RW, DPL 0, limit 8 MiB - 1 */
#define S_U1M 0x68     /* data RW, DPL 3, limit 1 MiB - 1 bytes */
#define S_CNP 0x70     /* code, not present */
#define S_GATE0 0x78   /* call gate of DPL 0 */

static uint32_t scratch_word;         /* something to read and write */
static uint32_t farptr[2];            /* offset, selector for LDS & co */

static void make_segments(void)
{
    gdt_set(7, 0, 0xFFF, D_P | D_S | D_DATA_RW, D_DB);
    gdt_set(8, 0, 0xFFFFF, D_P | D_S | D_DATA_RO, D_G | D_DB);
    gdt_set(9, 0, 0xFFFFF, D_P | D_S | D_CODE_XO, D_G | D_DB);
    gdt_set(10, 0, 0xFFFFF, D_S | D_DATA_RW, D_G | D_DB);
    gdt_set(11, 0, 0xFFF, D_P | D_S | D_DATA_RW_ED, D_DB);
    gdt_set(12, 0, 0x7FF, D_P | D_S | D_DATA_RW, D_G | D_DB);
    gdt_set(13, 0, 0xFFFFF, D_P | D_DPL(3) | D_S | D_DATA_RW, D_DB);
    gdt_set(14, 0, 0xFFFFF, D_S | D_CODE_RX, D_G | D_DB);
    /* a call gate like SEL_CALLGATE's, but of DPL 0 */
    gdt_put(15, (gdt_get(6) & ~(3ull << 45)));
}

static void segment_loads(void)
{
    int v;
    v = TRY("movw $0x7ffb, %%ax", "movw %%ax, %%ds");
    expect_trap(v, 13, 0x7ff8, rt_at, "#GP(sel) for MOV DS beyond the GDT limit, RPL replaced by 0");
    v = TRY("xorl %%eax, %%eax", "movw %%ax, %%ds");
    expect_none(v, "MOV DS with a null selector is allowed");
    v = TRY("xorl %%eax, %%eax\n\tmovw %%ax, %%ds", "movl (%%ebx), %%ecx", "b"(&scratch_word));
    expect_trap(v, 13, 0, rt_at, "#GP(0) for a read through a null DS");
    v = TRY("movw $3, %%ax\n\tmovw %%ax, %%es", "movl %%ecx, %%es:(%%ebx)", "b"(&scratch_word));
    expect_trap(v, 13, 0, rt_at, "#GP(0) for a write through ES = null selector with RPL 3");
    v = TRY("xorl %%eax, %%eax", "movw %%ax, %%ss");
    expect_trap(v, 13, 0, rt_at, "#GP(0) for MOV SS with a null selector");
    v = TRY("movw $" XSTR(SEL_TSS) ", %%ax", "movw %%ax, %%ds");
    expect_trap(v, 13, SEL_TSS, rt_at, "#GP(sel) for MOV DS with a TSS descriptor");
    v = TRY("movw $" XSTR(S_XO) ", %%ax", "movw %%ax, %%ds");
    expect_trap(v, 13, S_XO, rt_at, "#GP(sel) for MOV DS with an execute-only code segment");
    v = TRY("movw $" XSTR(SEL_KCODE) ", %%ax", "movw %%ax, %%ds\n\tmovl (%%ebx), %%ecx",
            "b"(&scratch_word));
    expect_none(v, "MOV DS with a readable code segment, then a read through it");
    v = TRY("movw $0x13, %%ax", "movw %%ax, %%ds");
    expect_trap(v, 13, 0x10, rt_at, "#GP(sel) for MOV DS with RPL 3 > DPL 0");
    v = TRY("movw $" XSTR(S_NP) ", %%ax", "movw %%ax, %%ds");
    expect_trap(v, 11, S_NP, rt_at, "#NP(sel) for MOV DS with a not-present segment");
    v = TRY("movw $" XSTR(S_NP) ", %%ax", "movw %%ax, %%ss");
    expect_trap(v, 12, S_NP, rt_at, "#SS(sel) for MOV SS with a not-present segment");
    v = TRY("movw $" XSTR(SEL_UDATA) " & 0xfffc, %%ax", "movw %%ax, %%ss");
    expect_trap(v, 13, SEL_UDATA & 0xFFFC, rt_at, "#GP(sel) for MOV SS with DPL 3 != CPL 0");
    v = TRY("movw $0x13, %%ax", "movw %%ax, %%ss");
    expect_trap(v, 13, 0x10, rt_at, "#GP(sel) for MOV SS with RPL 3 != CPL 0");
    v = TRY("movw $" XSTR(S_RO) ", %%ax", "movw %%ax, %%ss");
    expect_trap(v, 13, S_RO, rt_at, "#GP(sel) for MOV SS with a read-only data segment");
    v = TRY("movw $" XSTR(SEL_KCODE) ", %%ax", "movw %%ax, %%ss");
    expect_trap(v, 13, SEL_KCODE, rt_at, "#GP(sel) for MOV SS with a code segment");

    gdt_put(8, gdt_get(8) & ~(1ull << 40));
    v = TRY("movw $" XSTR(S_RO) ", %%ax", "movw %%ax, %%fs");
    expect_none(v, "MOV FS with a read-only data segment");
    ok((gdt_get(8) >> 40) & 1, "the load set the descriptor's accessed bit (SDM vol. 3, 3.4.5.1)");

    farptr[0] = 0x1234;
    farptr[1] = 0x7ff8;
    v = TRY("", "ldsl (%%ebx), %%ecx", "b"(farptr));
    expect_trap(v, 13, 0x7ff8, rt_at, "#GP(sel) for LDS with a selector beyond the GDT limit");
    farptr[1] = 0;
    v = TRY("", "ldsl (%%ebx), %%ecx", "b"(farptr));
    expect_none(v, "LDS with a null selector is allowed");
    v = TRY("", "lssl (%%ebx), %%ecx", "b"(farptr));
    expect_trap(v, 13, 0, rt_at, "#GP(0) for LSS with a null selector");
    farptr[1] = S_NP;
    v = TRY("", "lesl (%%ebx), %%ecx", "b"(farptr));
    expect_trap(v, 11, S_NP, rt_at, "#NP(sel) for LES with a not-present segment");
    farptr[1] = S_RO;
    v = TRY("", "lssl (%%ebx), %%ecx", "b"(farptr));
    expect_trap(v, 13, S_RO, rt_at, "#GP(sel) for LSS with a read-only segment");

    v = TRY("", "ljmp $" XSTR(SEL_KDATA) ", $0");
    expect_trap(v, 13, SEL_KDATA, rt_at, "#GP(sel) for a far JMP to a data segment");
    v = TRY("", "lcall $" XSTR(S_CNP) ", $0");
    expect_trap(v, 11, S_CNP, rt_at, "#NP(sel) for a far CALL to a not-present code segment");
}

static void limits_and_types(void)
{
    int v;
    v = TRY("movw $" XSTR(S_SMALL) ", %%ax\n\tmovw %%ax, %%ds", "movl 0xffc, %%ecx");
    expect_none(v, "a dword read ending at the limit of a 4 KiB segment");
    v = TRY("movw $" XSTR(S_SMALL) ", %%ax\n\tmovw %%ax, %%ds", "movl 0xffd, %%ecx");
    expect_trap(v, 13, 0, rt_at, "#GP(0) for a dword read crossing the segment limit");
    v = TRY("movw $" XSTR(S_SMALL) ", %%ax\n\tmovw %%ax, %%gs", "movb %%al, %%gs:0x1000");
    expect_trap(v, 13, 0, rt_at, "#GP(0) for a byte write just beyond the limit");
    v = TRY("movw $" XSTR(S_ED) ", %%ax\n\tmovw %%ax, %%es", "movl %%es:0x1000, %%ecx");
    expect_none(v, "expand-down segment: a read just above the limit");
    v = TRY("movw $" XSTR(S_ED) ", %%ax\n\tmovw %%ax, %%es", "movl %%es:0xffe, %%ecx");
    expect_trap(v, 13, 0, rt_at, "#GP(0) for an expand-down read at or below the limit");

    v = TRY("movw $" XSTR(S_8M) ", %%ax\n\tmovw %%ax, %%ss", "movl %%ss:0x7ffffc, %%ecx");
    expect_none(v, "a read through SS at the end of an 8 MiB stack segment");
    v = TRY("movw $" XSTR(S_8M) ", %%ax\n\tmovw %%ax, %%ss\n\tmovl $0x7ffffe, %%ebp",
            "movl (%%ebp), %%ecx");
    expect_trap(v, 12, 0, rt_at, "#SS(0) for an EBP-based read crossing the SS limit");
    v = TRY("movw $" XSTR(S_8M) ", %%ax\n\tmovw %%ax, %%ss", "movl %%ecx, %%ss:0x800000");
    expect_trap(v, 12, 0, rt_at, "#SS(0) for a write beyond the SS limit");

    rt_user_ss = S_U1M | 3;
    v = TRY_USER("", "pushl $0");
    rt_user_ss = SEL_UDATA;
    expect_trap(v, 12, 0, rt_at, "#SS(0) for a ring-3 PUSH beyond its stack segment's limit");
    check(trap.frame, tss.esp0 - 24, "... delivered on the TSS ring-0 stack with an error code");
    check(trap.ss, S_U1M | 3, "... pushing the faulting SS");
    check(trap.esp, rt_user_esp, "... and the ESP before the PUSH");

    v = TRY("movw $" XSTR(S_RO) ", %%ax\n\tmovw %%ax, %%ds", "movl (%%ebx), %%ecx",
            "b"(&scratch_word));
    expect_none(v, "a read through a read-only data segment");
    v = TRY("movw $" XSTR(S_RO) ", %%ax\n\tmovw %%ax, %%ds", "movl %%ecx, (%%ebx)",
            "b"(&scratch_word));
    expect_trap(v, 13, 0, rt_at, "#GP(0) for a write through a read-only data segment");
    v = TRY("", "movl %%ecx, %%cs:(%%ebx)", "b"(&scratch_word));
    expect_trap(v, 13, 0, rt_at, "#GP(0) for a write through CS");
    v = TRY("", "movl %%cs:(%%ebx), %%ecx", "b"(&scratch_word));
    expect_none(v, "a read through a readable CS");
    v = TRY("ljmp $" XSTR(S_XO) ", $9993f\n9993:",
            "movl %%cs:(%%ebx), %%ecx\n\tljmp $" XSTR(SEL_KCODE) ", $9994f\n9994:",
            "b"(&scratch_word));
    expect_trap(v, 13, 0, rt_at, "#GP(0) for a read from an execute-only CS via override");
    check(trap.cs, S_XO, "... with CS = the execute-only segment in the frame");
}

/* an instruction that ring 3 may not execute: #GP(0) at the instruction */
#define PRIVILEGED(setup, insn, name) do {                              \
        int v_ = TRY_USER(setup, insn);                                 \
        expect_trap(v_, 13, 0, rt_at, "#GP(0) for " name " in ring 3"); \
    } while (0)

static void privileged_in_ring3(void)
{
    PRIVILEGED("", "hlt", "HLT");
    PRIVILEGED("", "cli", "CLI with IOPL 0");
    PRIVILEGED("", "sti", "STI with IOPL 0");
    PRIVILEGED("", "movl %%cr0, %%eax", "MOV from CR0");
    PRIVILEGED("xorl %%eax, %%eax", "movl %%eax, %%cr0", "MOV to CR0");
    PRIVILEGED("xorl %%eax, %%eax", "movl %%eax, %%cr3", "MOV to CR3");
    PRIVILEGED("", "lgdt (%%esp)", "LGDT");
    PRIVILEGED("", "lidt (%%esp)", "LIDT");
    PRIVILEGED("movw $" XSTR(SEL_TSS) ", %%ax", "ltr %%ax", "LTR");
    PRIVILEGED("xorl %%eax, %%eax", "lldt %%ax", "LLDT");
    PRIVILEGED("", "invlpg (%%esp)", "INVLPG");
    PRIVILEGED("movl $0x10, %%ecx", "rdmsr", "RDMSR");
    PRIVILEGED("movl $0x10, %%ecx", "wrmsr", "WRMSR");
    PRIVILEGED("", "clts", "CLTS");
    PRIVILEGED("xorl %%eax, %%eax", "movl %%eax, %%db7", "MOV to DR7");
    PRIVILEGED("", "outb %%al, $0x80", "OUT imm8 with IOPL 0 and the port denied");
    PRIVILEGED("", "inb $0x80, %%al", "IN imm8 with IOPL 0 and the port denied");
    PRIVILEGED("movw $0xe9, %%dx", "outb %%al, (%%dx)", "OUT DX with IOPL 0 and the port denied");
    PRIVILEGED("movw $0x80, %%dx\n\tmovl %%esp, %%edi", "insb", "INSB with IOPL 0");
}

static void ring3_selectors(void)
{
    int v = TRY_USER("movw $" XSTR(SEL_KDATA) ", %%ax", "movw %%ax, %%ds");
    expect_trap(v, 13, SEL_KDATA, rt_at, "#GP(sel) for MOV DS with a DPL 0 segment in ring 3");
    v = TRY_USER("movw $" XSTR(SEL_KDATA) ", %%ax", "movw %%ax, %%ss");
    expect_trap(v, 13, SEL_KDATA, rt_at, "#GP(sel) for MOV SS with a DPL 0 segment in ring 3");
    v = TRY_USER("", "lcall $" XSTR(S_GATE0) " | 3, $0");
    expect_trap(v, 13, S_GATE0, rt_at, "#GP(sel) for a far CALL through a DPL 0 call gate from ring 3");
}

static uint32_t bounds[2] = { 10, 20 };

static void instruction_exceptions(void)
{
    int v;
    v = TRY("", "ud2");
    expect_trap(v, 6, NOERR, rt_at, "#UD for UD2");
    v = TRY("", ".byte 0xf0, 0x01, 0xc3");
    expect_trap(v, 6, NOERR, rt_at, "#UD for LOCK ADD with a register destination");
    v = TRY("", ".byte 0xf0, 0x90");
    expect_trap(v, 6, NOERR, rt_at, "#UD for LOCK NOP");
    v = TRY("", ".byte 0x0f, 0x22, 0xc8");
    expect_trap(v, 6, NOERR, rt_at, "#UD for MOV to CR1");
    v = TRY("", ".byte 0x8e, 0xc8");
    expect_trap(v, 6, NOERR, rt_at, "#UD for MOV CS, r16");
    v = TRY("xorl %%edx, %%edx\n\tmovl $1, %%eax\n\txorl %%ecx, %%ecx", "divl %%ecx");
    expect_trap(v, 0, NOERR, rt_at, "#DE for DIV by 0");
    v = TRY("movl $-1, %%edx\n\tmovl $0x80000000, %%eax\n\tmovl $-1, %%ecx", "idivl %%ecx");
    expect_trap(v, 0, NOERR, rt_at, "#DE for IDIV of -2^31 by -1");
    v = TRY("movl $2, %%edx\n\tmovl $0, %%eax\n\tmovl $2, %%ecx", "divl %%ecx");
    expect_trap(v, 0, NOERR, rt_at, "#DE for a DIV whose quotient does not fit");
    v = TRY("movl $15, %%eax", "boundl %%eax, (%%ebx)", "b"(bounds));
    expect_none(v, "BOUND with the index inside the bounds");
    v = TRY("movl $21, %%eax", "boundl %%eax, (%%ebx)", "b"(bounds));
    expect_trap(v, 5, NOERR, rt_at, "#BR for BOUND above the upper bound (a fault)");
    v = TRY("movl $9, %%eax", "boundl %%eax, (%%ebx)", "b"(bounds));
    expect_trap(v, 5, NOERR, rt_at, "#BR for BOUND below the lower bound");
    v = TRY("movl $0x7fffffff, %%eax\n\taddl $1, %%eax", "into");
    expect_trap(v, 4, NOERR, rt_next, "#OF for INTO with OF=1 (a trap: EIP after INTO)");
    v = TRY("xorl %%eax, %%eax", "into");
    expect_none(v, "INTO with OF=0");
    v = TRY("", "int3");
    expect_trap(v, 3, NOERR, rt_next, "#BP for INT3 (a trap: EIP after INT3)");
    v = TRY("", ".byte 0xcd, 0x03");
    expect_trap(v, 3, NOERR, rt_next, "INT 3 (CD 03) delivers vector 3 with EIP after it");
}

static void gate_faults(void)
{
    int v;
    v = TRY_USER("", "int $0x40");
    expect_trap(v, 13, 0x40 * 8 + 2, rt_at, "#GP(0x40*8+2) for INT 0x40 to a DPL 0 gate from ring 3");
    v = TRY_USER("", "int3");
    expect_trap(v, 13, 3 * 8 + 2, rt_at, "#GP(3*8+2) for INT3 from ring 3 to a DPL 0 gate");
    idt_set_gate(3, D_INTGATE32, 3);
    idt_set_gate(4, D_INTGATE32, 3);
    v = TRY_USER("", "int3");
    expect_trap(v, 3, NOERR, rt_next, "#BP for INT3 from ring 3 to a DPL 3 gate");
    v = TRY_USER("movl $0x7fffffff, %%eax\n\taddl $1, %%eax", "into");
    expect_trap(v, 4, NOERR, rt_next, "#OF for INTO from ring 3 to a DPL 3 gate");
    idt_set_gate(3, D_INTGATE32, 0);
    idt_set_gate(4, D_INTGATE32, 0);

    idt_reload(0x40 * 8 - 1);
    v = TRY("", "int $0x50");
    idt_reload(sizeof idt - 1);
    expect_trap(v, 13, 0x50 * 8 + 2, rt_at, "#GP(0x50*8+2) for INT 0x50 beyond the IDT limit");

    idt_set_raw(0x41, idt_get(0x41) & ~(1ull << 47));
    v = TRY("", "int $0x41");
    idt_set_gate(0x41, D_INTGATE32, 0);
    expect_trap(v, 11, 0x41 * 8 + 2, rt_at, "#NP(0x41*8+2) for INT 0x41 to a not-present gate");

    /* a hardware exception that finds its gate missing: the #NP error
     * code has EXT set (SDM vol. 3, 6.13) */
    idt_set_raw(6, idt_get(6) & ~(1ull << 47));
    v = TRY("", "ud2");
    idt_set_gate(6, D_INTGATE32, 0);
    expect_trap(v, 11, 6 * 8 + 2 + 1, rt_at, "#NP(6*8+2+EXT) for #UD with a not-present gate");

    /* #GP, then #NP while delivering it: two contributory faults make a
     * double fault with error code 0 (SDM vol. 3, table 6-5) */
    idt_set_raw(13, idt_get(13) & ~(1ull << 47));
    v = TRY("movw $0x7ff8, %%ax", "movw %%ax, %%ds");
    idt_set_gate(13, D_INTGATE32, 0);
    ok(v == 8 && trap.err == 0, "#DF(0) for #GP whose gate is not present (got vector %d err %x)",
       v, trap.err);
}

void test_main(void)
{
    make_segments();
    segment_loads();
    limits_and_types();
    privileged_in_ring3();
    ring3_selectors();
    instruction_exceptions();
    gate_faults();
}
