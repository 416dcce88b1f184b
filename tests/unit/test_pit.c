/*
 * test_pit.c: the 8254 (emu/dev/pit.c) on a bare bus and a virtual clock
 * run from a fake instruction counter (1 instruction = 1 ns): IRQ0 edge
 * counts at 100 Hz and 1000 Hz with no drift over an emulated hour,
 * modes 0, 2, 3, 4, counter latch, read-back status, BCD, a count
 * reloaded at the end of a period, port 0x61, and channel 2's gate
 * (modes 1 and 5 triggered by it, mode 2 stopped and reloaded).
 *
 * Rules kept here: time only moves through advance_to(), which stops at
 * every timer deadline like the machine loop; the exit status is the
 * number of failed checks (0 = pass).
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "vtime.h"
#include "dev/pit.h"

#include "check.h"

static struct bus bus;
static uint64_t icount;
static struct vclock vc;
static struct pit pit;

/* IRQ0 as the PIC would see it. */
static bool level;
static uint64_t edges;

static void irq0_set(void *opaque, unsigned irq, bool l)
{
    (void)opaque;
    (void)irq;
    if (l && !level)
        edges++;
    level = l;
}

static void out(uint16_t port, uint8_t v) { bus_out(&bus, port, 1, v); }
static uint8_t in(uint16_t port) { return (uint8_t)bus_in(&bus, port, 1); }

/* LSB then MSB from a counter port (two reads, in that order). */
static uint16_t in16(uint16_t port)
{
    uint8_t lo = in(port);
    return (uint16_t)(lo | in(port) << 8);
}

