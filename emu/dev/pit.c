/*
 * pit.c: the Intel 8254 interval timer and port 0x61 (see pit.h).
 * References are to the Intel 8254 datasheet (231164).
 *
 * Rules kept here:
 *  - Time is the virtual clock only. Tick t of the 1.193182 MHz input is
 *    the first instant with floor(ns * PIT_HZ / 1e9) >= t; both directions
 *    are exact integer arithmetic, so ticks_of_ns(ns_of_tick(t)) == t and
 *    a periodic channel's edges at load + k*N never drift.
 *  - A counter is a formula, not a loop: the counting element (CE) was
 *    loaded with load_value at load_tick, and its value and OUT at tick
 *    `now` follow from now - load_tick and the mode. Nothing is stepped.
 *  - A count written takes effect at the next clock (load_tick = now + 1),
 *    except in modes 2 and 3 while counting, where it waits for the end of
 *    the current period.
 *  - Channel 0's OUT is IRQ0. Modes 2 and 3 pulse the line once per
 *    period at the instant OUT rises (reload), so a request is latched
 *    once per period even when the guest runs with interrupts off across
 *    the low half of a square wave; the line is otherwise left high.
 *    Mode 0 follows OUT (low on programming, high at terminal count);
 *    mode 4 pulses at the end of its one-clock strobe.
 *  - Gates: channels 0 and 1 are tied high; channel 2's gate is port 0x61
 *    bit 0, and gate edges are honoured in every mode.
 *  - Simplified: in mode 3 a count written while counting is loaded at the
 *    end of the period rather than of the half period; in mode 3 with an
 *    odd count the CE reads N-1, N-3, ... in both halves; counts of 1 in
 *    modes 2 and 3 (illegal per the datasheet) act as 2.
 */
#include "dev/pit.h"

#include <string.h>

#include "bus.h"

#define REFRESH_TICKS 18  /* channel 1 as every PC BIOS programs it: 15.09 us */

/* ---- time ---- */

static uint64_t ticks_of_ns(uint64_t ns)
{
    return ns / NS_PER_SEC * PIT_HZ + ns % NS_PER_SEC * PIT_HZ / NS_PER_SEC;
}

