/* sysfuzz [-s SEED] [-n CALLS] [-w WORKERS] [-t SECONDS]: throw random
 * system calls at the kernel and check that it lives. Each worker is a
 * child in a process group of its own, outside the console's foreground
 * (so even reboot must be refused), with /dev/null for its standard
 * files; it makes CALLS calls whose numbers and arguments are drawn from
 * pools of the interesting (kernel addresses, unmapped and read-only
 * pages, wrapping lengths, -1, real buffers and handles). A worker may
 * well wreck itself (munmap its stack, sigreturn with garbage, clone
 * into nowhere): it is killed, which is fine. At the end (all workers
 * done, or SECONDS over) the fuzzer kills everything it started, the
 * workers' own children included (kill -1 reaches exactly the caller's
 * descendants and group), reaps it, and reports how many calls it made,
 * how workers ended, and the free pages before and after.
 * Exit status 0 when the kernel answered to the end. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

static uint32_t seed = 1;

static uint32_t next_random(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static uint32_t pick(const uint32_t *pool, unsigned n)
{
    return pool[next_random() % n];
}

static char buffer[8192];
static const char *const paths[] = {
    "/tmp/fuzz", "/tmp/fuzz/a", "/tmp", "/", "/etc/motd", "/bin/true", "/nonexistent",
    "/tmp/fuzz/../fuzz", "/dev/null", "/dev/zero", "", "/tmp/fuzz/b/c",
};

/* One argument: a value that exercises a checking path in the kernel. */
static uint32_t argument(void)
{
    static const uint32_t values[] = {
        0, 1, 2, 3, 4, 9, 64, 0xFF, 4096, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu,
        0xFFFFFFF0u, 0xC0000000u, 0xC0100000u, 0xBFFFFFF0u, 0x10000000u, 0x00001000u,
        0x00400000u, 1000, 1004, 1010,
    };
    switch (next_random() % 8) {
    case 0: return next_random();
    case 1: return (uint32_t)(uintptr_t)buffer + (next_random() % sizeof buffer);
    case 2: return (uint32_t)(uintptr_t)paths[next_random() % (sizeof paths / sizeof *paths)];
    case 3: return (uint32_t)(uintptr_t)&argument;                /* read-only text */
    case 4: return next_random() % 70;                            /* handles, signals */
    default: return pick(values, sizeof values / sizeof *values);
    }
}

/* Calls that would only put the worker to sleep for years are left out;
 * the ones that end it (exit, a sigreturn with a garbage frame) are made
 * rare, so a worker gets far; every other number up to the Linux range
 * and isola's own is fair game. */
/* isolation=none runs the workers in ring 0 with nothing around them:
 * a worker that jumps to garbage (a sigreturn or a signal handler with
 * a random address, a clone onto a random stack, its code or stack
 * unmapped and mapped again as zeros) may execute CLI; HLT or write
 * anywhere, which is that mode's definition, not a kernel bug. So there
 * the calls that hand the worker's control flow or its memory layout to
 * random values are left out. */
static bool ring0;

static bool redirects(uint32_t nr)
{
    switch (nr) {
    case 45: case 48: case 67: case 90: case 91: case 119: case 120: case 123:
    case 125: case 163: case 173: case 174: case 190: case 192: case 243:
        return true;  /* brk signal sigaction mmap munmap sigreturn clone modify_ldt
                         mprotect mremap rt_sigreturn rt_sigaction vfork mmap2
                         set_thread_area */
    default:
        return false;
    }
}

static bool skipped(uint32_t nr)
{
    if (ring0 && redirects(nr))
        return true;
    switch (nr) {
    case 29:          /* pause */
    case 162:         /* nanosleep */
    case 267:         /* clock_nanosleep */
        return true;
    case 1: case 252: /* exit, exit_group */
    case 119: case 173: /* sigreturn, rt_sigreturn */
        return next_random() % 32 != 0;
    default:
        return false;
    }
}

static uint32_t syscall_number(void)
{
    for (;;) {
        uint32_t nr = next_random() % 16 == 0 ? 1000 + next_random() % 64 : next_random() % 400;
        if (!skipped(nr))
            return nr;
    }
}

