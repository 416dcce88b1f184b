/*
 * test_cmos.c: the MC146818A (emu/dev/cmos.c) on a bare bus and a
 * virtual clock run from a fake instruction counter (1 instruction =
 * 1 ns): BCD/binary and 12/24-hour time, the calendar rolling over a leap
 * day, UIP, the periodic interrupt count per second, update-ended and
 * alarm interrupts, register C clearing, SET, the divider reset, and the
 * memory-size bytes with their checksum.
 *
 * Rules kept here: time only moves through advance_to(), which stops at
 * every timer deadline like the machine loop; the exit status is the
 * number of failed checks (0 = pass).
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "vtime.h"
#include "dev/cmos.h"

#include "check.h"

#define T0 1709251198  /* 2024-02-29 23:59:58 UTC, a Thursday */
#define MS 1000000ull
#define US 1000ull

static struct bus bus;
static uint64_t icount;
static struct vclock vc;
static struct cmos rtc;

/* IRQ8 as the PIC sees it; a "guest" reads register C after each rise. */
static bool level, ack_on_irq;
static uint64_t edges;
static unsigned c_seen;

static void out(uint16_t port, uint8_t v) { bus_out(&bus, port, 1, v); }
static uint8_t in(uint16_t port) { return (uint8_t)bus_in(&bus, port, 1); }
static uint8_t rd(uint8_t reg) { out(0x70, reg); return in(0x71); }
static void wr(uint8_t reg, uint8_t v) { out(0x70, reg); out(0x71, v); }

static void irq8_set(void *opaque, unsigned irq, bool l)
{
    (void)opaque;
    (void)irq;
    if (l && !level)
        edges++;
    level = l;
}

static void advance_to(uint64_t ns)
{
    for (;;) {
        uint64_t dl = vclock_next_deadline(&vc);
        if (dl > ns)
            break;
        if (dl > icount)
            icount = dl;
        vclock_run_expired(&vc);
        if (ack_on_irq && level)
            c_seen |= rd(0x0C);
    }
    icount = ns;
    vclock_run_expired(&vc);
    if (ack_on_irq && level)
        c_seen |= rd(0x0C);
}

static void setup(uint32_t ram_size)
{
    bus_init(&bus);
    icount = 0;
    vclock_init(&vc, &icount, NS_PER_SEC, false);
    level = ack_on_irq = false;
    edges = 0;
    c_seen = 0;
    cmos_init(&rtc, &bus, &vc, (struct irq_line){irq8_set, NULL, 8}, T0, ram_size);
}

static void test_time_formats(void)
{
    setup(32 << 20);
    CHECK(rd(0x00) == 0x58 && rd(0x02) == 0x59 && rd(0x04) == 0x23);
    CHECK(rd(0x06) == 5 && rd(0x07) == 0x29 && rd(0x08) == 0x02 && rd(0x09) == 0x24);
    CHECK(rd(0x32) == 0x20);
    CHECK(rd(0x0A) == 0x26 && rd(0x0B) == 0x02 && rd(0x0D) == 0x80);
    advance_to(2 * NS_PER_SEC);          /* into 2024-03-01 00:00:00, Friday */
    CHECK(rd(0x00) == 0x00 && rd(0x02) == 0x00 && rd(0x04) == 0x00);
    CHECK(rd(0x06) == 6 && rd(0x07) == 0x01 && rd(0x08) == 0x03 && rd(0x09) == 0x24);
    CHECK(cmos_time(&rtc) == T0 + 2);
    advance_to(2 * NS_PER_SEC + 999 * MS);
    CHECK(rd(0x00) == 0x00);
    advance_to(3 * NS_PER_SEC);
    CHECK(rd(0x00) == 0x01);
    /* binary */
    wr(0x0B, 0x06);
    CHECK(rd(0x00) == 1 && rd(0x08) == 3 && rd(0x09) == 24);
    /* 12-hour: 00:00 is 12 AM; 13:xx is 1 PM (bit 7) */
    wr(0x0B, 0x00);
    CHECK(rd(0x04) == 0x12);
    advance_to((13 * 3600 + 2) * NS_PER_SEC);  /* 13:00:00 */
    CHECK(rd(0x04) == 0x81);
    wr(0x0B, 0x04);
    CHECK(rd(0x04) == 0x81);             /* binary 12-hour: 1 | PM */
    advance_to((23 * 3600 + 2) * NS_PER_SEC);
    CHECK(rd(0x04) == 0x8B);
    /* the index register: NMI mask in bit 7, index in bits 0-6 */
    out(0x70, 0x80 | 0x0D);
    CHECK(rtc.nmi_masked && in(0x71) == 0x80);
    out(0x70, 0x0D);
    CHECK(!rtc.nmi_masked);
}

