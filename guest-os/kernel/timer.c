/*
 * timer.c: the 8254 PIT's channel 0 interrupting HZ times a second, and
 * the wall clock: the MC146818 RTC read once at boot, then advanced by the
 * tick count.
 *
 * Rules kept here:
 *  - ticks is written only by the timer interrupt; readers on a 32-bit CPU
 *    take it with interrupts off, since a 64-bit load is two loads.
 *  - The RTC is read between updates: wait for UIP (update in progress)
 *    to clear, read, and read again until two readings agree (MC146818
 *    datasheet, "update cycle").
 */
#include "ktime.h"
#include "lib.h"
#include "pic.h"
#include "sched.h"
#include "trap.h"
#include "x86.h"

#define PIT_HZ 1193182u
#define PIT_DIVISOR ((PIT_HZ + HZ / 2) / HZ)
#define PIT_CH0 0x40
#define PIT_CMD 0x43

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static volatile uint64_t ticks;
static uint32_t boot_time;

#define TICK_HOOKS 4
static void (*tick_hooks[TICK_HOOKS])(uint64_t now);

void timer_on_tick(void (*fn)(uint64_t now))
{
    for (unsigned i = 0; i < TICK_HOOKS; i++) {
        if (!tick_hooks[i]) {
            tick_hooks[i] = fn;
            return;
        }
    }
    panic("timer: more than %u tick hooks", TICK_HOOKS);
}

static void timer_interrupt(void)
{
    ticks++;
    for (unsigned i = 0; i < TICK_HOOKS && tick_hooks[i]; i++)
        tick_hooks[i](ticks);
    sched_tick();
}

void timer_init(void)
{
    outb(PIT_CMD, 0x34);             /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
    outb(PIT_CH0, PIT_DIVISOR & 0xFF);
    outb(PIT_CH0, PIT_DIVISOR >> 8);
    irq_register(IRQ_TIMER, timer_interrupt);
    pic_enable(IRQ_TIMER);
}

uint64_t ticks_now(void)
{
    uint32_t f = irq_save();
    uint64_t t = ticks;
    irq_restore(f);
    return t;
}

uint64_t uptime_ns(void)
{
    uint32_t f = irq_save();
    outb(PIT_CMD, 0x00);             /* latch channel 0 */
    unsigned lo = inb(PIT_CH0);
    unsigned count = lo | (unsigned)inb(PIT_CH0) << 8;
    uint64_t t = ticks;
    irq_restore(f);
    uint64_t elapsed = count < PIT_DIVISOR ? PIT_DIVISOR - count : 0;
    return t * (1000000000ull / HZ) + elapsed * 1000000000ull / PIT_HZ;
}

uint32_t time_now(void)
{
    return boot_time + (uint32_t)(ticks_now() / HZ);
}

static unsigned cmos_read(unsigned reg)
{
    outb(CMOS_INDEX, (uint8_t)reg);
    return inb(CMOS_DATA);
}

struct rtc_reading {
    unsigned sec, min, hour, day, month, year;
};

static void rtc_read(struct rtc_reading *r)
{
    while (cmos_read(0x0A) & 0x80)
        ;
    r->sec = cmos_read(0x00);
    r->min = cmos_read(0x02);
    r->hour = cmos_read(0x04);
    r->day = cmos_read(0x07);
    r->month = cmos_read(0x08);
    r->year = cmos_read(0x09);
}

static unsigned from_bcd(unsigned v) { return (v >> 4) * 10 + (v & 0xF); }

/* Days from 1970-01-01 to year-month-day (civil calendar). */
static uint32_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
    static const unsigned before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    uint32_t days = (y - 1970) * 365 + before_month[(m - 1) % 12] + d - 1;
    days += (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400;
    if (m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        days++;
    return days;
}

void rtc_init(void)
{
    struct rtc_reading a, b;
    rtc_read(&b);
    do {
        a = b;
        rtc_read(&b);
    } while (memcmp(&a, &b, sizeof a) != 0);
    unsigned status_b = cmos_read(0x0B);
    bool pm = !(status_b & 0x02) && (a.hour & 0x80);
    a.hour &= 0x7F;
    if (!(status_b & 0x04)) {
        a.sec = from_bcd(a.sec);
        a.min = from_bcd(a.min);
        a.hour = from_bcd(a.hour);
        a.day = from_bcd(a.day);
        a.month = from_bcd(a.month);
        a.year = from_bcd(a.year);
    }
    if (pm)
        a.hour = (a.hour % 12) + 12;
    unsigned year = a.year + (a.year < 70 ? 2000 : 1900);
    if (a.month < 1 || a.month > 12 || a.day < 1 || a.day > 31) {
        printk("rtc: the clock reads nonsense, starting at 1970\n");
        return;
    }
    boot_time = days_since_epoch(year, a.month, a.day) * 86400u + a.hour * 3600u + a.min * 60u + a.sec;
}
