/*
 * vtime.h: the virtual clock and the timers devices arm on it.
 *
 * Rules kept here:
 *  - By default time is a function of retired instructions: icount / ips
 *    seconds, plus the time skipped while the CPU was halted. The same
 *    guest and input therefore give the same timer interrupts at the same
 *    instructions, run after run. With realtime, time follows the host's
 *    monotonic clock instead.
 *  - A halted CPU costs no host time: the clock jumps to the next timer
 *    (vclock_idle_until), or, in realtime mode, sleeps until it.
 *  - Timers fire from vclock_run_expired, called by the machine loop
 *    between CPU runs; a callback may re-arm its timer.
 */
#ifndef ISOLA_VTIME_H
#define ISOLA_VTIME_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_SEC 1000000000ull
#define VTIME_NEVER UINT64_MAX
#define VTIME_DEFAULT_IPS 100000000ull  /* -icount default: 100 M instructions/s */

typedef void (*vtimer_fn)(void *opaque, uint64_t now_ns);

struct vtimer {
    uint64_t deadline_ns;
    vtimer_fn fn;
    void *opaque;
    bool armed;
    struct vtimer *next;
};

struct vclock {
    const uint64_t *icount;  /* the CPU's retired-instruction counter */
    uint64_t ips;
    bool realtime;
    uint64_t idle_ns;        /* virtual time spent halted */
    uint64_t host_start_ns;
    struct vtimer *head;     /* armed timers, earliest first */
};

void vclock_init(struct vclock *v, const uint64_t *icount, uint64_t ips, bool realtime);
uint64_t vclock_now(const struct vclock *v);
/* Instructions the CPU may run before the earliest timer is due (>= 1),
 * or `cap` when no timer is armed sooner. */
uint64_t vclock_budget(const struct vclock *v, uint64_t cap);
uint64_t vclock_next_deadline(const struct vclock *v);
/* Halted: advance to the next deadline (sleep in realtime mode).
 * Returns false when no timer is armed (nothing will ever wake the CPU). */
bool vclock_idle(struct vclock *v);
void vclock_run_expired(struct vclock *v);

void vtimer_init(struct vtimer *t, vtimer_fn fn, void *opaque);
void vtimer_arm(struct vclock *v, struct vtimer *t, uint64_t deadline_ns);
void vtimer_cancel(struct vclock *v, struct vtimer *t);

#endif