static void test_uip(void)
{
    setup(32 << 20);
    advance_to(NS_PER_SEC - 300 * US);
    CHECK(!(rd(0x0A) & 0x80));
    advance_to(NS_PER_SEC - 200 * US);
    CHECK(rd(0x0A) & 0x80);
    CHECK(rd(0x00) == 0x58);             /* the update comes at the second */
    advance_to(NS_PER_SEC);
    CHECK(!(rd(0x0A) & 0x80));
    CHECK(rd(0x00) == 0x59);
    wr(0x0B, 0x82);                      /* SET: no updates, no UIP */
    advance_to(2 * NS_PER_SEC - 100 * US);
    CHECK(!(rd(0x0A) & 0x80));
}

static void test_periodic(void)
{
    setup(32 << 20);
    ack_on_irq = true;
    wr(0x0B, 0x42);                      /* PIE, rate 6 = 1024 Hz */
    advance_to(NS_PER_SEC);
    CHECK(edges == 1024);
    CHECK(c_seen == 0xD0);               /* IRQF | PF, and UF (not enabled) */
    edges = 0;
    wr(0x0A, 0x23);                      /* 8192 Hz */
    advance_to(2 * NS_PER_SEC);
    CHECK(edges == 8192);
    edges = 0;
    wr(0x0A, 0x2F);                      /* 2 Hz */
    advance_to(5 * NS_PER_SEC);
    CHECK(edges == 6);
    edges = 0;
    wr(0x0A, 0x21);                      /* rate 1 = 256 Hz */
    advance_to(6 * NS_PER_SEC);
    CHECK(edges == 256);
    /* not serviced: IRQ8 stays asserted, one edge, flags kept */
    ack_on_irq = false;
    edges = 0;
    advance_to(7 * NS_PER_SEC);
    CHECK(edges == 1 && level);
    uint8_t c = rd(0x0C);
    CHECK(c == 0xD0);
    CHECK(!level && rd(0x0C) == 0);      /* reading C cleared it */
    wr(0x0B, 0x02);
    edges = 0;
    advance_to(8 * NS_PER_SEC);
    CHECK(edges == 0);
    CHECK(rd(0x0C) == 0x50);             /* PF and UF still flag, no IRQF */
}

static void test_update_and_alarm(void)
{
    setup(32 << 20);
    ack_on_irq = true;
    wr(0x0B, 0x12);                      /* UIE */
    advance_to(10 * NS_PER_SEC + 1);
    CHECK(edges == 10);
    CHECK((c_seen & 0x90) == 0x90);      /* IRQF, UF (AF too: alarm 00:00:00 passed) */
    /* alarm at 00:00:15 (the clock reads 00:00:08) */
    wr(0x0B, 0x22);                      /* AIE only */
    wr(0x01, 0x15); wr(0x03, 0x00); wr(0x05, 0x00);
    edges = 0;
    c_seen = 0;
    advance_to(17 * NS_PER_SEC - 1);
    CHECK(edges == 0);
    advance_to(17 * NS_PER_SEC);
    CHECK(edges == 1 && (c_seen & 0xA0) == 0xA0);
    /* don't-care minutes and hours: every minute at :30 */
    wr(0x01, 0x30); wr(0x03, 0xFF); wr(0x05, 0xC0);
    edges = 0;
    advance_to(200 * NS_PER_SEC);
    CHECK(edges == 3);                   /* 00:00:30, 00:01:30, 00:02:30 */
    /* AF is kept even with AIE off, found by folding without a timer */
    wr(0x0B, 0x02);
    rd(0x0C);
    advance_to(300 * NS_PER_SEC);
    CHECK(rd(0x0C) == 0x70);             /* PF, AF, UF without IRQF */
}

