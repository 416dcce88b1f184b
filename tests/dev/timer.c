/*
 * timer.c: the PC's time devices seen from a guest: the 8259A pair, the
 * 8254 PIT and the MC146818 RTC, as isola wires them (IRQ0, IRQ8 through
 * the cascade on master IR2).
 *
 * Rules kept here:
 *  - The kernel programs everything itself (no firmware runs with
 *    -kernel): PIC vectors 0x20/0x28, PIT channel 0 at 100 Hz, the RTC's
 *    update-ended and 1024 Hz periodic interrupts.
 *  - One emulated second is measured by the RTC (two update-ended
 *    interrupts) and, when the command line says ips=N (isola -icount N
 *    -append ips=N), by N instructions of a two-instruction loop.
 *  - Run as: isola -m 32 -rtc base=2024-02-29T23:59:58 (the date and the
 *    memory-size checks expect exactly that).
 *  - Waits use STI;HLT so emulated time passes without instructions;
 *    a wait that no interrupt ends stops the machine (the test fails).
 *  - Expected values come from the Intel 8259A/8254 and Motorola
 *    MC146818A datasheets and the IBM AT CMOS map. Under QEMU 7.2
 *    (-kernel, after SeaBIOS) checks 19 (no CMOS checksum kept), 22, 23
 *    and 30 (its RTC and PIT lose ticks under TCG) and 51-52 (its 8259
 *    keeps an edge request after the input falls; the datasheet: "the IR
 *    input must remain high until after the falling edge of the first
 *    INTA") fail.
 */
#include "rt.h"

#define VEC_MASTER 0x20
#define VEC_SLAVE 0x28
#define PIT_100HZ 11932  /* 1193182 Hz / 100, rounded */

static volatile unsigned ticks;          /* IRQ0 */
static volatile unsigned pf_count, uf_count, irq8_count;
static volatile unsigned ticks_at_uf[8], pf_at_uf[8];
static volatile int irq0_eoi = 1;
static volatile unsigned last_c;

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

static int on_irq0(struct trapframe *f)
{
    (void)f;
    ticks++;
    if (irq0_eoi)
        outb(0x20, 0x20);
    return 1;
}

/* Reading register C identifies the sources and lets IRQ8 fall. */
static int on_irq8(struct trapframe *f)
{
    (void)f;
    uint8_t c = cmos_read(0x0C);
    last_c = c;
    irq8_count++;
    if (c & 0x40)
        pf_count++;
    if (c & 0x10) {
        if (uf_count < 8) {
            ticks_at_uf[uf_count] = ticks;
            pf_at_uf[uf_count] = pf_count;
        }
        uf_count++;
    }
    outb(0xA0, 0x20);
    outb(0x20, 0x20);
    return 1;
}

static void pic_setup(uint8_t master_mask, uint8_t slave_mask)
{
    outb(0x20, 0x11); outb(0x21, VEC_MASTER); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xA0, 0x11); outb(0xA1, VEC_SLAVE); outb(0xA1, 0x02); outb(0xA1, 0x01);
    outb(0x21, master_mask);
    outb(0xA1, slave_mask);
}

static uint8_t pic_irr(uint16_t base) { outb(base, 0x0A); return inb(base); }
static uint8_t pic_isr(uint16_t base) { outb(base, 0x0B); return inb(base); }

