/*
 * vtime.c: the virtual clock (see vtime.h for its rules).
 */
#include "vtime.h"

#include <time.h>

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

void vclock_init(struct vclock *v, const uint64_t *icount, uint64_t ips, bool realtime)
{
    v->icount = icount;
    v->ips = ips ? ips : VTIME_DEFAULT_IPS;
    v->realtime = realtime;
    v->idle_ns = 0;
    v->host_start_ns = host_ns();
    v->head = 0;
}

/* icount * 1e9 / ips without overflowing 64 bits for long runs. */
static uint64_t insns_to_ns(uint64_t n, uint64_t ips)
{
    return n / ips * NS_PER_SEC + n % ips * NS_PER_SEC / ips;
}

uint64_t vclock_now(const struct vclock *v)
{
    if (v->realtime)
        return host_ns() - v->host_start_ns;
    return insns_to_ns(*v->icount, v->ips) + v->idle_ns;
}

uint64_t vclock_next_deadline(const struct vclock *v)
{
    return v->head ? v->head->deadline_ns : VTIME_NEVER;
}

uint64_t vclock_budget(const struct vclock *v, uint64_t cap)
{
    uint64_t now, dl = vclock_next_deadline(v), n;
    if (dl == VTIME_NEVER)
        return cap;
    now = vclock_now(v);
    if (dl <= now)
        return 1;
    if (v->realtime)  /* re-read the host clock every 10 us of guest work */
        return cap < 2000 ? cap : 2000;
    n = (dl - now) / NS_PER_SEC * v->ips + (dl - now) % NS_PER_SEC * v->ips / NS_PER_SEC + 1;
    return n < cap ? n : cap;
}

bool vclock_idle(struct vclock *v)
{
    uint64_t dl = vclock_next_deadline(v), now = vclock_now(v);
    if (dl == VTIME_NEVER)
        return false;
    if (dl <= now)
        return true;
    if (v->realtime) {
        struct timespec ts = {(time_t)((dl - now) / NS_PER_SEC), (long)((dl - now) % NS_PER_SEC)};
        nanosleep(&ts, 0);
    } else {
        v->idle_ns += dl - now;
    }
    return true;
}

void vclock_run_expired(struct vclock *v)
{
    uint64_t now = vclock_now(v);
    while (v->head && v->head->deadline_ns <= now) {
        struct vtimer *t = v->head;
        v->head = t->next;
        t->armed = false;
        t->next = 0;
        t->fn(t->opaque, now);
    }
}

void vtimer_init(struct vtimer *t, vtimer_fn fn, void *opaque)
{
    t->deadline_ns = VTIME_NEVER;
    t->fn = fn;
    t->opaque = opaque;
    t->armed = false;
    t->next = 0;
}

void vtimer_cancel(struct vclock *v, struct vtimer *t)
{
    struct vtimer **p = &v->head;
    if (!t->armed)
        return;
    while (*p && *p != t)
        p = &(*p)->next;
    if (*p)
        *p = t->next;
    t->armed = false;
    t->next = 0;
}

void vtimer_arm(struct vclock *v, struct vtimer *t, uint64_t deadline_ns)
{
    struct vtimer **p = &v->head;
    vtimer_cancel(v, t);
    while (*p && (*p)->deadline_ns <= deadline_ns)
        p = &(*p)->next;
    t->deadline_ns = deadline_ns;
    t->next = *p;
    *p = t;
    t->armed = true;
}
