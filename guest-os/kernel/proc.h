/*
 * proc.h: processes and threads.
 *
 * A process owns an address space, a handle table, a working directory
 * and its children; a thread is what runs: registers, a kernel stack, a
 * scheduling state. Every process has at least one thread; fork makes a
 * process with one thread, clone(CLONE_THREAD) adds a thread to the
 * caller's process.
 *
 * Rules kept here:
 *  - The process table and the thread table are fixed arrays; a thread's
 *    index is also its kernel-stack slot.
 *  - A thread's state changes only with interrupts off, since the timer
 *    and device handlers wake threads up.
 *  - A process is a zombie from the exit of its last thread until its
 *    parent waits for it; then its slot is free. Orphans go to init.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"
#include "object.h"
#include "signal.h"

#define NPROC 128
#define NTHREAD ((int)(KSTACK_AREA_SIZE / KSTACK_SLOT))
#define PROC_NAME 32
#define PROC_LINEAGE 8

struct trapframe;
struct context;
struct aspace;
struct inode;

enum thread_state { T_FREE, T_READY, T_RUNNING, T_BLOCKED, T_DEAD };

struct thread {
    int tid;
    enum thread_state state;
    struct proc *proc;
    struct thread *next_in_proc;
    struct thread *next_ready;
    uint32_t kstack;             /* lowest address of its kernel stack */
    struct context *ctx;         /* saved by swtch while it is not running */
    struct trapframe *tf;        /* its user registers, at the top of kstack */
    void *chan;                  /* what it sleeps on, while T_BLOCKED */
    uint64_t wake_tick;          /* a timeout while blocked; 0 for none */
    bool timed_out;
    bool uninterruptible;        /* a kill does not cut this sleep short */
    unsigned slice;              /* ticks used since it was last scheduled */
    uint64_t tls[3];             /* its GDT descriptors for set_thread_area */
    uint32_t clear_child_tid;    /* CLONE_CHILD_CLEARTID: zero it and wake at exit */
    uint64_t sig_blocked;        /* bit n-1: signal n is blocked in this thread */
    uint64_t sig_pending;        /* signals sent to this thread (tgkill) */
    bool exiting;                /* another thread's exec ends this one */
    uint32_t futex_addr;         /* the key of the word it waits on in a futex wait: */
    const void *futex_space;     /* its address space, or NULL for a physical address */
};

enum proc_state { P_FREE, P_ALIVE, P_ZOMBIE };

struct proc {
    int pid;
    enum proc_state state;
    struct proc *parent;
    int lineage[PROC_LINEAGE];   /* pids of the ancestors that made it, nearest first;
                                    kept when it is orphaned (signal.c) */
    int pgid, sid;
    struct aspace *as;
    struct handle handles[NHANDLE];
    struct inode *cwd;
    unsigned umask;
    char name[PROC_NAME];
    struct thread *threads;
    unsigned nthreads;
    int killed;                  /* the signal that is ending it, or 0 */
    int exit_status;             /* as wait() reports it */
    struct sigaction_k sig_actions[64];  /* what each signal does (signal.h) */
    uint64_t sig_pending;        /* signals sent to the process, not yet taken */
    unsigned ticks;              /* CPU time, in timer ticks */
};

extern struct proc proc_table[NPROC];
extern struct thread thread_table[NTHREAD];
extern struct thread *current;

static inline struct proc *curproc(void) { return current->proc; }

void proc_init(void);
struct proc *proc_find(int pid);
struct proc *proc_alloc(void);
struct thread *thread_alloc(struct proc *p);
void thread_free(struct thread *t);
/* Takes back a thread that was allocated but never ran. */
void thread_discard(struct thread *t);

/* Ends the calling thread; the process too when it was the last one.
 * `status` is in wait() form. Never returns. */
void thread_exit(int status) __attribute__((noreturn));
void proc_exit(int status) __attribute__((noreturn));
/* Marks p killed by sig and wakes its sleeping threads so they notice. */
void proc_kill(struct proc *p, int sig);
/* Sends sig (0: only checks) to every process in group pgid that sender
 * may signal (sender NULL: the kernel, which may signal all); -ESRCH
 * when the group is empty, -EPERM when none of it may be signalled. */
int proc_kill_group(const struct proc *sender, int pgid, int sig);
/* On the way back to user mode: true when this thread must die now. */
bool thread_must_exit(const struct thread *t);

/* Ends every other thread of the current process (for exec); 0 or -EINTR. */
int proc_single_thread(void);
/* Waits for a child matching pid (waitpid's rules); its pid, 0 when
 * nohang and none has exited, -ECHILD or -EINTR. */
int proc_wait(int pid, int *status, bool nohang);
/* The process orphans are given to. */
void proc_set_init(struct proc *p);

/* wait() status words (the Linux encoding) */
#define W_EXITED(code) (((code) & 0xFF) << 8)
#define W_SIGNALED(sig) ((sig) & 0x7F)

#endif
