/*
 * proc.c: the process and thread tables and the life of a process: its
 * birth (a slot, a kernel stack), its death (a zombie holding the exit
 * status), its parent's wait, and kill.
 *
 * Rules kept here (see proc.h too):
 *  - The first thread of a process has tid == pid, as on Linux; pids and
 *    tids come from one counter.
 *  - A process's resources (memory, handles, directory) are released when
 *    its last thread exits; what is left, the zombie, only holds the exit
 *    status until the parent collects it.
 *  - A kill marks the process and wakes its sleeping threads; each thread
 *    ends itself on its way back to user mode (thread_must_exit), so no
 *    thread is ever torn down while it holds kernel state.
 */
#include "proc.h"
#include "errno.h"
#include "fs.h"
#include "futex.h"
#include "kalloc.h"
#include "lib.h"
#include "pagetable.h"
#include "sched.h"
#include "segmode.h"
#include "signal.h"
#include "uaccess.h"
#include "vm.h"

struct proc proc_table[NPROC];
struct thread thread_table[NTHREAD];

static int next_pid = 1;
static struct proc *init_proc;

struct proc *proc_find(int pid)
{
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].state != P_FREE && proc_table[i].pid == pid)
            return &proc_table[i];
    return NULL;
}

struct proc *proc_alloc(void)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == P_FREE) {
            memset(p, 0, sizeof *p);
            p->pid = next_pid++;
            p->state = P_ALIVE;
            p->umask = 022;
            return p;
        }
    }
    return NULL;
}

static uint32_t kstack_base(int slot)
{
    return KSTACK_AREA + (uint32_t)slot * KSTACK_SLOT + PAGE_SIZE;
}

static void kstack_release(uint32_t base, unsigned pages)
{
    for (unsigned i = 0; i < pages; i++)
        page_free(kstack_unmap(base + i * PAGE_SIZE));
}

/* Maps the stack pages of a slot; the slot's first page stays unmapped,
 * the guard that turns an overflow into a fault. */
static int kstack_alloc(int slot)
{
    uint32_t base = kstack_base(slot);
    for (unsigned i = 0; i < KSTACK_SIZE / PAGE_SIZE; i++) {
        uint32_t pa = page_alloc();
        if (!pa) {
            kstack_release(base, i);
            return -ENOMEM;
        }
        kstack_map(base + i * PAGE_SIZE, pa);
    }
    return 0;
}

struct thread *thread_alloc(struct proc *p)
{
    for (int i = 0; i < NTHREAD; i++) {
        struct thread *t = &thread_table[i];
        if (t->state != T_FREE)
            continue;
        /* with paging off a stack is contiguous memory from the pool */
        uint32_t stack = segmode() ? segmode_kstack_alloc() : kstack_alloc(i) < 0 ? 0 : kstack_base(i);
        if (!stack)
            return NULL;
        memset(t, 0, sizeof *t);
        t->state = T_BLOCKED;        /* not runnable until made ready */
        t->kstack = stack;
        t->proc = p;
        /* A process's first thread has its pid as tid; the kernel's own
         * threads (pid 0: write-back, pageout) all have 0, taking no
         * number from the processes', so init is always pid 1. */
        t->tid = p->nthreads && p->pid ? next_pid++ : p->pid;
        t->next_in_proc = p->threads;
        p->threads = t;
        p->nthreads++;
        thread_prepare(t);
        return t;
    }
    return NULL;
}

void thread_free(struct thread *t)
{
    if (segmode())
        segmode_kstack_free(t->kstack);
    else
        kstack_release(t->kstack, KSTACK_SIZE / PAGE_SIZE);
    t->state = T_FREE;
}

static void unlink_thread(struct proc *p, struct thread *t)
{
    for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->next_in_proc) {
        if (*pp == t) {
            *pp = t->next_in_proc;
            break;
        }
    }
    p->nthreads--;
}

void thread_discard(struct thread *t)
{
    unlink_thread(t->proc, t);
    thread_free(t);
}

