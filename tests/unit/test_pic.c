/*
 * test_pic.c: the 8259A pair (emu/dev/pic.c) driven through its ports
 * on a bare bus, with a zeroed CPU whose INTR pin it drives: init
 * sequence, masks, EOIs, IRR/ISR reads, priority and rotation, the
 * cascade, spurious vectors, poll, AEOI, level mode through the ELCR.
 *
 * Rules kept here: each check prints what failed; the exit status is the
 * number of failed checks (0 = pass).
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "cpu.h"
#include "dev/pic.h"

#include "check.h"

static struct bus bus;
static cpu_t cpu;
static struct pic pic;

static void out(uint16_t port, uint8_t v) { bus_out(&bus, port, 1, v); }
static uint8_t in(uint16_t port) { return (uint8_t)bus_in(&bus, port, 1); }
static void irq(unsigned n, bool level) { pic_set_irq(&pic, n, level); }
static void pulse(unsigned n) { irq(n, false); irq(n, true); irq(n, false); }

static uint8_t irr(uint16_t base) { out(base, 0x0A); return in(base); }
static uint8_t isr(uint16_t base)
{
    out(base, 0x0B);
    uint8_t v = in(base);
    out(base, 0x0A);
    return v;
}

/* What a PC BIOS or Linux does: vectors 0x20 and 0x28, cascade on IR2. */
static void setup(uint8_t icw4)
{
    memset(&cpu, 0, sizeof cpu);
    bus_init(&bus);
    pic_init(&pic, &bus, &cpu);
    out(0x20, 0x11); out(0x21, 0x20); out(0x21, 0x04); out(0x21, icw4);
    out(0xA0, 0x11); out(0xA1, 0x28); out(0xA1, 0x02); out(0xA1, icw4);
}

static void test_init_and_ack(void)
{
    setup(0x01);
    CHECK(in(0x21) == 0x00 && in(0xA1) == 0x00);  /* ICW1 clears IMR */
    CHECK(!cpu.intr);
    irq(0, true);
    CHECK(cpu.intr && pic.intr);
    CHECK(irr(0x20) == 0x01);
    CHECK(pic_ack(&pic) == 0x20);
    CHECK(!cpu.intr);
    CHECK(isr(0x20) == 0x01 && irr(0x20) == 0x00);  /* INTA clears IRR (edge) */
    /* the input is still high: no new request without a new edge */
    out(0x20, 0x20);
    CHECK(isr(0x20) == 0 && !cpu.intr);
    irq(0, false);
    irq(0, true);
    CHECK(cpu.intr);
    CHECK(pic_ack(&pic) == 0x20);
    out(0x20, 0x20);
    irq(0, false);
}

static void test_priority_and_nesting(void)
{
    setup(0x01);
    irq(3, true);
    irq(1, true);
    CHECK(irr(0x20) == 0x0A);
    CHECK(pic_ack(&pic) == 0x21);        /* IR1 before IR3 */
    CHECK(!cpu.intr);                    /* IR3 waits behind IR1 in service */
    irq(0, true);
    CHECK(cpu.intr);                     /* IR0 beats IR1: nests */
    CHECK(pic_ack(&pic) == 0x20);
    CHECK(isr(0x20) == 0x03);
    out(0x20, 0x20);                     /* non-specific EOI: IR0 */
    CHECK(isr(0x20) == 0x02 && !cpu.intr);
    out(0x20, 0x61);                     /* specific EOI of IR1 */
    CHECK(isr(0x20) == 0x00 && cpu.intr);
    CHECK(pic_ack(&pic) == 0x23);
    out(0x20, 0x20);
    CHECK(isr(0x20) == 0 && !cpu.intr);
}

static void test_mask(void)
{
    setup(0x01);
    out(0x21, 0x02);
    CHECK(in(0x21) == 0x02);
    irq(1, true);
    CHECK(irr(0x20) == 0x02 && !cpu.intr);  /* masked requests stay in IRR */
    out(0x21, 0x00);
    CHECK(cpu.intr);
    CHECK(pic_ack(&pic) == 0x21);
    out(0x20, 0x20);
    /* a masked in-service level still blocks lower ones ... */
    irq(4, true);
    CHECK(pic_ack(&pic) == 0x24);
    irq(6, true);
    CHECK(!cpu.intr);
    out(0x21, 0x10);
    CHECK(!cpu.intr);
    /* ... except in special mask mode */
    out(0x20, 0x68);
    CHECK(cpu.intr);
    CHECK(pic_ack(&pic) == 0x26);
    out(0x20, 0x48);
    CHECK(isr(0x20) == 0x50);
}

static void test_spurious(void)
{
    setup(0x01);
    irq(5, true);
    CHECK(cpu.intr);
    irq(5, false);                       /* withdrawn before INTA */
    CHECK(!cpu.intr && irr(0x20) == 0);
    CHECK(pic_ack(&pic) == 0x27);        /* master IR7 vector ... */
    CHECK(isr(0x20) == 0);               /* ... and no ISR bit */
    /* The slave's: master IR2 acknowledged with nothing left on the slave. */
    pic.chip[0].irr |= 0x04;
    CHECK(pic_ack(&pic) == 0x2F);
    CHECK(isr(0x20) == 0x04 && isr(0xA0) == 0);
    out(0x20, 0x20);
}

