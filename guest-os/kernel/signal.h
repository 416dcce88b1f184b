/*
 * signal.h: signals (Linux i386 numbers and frames).
 *
 * A signal sent to a process (kill) or to one thread (tgkill) waits in a
 * pending set until a thread that does not block it returns to user
 * mode; then the disposition decides: ignore it, end the process, or run
 * the handler on the thread's user stack in a frame laid out as Linux's,
 * from which sigreturn or rt_sigreturn restores the registers. A signal
 * caused by a fault (SIGSEGV for a page fault, ...) is not sent this
 * way: the fault ends the process at once (trap.c).
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <isola/signum.h>

#define NSIG 64

#define SIG_DFL 0u
#define SIG_IGN 1u

/* What rt_sigaction stores, in the kernel's i386 layout. */
struct sigaction_k {
    uint32_t handler, flags, restorer;
    uint64_t mask;
};

struct proc;
struct thread;
struct trapframe;

/* Sends sig to p (kill) or to one thread (tgkill); 0 or -EINVAL. */
int signal_send(struct proc *p, int sig);
int signal_send_thread(struct thread *t, int sig);
/* May sender signal target? (itself, its descendants, its process group;
 * init may signal anyone) */
bool signal_permitted(const struct proc *sender, const struct proc *target);
/* True when t has a signal it does not block waiting: its sleeps end. */
bool signal_interrupts(const struct thread *t);
/* On the way back to user mode: acts on one pending signal. */
void signal_deliver(struct trapframe *tf);
/* fork copies the dispositions; exec resets handlers to SIG_DFL. */
void signal_fork(struct proc *child, const struct proc *parent);
void signal_exec(struct proc *p);

#endif
