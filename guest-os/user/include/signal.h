/* signal.h: signal numbers (Linux i386), sigaction over rt_sigaction,
 * kill, and sig2str/str2sig for the tools that name signals. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>

#include <isola/signum.h>

#define NSIG 65
#define _NSIG NSIG
#define SIG2STR_MAX 32

typedef void (*sighandler_t)(int);
#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

typedef struct { unsigned long bits[2]; } sigset_t;
typedef int sig_atomic_t;

typedef struct {
    int si_signo, si_errno, si_code;
    int si_pid;
    unsigned si_uid;
    int si_status;
    int pad[26];
} siginfo_t;

struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int, siginfo_t *, void *);
    };
    sigset_t sa_mask;
    int sa_flags;
};

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

int kill(pid_t pid, int sig);
int raise(int sig);
sighandler_t signal(int sig, sighandler_t handler);
int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old);
int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int sig2str(int sig, char *name);
int str2sig(const char *restrict name, int *restrict sig);

#endif