static void test_cascade(void)
{
    setup(0x01);
    irq(12, true);
    CHECK(cpu.intr);
    CHECK(irr(0x20) == 0x04 && irr(0xA0) == 0x10);
    CHECK(pic_ack(&pic) == 0x2C);
    CHECK(isr(0x20) == 0x04 && isr(0xA0) == 0x10);
    CHECK(!cpu.intr);
    irq(8, true);                        /* beats IR12 on the slave ... */
    CHECK(!cpu.intr);                    /* ... but master IR2 is in service */
    out(0xA0, 0x20);                     /* slave EOI (IR12) */
    out(0x20, 0x20);                     /* master EOI (IR2) */
    CHECK(cpu.intr);
    CHECK(pic_ack(&pic) == 0x28);
    out(0xA0, 0x20); out(0x20, 0x20);
    /* the slave's IRQs sit at the master's IR2 position */
    irq(1, true);
    irq(9, true);
    irq(3, true);
    CHECK(pic_ack(&pic) == 0x21);
    out(0x20, 0x20);
    CHECK(pic_ack(&pic) == 0x29);
    out(0xA0, 0x20); out(0x20, 0x20);
    CHECK(pic_ack(&pic) == 0x23);
    out(0x20, 0x20);
    /* masking the cascade masks the whole slave */
    out(0x21, 0x04);
    pulse(10);
    irq(10, true);
    CHECK(!cpu.intr);
    out(0x21, 0x00);
    CHECK(cpu.intr && pic_ack(&pic) == 0x2A);
    out(0xA0, 0x20); out(0x20, 0x20);
    /* ISA IRQ2 arrives as IRQ9 */
    irq(9, false);
    irq(2, true);
    CHECK(irr(0xA0) == 0x02 && pic_ack(&pic) == 0x29);
}

static void test_rotation(void)
{
    setup(0x01);
    out(0x20, 0xC3);                     /* IR3 lowest: IR4 highest */
    irq(1, true);
    irq(5, true);
    CHECK(pic_ack(&pic) == 0x25);
    out(0x20, 0xA0);                     /* rotate on non-specific EOI: IR5 lowest */
    CHECK(isr(0x20) == 0);
    irq(7, true);
    CHECK(pic_ack(&pic) == 0x27);        /* 6,7 before 0,1 */
    out(0x20, 0xE7);                     /* rotate on specific EOI of IR7 */
    irq(6, true);
    CHECK(pic_ack(&pic) == 0x21);        /* 0,1 now before 6 */
    out(0x20, 0x20);
    CHECK(pic_ack(&pic) == 0x26);
    out(0x20, 0x20);
}

static void test_poll_and_aeoi(void)
{
    setup(0x01);
    irq(6, true);
    out(0x20, 0x0C);                     /* OCW3 poll */
    CHECK(in(0x20) == 0x86);
    CHECK(isr(0x20) == 0x40 && !cpu.intr);
    out(0x20, 0x0C);
    CHECK(in(0x20) == 0x00);             /* nothing pending */
    out(0x20, 0x20);

    setup(0x03);                         /* AEOI */
    irq(3, true);
    CHECK(pic_ack(&pic) == 0x23);
    CHECK(isr(0x20) == 0);
    irq(4, true);
    CHECK(cpu.intr && pic_ack(&pic) == 0x24);
}

static void test_level_elcr(void)
{
    setup(0x01);
    out(0x4D0, 0xFF);
    out(0x4D1, 0xFF);
    CHECK(in(0x4D0) == 0xF8 && in(0x4D1) == 0xDE);
    out(0x4D0, 0x20);
    irq(5, true);
    CHECK(pic_ack(&pic) == 0x25);
    CHECK(irr(0x20) == 0x20);            /* level: IRR follows the input */
    CHECK(!cpu.intr);
    out(0x20, 0x20);
    CHECK(cpu.intr);                     /* still asserted: delivered again */
    irq(5, false);
    CHECK(!cpu.intr && irr(0x20) == 0);
}

static void test_wide_io_and_reinit(void)
{
    setup(0x01);
    out(0x21, 0xB8);
    irq(0, true);
    CHECK(bus_in(&bus, 0x20, 2) == 0xB801);
    /* ICW1 again: IRR and ISR cleared, input high needs a new edge */
    out(0x20, 0x11); out(0x21, 0x30); out(0x21, 0x04); out(0x21, 0x01);
    CHECK(irr(0x20) == 0 && !cpu.intr);
    irq(0, false);
    irq(0, true);
    CHECK(pic_ack(&pic) == 0x30);
    /* single mode, no ICW4: ICW3 is skipped */
    memset(&cpu, 0, sizeof cpu);
    bus_init(&bus);
    pic_init(&pic, &bus, &cpu);
    out(0x20, 0x12); out(0x21, 0x40);
    CHECK(pic.chip[0].init_next == 0);
    out(0x21, 0xFE);
    CHECK(in(0x21) == 0xFE);
    irq(2, true);                        /* no cascade: IR2 is an input */
    irq(0, true);
    CHECK(pic_ack(&pic) == 0x40);
}

int main(void)
{
    test_init_and_ack();
    test_priority_and_nesting();
    test_mask();
    test_spurious();
    test_cascade();
    test_rotation();
    test_poll_and_aeoi();
    test_level_elcr();
    test_wide_io_and_reinit();
    printf("test_pic: %d failure(s)\n", failures);
    return failures;
}
