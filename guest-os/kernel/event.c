/*
 * event.c: events, held through handles like files. A manual-reset event
 * stays set until reset and releases every waiter; an auto-reset event
 * releases one waiter and is reset by that wait.
 *
 * Rules kept here:
 *  - Waiters sleep on one channel shared by all events; setting any event
 *    wakes them all and each re-checks its own events. Simple, and it
 *    makes waiting on several events at once the same as waiting on one.
 *  - The check of the events and the sleep happen with interrupts off, so
 *    a set from an interrupt handler cannot be lost in between.
 */
#include "event.h"
#include "errno.h"
#include "kmalloc.h"
#include "ktime.h"
#include "lib.h"
#include "object.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"

struct event {
    struct object obj;
    bool signaled;
    bool manual;
};

static char event_waiters;

static void event_release(struct object *o)
{
    kfree(container_of(o, struct event, obj));
}

static const struct object_ops event_ops = {
    .kind = "event",
    .release = event_release,
};

struct object *event_create(unsigned flags)
{
    struct event *e = kmalloc(sizeof *e);
    if (!e)
        return NULL;
    object_init(&e->obj, &event_ops, O_RDWR);
    e->manual = flags & EVENT_MANUAL_RESET;
    e->signaled = flags & EVENT_SIGNALED;
    return &e->obj;
}

bool object_is_event(const struct object *o)
{
    return o->ops == &event_ops;
}

void event_signal(struct object *o)
{
    struct event *e = container_of(o, struct event, obj);
    uint32_t f = irq_save();
    e->signaled = true;
    irq_restore(f);
    wakeup(&event_waiters);
}

static struct event *event_ref(int h)
{
    struct object *o = handle_ref(curproc(), h);
    if (o && o->ops != &event_ops) {
        object_put(o);
        return NULL;
    }
    return o ? container_of(o, struct event, obj) : NULL;
}

static void events_put(struct event **ev, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (ev[i])
            object_put(&ev[i]->obj);
}

static void consume(struct event *e)
{
    if (!e->manual)
        e->signaled = false;
}

/* try_wait's answer when the wait cannot end yet: not an index (those
 * are 0 and up), not anything a wait returns. */
#define NOT_YET (-1)

/* With interrupts off: the result of the wait if it can end now, or
 * NOT_YET. */
static int try_wait(struct event **ev, unsigned n, bool all)
{
    unsigned set = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!ev[i]->signaled)
            continue;
        if (!all) {
            consume(ev[i]);
            return (int)i;
        }
        set++;
    }
    if (!all || set < n)
        return NOT_YET;
    for (unsigned i = 0; i < n; i++)
        consume(ev[i]);
    return 0;
}

static long wait_events(struct event **ev, unsigned n, bool all, int timeout_ms)
{
    uint64_t deadline = 0;
    if (timeout_ms >= 0)
        deadline = ticks_now() + ((uint64_t)timeout_ms + MS_PER_TICK - 1) / MS_PER_TICK + 1;
    uint32_t f = irq_save();
    int r;
    while ((r = try_wait(ev, n, all)) == NOT_YET) {
        if (timeout_ms == 0) {
            r = -ETIMEDOUT;
            break;
        }
        int s = sleep_on(&event_waiters, deadline);
        if (s < 0) {
            r = s;
            break;
        }
    }
    irq_restore(f);
    return r;
}

static long sys_event_create(const uint32_t *a)
{
    if (a[0] & ~(EVENT_MANUAL_RESET | EVENT_SIGNALED))
        return -EINVAL;
    struct object *o = event_create(a[0]);
    if (!o)
        return -ENOMEM;
    int h = handle_install(curproc(), o, 0, 0);
    if (h < 0)
        object_put(o);
    return h;
}

static long sys_event_set(const uint32_t *a)
{
    struct event *e = event_ref((int)a[0]);
    if (!e)
        return -EBADF;
    event_signal(&e->obj);
    object_put(&e->obj);
    return 0;
}

static long sys_event_reset(const uint32_t *a)
{
    struct event *e = event_ref((int)a[0]);
    if (!e)
        return -EBADF;
    e->signaled = false;
    object_put(&e->obj);
    return 0;
}

static long sys_event_wait(const uint32_t *a)
{
    struct event *e = event_ref((int)a[0]);
    if (!e)
        return -EBADF;
    long r = wait_events(&e, 1, false, (int)a[1]);
    object_put(&e->obj);
    return r;
}

static long sys_event_wait_many(const uint32_t *a)
{
    unsigned n = a[1];
    int hs[EVENT_WAIT_MAX];
    struct event *ev[EVENT_WAIT_MAX] = {0};
    if (n == 0 || n > EVENT_WAIT_MAX || (a[2] & ~EVENT_WAIT_ALL))
        return -EINVAL;
    if (copyin(hs, a[0], n * sizeof *hs) < 0)
        return -EFAULT;
    for (unsigned i = 0; i < n; i++) {
        if (!(ev[i] = event_ref(hs[i]))) {
            events_put(ev, n);
            return -EBADF;
        }
    }
    long r = wait_events(ev, n, a[2] & EVENT_WAIT_ALL, (int)a[3]);
    events_put(ev, n);
    return r;
}

const struct syscall_def event_syscalls[] = {
    SYSCALL_DEF(event_create), SYSCALL_DEF(event_set), SYSCALL_DEF(event_reset),
    SYSCALL_DEF(event_wait), SYSCALL_DEF(event_wait_many),
    {0, NULL, NULL},
};
