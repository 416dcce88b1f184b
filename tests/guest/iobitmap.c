/*
 * iobitmap.c: the TSS I/O permission bitmap. In ring 3 with CPL > IOPL,
 * IN/OUT/INS/OUTS are allowed only if the bit of every port they touch is
 * clear in the bitmap, and the bitmap lies within the TSS limit
 * (SDM vol. 1, 19.5.2); otherwise #GP(0).
 *
 * Rules kept here:
 *  - The runtime's bitmap starts with every port denied; each check
 *    allows exactly the ports it needs and denies them again.
 *  - Ports touched: 0xE9 (the debug console: a ring-3 message shows the
 *    allowed write really happened), 0x80 and up (POST and DMA page
 *    registers, which ignore what a test writes).
 */
#include "rt.h"

static const char ring3_message[] = "# (written to port 0xE9 from ring 3)\n";

static void ring3_puts(void)
{
    for (const char *s = ring3_message; *s; s++)
        outb(0xE9, (uint8_t)*s);
}

#define DENIED(setup, insn, what) do {                                  \
        int v_ = TRY_USER(setup, insn);                                 \
        expect_trap(v_, 13, 0, rt_at, what);                            \
    } while (0)
#define ALLOWED(setup, insn, what) do {                                 \
        int v_ = TRY_USER(setup, insn);                                 \
        expect_none(v_, what);                                          \
    } while (0)

static void allow_range(unsigned first, unsigned n, int allow)
{
    for (unsigned p = first; p < first + n; p++)
        io_allow(p, allow);
}

static void bitmap_checks(void)
{
    rt_user_eflags = EFL_RSVD1;  /* IOPL 0 */
    io_allow(0xE9, 1);
    ok(run_user(ring3_puts) < 0, "ring 3, IOPL 0: OUT to 0xE9 allowed by the bitmap");
    io_allow(0xE9, 0);
    ok(run_user(ring3_puts) == 13 && trap.err == 0, "... and #GP(0) once the bitmap denies it");

    DENIED("", "outb %%al, $0x80", "OUT to a denied port: #GP(0)");
    DENIED("", "inb $0x80, %%al", "IN from a denied port: #GP(0)");
    io_allow(0x80, 1);
    ALLOWED("", "outb %%al, $0x80", "OUT to an allowed port");
    ALLOWED("", "inb $0x80, %%al", "IN from an allowed port");
    ALLOWED("movw $0x80, %%dx", "outb %%al, (%%dx)", "OUT DX to an allowed port");
    DENIED("", "outw %%ax, $0x80", "a 2-byte OUT to an allowed port and a denied one: #GP(0)");
    DENIED("", "inw $0x80, %%ax", "a 2-byte IN to an allowed port and a denied one: #GP(0)");
    DENIED("", "outw %%ax, $0x7f", "a 2-byte OUT to a denied port and an allowed one: #GP(0)");
    io_allow(0x81, 1);
    ALLOWED("", "outw %%ax, $0x80", "a 2-byte OUT to two allowed ports");
    io_allow(0x82, 1);
    DENIED("", "outl %%eax, $0x80", "a 4-byte OUT with its last port denied: #GP(0)");
    io_allow(0x83, 1);
    ALLOWED("", "outl %%eax, $0x80", "a 4-byte OUT to four allowed ports");
    ALLOWED("movw $0x80, %%dx\n\tmovl %%esp, %%esi\n\tmovl $2, %%ecx", "rep outsb",
            "REP OUTSB to an allowed port");
    allow_range(0x80, 4, 0);
    DENIED("movw $0x80, %%dx\n\tmovl %%esp, %%esi", "outsb", "OUTSB to a denied port: #GP(0)");

    /* ports 0x87 and 0x88 have their bits in different bitmap bytes */
    io_allow(0x87, 1);
    DENIED("", "outw %%ax, $0x87", "a 2-byte OUT across a bitmap byte, second port denied: #GP(0)");
    io_allow(0x88, 1);
    ALLOWED("", "outw %%ax, $0x87", "a 2-byte OUT across a bitmap byte, both allowed");
    allow_range(0x87, 2, 0);
}

static void iopl_checks(void)
{
    rt_user_eflags = EFL_RSVD1 | EFL_IOPL3;
    ALLOWED("", "outb %%al, $0x80", "ring 3 with IOPL 3: OUT to a port the bitmap denies");
    ALLOWED("", "cli\n\tsti", "ring 3 with IOPL 3: CLI and STI");
    rt_user_eflags = EFL_RSVD1 | 0x1000;  /* IOPL 1 */
    DENIED("", "outb %%al, $0x80", "ring 3 with IOPL 1: OUT to a denied port: #GP(0)");
    io_allow(0x80, 1);
    ALLOWED("", "outb %%al, $0x80", "ring 3 with IOPL 1: OUT to an allowed port");
    io_allow(0x80, 0);
    rt_user_eflags = EFL_RSVD1;
    int v = TRY("", "outb %%al, $0x80\n\tinb $0x80, %%al");
    expect_none(v, "ring 0 ignores the bitmap");
}

static void tss_limit_checks(void)
{
    rt_user_eflags = EFL_RSVD1;
    io_allow(0x80, 1);
    io_allow(0x100, 1);
    /* the bitmap's bytes 0-31 (ports 0-255) inside the limit, byte 32 not */
    tss_reload(TSS_IOMAP_OFFSET + 31);
    ALLOWED("", "outb %%al, $0x80", "TSS limit covering the port's bitmap bytes: allowed");
    DENIED("movw $0x100, %%dx", "outb %%al, (%%dx)",
           "a port whose bitmap byte is beyond the TSS limit: #GP(0)");
    tss_reload(sizeof tss - 1);
    ALLOWED("movw $0x100, %%dx", "outb %%al, (%%dx)", "... allowed again with the full TSS limit");
    tss.iomap_base = sizeof tss;
    DENIED("", "outb %%al, $0x80", "I/O map base beyond the TSS limit: no bitmap, #GP(0)");
    tss.iomap_base = TSS_IOMAP_OFFSET;
    io_allow(0x80, 0);
    io_allow(0x100, 0);
}

void test_main(void)
{
    bitmap_checks();
    iopl_checks();
    tss_limit_checks();
}