static void test_set(void)
{
    setup(32 << 20);
    wr(0x0B, 0x92);                      /* SET (clears UIE) */
    CHECK(rd(0x0B) == 0x82);
    wr(0x00, 0x00); wr(0x02, 0x30); wr(0x04, 0x12);
    wr(0x07, 0x31); wr(0x08, 0x12); wr(0x09, 0x99); wr(0x06, 0x06);
    out(0x70, 0x32); out(0x71, 0x19);
    advance_to(5 * NS_PER_SEC);
    CHECK(rd(0x00) == 0x00 && rd(0x02) == 0x30);   /* frozen */
    wr(0x0B, 0x02);
    CHECK(cmos_time(&rtc) == 946643400);           /* 1999-12-31 12:30:00 */
    advance_to(6 * NS_PER_SEC);
    CHECK(rd(0x00) == 0x01 && rd(0x06) == 0x06);   /* Friday, as written */
    /* a time register written while running */
    wr(0x02, 0x45);
    CHECK(rd(0x02) == 0x45 && rd(0x00) == 0x01);
    advance_to(7 * NS_PER_SEC);
    CHECK(rd(0x00) == 0x02 && rd(0x02) == 0x45);
    /* the divider reset: the first update comes half a second after */
    advance_to(7 * NS_PER_SEC + 300 * MS);
    wr(0x0A, 0x76);
    advance_to(9 * NS_PER_SEC);
    CHECK(rd(0x00) == 0x02);
    wr(0x0A, 0x26);
    advance_to(9 * NS_PER_SEC + 499 * MS);
    CHECK(rd(0x00) == 0x02);
    advance_to(9 * NS_PER_SEC + 500 * MS);
    CHECK(rd(0x00) == 0x03);
}

static void test_memory_bytes(void)
{
    setup(32 << 20);
    CHECK(rd(0x15) == 0x80 && rd(0x16) == 0x02);   /* 640 KiB */
    CHECK(rd(0x17) == 0x00 && rd(0x18) == 0x7C);   /* 31 MiB in KiB */
    CHECK(rd(0x30) == 0x00 && rd(0x31) == 0x7C);
    CHECK(rd(0x34) == 0x00 && rd(0x35) == 0x01);   /* 16 MiB in 64 KiB */
    CHECK(rd(0x10) == 0 && rd(0x0F) == 0);
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += rd((uint8_t)i);
    CHECK(rd(0x2E) == (sum >> 8 & 0xFF) && rd(0x2F) == (sum & 0xFF));
    cmos_set(&rtc, 0x2D, 0x20);
    CHECK(rd(0x2F) == ((sum + 0x20) & 0xFF));
    wr(0x0F, 0x0A);                      /* shutdown status is plain RAM */
    CHECK(rd(0x0F) == 0x0A);
    setup(128u << 20);
    CHECK(rd(0x17) == 0xFF && rd(0x18) == 0xFF);
    CHECK(rd(0x34) == 0x00 && rd(0x35) == 0x07);   /* 112 MiB */
    setup(512u << 10);
    CHECK(rd(0x17) == 0 && rd(0x18) == 0 && rd(0x34) == 0 && rd(0x35) == 0);
}

int main(void)
{
    test_time_formats();
    test_uip();
    test_periodic();
    test_update_and_alarm();
    test_set();
    test_memory_bytes();
    printf("test_cmos: %d failure(s)\n", failures);
    return failures;
}
