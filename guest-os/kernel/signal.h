/*
 * signal.h: signal numbers (Linux i386) and what this kernel does with
 * them. A signal either is ignored (SIG_IGN, or by default SIGCHLD and
 * SIGWINCH) or ends the process; handlers are not supported yet.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGWINCH 28
#define NSIG 64

struct proc;

/* Delivers sig to p: nothing if p ignores it, else p is killed. 0 or
 * -EINVAL for a bad signal number. */
int signal_send(struct proc *p, int sig);

#endif
