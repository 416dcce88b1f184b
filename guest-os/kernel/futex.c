/*
 * futex.c: futexes. A waiter sleeps on one shared channel and records the
 * word it waits on as a key; a wake looks for threads waiting on the same
 * key.
 *
 * Rules kept here:
 *  - FUTEX_WAIT compares the word and goes to sleep with nothing in
 *    between that could let another thread run (the kernel is not
 *    preemptible and interrupts are off), so a wake cannot slip in
 *    between the check and the sleep.
 *  - The key of a word in private memory is (address space, user
 *    address): threads of one process share it, other processes cannot
 *    reach it. The key of a word in shared memory (vm.h, VMA_SHARED) is
 *    its physical address, which every process mapping that memory
 *    reaches, wherever it mapped it, and no one else can name.
 */
#include "futex.h"
#include "errno.h"
#include "ktime.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMD_MASK 0x7F           /* without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */

static char futex_queue;

/* The key of the word at uaddr, whose page is present (the caller has
 * just read it, or a wake would find no one waiting anyway). */
static void futex_key(struct aspace *as, uint32_t uaddr, const void **space, uint32_t *addr)
{
    uint32_t pa = as_shared_frame(as, uaddr);
    *space = pa ? NULL : as;
    *addr = pa ? pa | (uaddr % PAGE_SIZE) : uaddr;
}

int futex_wake(struct aspace *as, uint32_t uaddr, int n)
{
    int woken = 0;
    const void *space;
    uint32_t addr;
    futex_key(as, uaddr, &space, &addr);
    uint32_t f = irq_save();
    for (int i = 0; i < NTHREAD && woken < n; i++) {
        struct thread *t = &thread_table[i];
        if (t->state == T_BLOCKED && t->chan == &futex_queue && t->futex_addr == addr &&
            t->futex_space == space) {
            thread_make_ready(t);
            t->futex_addr = 0;
            woken++;
        }
    }
    irq_restore(f);
    return woken;
}

static long timeout_deadline(uint32_t utimeout, uint64_t *deadline)
{
    int32_t ts[2];
    *deadline = 0;
    if (!utimeout)
        return 0;
    if (copyin(ts, utimeout, sizeof ts) < 0)
        return -EFAULT;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
        return -EINVAL;
    uint64_t ms = (uint64_t)ts[0] * 1000 + (uint64_t)ts[1] / 1000000;
    *deadline = ticks_now() + (ms + MS_PER_TICK - 1) / MS_PER_TICK + 1;
    return 0;
}

static long futex_wait(uint32_t uaddr, uint32_t val, uint32_t utimeout)
{
    uint64_t deadline;
    long r = timeout_deadline(utimeout, &deadline);
    if (r < 0)
        return r;
    if (uaddr % 4)
        return -EINVAL;
    uint32_t f = irq_save();
    uint32_t now;
    if (copyin(&now, uaddr, sizeof now) < 0)
        r = -EFAULT;
    else if (now != val)
        r = -EAGAIN;
    else {
        futex_key(curproc()->as, uaddr, &current->futex_space, &current->futex_addr);
        r = sleep_on(&futex_queue, deadline);
        current->futex_addr = 0;
    }
    irq_restore(f);
    return r;
}

static long sys_futex(const uint32_t *a)
{
    switch (a[1] & FUTEX_CMD_MASK) {
    case FUTEX_WAIT: return futex_wait(a[0], a[2], a[3]);
    case FUTEX_WAKE: return futex_wake(curproc()->as, a[0], (int)a[2]);
    default: return -ENOSYS;
    }
}

const struct syscall_def futex_syscalls[] = {
    SYSCALL_DEF(futex),
    {0, NULL, NULL},
};
