/*
 * ktime.h: the kernel's clocks. The PIT interrupts HZ times a second;
 * wall-clock time is the CMOS clock read at boot plus the ticks since.
 */
#ifndef KERNEL_KTIME_H
#define KERNEL_KTIME_H

#include <stdint.h>

#define HZ 100
#define MS_PER_TICK (1000 / HZ)

void timer_init(void);
uint64_t ticks_now(void);
/* Seconds since 1970-01-01 00:00 UTC. */
uint32_t time_now(void);
/* Nanoseconds since boot, finer than a tick (from the PIT's counter). */
uint64_t uptime_ns(void);
void rtc_init(void);
/* Calls fn(now) from the timer interrupt at every tick (interrupts off):
 * for drivers' watchdogs and other periodic work that must not block. */
void timer_on_tick(void (*fn)(uint64_t now));

#endif
