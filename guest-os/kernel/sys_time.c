/*
 * sys_time.c: clocks, sleeping, and what the system says about itself:
 * time, gettimeofday, clock_gettime, nanosleep, times, uname, sysinfo,
 * sched_yield.
 */
#include "errno.h"
#include "kalloc.h"
#include "ktime.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "swap.h"
#include "syscall.h"
#include "uaccess.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define NS_PER_SEC 1000000000ull

struct timespec32 {
    int32_t sec, nsec;
};

struct timeval32 {
    int32_t sec, usec;
};

static long sys_time(const uint32_t *a)
{
    uint32_t t = time_now();
    if (a[0] && copyout(a[0], &t, sizeof t) < 0)
        return -EFAULT;
    return t;
}

/* The wall clock with the sub-second part from the uptime clock. */
static void realtime(struct timespec32 *ts)
{
    uint64_t ns = uptime_ns();
    ts->sec = (int32_t)time_now();
    ts->nsec = (int32_t)(ns % NS_PER_SEC);
}

static long sys_gettimeofday(const uint32_t *a)
{
    struct timespec32 ts;
    realtime(&ts);
    struct timeval32 tv = {ts.sec, ts.nsec / 1000};
    if (a[0] && copyout(a[0], &tv, sizeof tv) < 0)
        return -EFAULT;
    return 0;
}

static long sys_clock_gettime(const uint32_t *a)
{
    struct timespec32 ts;
    uint64_t ns;
    switch (a[0]) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        realtime(&ts);
        break;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
        ns = uptime_ns();
        ts = (struct timespec32){(int32_t)(ns / NS_PER_SEC), (int32_t)(ns % NS_PER_SEC)};
        break;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        ns = (uint64_t)curproc()->ticks * (NS_PER_SEC / HZ);
        ts = (struct timespec32){(int32_t)(ns / NS_PER_SEC), (int32_t)(ns % NS_PER_SEC)};
        break;
    default:
        return -EINVAL;
    }
    return copyout(a[1], &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

/* Sleeps until the tick count reaches deadline; the current thread is
 * its own wait channel, so nothing but time or a kill wakes it. */
static long sleep_until(uint64_t deadline)
{
    uint32_t f = irq_save();
    long r = 0;
    while (ticks_now() < deadline && r != -EINTR)
        r = sleep_on(current, deadline);
    irq_restore(f);
    return r == -EINTR ? -EINTR : 0;
}

static long sys_nanosleep(const uint32_t *a)
{
    struct timespec32 req;
    if (copyin(&req, a[0], sizeof req) < 0)
        return -EFAULT;
    if (req.sec < 0 || req.nsec < 0 || (uint32_t)req.nsec >= NS_PER_SEC)
        return -EINVAL;
    uint64_t ns = (uint64_t)req.sec * NS_PER_SEC + (uint64_t)req.nsec;
    uint64_t ticks = (ns + NS_PER_SEC / HZ - 1) / (NS_PER_SEC / HZ);
    /* +1: the current tick is already partly gone */
    return sleep_until(ticks_now() + ticks + (ticks ? 1 : 0));
}

static long sys_times(const uint32_t *a)
{
    uint32_t t[4] = {curproc()->ticks, 0, 0, 0};
    if (a[0] && copyout(a[0], t, sizeof t) < 0)
        return -EFAULT;
    return (long)ticks_now();
}

static long sys_sched_yield(const uint32_t *a)
{
    (void)a;
    yield();
    return 0;
}

struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static long sys_uname(const uint32_t *a)
{
    struct utsname u;
    memset(&u, 0, sizeof u);
    strlcpy(u.sysname, "isola", sizeof u.sysname);
    strlcpy(u.nodename, "isola", sizeof u.nodename);
    strlcpy(u.release, "0.1.0", sizeof u.release);
    strlcpy(u.version, "#1 " __DATE__, sizeof u.version);
    strlcpy(u.machine, "i686", sizeof u.machine);
    strlcpy(u.domainname, "(none)", sizeof u.domainname);
    return copyout(a[0], &u, sizeof u) < 0 ? -EFAULT : 0;
}

struct sysinfo {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t totalhigh, freehigh, mem_unit;
    char reserved[8];
};

static long sys_sysinfo(const uint32_t *a)
{
    struct sysinfo si;
    memset(&si, 0, sizeof si);
    si.uptime = (int32_t)(ticks_now() / HZ);
    si.totalram = pages_total();
    si.freeram = pages_free();
    si.totalswap = swap_total();
    si.freeswap = swap_free_slots();
    si.mem_unit = PAGE_SIZE;
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].state != P_FREE)
            si.procs++;
    return copyout(a[0], &si, sizeof si) < 0 ? -EFAULT : 0;
}

const struct syscall_def time_syscalls[] = {
    SYSCALL_DEF(time), SYSCALL_DEF(gettimeofday), SYSCALL_DEF(clock_gettime),
    SYSCALL_DEF(nanosleep), SYSCALL_DEF(times), SYSCALL_DEF(sched_yield), SYSCALL_DEF(uname),
    SYSCALL_DEF(sysinfo),
    {0, NULL, NULL},
};
