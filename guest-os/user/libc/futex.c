/* futex.c: futex_wait/futex_wake (Linux futex 240, private to nothing:
 * plain FUTEX_WAIT and FUTEX_WAKE) and a mutex on top: state 0 unlocked,
 * 1 locked, 2 locked and maybe waited on, so unlock makes a system call
 * only when someone may be asleep. Neither lock nor unlock touches
 * errno. */
#include <isola.h>
#include "libc.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

int futex_wait(int *addr, int val, const struct timespec *timeout)
{
    return __sysret(SYS4(SYS_futex, addr, FUTEX_WAIT, val, timeout));
}

int futex_wake(int *addr, int n)
{
    return __sysret(SYS3(SYS_futex, addr, FUTEX_WAKE, n));
}

/* The mutex sleeps through the raw call: a lock must not change errno. */
static void sleep_on(int *addr, int val)
{
    SYS4(SYS_futex, addr, FUTEX_WAIT, val, 0);
}

static int cas(int *p, int expect, int want)
{
    __atomic_compare_exchange_n(p, &expect, want, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    return expect;
}

int mutex_trylock(mutex_t *m)
{
    return cas(&m->state, 0, 1) == 0 ? 0 : -1;
}

void mutex_lock(mutex_t *m)
{
    int c = cas(&m->state, 0, 1);
    if (c == 0)
        return;
    if (c != 2)
        c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        sleep_on(&m->state, 2);
        c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    }
}

void mutex_unlock(mutex_t *m)
{
    if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
        SYS3(SYS_futex, &m->state, FUTEX_WAKE, 1);
}
