/* util.c: the helpers every usertests file uses: reporting (say, fail,
 * skip, note), raw system calls, child processes and their statuses,
 * clocks and the free-memory count. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <isola.h>
#include "usertests.h"

const char *test_name = "?";
pid_t test_pid;
const char *self_path = "/bin/usertests";

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
    char buf[512];
    int n = prefix ? snprintf(buf, sizeof buf, "test %s: %s", test_name, prefix) : 0;
    n += vsnprintf(buf + n, sizeof buf - 1 - (size_t)n, fmt, ap);
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    for (int done = 0; done < n;) {
        int w = (int)write(1, buf + done, (size_t)(n - done));
        if (w <= 0)
            break;
        done += w;
    }
}

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(NULL, fmt, ap);
    va_end(ap);
}

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("FAILED: ", fmt, ap);
    va_end(ap);
    _exit(1);
}

void skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("skipped: ", fmt, ap);
    va_end(ap);
    _exit(2);
}

void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay("note: ", fmt, ap);
    va_end(ap);
}

void check_err(long r, int e, const char *file, int line, const char *what)
{
    if (r != -1 || errno != e)
        fail("%s:%d: %s returned %ld, errno %d (%s); want -1, errno %d (%s)", file, line, what,
             r, r == -1 ? errno : 0, r == -1 ? strerror(errno) : "-", e, strerror(e));
}

const char *tmp_path(const char *name)
{
    static char bufs[8][64];
    static unsigned next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "/tmp/usertests.%d.%s", test_pid ? test_pid : getpid(), name);
    return b;
}

int on_isola(void)
{
    static int known = -1;
    if (known < 0) {
        struct utsname u;
        known = uname(&u) == 0 && strcmp(u.sysname, "isola") == 0;
    }
    return known;
}

int isolation(void)
{
    static int known = -1;
    if (known < 0) {
        struct isola_memstat m;
        known = on_isola() && mem_stat(&m) == 0 ? (int)m.isolation : ISOLA_ISOLATION_PAGING;
    }
    return known;
}

void need_paging(const char *why)
{
    if (isolation() != ISOLA_ISOLATION_PAGING)
        skip("isolation=%s: %s", isolation() == ISOLA_ISOLATION_SEG ? "seg" : "none", why);
}

void need_protection(void)
{
    if (isolation() == ISOLA_ISOLATION_NONE)
        skip("isolation=none gives no protection");
}

long free_pages(void)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0)
        fail("sysinfo: %s", strerror(errno));
    unsigned unit = si.mem_unit ? si.mem_unit : 1;
    return (long)((unsigned long long)si.freeram * unit / 4096);
}

long long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        fail("clock_gettime: %s", strerror(errno));
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

long sys(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

long sys4(long nr, long a, long b, long c, long d)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
    return r;
}

int run_child(void (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    if (pid < 0)
        fail("fork: %s", strerror(errno));
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    int status;
    pid_t r = waitpid(pid, &status, 0);
    if (r != pid)
        fail("waitpid(%d) returned %d: %s", pid, r, strerror(errno));
    return status;
}

const char *status_text(int status, char *buf, size_t n)
{
    if (WIFEXITED(status)) {
        snprintf(buf, n, "exited with %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        char name[SIG2STR_MAX];
        if (sig2str(WTERMSIG(status), name) < 0)
            strcpy(name, "?");
        snprintf(buf, n, "killed by SIG%s (%d)", name, WTERMSIG(status));
    } else {
        snprintf(buf, n, "status %#x", status);
    }
    return buf;
}

void expect_signal(int status, int sig, const char *what)
{
    char got[64], name[SIG2STR_MAX];
    if (WIFSIGNALED(status) && WTERMSIG(status) == sig)
        return;
    if (sig2str(sig, name) < 0)
        strcpy(name, "?");
    fail("%s: %s, want killed by SIG%s", what, status_text(status, got, sizeof got), name);
}

void expect_exit(int status, int code, const char *what)
{
    char got[64];
    if (WIFEXITED(status) && WEXITSTATUS(status) == code)
        return;
    fail("%s: %s, want exited with %d", what, status_text(status, got, sizeof got), code);
}

void wait_ok(pid_t pid, const char *what)
{
    int status;
    pid_t r = waitpid(pid, &status, 0);
    if (r != pid)
        fail("%s: waitpid(%d) returned %d: %s", what, pid, r, strerror(errno));
    expect_exit(status, 0, what);
}

const unsigned char code_ret42[6] = {0xB8, 42, 0, 0, 0, 0xC3};

int call_code(void *p)
{
    int (*fn)(void) = (int (*)(void))p;
    return fn();
}

static void touch(void *arg)
{
    const uintptr_t *a = arg;
    volatile char *p = (volatile char *)a[0];
    switch (a[1]) {
    case READ:
        (void)*p;
        break;
    case WRITE:
        *p = *p;
        break;
    case EXEC:
        if (call_code((void *)p) != 42)
            _exit(3);
        break;
    }
    _exit(0);
}

int touch_in_child(uintptr_t addr, enum access how)
{
    uintptr_t a[2] = {addr, how};
    return run_child(touch, a);
}

static const char *const verbs[] = {"reading", "writing", "executing"};

void expect_fault(uintptr_t addr, enum access how, const char *what)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s %s (%#lx)", verbs[how], what, (unsigned long)addr);
    expect_signal(touch_in_child(addr, how), SIGSEGV, buf);
}

void expect_access(uintptr_t addr, enum access how, const char *what)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s %s (%#lx)", verbs[how], what, (unsigned long)addr);
    expect_exit(touch_in_child(addr, how), 0, buf);
}
