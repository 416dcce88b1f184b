/*
 * sched.h: the scheduler, sleeping and waking, and mutexes.
 *
 * Round-robin over ready threads, a 10 ms slice each (one timer tick).
 * The kernel is not preemptible: a thread gives up the CPU when it blocks
 * or yields, and is preempted only on its way back to user mode. So
 * kernel data needs no locks against other threads between two blocking
 * points, only against interrupt handlers: that is what irq_save() is for.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "x86.h"
#include "mmu.h"

struct thread;

static inline uint32_t irq_save(void)
{
    uint32_t f = read_eflags();
    cli();
    return f;
}

static inline void irq_restore(uint32_t f)
{
    if (f & EFL_IF)
        sti();
}

void sched_init(void);
/* The boot thread becomes the idle thread: never returns. */
void sched_run_idle(void) __attribute__((noreturn));
/* Puts a thread on the run queue (interrupts off). */
void thread_make_ready(struct thread *t);
/* Lays out a new thread's kernel stack so that its first run returns to
 * user mode with the registers in t->tf. */
void thread_prepare(struct thread *t);
/* Ends the current thread for good (its state becomes T_DEAD); the next
 * thread to run frees its stack. */
void thread_die(void) __attribute__((noreturn));
/* Starts a thread that runs fn in the kernel, in the kernel's own
 * process (no address space, no signals): 0 or -ENOMEM. */
int kthread_start(void (*fn)(void));
/* Gives up the CPU but stays ready. */
void yield(void);
/* Set by the timer when the current thread's slice is over and by wakeups. */
extern bool need_resched;
void sched_tick(void);

/* Blocks the current thread until wakeup(chan) or, when deadline is not
 * 0, until ticks_now() reaches it; or until its process is killed unless
 * the sleep is uninterruptible. Called and returns with interrupts off.
 * Returns 0, -ETIMEDOUT or -EINTR. The caller re-checks its condition. */
int sleep_on(void *chan, uint64_t deadline);
int sleep_on_uninterruptible(void *chan);
void wakeup(void *chan);
/* False in the idle thread (and the boot code, which becomes it): it
 * must never block, so drivers poll there instead. */
bool sched_can_sleep(void);
/* Ends the sleep of t (if it sleeps interruptibly). */
void wakeup_thread(struct thread *t);

/* A sleeping lock for what may block while held (disk I/O). */
struct mutex {
    struct thread *owner;
    bool waited;                 /* someone slept on it since the last unlock */
};
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

#endif
