/* signal.c: sigaction over rt_sigaction (Linux's i386 kernel struct:
 * handler, flags, restorer, 64-bit mask), signal() with BSD semantics
 * (SA_RESTART), sigprocmask and the sigset operations. Every handler gets
 * a restorer of ours, matching the frame the kernel builds. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "libc.h"

struct ksigaction {
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    sigset_t mask;
};

static int bad_signal(int sig)
{
    return sig < 1 || sig >= NSIG;
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old)
{
    struct ksigaction kact, kold;
    if (bad_signal(sig))
        return __sysret(-EINVAL);
    if (act) {
        kact.handler = (void *)act->sa_handler;
        kact.flags = (unsigned long)act->sa_flags | SA_RESTORER;
        kact.restorer = (act->sa_flags & SA_SIGINFO) ? __restore_rt : __restore;
        kact.mask = act->sa_mask;
    }
    long r = SYS4(SYS_rt_sigaction, sig, act ? &kact : 0, old ? &kold : 0, sizeof(sigset_t));
    if (__sysret(r) < 0)
        return -1;
    if (old) {
        memset(old, 0, sizeof *old);
        old->sa_handler = (void (*)(int))kold.handler;
        old->sa_flags = (int)(kold.flags & ~(unsigned long)SA_RESTORER);
        old->sa_mask = kold.mask;
    }
    return 0;
}

sighandler_t signal(int sig, sighandler_t handler)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    if (sigaction(sig, &sa, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
    return __sysret(SYS4(SYS_rt_sigprocmask, how, set, old, sizeof(sigset_t)));
}

int sigemptyset(sigset_t *set)
{
    set->bits[0] = set->bits[1] = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    set->bits[0] = set->bits[1] = ~0UL;
    return 0;
}

int sigaddset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return __sysret(-EINVAL);
    set->bits[(sig - 1) / 32] |= 1UL << ((sig - 1) % 32);
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return __sysret(-EINVAL);
    set->bits[(sig - 1) / 32] &= ~(1UL << ((sig - 1) % 32));
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return __sysret(-EINVAL);
    return (set->bits[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
}
