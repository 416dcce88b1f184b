/* sys_proc.c: wrappers for the process calls: identity, fork and exec,
 * wait, signals to processes, process groups, the break, system info. */
#include <stdarg.h>
#include <errno.h>
#include <signal.h>
#include <sys/reboot.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libc.h"

pid_t fork(void)
{
    return __sysret(SYS0(SYS_fork));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return __sysret(SYS3(SYS_execve, path, argv, envp));
}

pid_t getpid(void)
{
    return SYS0(SYS_getpid);
}

pid_t getppid(void)
{
    return SYS0(SYS_getppid);
}

pid_t gettid(void)
{
    return SYS0(SYS_gettid);
}

uid_t getuid(void)
{
    return SYS0(SYS_getuid32);
}

uid_t geteuid(void)
{
    return SYS0(SYS_geteuid32);
}

gid_t getgid(void)
{
    return SYS0(SYS_getgid32);
}

gid_t getegid(void)
{
    return SYS0(SYS_getegid32);
}

/* A kernel that has waitpid but not wait4 still serves wait(). */
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
    long r = SYS4(SYS_wait4, pid, status, options, ru);
    if (r == -ENOSYS && !ru)
        r = SYS3(SYS_waitpid, pid, status, options);
    return __sysret(r);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return wait4(pid, status, options, 0);
}

pid_t wait(int *status)
{
    return wait4(-1, status, 0, 0);
}

int kill(pid_t pid, int sig)
{
    return __sysret(SYS2(SYS_kill, pid, sig));
}

int raise(int sig)
{
    long r = SYS3(SYS_tgkill, getpid(), gettid(), sig);
    if (r == -ENOSYS)
        r = SYS2(SYS_kill, getpid(), sig);
    return __sysret(r);
}

int setpgid(pid_t pid, pid_t pgid)
{
    return __sysret(SYS2(SYS_setpgid, pid, pgid));
}

pid_t getpgrp(void)
{
    return SYS0(SYS_getpgrp);
}

pid_t getpgid(pid_t pid)
{
    return __sysret(SYS1(SYS_getpgid, pid));
}

pid_t setsid(void)
{
    return __sysret(SYS0(SYS_setsid));
}

/* The kernel's brk returns the break it settled on: the old one if it
 * refused. */
static uintptr_t cur_brk;

int brk(void *end)
{
    cur_brk = (uintptr_t)SYS1(SYS_brk, end);
    if (cur_brk < (uintptr_t)end)
        return __sysret(-ENOMEM);
    return 0;
}

void *sbrk(intptr_t delta)
{
    if (!cur_brk)
        cur_brk = (uintptr_t)SYS1(SYS_brk, 0);
    uintptr_t old = cur_brk;
    if (delta == 0)
        return (void *)old;
    if ((delta > 0 && old + delta < old) || (delta < 0 && old + delta > old)) {
        __sysret(-ENOMEM);
        return (void *)-1;
    }
    uintptr_t want = old + delta;
    cur_brk = (uintptr_t)SYS1(SYS_brk, want);
    if (cur_brk != want) {
        __sysret(-ENOMEM);
        return (void *)-1;
    }
    return (void *)old;
}

int sched_yield(void)
{
    return __sysret(SYS0(SYS_sched_yield));
}

int uname(struct utsname *u)
{
    return __sysret(SYS1(SYS_uname, u));
}

int sysinfo(struct sysinfo *info)
{
    return __sysret(SYS1(SYS_sysinfo, info));
}

int reboot(unsigned magic, unsigned magic2, unsigned cmd, void *arg)
{
    return __sysret(SYS4(SYS_reboot, magic, magic2, cmd, arg));
}

long syscall(long number, ...)
{
    va_list ap;
    long a[6];
    va_start(ap, number);
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    return __sysret(__syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]));
}

long sysconf(int name)
{
    if (name == _SC_PAGESIZE)
        return (long)__page_size;
    if (name == _SC_CLK_TCK)
        return 100;
    return __sysret(-EINVAL);
}

int getpagesize(void)
{
    return (int)__page_size;
}
