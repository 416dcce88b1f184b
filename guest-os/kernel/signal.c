/*
 * signal.c: what a signal does to a process. Without handlers there are
 * two outcomes: the signal is ignored (by SIG_IGN, or by default for
 * SIGCHLD, SIGCONT, SIGURG and SIGWINCH) or the process ends with it.
 * SIGKILL cannot be ignored. Dispositions are per process, inherited by
 * fork and kept across exec, as POSIX says of ignored signals. Stopping (SIGSTOP, SIGTSTP) is not
 * supported: those signals are ignored.
 */
#include "signal.h"
#include "errno.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"

#define SIGURG 23
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22

static bool ignored_by_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return true;
    default:
        return false;
    }
}

int signal_send(struct proc *p, int sig)
{
    if (sig < 1 || sig > NSIG)
        return -EINVAL;
    if (sig != SIGKILL && (ignored_by_default(sig) || (p->sig_ignored & (1u << (sig - 1)))))
        return 0;
    proc_kill(p, sig);
    return 0;
}

/* ---- rt_sigaction: a disposition per signal ---- */

#define SIG_DFL 0u
#define SIG_IGN 1u
#define SIGSET_BYTES 8

struct kernel_sigaction {
    uint32_t handler, flags, restorer;
    uint32_t mask[2];
};

/* Handlers are not supported yet: a signal is either ignored or ends the
 * process. Asking for a handler is refused, so a program cannot believe
 * it will be called. */
static long sys_rt_sigaction(const uint32_t *a)
{
    int sig = (int)a[0];
    struct proc *p = curproc();
    if (sig < 1 || sig > NSIG || a[3] != SIGSET_BYTES)
        return -EINVAL;
    uint32_t bit = 1u << (sig - 1);
    if (sig > 32)
        bit = 0;                       /* real-time signals: always default */
    if (a[2]) {
        struct kernel_sigaction old = {(p->sig_ignored & bit) ? SIG_IGN : SIG_DFL, 0, 0, {0, 0}};
        if (copyout(a[2], &old, sizeof old) < 0)
            return -EFAULT;
    }
    if (!a[1])
        return 0;
    struct kernel_sigaction act;
    if (copyin(&act, a[1], sizeof act) < 0)
        return -EFAULT;
    if (sig == SIGKILL || sig == SIGSTOP || act.handler > SIG_IGN || (sig > 32 && act.handler))
        return -EINVAL;
    if (act.handler == SIG_IGN)
        p->sig_ignored |= bit;
    else
        p->sig_ignored &= ~bit;
    return 0;
}

const struct syscall_def signal_syscalls[] = {
    SYSCALL_DEF(rt_sigaction),
    {0, NULL, NULL},
};