static void quiet_standard_files(void)
{
    int fd = open("/dev/null", O_RDWR);
    for (int i = 0; i < 3 && fd >= 0; i++)
        dup2(fd, i);
    if (fd > 2)
        close(fd);
}

static _Noreturn void worker(uint32_t worker_seed, long calls)
{
    seed = worker_seed ? worker_seed : 1;
    setpgid(0, 0);
    quiet_standard_files();
    mkdir("/tmp/fuzz", 0777);
    for (long i = 0; i < calls; i++) {
        uint32_t a[6];
        for (int k = 0; k < 6; k++)
            a[k] = argument();
        syscall((long)syscall_number(), a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    _exit(0);
}

struct tally {
    long workers, exited, signaled;
};

static pid_t start_worker(long calls)
{
    uint32_t s = next_random();
    pid_t pid = fork();
    if (pid == 0)
        worker(s, calls);
    return pid;
}

static void count(struct tally *t, int status)
{
    if (WIFSIGNALED(status))
        t->signaled++;
    else
        t->exited++;
}

static unsigned long free_pages(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? si.freeram * (si.mem_unit ? si.mem_unit : 1) / 4096 : 0;
}

int main(int argc, char **argv)
{
    prog = "sysfuzz";
    long calls = 2000, workers = 4, seconds = 20;
    int c;
    struct isola_memstat ms;
    ring0 = mem_stat(&ms) == 0 && ms.isolation == ISOLA_ISOLATION_NONE;
    if (ring0)
        printf("sysfuzz: isolation=none: the workers run in ring 0 unprotected; calls that "
               "redirect their code or memory are left out\n");
    while ((c = getopt(argc, argv, "s:n:w:t:")) != -1) {
        switch (c) {
        case 's': seed = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'n': calls = strtol(optarg, NULL, 0); break;
        case 'w': workers = strtol(optarg, NULL, 0); break;
        case 't': seconds = strtol(optarg, NULL, 0); break;
        default: usage("[-s SEED] [-n CALLS] [-w WORKERS] [-t SECONDS]");
        }
    }
    if (!seed || calls <= 0 || workers <= 0 || workers > 32 || seconds <= 0)
        usage("[-s SEED] [-n CALLS] [-w WORKERS] [-t SECONDS]");
    setpgid(0, 0);                     /* so kill(-1) below spares the shell */
    unsigned long before = free_pages();
    pid_t live[32];
    struct tally t = {0, 0, 0};
    long spawn_limit = workers * 8;
    for (long i = 0; i < workers; i++) {
        live[i] = start_worker(calls);
        t.workers++;
    }
    /* a worker that ends early is replaced while time and the limit last;
     * the wait polls, since a worker may block for good (a read from its
     * own empty pipe, a receive with no timeout) */
    time_t end = time(NULL) + seconds;
    for (;;) {
        int status;
        bool in_time = time(NULL) < end;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid == 0 && in_time) {
            struct timespec nap = {0, 20 * 1000 * 1000};
            nanosleep(&nap, NULL);
            continue;
        }
        if (pid <= 0)
            break;
        for (long i = 0; i < workers; i++) {
            if (live[i] != pid)
                continue;
            count(&t, status);
            live[i] = -1;
            if (in_time && t.workers < spawn_limit && WIFSIGNALED(status)) {
                live[i] = start_worker(calls);
                t.workers++;
            }
        }
    }
    kill(-1, SIGKILL);
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, 0)) > 0 || (pid < 0 && errno == EINTR)) {
        for (long i = 0; i < workers; i++) {
            if (pid > 0 && live[i] == pid) {
                count(&t, status);
                live[i] = -1;
            }
        }
    }
    printf("sysfuzz: %ld workers of up to %ld calls: %ld ended by themselves, %ld by a signal\n",
           t.workers, calls, t.exited, t.signaled);
    printf("sysfuzz: free pages %lu before, %lu after\n", before, free_pages());
    printf("sysfuzz: the kernel is alive\n");
    return 0;
}
