/*
 * sched.c: the scheduler (see sched.h for the rules): a FIFO of ready
 * threads, a 10 ms slice, and an idle thread that halts the CPU until
 * the next interrupt when nothing is ready.
 *
 * Rules kept here:
 *  - Every function that changes a thread's state runs with interrupts
 *    off, because interrupt handlers wake threads too.
 *  - A thread is on the ready queue exactly when its state is T_READY.
 *  - A dead thread cannot free the kernel stack it is running on: the
 *    next thread to run frees it (reap_dead).
 *  - Switching threads switches the address space (CR3) only when the
 *    process changes, so threads of one process keep their TLB entries.
 *  - Each change of process is told to the emulator's trace marker before
 *    the address space changes, so the switch's CR3 write counts for the
 *    process switched to.
 */
#include "sched.h"
#include "errno.h"
#include "gdt.h"
#include "ktime.h"
#include "lib.h"
#include "proc.h"
#include "signal.h"
#include "tracemark.h"
#include "trap.h"
#include "vm.h"

struct context {
    uint32_t edi, esi, ebx, ebp, eip;
};

void swtch(struct context **save, struct context *load);

struct thread *current;
bool need_resched;

#define SLICE_TICKS 1

/* The kernel's own process: the idle thread's, and the boot code's while
 * it starts init. It has no address space and is not in the process
 * table. */
static struct proc kernel_proc = {.pid = 0, .state = P_ALIVE, .name = "kernel"};
static struct thread idle_thread = {.tid = 0, .state = T_RUNNING, .proc = &kernel_proc};
static struct thread *ready_head, *ready_tail;
static struct thread *dead;          /* exited, its stack still to free */

static void enqueue(struct thread *t)
{
    t->next_ready = NULL;
    if (ready_tail)
        ready_tail->next_ready = t;
    else
        ready_head = t;
    ready_tail = t;
}

static struct thread *dequeue(void)
{
    struct thread *t = ready_head;
    if (t) {
        ready_head = t->next_ready;
        if (!ready_head)
            ready_tail = NULL;
    }
    return t;
}

void thread_make_ready(struct thread *t)
{
    if (t->state == T_READY || t == &idle_thread)
        return;
    t->state = T_READY;
    enqueue(t);
    if (current == &idle_thread)
        need_resched = true;
}

static void reap_dead(void)
{
    if (dead && dead != current) {
        thread_free(dead);
        dead = NULL;
    }
}

static void switch_to(struct thread *next)
{
    struct thread *prev = current;
    current = next;
    next->state = T_RUNNING;
    next->slice = 0;
    if (next->proc != prev->proc)
        tracemark_process(next->proc);
    if (next->proc->as && next->proc->as != prev->proc->as)
        as_activate(next->proc->as);
    if (next != &idle_thread)
        tss_set_kernel_stack(next->kstack + KSTACK_SIZE);
    gdt_load_tls(next->tls);
    swtch(&prev->ctx, next->ctx);
    reap_dead();
}

/* Gives the CPU to the next ready thread; the caller has already set the
 * current thread's state (and queued it if it stays ready). */
static void schedule(void)
{
    need_resched = false;
    struct thread *next = dequeue();
    if (!next)
        next = &idle_thread;
    if (current->state == T_DEAD)
        dead = current;
    if (next == current) {
        current->state = T_RUNNING;
        return;
    }
    switch_to(next);
}

/* Where a new thread's first swtch returns to: its own stack then holds
 * the address of trapret and, above it, the trap frame to return with. */
void thread_start(void)
{
    reap_dead();
}

void yield(void)
{
    uint32_t f = irq_save();
    if (current != &idle_thread)
        thread_make_ready(current);
    schedule();
    irq_restore(f);
}

void thread_die(void)
{
    cli();
    current->state = T_DEAD;
    schedule();
    panic("a dead thread ran again");
}