static void pit_program(unsigned ch, unsigned mode, uint16_t count)
{
    outb(0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
    outb((uint16_t)(0x40 + ch), (uint8_t)count);
    outb((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

/* Sleep until *v reaches target; interrupts are off again afterwards. */
static void wait_for(volatile unsigned *v, unsigned target)
{
    while (*v < target)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

static unsigned pit0_count(void)
{
    outb(0x43, 0x00);                        /* counter latch, channel 0 */
    uint8_t lo = inb(0x40), hi = inb(0x40);
    return (unsigned)(hi << 8 | lo);
}

/* Busy-wait until channel 0 (mode 2, counting down) has reloaded n times:
 * at least n - 1 full periods, whatever the CPU's speed. */
static void wait_pit_reloads(unsigned n)
{
    unsigned last = pit0_count();
    while (n) {
        unsigned now = pit0_count();
        if (now > last)
            n--;
        last = now;
    }
}

static unsigned parse_ips(void)
{
    const char *s = mb_cmdline;
    for (; *s; s++) {
        if (s[0] == 'i' && s[1] == 'p' && s[2] == 's' && s[3] == '=') {
            unsigned v = 0;
            for (s += 4; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (unsigned)(*s - '0');
            return v;
        }
    }
    return 0;
}

static void rtc_registers(void)
{
    check(cmos_read(0x0D), 0x80, "RTC register D: VRT set");
    check(cmos_read(0x0A) & 0x7F, 0x26, "RTC register A: 32.768 kHz divider, rate 6");
    check(cmos_read(0x0B), 0x02, "RTC register B: BCD, 24-hour, no interrupts");
    check(cmos_read(0x00), 0x58, "RTC seconds (BCD) from -rtc base");
    check(cmos_read(0x02), 0x59, "RTC minutes");
    check(cmos_read(0x04), 0x23, "RTC hours");
    check(cmos_read(0x06), 5, "RTC day of week: Thursday");
    check(cmos_read(0x07), 0x29, "RTC day of month: leap day");
    check(cmos_read(0x08), 0x02, "RTC month");
    check(cmos_read(0x09), 0x24, "RTC year");
    check(cmos_read(0x32), 0x20, "CMOS century byte");
    cmos_write(0x0B, 0x06);
    check(cmos_read(0x00), 58, "RTC seconds in binary mode (DM=1)");
    cmos_write(0x0B, 0x00);
    check(cmos_read(0x04), 0x91, "RTC hours in 12-hour BCD mode: 11 PM");
    cmos_write(0x0B, 0x02);
    cmos_read(0x0C);
    check(cmos_read(0x0C), 0, "RTC register C reads 0 right after a read cleared it");

    check(cmos_read(0x15) | cmos_read(0x16) << 8, 640, "CMOS base memory: 640 KiB");
    check(cmos_read(0x17) | cmos_read(0x18) << 8, 31 * 1024, "CMOS extended memory (0x17): 31 MiB");
    check(cmos_read(0x30) | cmos_read(0x31) << 8, 31 * 1024, "CMOS extended memory (0x30): 31 MiB");
    check(cmos_read(0x34) | cmos_read(0x35) << 8, 256, "CMOS memory above 16 MiB: 256 x 64 KiB");
    unsigned sum = 0;
    for (uint8_t i = 0x10; i <= 0x2D; i++)
        sum += cmos_read(i);
    check(cmos_read(0x2E) << 8 | cmos_read(0x2F), sum, "CMOS checksum over 0x10-0x2D");
}

/* PIT at 100 Hz and the RTC's interrupts through the cascade. */
static void one_second(void)
{
    set_trap_hook(VEC_MASTER, on_irq0);
    set_trap_hook(VEC_SLAVE, on_irq8);
    pic_setup(0xFA, 0xFE);                   /* IRQ0, cascade, IRQ8 */
    pit_program(0, 2, PIT_100HZ);
    cmos_read(0x0C);
    cmos_write(0x0B, 0x52);                  /* PIE, UIE, 24-hour */
    wait_for(&uf_count, 3);
    unsigned t1 = ticks_at_uf[2] - ticks_at_uf[1], t0 = ticks_at_uf[1] - ticks_at_uf[0];
    ok(t1 >= 99 && t1 <= 101, "100 Hz PIT: %u IRQ0 in one RTC second (100 +- 1)", t1);
    ok(t0 >= 99 && t0 <= 101, "... and %u in the one before", t0);
    check(pf_at_uf[2] - pf_at_uf[1], 1024, "RTC periodic interrupts at rate 6 in one second");
    check(pf_at_uf[1] - pf_at_uf[0], 1024, "... and in the one before");
    check(cmos_read(0x00), 0x01, "RTC after 3 updates: seconds");
    check(cmos_read(0x02), 0x00, "... minutes roll over");
    check(cmos_read(0x04), 0x00, "... hours roll over");
    check(cmos_read(0x07), 0x01, "... leap day becomes March 1");
    check(cmos_read(0x08), 0x03, "... month");
    check(cmos_read(0x06), 6, "... Friday");

    /* mode 3 at 1000 Hz */
    pit_program(0, 3, 1193);
    unsigned u = uf_count;
    wait_for(&uf_count, u + 2);
    t1 = ticks_at_uf[u + 1 < 8 ? u + 1 : 7] - ticks_at_uf[u < 8 ? u : 7];
    ok(u + 1 < 8 && t1 >= 999 && t1 <= 1001,
       "1000 Hz PIT square wave: %u IRQ0 in one RTC second (1000 +- 1)", t1);
}

/* One second of instructions: -icount N with -append ips=N. */
static void instruction_second(unsigned ips)
{
    if (!ips) {
        skip("no ips=N on the command line: instruction clock not checked");
        return;
    }
    pit_program(0, 2, PIT_100HZ);
    outb(0x21, 0xFE);                        /* IRQ0 only */
    unsigned before = ticks, n = ips / 2;  /* two instructions per iteration */
    __asm__ volatile("sti; 1: decl %0; jnz 1b; cli" : "+r"(n) : : "cc", "memory");
    n = ticks - before;
    ok(n >= 99 && n <= 101, "100 Hz PIT: %u IRQ0 in one second of -icount instructions", n);
    outb(0x21, 0xFA);
}

/* Masks, IRR and ISR, EOI, seen from the guest. */
static void masking_and_eoi(void)
{
    pit_program(0, 2, PIT_100HZ);
    outb(0x21, 0xFB);                        /* IRQ0 masked, cascade open */
    unsigned t = ticks, p = pf_count;
    wait_for(&pf_count, p + 40);             /* ~39 ms of RTC periodic ticks */
    check(ticks - t, 0, "masked IRQ0 is not delivered");
    ok(pic_irr(0x20) & 1, "... but its request waits in IRR");
    outb(0x21, 0xFA);
    __asm__ volatile("sti; nop; nop; nop; nop; cli" ::: "memory");
    check(ticks - t, 1, "unmasking delivers the latched request once");

    /* no EOI: IRQ0 stays in service and blocks itself and lower levels */
    irq0_eoi = 0;
    t = ticks;
    wait_for(&ticks, t + 1);
    irq0_eoi = 1;
    check(pic_isr(0x20) & 0x05, 0x01, "without EOI, IR0 stays in service (ISR)");
    p = irq8_count;
    __asm__ volatile("sti" ::: "memory");
    wait_pit_reloads(3);                     /* >= 20 ms */
    __asm__ volatile("cli" ::: "memory");
    check(ticks - t, 1, "no IRQ0 while IR0 is in service");
    check(irq8_count - p, 0, "no IRQ8 either: the cascade IR2 has lower priority");
    ok(pic_irr(0x20) & 1, "a new IRQ0 request is latched in IRR meanwhile");
    ok(pic_irr(0x20) & 4, "... the slave's request shows on master IR2");
    check(pic_irr(0xA0) & 1, 1, "... and in the slave's IRR bit 0");
    outb(0x20, 0x20);                        /* EOI, interrupts still off */
    check(pic_isr(0x20), 0, "non-specific EOI clears ISR");
    __asm__ volatile("sti; nop; nop; nop; nop; cli" ::: "memory");
    check(ticks - t, 2, "after the EOI the waiting IRQ0 comes");
    ok(irq8_count - p >= 1, "... and the waiting IRQ8");
    outb(0x20, 0x0A);                        /* back to reading IRR */
    outb(0xA0, 0x0A);
}

/* PIT counter access from the guest. */
static void pit_access(void)
{
    unsigned v = pit0_count();
    ok(v >= 1 && v <= PIT_100HZ, "channel 0 latched count %u within 1..%u", v, PIT_100HZ);
    outb(0x43, 0xE2);                        /* read-back: status of channel 0 */
    check(inb(0x40) & 0x7F, 0x34, "read-back status: count loaded, LSB/MSB, mode 2, binary");

    /* channel 2, mode 0, gate on through port 0x61, OUT on bit 5 */
    outb(0x61, (uint8_t)((inb(0x61) & 0xFC) | 0x01));
    pit_program(2, 0, 1000);
    ok(!(inb(0x61) & 0x20), "channel 2 OUT low after a mode 0 count");
    unsigned polls = 0;
    while (!(inb(0x61) & 0x20) && polls < 10000000)
        polls++;
    ok(inb(0x61) & 0x20, "channel 2 OUT high at terminal count (%u polls)", polls);
    outb(0x43, 0xE8);                        /* read-back: status of channel 2 */
    check(inb(0x42), 0xB0, "read-back status: OUT high, mode 0");
    /* the refresh bit toggles as time passes */
    unsigned toggles = 0;
    uint8_t last = inb(0x61) & 0x10;
    for (int k = 0; k < 20000 && toggles < 4; k++) {
        uint8_t r = inb(0x61) & 0x10;
        toggles += r != last;
        last = r;
    }
    check(toggles, 4, "port 0x61 refresh bit toggles");
    outb(0x61, inb(0x61) & 0xFC);
}

/* A request withdrawn before the CPU takes it is not delivered. */
static void withdrawn_request(void)
{
    outb(0x21, 0xFB);                        /* only the cascade */
    cmos_write(0x0B, 0x12);                  /* UIE only */
    cmos_read(0x0C);
    unsigned u = uf_count, n;
    wait_for(&uf_count, u + 1);
    cmos_write(0x0B, 0x42);                  /* PIE only: an IRQ8 within 1 ms */
    wait_pit_reloads(2);                     /* >= 10 ms with interrupts off */
    ok(pic_irr(0xA0) & 1, "IRQ8 pending in the slave's IRR");
    cmos_read(0x0C);                         /* the RTC drops IRQ8 */
    cmos_write(0x0B, 0x02);
    check(pic_irr(0xA0) & 1, 0, "reading register C withdraws the request");
    n = irq8_count;
    __asm__ volatile("sti; nop; nop; nop; nop; cli" ::: "memory");
    check(irq8_count - n, 0, "a withdrawn request is not delivered");
}

void test_main(void)
{
    rtc_registers();
    one_second();
    instruction_second(parse_ips());
    masking_and_eoi();
    pit_access();
    withdrawn_request();
    done();
}
