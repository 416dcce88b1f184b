/*
 * signal.c: what a signal does to a process. Without handlers there are
 * two outcomes: the signal is ignored (by SIG_IGN, or by default for
 * SIGCHLD, SIGCONT, SIGURG and SIGWINCH) or the process ends with it.
 * SIGKILL cannot be ignored. Stopping (SIGSTOP, SIGTSTP) is not
 * supported: those signals are ignored.
 */
#include "signal.h"
#include "errno.h"
#include "proc.h"

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
