/* t_time.c: time and the scheduler: nanosleep sleeps as long as asked
 * (and not wildly longer), the clocks agree and move forward, uname and
 * the process ids make sense, and preemption shares the CPU: spinning
 * children that never give it up each get a fair part of a second. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "usertests.h"

static void test_nanosleep(void)
{
    static const long asks[] = {0, 1, 20, 100, 300};
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        struct timespec ts = {asks[i] / 1000, asks[i] % 1000 * 1000000};
        long long t0 = now_ms();
        CHECKF(nanosleep(&ts, NULL) == 0, "nanosleep(%ld ms): %s", asks[i], strerror(errno));
        long long took = now_ms() - t0;
        CHECKF(took >= asks[i] && took < asks[i] + 2000, "nanosleep(%ld ms) took %lld ms", asks[i], took);
    }
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    bad.tv_nsec = -1;
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    bad = (struct timespec){-1, 0};
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
}

static void test_clocks(void)
{
    time_t t = time(NULL), t2;
    CHECKF(t > 1577836800, "time() says %ld: before 2020", (long)t);
    CHECK(time(&t2) >= t && t2 >= t);
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0);
    CHECKF(tv.tv_sec >= t && tv.tv_sec <= t + 2, "gettimeofday %ld, time %ld", (long)tv.tv_sec, (long)t);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    struct timespec rt, m0, m1;
    CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0);
    CHECK(rt.tv_sec >= t && rt.tv_sec <= t + 2 && rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &m0) == 0);
    for (int i = 0; i < 1000; i++) {
        CHECK(clock_gettime(CLOCK_MONOTONIC, &m1) == 0);
        CHECKF(m1.tv_sec > m0.tv_sec || (m1.tv_sec == m0.tv_sec && m1.tv_nsec >= m0.tv_nsec),
               "CLOCK_MONOTONIC went back from %ld.%09ld to %ld.%09ld", (long)m0.tv_sec, m0.tv_nsec,
               (long)m1.tv_sec, m1.tv_nsec);
        m0 = m1;
    }
    long long a = now_ms();
    sleep_ms(50);
    CHECK(now_ms() - a >= 50);
    CHECK_ERR(clock_gettime(12345, &m0), EINVAL);
}

static void test_ids(void)
{
    struct utsname u;
    CHECK(uname(&u) == 0);
    CHECKF(u.sysname[0] && u.release[0] && u.machine[0], "uname has an empty field");
    CHECKF(strcmp(u.sysname, "isola") == 0 || strcmp(u.sysname, "Linux") == 0,
           "uname sysname \"%s\"", u.sysname);
    if (on_isola())
        CHECKF(strcmp(u.machine, "i686") == 0, "uname machine \"%s\", want i686", u.machine);
    pid_t me = getpid(), parent = getppid();
    CHECK(me > 1 && parent >= 1 && me != parent);
    CHECK(getpid() == me);
    CHECK(gettid() == me);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        CHECKF(getppid() == me, "the child's getppid is %d, its parent is %d", getppid(), me);
        CHECKF(getpid() != me, "the child has its parent's pid %d", me);
        _exit(getpid() == gettid() ? 0 : 1);
    }
    CHECK(pid != me && pid > 1);
    wait_ok(pid, "the child");
    /* an orphan is adopted (by init, or on Linux by whoever reaps
     * orphans there), notices its new parent, ends and is reaped */
    char path[64];
    snprintf(path, sizeof path, "%s", tmp_path("orphan"));
    pid = fork();
    if (pid == 0) {
        pid_t mid = getpid();
        pid_t g = fork();
        if (g == 0) {
            while (getppid() == mid)
                sleep_ms(5);
            _exit(0);
        }
        int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
        _exit(fd >= 0 && write(fd, &g, sizeof g) == sizeof g ? 0 : 1);
    }
    wait_ok(pid, "the middle child");
    pid_t g = 0;
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0 && read(fd, &g, sizeof g) == sizeof g && g > 0);
    close(fd);
    unlink(path);
    long long t0 = now_ms();
    while (kill(g, 0) == 0 && now_ms() - t0 < 5000)
        sleep_ms(10);
    CHECKF(kill(g, 0) < 0 && errno == ESRCH, "an orphaned grandchild was not reaped within 5 s");
}

/* ---- preemption ---- */

#define SPINNERS 3
#define SPIN_MS 1000

/* Waits until start, counts loop rounds until end, and leaves the count
 * in a file (there are no pipes yet). */
static void spinner(int i, long long start, long long end)
{
    while (now_ms() < start)
        sleep_ms(1);
    unsigned long long count = 0;
    for (;;) {
        for (volatile int k = 0; k < 2000; k++)
            ;
        count++;
        if (now_ms() >= end)
            break;
    }
    char path[64], text[32];
    snprintf(path, sizeof path, "%s%d", tmp_path("spin"), i);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    int n = snprintf(text, sizeof text, "%llu\n", count);
    if (fd < 0 || write(fd, text, (size_t)n) != n)
        _exit(1);
    close(fd);
    _exit(0);
}

static void test_preempt(void)
{
    long long start = now_ms() + 500, end = start + SPIN_MS;   /* all forked by then */
    pid_t pids[SPINNERS];
    for (int i = 0; i < SPINNERS; i++) {
        pids[i] = fork();
        CHECKF(pids[i] >= 0, "fork: %s", strerror(errno));
        if (pids[i] == 0)
            spinner(i, start, end);
    }
    for (int i = 0; i < SPINNERS; i++)
        wait_ok(pids[i], "a spinner");
    unsigned long long counts[SPINNERS], sum = 0;
    for (int i = 0; i < SPINNERS; i++) {
        char path[64], text[32] = {0};
        snprintf(path, sizeof path, "%s%d", tmp_path("spin"), i);
        int fd = open(path, O_RDONLY);
        CHECKF(fd >= 0, "open %s: %s", path, strerror(errno));
        CHECK(read(fd, text, sizeof text - 1) > 0);
        close(fd);
        unlink(path);
        counts[i] = strtoull(text, NULL, 10);
        sum += counts[i];
    }
    unsigned long long mean = sum / SPINNERS;
    char list[96];
    int n = 0;
    for (int i = 0; i < SPINNERS; i++)
        n += snprintf(list + n, sizeof list - (size_t)n, "%s%llu", i ? ", " : "", counts[i]);
    for (int i = 0; i < SPINNERS; i++)
        CHECKF(counts[i] * 5 >= mean && counts[i] > 0,
               "spinners counted %s in %d ms: spinner %d got less than 20%% of the mean", list,
               SPIN_MS, i);
    note("%d spinners counted %s in %d ms", SPINNERS, list, SPIN_MS);
}

const struct test time_tests[] = {
    {"nanosleep", test_nanosleep},
    {"clocks", test_clocks},
    {"ids", test_ids},
    {"preempt", test_preempt},
    {NULL, NULL},
};