static uint64_t ns_of_tick(uint64_t t)
{
    return t / PIT_HZ * NS_PER_SEC + (t % PIT_HZ * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t now_tick(void) { return pit_ticks(&pit); }

static void advance_to(uint64_t ns)
{
    while (vclock_next_deadline(&vc) <= ns) {
        if (vclock_next_deadline(&vc) > icount)
            icount = vclock_next_deadline(&vc);
        vclock_run_expired(&vc);
    }
    icount = ns;
    vclock_run_expired(&vc);
}

static void advance_ticks(uint64_t t) { advance_to(ns_of_tick(now_tick() + t)); }

static void setup(uint64_t start_ns)
{
    bus_init(&bus);
    icount = start_ns;
    vclock_init(&vc, &icount, NS_PER_SEC, false);
    level = false;
    edges = 0;
    pit_init(&pit, &bus, &vc, (struct irq_line){irq0_set, NULL, 0});
}

/* Channel 0, LSB then MSB, the given mode. */
static void program0(unsigned mode, uint16_t count)
{
    out(0x43, (uint8_t)(0x30 | mode << 1));
    out(0x40, (uint8_t)count);
    out(0x40, (uint8_t)(count >> 8));
}

static void test_periodic_no_drift(unsigned mode, uint16_t n, uint64_t seconds)
{
    setup(12345);  /* start off a tick boundary */
    program0(mode, n);
    uint64_t load = now_tick() + 1, base = edges;
    CHECK(base == 1);  /* the control word raised OUT from power-on low */
    advance_to(seconds * NS_PER_SEC);
    /* edges at load + k*n, k >= 1, up to now */
    uint64_t expect = (now_tick() - load) / (n ? n : 65536);
    edges -= base;
    CHECK(edges == expect);
    CHECK(pit.irq0_edges - base == expect);
    if (edges != expect)
        printf("  mode %u n=%u: %llu edges, expected %llu\n", mode, n,
               (unsigned long long)edges, (unsigned long long)expect);
}

/* 100 Hz: every emulated second from the first edge holds exactly 100. */
static void test_100hz(void)
{
    setup(0);
    program0(2, 11932);  /* 1193182 / 100, rounded */
    edges = 0;
    while (edges == 0)
        advance_to(vclock_next_deadline(&vc));
    uint64_t first = vclock_now(&vc);
    for (int s = 0; s < 5; s++) {
        uint64_t before = edges;
        advance_to(first + (uint64_t)(s + 1) * NS_PER_SEC - 1);
        uint64_t in_second = edges - before + (s == 0);
        CHECK(in_second == 100 || (s > 0 && in_second == 99));
    }
    /* and an hour holds 3600 * 1193182 / 11932 of them, to the edge */
    test_periodic_no_drift(2, 11932, 3600);
    test_periodic_no_drift(3, 11932, 3600);
    test_periodic_no_drift(2, 1193, 60);     /* 1000 Hz */
    test_periodic_no_drift(3, 0, 30);        /* 0 = 65536: 18.2 Hz */
    test_periodic_no_drift(3, 3, 1);         /* odd count, 400 kHz */
}

static void test_mode0(void)
{
    setup(0);
    out(0x43, 0x30);
    CHECK(!level);
    out(0x40, 0xE8);
    out(0x40, 0x03);                     /* 1000 */
    uint64_t load = now_tick() + 1;
    advance_to(ns_of_tick(load + 999));
    CHECK(!level && edges == 0);
    out(0x43, 0xE2);                     /* read-back: status of ch0 */
    CHECK(in(0x40) == 0x30);             /* OUT low, count loaded, rw 3, mode 0 */
    advance_to(ns_of_tick(load + 1000));
    CHECK(level && edges == 1);
    out(0x43, 0xE2);
    CHECK(in(0x40) == 0xB0);
    advance_ticks(100000);
    CHECK(level && edges == 1);          /* one-shot: stays high */
    /* the CE wraps and keeps counting after terminal count */
    out(0x43, 0x00);
    uint16_t ce = in16(0x40);
    CHECK(ce == (uint16_t)(1000 - (now_tick() - load)));
    /* a new count lowers OUT again */
    out(0x40, 10);
    CHECK(!level);                       /* first byte: counting stops */
    out(0x40, 0);
    advance_ticks(20);
    CHECK(level && edges == 2);
}

static void test_mode4(void)
{
    setup(0);
    program0(4, 500);
    uint64_t load = now_tick() + 1;
    CHECK(level && edges == 1);  /* the control word raised OUT */
    edges = 0;
    advance_to(ns_of_tick(load + 500));
    CHECK(edges == 0);
    advance_to(ns_of_tick(load + 501));  /* strobe ends: OUT rises */
    CHECK(edges == 1 && level);
    advance_ticks(200000);
    CHECK(edges == 1);
}

static void test_latch_and_readback(void)
{
    setup(0);
    out(0x43, 0x34);                     /* ch0 mode 2 rw 3 */
    out(0x40, 0x00);
    out(0x40, 0x10);                     /* 4096 */
    out(0x43, 0xE2);
    CHECK(in(0x40) == 0xF4);             /* OUT high, null count: not loaded yet */
    uint64_t load = now_tick() + 1;
    advance_to(ns_of_tick(load + 100));
    out(0x43, 0xE2);
    CHECK(in(0x40) == 0x34 + 0x80);      /* OUT high, loaded */
    out(0x43, 0x00);                     /* latch */
    advance_ticks(50);
    out(0x43, 0x00);                     /* ignored: already latched */
    CHECK(in(0x40) == (uint8_t)(4096 - 100));
    CHECK(in(0x40) == (uint8_t)((4096 - 100) >> 8));
    /* live read after the latch is released */
    uint16_t live = in16(0x40);
    CHECK(live == 4096 - 150);
    /* read-back of count and status: status first, then the count */
    out(0x43, 0xC2);
    CHECK(in(0x40) == 0xB4);
    CHECK(in(0x40) == (uint8_t)(4096 - 150));
    CHECK(in(0x40) == (uint8_t)((4096 - 150) >> 8));
    /* OUT low during the clock where the CE is 1 */
    advance_to(ns_of_tick(load + 4095));
    out(0x43, 0xE2);
    CHECK(in(0x40) == 0x34);
    /* LSB-only and MSB-only access modes on channel 1 */
    out(0x43, 0x54);                     /* ch1 mode 2 LSB only */
    out(0x41, 18);
    uint64_t load1 = now_tick() + 1;
    advance_to(ns_of_tick(load1 + 5));
    CHECK(in(0x41) == 13);
    CHECK(in(0x41) == 13);
    out(0x43, 0x64);                     /* ch1 mode 2 MSB only */
    out(0x41, 0x02);                     /* 512 */
    load1 = now_tick() + 1;
    advance_to(ns_of_tick(load1 + 256));
    CHECK(in(0x41) == 0x01);
}

static void test_bcd(void)
{
    setup(0);
    out(0x43, 0x35);                     /* ch0 mode 2 BCD */
    out(0x40, 0x00);
    out(0x40, 0x10);                     /* 1000 decimal */
    uint64_t load = now_tick() + 1;
    edges = 0;
    advance_to(ns_of_tick(load + 1));
    out(0x43, 0x00);
    CHECK(in(0x40) == 0x99 && in(0x40) == 0x09);  /* 0999 */
    advance_to(ns_of_tick(load + 10 * 1000));
    CHECK(edges == 10);
}

static void test_reload_at_period_end(void)
{
    setup(0);
    program0(2, 1000);
    uint64_t load = now_tick() + 1;
    edges = 0;
    advance_to(ns_of_tick(load + 1500));
    CHECK(edges == 1);
    out(0x40, 0xD0);
    out(0x40, 0x07);                     /* 2000, while counting */
    out(0x43, 0xE2);
    CHECK(in(0x40) & 0x40);              /* null count until the period ends */
    advance_to(ns_of_tick(load + 2000));
    CHECK(edges == 2);                   /* the old period finished */
    advance_to(ns_of_tick(load + 3999));
    CHECK(edges == 2);
    advance_to(ns_of_tick(load + 4000));
    CHECK(edges == 3);                   /* then the new one */
}

static void test_port61(void)
{
    setup(0);
    CHECK((in(0x61) & 0x0F) == 0);
    out(0x61, 0x03);                     /* gate 2 on, speaker data on */
    CHECK((in(0x61) & 0x0F) == 0x03);
    /* channel 2 mode 0: OUT (bit 5) rises at terminal count */
    out(0x43, 0xB0);
    out(0x42, 100);
    out(0x42, 0);
    uint64_t load = now_tick() + 1;
    CHECK(!(in(0x61) & 0x20));
    advance_to(ns_of_tick(load + 99));
    CHECK(!(in(0x61) & 0x20));
    advance_to(ns_of_tick(load + 100));
    CHECK(in(0x61) & 0x20);
    /* gate low pauses mode 0 */
    out(0x43, 0xB0);
    out(0x42, 0xFF);
    out(0x42, 0xFF);
    advance_ticks(10);
    out(0x61, 0x00);
    out(0x43, 0x80);
    uint16_t a = in16(0x42);
    advance_ticks(1000);
    out(0x43, 0x80);
    uint16_t b = in16(0x42);
    CHECK(a == b && a < 0xFFFF && a > 0xFFF0);
    out(0x61, 0x01);
    advance_ticks(1000);
    out(0x43, 0x80);
    uint16_t c = in16(0x42);
    CHECK(c == a - 999);                 /* resumes a clock after the gate rises */
    /* mode 3 square wave on bit 5: 50 ticks high, 50 low */
    out(0x43, 0xB6);
    out(0x42, 100);
    out(0x42, 0);
    load = now_tick() + 1;
    advance_to(ns_of_tick(load + 49));
    CHECK(in(0x61) & 0x20);
    advance_to(ns_of_tick(load + 50));
    CHECK(!(in(0x61) & 0x20));
    advance_to(ns_of_tick(load + 100));
    CHECK(in(0x61) & 0x20);
    /* the refresh bit toggles with time */
    unsigned toggles = 0;
    uint8_t last = in(0x61) & 0x10;
    for (int k = 0; k < 100; k++) {
        advance_to(vclock_now(&vc) + 1000);
        uint8_t r = in(0x61) & 0x10;
        toggles += r != last;
        last = r;
    }
    CHECK(toggles >= 5 && toggles <= 7);  /* 100 us / 15.09 us */
}

/* Channel 2's gate (port 0x61 bit 0) triggers modes 1 and 5 and stops
 * mode 2 with OUT high until a rising edge reloads it. */
static void test_gate_triggered(void)
{
    setup(0);
    out(0x61, 0x00);
    out(0x43, 0xB2);                     /* ch2 mode 1: hardware one-shot */
    out(0x42, 50);
    out(0x42, 0);
    advance_ticks(100);
    CHECK(in(0x61) & 0x20);              /* waiting for a trigger: OUT high */
    out(0x61, 0x01);
    uint64_t load = now_tick() + 1;
    advance_to(ns_of_tick(load));
    CHECK(!(in(0x61) & 0x20));
    advance_to(ns_of_tick(load + 49));
    CHECK(!(in(0x61) & 0x20));
    advance_to(ns_of_tick(load + 50));
    CHECK(in(0x61) & 0x20);
    out(0x61, 0x00);                     /* retrigger */
    out(0x61, 0x01);
    load = now_tick() + 1;
    advance_to(ns_of_tick(load + 10));
    CHECK(!(in(0x61) & 0x20));
    out(0x43, 0x80);
    CHECK(in16(0x42) == 40);

    out(0x61, 0x00);
    out(0x43, 0xBA);                     /* ch2 mode 5: hardware strobe */
    out(0x42, 20);
    out(0x42, 0);
    out(0x61, 0x01);
    load = now_tick() + 1;
    advance_to(ns_of_tick(load + 19));
    CHECK(in(0x61) & 0x20);
    advance_to(ns_of_tick(load + 20));
    CHECK(!(in(0x61) & 0x20));
    advance_to(ns_of_tick(load + 21));
    CHECK(in(0x61) & 0x20);

    out(0x43, 0xB4);                     /* ch2 mode 2, gate high */
    out(0x42, 100);
    out(0x42, 0);
    load = now_tick() + 1;
    advance_to(ns_of_tick(load + 30));
    out(0x61, 0x00);
    CHECK(in(0x61) & 0x20);
    out(0x43, 0x80);
    CHECK(in16(0x42) == 70);             /* stopped where it was */
    advance_ticks(500);
    out(0x61, 0x01);
    load = now_tick() + 1;
    advance_to(ns_of_tick(load + 5));
    out(0x43, 0x80);
    CHECK(in16(0x42) == 95);             /* reloaded by the rising gate */
}

int main(void)
{
    test_100hz();
    test_mode0();
    test_mode4();
    test_latch_and_readback();
    test_bcd();
    test_reload_at_period_end();
    test_port61();
    test_gate_triggered();
    printf("test_pit: %d failure(s)\n", failures);
    return failures;
}