void sched_tick(void)
{
    uint64_t now = ticks_now();
    for (int i = 0; i < NTHREAD; i++) {
        struct thread *t = &thread_table[i];
        if (t->state == T_BLOCKED && t->wake_tick && t->wake_tick <= now) {
            t->timed_out = true;
            thread_make_ready(t);
        }
    }
    current->proc->ticks++;
    if (ready_head && (current == &idle_thread || ++current->slice >= SLICE_TICKS))
        need_resched = true;
}

/* A kill or a signal it does not block ends an interruptible sleep. */
static bool interrupted(const struct thread *t)
{
    return thread_must_exit(t) || signal_interrupts(t);
}

static int block(void *chan, uint64_t deadline, bool uninterruptible)
{
    struct thread *t = current;
    if (!uninterruptible && interrupted(t))
        return -EINTR;
    t->chan = chan;
    t->wake_tick = deadline;
    t->timed_out = false;
    t->uninterruptible = uninterruptible;
    t->state = T_BLOCKED;
    schedule();
    t->chan = NULL;
    t->wake_tick = 0;
    t->uninterruptible = false;
    if (t->timed_out)
        return -ETIMEDOUT;
    return !uninterruptible && interrupted(t) ? -EINTR : 0;
}

int sleep_on(void *chan, uint64_t deadline) { return block(chan, deadline, false); }
int sleep_on_uninterruptible(void *chan) { return block(chan, 0, true); }

void wakeup(void *chan)
{
    uint32_t f = irq_save();
    for (int i = 0; i < NTHREAD; i++) {
        struct thread *t = &thread_table[i];
        if (t->state == T_BLOCKED && t->chan == chan)
            thread_make_ready(t);
    }
    irq_restore(f);
}

bool sched_can_sleep(void)
{
    return current != &idle_thread;
}

void wakeup_thread(struct thread *t)
{
    uint32_t f = irq_save();
    if (t->state == T_BLOCKED && !t->uninterruptible)
        thread_make_ready(t);
    irq_restore(f);
}

void mutex_lock(struct mutex *m)
{
    uint32_t f = irq_save();
    while (m->owner) {
        m->waited = true;
        sleep_on_uninterruptible(m);
    }
    m->owner = current;
    irq_restore(f);
}

/* wakeup() looks at every thread: skip it when no one can be asleep
 * here. Whoever is woken and loses the race sets waited again. */
void mutex_unlock(struct mutex *m)
{
    ASSERT(m->owner == current);
    m->owner = NULL;
    if (m->waited) {
        m->waited = false;
        wakeup(m);
    }
}

void sched_init(void)
{
    current = &idle_thread;
}

void sched_run_idle(void)
{
    for (;;) {
        cli();
        if (ready_head)
            schedule();
        else
            sti_hlt();
    }
}

/* A kernel thread's first swtch lands here; its function is in the
 * otherwise unused trap frame (kthread_start). It never returns to
 * user mode. */
static void kthread_entry(void)
{
    reap_dead();
    void (*fn)(void) = (void (*)(void))current->tf->eax;
    sti();
    fn();
    thread_die();
}

int kthread_start(void (*fn)(void))
{
    struct thread *t = thread_alloc(&kernel_proc);
    if (!t)
        return -ENOMEM;
    t->tf->eax = (uint32_t)fn;
    t->ctx->eip = (uint32_t)kthread_entry;
    uint32_t f = irq_save();
    thread_make_ready(t);
    irq_restore(f);
    return 0;
}

void thread_prepare(struct thread *t)
{
    uint32_t sp = t->kstack + KSTACK_SIZE - sizeof(struct trapframe);
    t->tf = (struct trapframe *)sp;
    sp -= sizeof(uint32_t);
    *(uint32_t *)sp = (uint32_t)trapret;
    sp -= sizeof(struct context);
    t->ctx = (struct context *)sp;
    memset(t->ctx, 0, sizeof *t->ctx);
    t->ctx->eip = (uint32_t)thread_start;
}