static uint64_t ns_of_tick(uint64_t t)
{
    return t / PIT_HZ * NS_PER_SEC + (t % PIT_HZ * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

uint64_t pit_ticks(const struct pit *p)
{
    return ticks_of_ns(vclock_now(p->clock));
}

/* ---- one counter as a function of time ---- */

static uint32_t modulus(const struct pit_channel *c)
{
    return c->bcd ? 10000 : 65536;
}

/* Clocks from load to terminal count (a CE of 0 counts the full modulus). */
static uint32_t term(const struct pit_channel *c)
{
    return c->load_value ? c->load_value : modulus(c);
}

/* Period of modes 2 and 3. */
static uint32_t period(const struct pit_channel *c)
{
    return c->reload < 2 ? 2 : c->reload;
}

static bool periodic(const struct pit_channel *c)
{
    return c->mode == 2 || c->mode == 3;
}

/* Load a mode 2/3 count that was waiting for its period to end. */
static void settle(struct pit_channel *c, uint64_t now)
{
    if (c->pending && now >= c->pending_tick) {
        c->load_tick = c->pending_tick;
        c->reload = c->pending_reload;
        c->load_value = c->reload % modulus(c);
        c->pending = false;
    }
}

/* Counting, and the CE already loaded. */
static bool loaded(const struct pit_channel *c, uint64_t now)
{
    return c->running && now >= c->load_tick;
}

/* The CE value at tick now, 0..modulus-1 in binary. */
static uint32_t ce_at(const struct pit_channel *c, uint64_t now)
{
    uint32_t m = modulus(c);
    if (!loaded(c, now))
        return c->frozen;
    uint64_t e = now - c->load_tick;
    if (c->mode == 2) {
        uint32_t n = period(c);
        return (n - (uint32_t)(e % n)) % m;
    }
    if (c->mode == 3) {
        /* Datasheet "Mode 3": the CE is decremented by two on each clock;
         * OUT is high for (N+1)/2 clocks and low for (N-1)/2. */
        uint32_t n = period(c), hi = (n + 1) / 2, ph = (uint32_t)(e % n);
        uint32_t start = n & ~1u;
        return (ph < hi ? start - 2 * ph : start - 2 * (ph - hi)) % m;
    }
    return (uint32_t)((c->load_value + m - e % m) % m);
}

static bool out_at(const struct pit_channel *c, uint64_t now)
{
    bool ld = loaded(c, now);
    uint64_t e = ld ? now - c->load_tick : 0;
    switch (c->mode) {
    case 0:  /* interrupt on terminal count: low until the count expires */
        return c->done || (ld && e >= term(c));
    case 1:  /* one-shot: low from the trigger to terminal count */
        return !ld || c->done || e >= term(c);
    case 2:  /* rate generator: low for the clock where the CE is 1 */
        return !ld || e % period(c) != period(c) - 1;
    case 3:  /* square wave */
        return !ld || e % period(c) < (period(c) + 1) / 2;
    default: /* strobes (4, 5): low for the one clock after terminal count */
        return !ld || c->done || e != term(c);
    }
}

/* Stop the CE where it is (gate low, or before a reprogramming). */
static void freeze(struct pit_channel *c, uint64_t now)
{
    if (loaded(c, now) && c->mode != 2 && c->mode != 3 && now - c->load_tick >= term(c))
        c->done = true;
    c->frozen = ce_at(c, now);
    c->running = false;
}

static uint8_t to_bcd(uint32_t v)
{
    return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

/* The CE as the guest reads it: 16 bits, four BCD digits in BCD mode. */
static uint16_t ce_read(const struct pit_channel *c, uint64_t now)
{
    uint32_t v = ce_at(c, now);
    if (c->bcd)
        return (uint16_t)(to_bcd(v / 100) << 8 | to_bcd(v % 100));
    return (uint16_t)v;
}

/* Datasheet "Read-back command": OUT, NULL COUNT, RW1-0, M2-M0, BCD. */
static uint8_t status_at(const struct pit_channel *c, uint64_t now)
{
    bool null_count = !c->armed || (c->running && now < c->load_tick) || c->pending;
    return (uint8_t)(out_at(c, now) << 7 | null_count << 6 | c->rw << 4 |
                     c->mode_bits << 1 | c->bcd);
}

/* ---- channel 0 and IRQ0 ---- */

static void set_line(struct pit *p, bool level)
{
    if (level == p->line)
        return;
    p->line = level;
    if (level) {
        p->irq0_edges++;
        irq_raise(&p->irq0);
    } else {
        irq_lower(&p->irq0);
    }
}

static void pulse_line(struct pit *p)
{
    p->line = true;
    p->irq0_edges++;
    irq_pulse(&p->irq0);
}

/* The first tick after `now` where channel 0 changes IRQ0, or
 * VTIME_NEVER. */
static uint64_t next_edge(const struct pit_channel *c, uint64_t now)
{
    if (!c->running)
        return VTIME_NEVER;
    if (periodic(c)) {
        uint64_t n = period(c);
        if (now < c->load_tick)
            return c->load_tick + n;
        return c->load_tick + ((now - c->load_tick) / n + 1) * n;
    }
    if (c->done)
        return VTIME_NEVER;
    uint64_t t;
    if (c->mode == 0)
        t = c->load_tick + term(c);
    else if (c->mode == 4 || c->mode == 5)
        t = c->load_tick + term(c) + 1;
    else
        return VTIME_NEVER;
    return t > now ? t : VTIME_NEVER;
}

static void schedule(struct pit *p, uint64_t now)
{
    uint64_t t = next_edge(&p->ch[0], now);
    p->edge_tick = t;
    if (t == VTIME_NEVER)
        vtimer_cancel(p->clock, &p->timer);
    else
        vtimer_arm(p->clock, &p->timer, ns_of_tick(t));
}

static void pit_timer(void *opaque, uint64_t now_ns)
{
    struct pit *p = opaque;
    struct pit_channel *c = &p->ch[0];
    uint64_t now = ticks_of_ns(now_ns);
    if (p->edge_tick <= now) {
        if (c->mode == 0)
            set_line(p, true);
        else
            pulse_line(p);
        if (!periodic(c))
            c->done = true;
    }
    settle(c, now);
    schedule(p, now);
}

/* ---- programming ---- */

static uint32_t from_bcd(uint32_t v)
{
    return (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
}

/* Control word for one counter: datasheet "Write operations": all its
 * control logic is reset and OUT goes to the mode's initial state (low in
 * mode 0, high otherwise); it waits for a count. */
static void control(struct pit *p, unsigned ch, uint8_t v, uint64_t now)
{
    struct pit_channel *c = &p->ch[ch];
    settle(c, now);
    freeze(c, now);
    c->rw = v >> 4 & 3;
    c->mode_bits = v >> 1 & 7;
    c->mode = c->mode_bits >= 6 ? c->mode_bits - 4 : c->mode_bits;
    c->bcd = v & 1;
    c->armed = c->done = c->pending = false;
    c->write_msb = c->read_msb = c->latch_msb = false;
    c->count_latched = c->status_latched = false;
    if (ch == 0) {
        set_line(p, c->mode != 0);
        schedule(p, now);
    }
}

static void load_count(struct pit *p, unsigned ch, uint32_t value, uint64_t now)
{
    struct pit_channel *c = &p->ch[ch];
    uint32_t m = modulus(c), n = c->bcd ? from_bcd(value) % m : value % m;
    if (n == 0)
        n = m;
    settle(c, now);
    if (periodic(c) && c->armed && loaded(c, now)) {
        /* Modes 2 and 3: the current period runs to its end first. */
        uint64_t per = period(c);
        c->pending = true;
        c->pending_reload = n;
        c->pending_tick = c->load_tick + ((now - c->load_tick) / per + 1) * per;
    } else if ((c->mode == 1 || c->mode == 5) && c->armed) {
        c->reload = n;  /* used at the next gate trigger */
    } else {
        freeze(c, now);
        c->reload = n;
        c->load_value = n % m;
        c->load_tick = now + 1;
        c->done = c->pending = false;
        c->running = c->gate && c->mode != 1 && c->mode != 5;
        if (!c->running)
            c->frozen = c->load_value;  /* loaded, but not counting */
        c->armed = true;
    }
    if (ch == 0) {
        if (c->mode == 0)
            set_line(p, false);
        schedule(p, now);
    }
}

static void write_count(struct pit *p, unsigned ch, uint8_t v, uint64_t now)
{
    struct pit_channel *c = &p->ch[ch];
    switch (c->rw) {
    case 1:
        load_count(p, ch, v, now);
        break;
    case 2:
        load_count(p, ch, (uint32_t)v << 8, now);
        break;
    case 3:
        if (!c->write_msb) {
            c->write_lsb = v;
            c->write_msb = true;
            /* Mode 0: "writing the first byte disables counting; OUT is
             * set low immediately". */
            if (c->mode == 0 && c->armed) {
                settle(c, now);
                freeze(c, now);
                c->done = false;
                if (ch == 0) {
                    set_line(p, false);
                    schedule(p, now);
                }
            }
        } else {
            c->write_msb = false;
            load_count(p, ch, c->write_lsb | (uint32_t)v << 8, now);
        }
        break;
    }
}

static void latch_count(struct pit_channel *c, uint64_t now)
{
    if (c->count_latched)
        return;  /* "subsequent latch commands are ignored until read" */
    c->count_latched = true;
    c->latch_msb = false;
    c->latch = ce_read(c, now);
}

static void latch_status(struct pit_channel *c, uint64_t now)
{
    if (c->status_latched)
        return;
    c->status_latched = true;
    c->status = status_at(c, now);
}

static void write_mode(struct pit *p, uint8_t v, uint64_t now)
{
    unsigned sc = v >> 6;
    if (sc == 3) {
        /* Read-back: bit 5 = /COUNT, bit 4 = /STATUS, bits 3-1 select. */
        for (unsigned ch = 0; ch < 3; ch++) {
            if (!(v & 2u << ch))
                continue;
            settle(&p->ch[ch], now);
            if (!(v & 0x20))
                latch_count(&p->ch[ch], now);
            if (!(v & 0x10))
                latch_status(&p->ch[ch], now);
        }
    } else if ((v & 0x30) == 0) {
        settle(&p->ch[sc], now);
        latch_count(&p->ch[sc], now);
    } else {
        control(p, sc, v, now);
    }
}

/* One byte from a counter port: a latched status first, then a latched
 * count, else the live CE. */
static uint8_t read_count(struct pit_channel *c, uint64_t now)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    settle(c, now);
    uint16_t v = c->count_latched ? c->latch : ce_read(c, now);
    bool *msb = c->count_latched ? &c->latch_msb : &c->read_msb;
    bool high = c->rw == 2 || (c->rw == 3 && *msb);
    if (c->rw == 3)
        *msb = !*msb;
    if (c->count_latched && (c->rw != 3 || !*msb))
        c->count_latched = false;
    return (uint8_t)(high ? v >> 8 : v);
}

/* Gate edges (datasheet "Gate"): modes 0 and 4 pause while the gate is
 * low; modes 2 and 3 stop with OUT high and reload on the rising edge;
 * modes 1 and 5 are triggered by the rising edge. */
static void set_gate(struct pit_channel *c, bool gate, uint64_t now)
{
    if (gate == c->gate)
        return;
    settle(c, now);
    c->gate = gate;
    if (!c->armed)
        return;
    if (!gate) {
        if (c->mode != 1 && c->mode != 5)
            freeze(c, now);
        if (c->pending)
            c->reload = c->pending_reload;
        c->pending = false;
        return;
    }
    c->load_tick = now + 1;
    c->running = true;
    if (c->mode == 0 || c->mode == 4) {
        c->load_value = c->frozen;
    } else {
        c->load_value = c->reload % modulus(c);
        c->done = false;
    }
}

bool pit_out(struct pit *p, unsigned ch)
{
    uint64_t now = pit_ticks(p);
    settle(&p->ch[ch], now);
    return out_at(&p->ch[ch], now);
}

/* ---- ports ---- */

/* Port B (0x61) on the AT: bits 0-3 read back as written; bit 4 toggles
 * with every DRAM refresh request (derived from time); bit 5 is channel 2's
 * OUT; bits 6-7 (parity and I/O channel check) read 0. */
static uint8_t port61_read(struct pit *p, uint64_t now)
{
    bool refresh = now / REFRESH_TICKS & 1;
    settle(&p->ch[2], now);
    return (uint8_t)((p->port61 & 0x0F) | refresh << 4 | out_at(&p->ch[2], now) << 5);
}

static uint8_t pit_read_byte(void *opaque, uint16_t port)
{
    struct pit *p = opaque;
    uint64_t now = pit_ticks(p);
    if (port == 0x61)
        return port61_read(p, now);
    if (port == 0x43)
        return 0xFF;  /* the control word register cannot be read */
    return read_count(&p->ch[port - 0x40], now);
}

static void pit_write_byte(void *opaque, uint16_t port, uint8_t v)
{
    struct pit *p = opaque;
    uint64_t now = pit_ticks(p);
    if (port == 0x61) {
        p->port61 = v & 0x0F;
        set_gate(&p->ch[2], v & 1, now);
    } else if (port == 0x43) {
        write_mode(p, v, now);
    } else {
        write_count(p, port - 0x40, v, now);
    }
}


/* Power-on: the counters hold no count (their mode and OUT are undefined
 * until programmed, datasheet "Operational description"), so nothing
 * happens until the BIOS or the OS programs them. */
void pit_init(struct pit *p, struct bus *b, struct vclock *clock, struct irq_line irq0)
{
    memset(p, 0, sizeof *p);
    p->clock = clock;
    p->irq0 = irq0;
    vtimer_init(&p->timer, pit_timer, p);
    p->edge_tick = VTIME_NEVER;
    for (unsigned ch = 0; ch < 3; ch++) {
        p->ch[ch].rw = 3;
        p->ch[ch].mode = p->ch[ch].mode_bits = 3;
        p->ch[ch].gate = ch != 2;
    }
    if (b) {
        bus_register_io8(b, 0x40, 4, pit_read_byte, pit_write_byte, p);
        bus_register_io8(b, 0x61, 1, pit_read_byte, pit_write_byte, p);
    }
}