/* CLONE_CHILD_CLEARTID: a thread library waits for this word to become
 * 0 to know the thread is gone (futex wake on it). */
static void clear_child_tid(struct thread *t)
{
    uint32_t zero = 0;
    if (t->clear_child_tid && copyout(t->clear_child_tid, &zero, sizeof zero) == 0)
        futex_wake(curproc()->as, t->clear_child_tid, 1);
}

static void reparent_children(struct proc *p)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *c = &proc_table[i];
        if (c->state != P_FREE && c->parent == p) {
            c->parent = init_proc;
            if (c->state == P_ZOMBIE)
                wakeup(init_proc);
        }
    }
}

/* The last thread is leaving: release everything but the exit status. */
static void proc_finish(struct proc *p)
{
    if (p == init_proc)
        panic("init exited (status %x)", p->exit_status);
    handles_close_all(p);
    if (p->cwd)
        inode_put(p->cwd);
    p->cwd = NULL;
    as_destroy(p->as);
    p->as = NULL;
    reparent_children(p);
    p->state = P_ZOMBIE;
    wakeup(p->parent);
}

void thread_exit(int status)
{
    struct thread *t = current;
    struct proc *p = t->proc;
    clear_child_tid(t);
    if (!p->killed && !t->exiting)
        p->exit_status = status;
    unlink_thread(p, t);
    if (p->nthreads == 0)
        proc_finish(p);
    else
        wakeup(p);                   /* an exec may be waiting for this */
    thread_die();
}

void proc_exit(int status)
{
    struct proc *p = curproc();
    if (!p->killed) {
        p->exit_status = status;
        p->killed = -1;
        for (struct thread *t = p->threads; t; t = t->next_in_proc)
            wakeup_thread(t);
    }
    thread_exit(status);
}

bool thread_must_exit(const struct thread *t)
{
    return t->exiting || (t->proc && t->proc->killed);
}

int proc_single_thread(void)
{
    struct proc *p = curproc();
    for (struct thread *t = p->threads; t; t = t->next_in_proc) {
        if (t != current) {
            t->exiting = true;
            wakeup_thread(t);
        }
    }
    uint32_t f = irq_save();
    while (p->nthreads > 1) {
        if (sleep_on(p, 0) == -EINTR) {
            irq_restore(f);
            return -EINTR;
        }
    }
    irq_restore(f);
    return 0;
}

void proc_kill(struct proc *p, int sig)
{
    if (p->state != P_ALIVE || p->killed)
        return;
    p->killed = sig;
    p->exit_status = W_SIGNALED(sig);
    for (struct thread *t = p->threads; t; t = t->next_in_proc)
        wakeup_thread(t);
}

int proc_kill_group(const struct proc *sender, int pgid, int sig)
{
    bool found = false, allowed = false;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state != P_ALIVE || p->pgid != pgid)
            continue;
        found = true;
        if (sender && !signal_permitted(sender, p))
            continue;
        allowed = true;
        if (sig)
            signal_send(p, sig);
    }
    return !found ? -ESRCH : !allowed ? -EPERM : 0;
}

static bool wait_matches(const struct proc *c, const struct proc *parent, int pid)
{
    if (c->state == P_FREE || c->parent != parent)
        return false;
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == parent->pgid;
    return pid == -1 || c->pgid == -pid;
}

int proc_wait(int pid, int *status, bool nohang)
{
    struct proc *p = curproc();
    uint32_t f = irq_save();
    for (;;) {
        bool any = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &proc_table[i];
            if (!wait_matches(c, p, pid))
                continue;
            any = true;
            if (c->state == P_ZOMBIE) {
                *status = c->exit_status;
                c->state = P_FREE;
                irq_restore(f);
                return c->pid;
            }
        }
        int err = !any ? -ECHILD : nohang ? 0 : sleep_on(p, 0);
        if (err || nohang) {
            irq_restore(f);
            return err;
        }
    }
}

void proc_init(void)
{
    init_proc = NULL;
}

void proc_set_init(struct proc *p)
{
    init_proc = p;
}
