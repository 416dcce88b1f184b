/* t_limit.c: the kernel's resources under pressure. Processes, threads,
 * mappings and exec'd programs that come and go give back every page
 * (counted with sysinfo, after a warm-up, on isola only); a fork bomb
 * meets a full process table (EAGAIN) and the system goes on; threads
 * likewise; a process that eats all memory is the one that dies, and the
 * others keep their memory intact. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

#define PG 4096

static void fork_exit(int code)
{
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0)
        _exit(code);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    expect_exit(status, code, "a child");
}

/* Runs fn(small) in a child to warm up (caches, the first use of a
 * page), then fn(big) in another: once that child is reaped every page
 * it took must be free again. The count is taken here, outside the
 * child, so nothing the child was entitled to keep (page tables, pages
 * copied on write) is counted against it. */
static void no_leak(void (*fn)(void *), int small, int big, const char *what)
{
    char buf[64];
    int status = run_child(fn, &small);
    CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: the first run %s", what,
           status_text(status, buf, sizeof buf));
    long before = free_pages();
    status = run_child(fn, &big);
    CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: the second run %s", what,
           status_text(status, buf, sizeof buf));
    long after = free_pages();
    if (on_isola())
        CHECKF(after == before, "%s: %ld free pages before, %ld after (%+ld)", what, before, after,
               after - before);
    else
        note("free memory not compared on Linux");
}

static void forks(void *arg)
{
    for (int i = 0; i < *(int *)arg; i++)
        fork_exit(i % 256);
}

static void test_leak_fork(void)
{
    no_leak(forks, 10, 1000, "1000 fork+exit cycles");
}

static void exec_self(const char *mode, const char *arg, int want)
{
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        char *argv[] = {(char *)self_path, "-x", (char *)mode, (char *)arg, NULL};
        char *envp[] = {"A=1", NULL};
        execve(self_path, argv, envp);
        _exit(127);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    expect_exit(status, want, "usertests -x");
}

static void execs(void *arg)
{
    for (int i = 0; i < *(int *)arg; i++)
        exec_self("exit", "3", 3);
}

/* Execs that fail part way: a bad argument string is found after the
 * new program was loaded, all of which must go again. */
static void failed_execs(void *arg)
{
    char *envp[] = {NULL};
    char *bad_argv[] = {(char *)self_path, (char *)0xC0000000u, NULL};
    for (int i = 0; i < *(int *)arg; i++)
        CHECK_ERR(execve(self_path, bad_argv, envp), EFAULT);
}

static void test_leak_exec(void)
{
    no_leak(execs, 3, 100, "100 fork+exec+exit cycles");
    no_leak(failed_execs, 3, 100, "100 execs that failed with EFAULT");
}

static void mmaps(void *arg)
{
    size_t len = 64 * 1024;
    for (int round = 0; round < *(int *)arg; round++) {
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECKF(p != MAP_FAILED, "mmap: %s", strerror(errno));
        for (size_t i = 0; i < len; i += PG)
            p[i] = (char)i;
        CHECK(mprotect(p + PG, PG, PROT_NONE) == 0);    /* splits the region in three */
        CHECK(munmap(p, len) == 0);
    }
}

/* Many small regions at once: a region record each, then none. */
static void many_mmaps(void *arg)
{
    int n = *(int *)arg;
    static char *pages[2000];
    for (int i = 0; i < n; i++) {
        pages[i] = mmap(NULL, PG, PROT_READ | (i % 2 ? PROT_WRITE : 0), MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
        CHECKF(pages[i] != MAP_FAILED, "mmap %d: %s", i, strerror(errno));
        (void)*(volatile char *)pages[i];
    }
    for (int i = 0; i < n; i += 2)
        CHECK(munmap(pages[i], PG) == 0);
    for (int i = 1; i < n; i += 2)
        CHECK(munmap(pages[i], PG) == 0);
}

static void test_leak_mmap(void)
{
    need_paging("no mprotect, and mappings take no frames: they are the region's");
    no_leak(mmaps, 2, 200, "200 rounds of mmap, mprotect and munmap");
    no_leak(many_mmaps, 10, 2000, "2000 one-page mappings at once");
}

/* ---- running out of processes and threads ---- */

#define BOMB_MAX 400

static void forkbomb(void *arg)
{
    (void)arg;
    static pid_t kids[BOMB_MAX];
    int n = 0, err = 0;
    while (n < BOMB_MAX) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) {
            sleep_ms(120000);
            _exit(0);
        }
        kids[n++] = pid;
    }
    if (n == BOMB_MAX) {
        CHECKF(!on_isola(), "%d forks and still no EAGAIN", n);
        note("the host allows more than %d processes", n);
    } else {
        /* without paging each process takes a whole region: the pool
         * runs out before the process table (ENOMEM) */
        int want = isolation() == ISOLA_ISOLATION_PAGING ? EAGAIN : ENOMEM;
        CHECKF(err == want, "fork failed after %d children with errno %d, want %d", n, err, want);
        CHECKF(n >= 16, "fork failed after only %d children", n);
        note("fork said %s after %d children", strerror(err), n);
        /* the system is still here: a freed slot can be used again */
        CHECK_ERR(fork(), want);
        CHECK(kill(kids[n - 1], SIGKILL) == 0);
        int status;
        CHECK(waitpid(kids[n - 1], &status, 0) == kids[n - 1]);
        n--;
        fork_exit(9);
    }
    for (int i = 0; i < n; i++)
        CHECK(kill(kids[i], SIGKILL) == 0);
    for (int i = 0; i < n; i++) {
        int status;
        CHECK(waitpid(kids[i], &status, 0) == kids[i]);
        expect_signal(status, SIGKILL, "a fork-bomb child");
    }
    CHECK_ERR(wait(NULL), ECHILD);
    fork_exit(10);
}

static void test_forkbomb(void)
{
    fork_exit(0);
    long before = free_pages();
    expect_exit(run_child(forkbomb, NULL), 0, "the fork bomb");
    if (on_isola()) {
        long after = free_pages();
        CHECKF(after == before, "a fork bomb, killed and reaped: %ld free pages before, %ld after",
               before, after);
    }
}

static volatile int stop_threads;

static void *idle_thread(void *arg)
{
    while (!stop_threads)
        sleep_ms(10);
    return arg;
}

#define THREAD_MAX 400

static void threadbomb(void *arg)
{
    (void)arg;
    static thread_t ts[THREAD_MAX];
    int n = 0, err = 0;
    while (n < THREAD_MAX) {
        if (thread_create(&ts[n], idle_thread, NULL) < 0) {
            err = errno;
            break;
        }
        n++;
    }
    if (n == THREAD_MAX) {
        CHECKF(!on_isola(), "%d threads and still no EAGAIN", n);
        note("the host allows more than %d threads", n);
    } else {
        CHECKF(err == EAGAIN || err == ENOMEM, "thread_create failed after %d with errno %d", n, err);
        note("thread_create failed (%s) after %d threads", strerror(err), n);
        /* while the thread table is full, no one can fork either */
        if (err == EAGAIN && on_isola())
            CHECK_ERR(fork(), EAGAIN);
    }
    stop_threads = 1;
    for (int i = 0; i < n; i++)
        thread_join(ts[i], NULL);
    stop_threads = 0;
    thread_t t;
    CHECK(thread_create(&t, idle_thread, NULL) == 0);
    stop_threads = 1;
    thread_join(t, NULL);
    fork_exit(3);
}

static void test_threadbomb(void)
{
    fork_exit(0);
    long before = free_pages();
    expect_exit(run_child(threadbomb, NULL), 0, "the thread bomb");
    if (on_isola()) {
        long after = free_pages();
        CHECKF(after == before, "threads up to the limit, joined: %ld free pages before, %ld after",
               before, after);
    }
}

/* ---- running out of memory ---- */

#define HOLD (1024 * 1024)

/* Holds a megabyte with a pattern, all touched beforehand (so it needs no
 * new page while memory is short), and checks it once told to. */
static void bystander(int go)
{
    static char stack_reserve[64 * 1024];
    memset(stack_reserve, 1, sizeof stack_reserve);
    unsigned *p = mmap(NULL, HOLD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(3);
    for (unsigned i = 0; i < HOLD / 4; i++)
        p[i] = i * 2654435761u;
    if (event_wait(go, 120000) < 0)
        _exit(4);
    for (unsigned i = 0; i < HOLD / 4; i++)
        if (p[i] != i * 2654435761u)
            _exit(5);
    _exit(0);
}

/* Allocates and touches 64 KiB at a time until malloc says no. */
static void eater(void)
{
    for (;;) {
        char *p = malloc(64 * 1024);
        if (!p)
            _exit(0);
        for (int i = 0; i < 64 * 1024; i += PG)
            p[i] = 1;
    }
}

static void oom_scene(void *arg)
{
    (void)arg;
    int go = event_create(0);
    CHECK(go >= 0);
    pid_t by = fork();
    CHECKF(by >= 0, "fork: %s", strerror(errno));
    if (by == 0)
        bystander(go);
    sleep_ms(100);
    long long t0 = now_ms();
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0)
        eater();
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    char buf[64];
    CHECKF((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
               (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
           "the process eating memory %s, want an exit after malloc failed or SIGKILL",
           status_text(status, buf, sizeof buf));
    note("the process eating all memory %s after %lld ms",
         WIFEXITED(status) ? "saw malloc fail and exited" : "was killed (out of memory)",
         now_ms() - t0);
    CHECK(waitpid(by, &status, WNOHANG) == 0);     /* the bystander lives */
    CHECK(event_set(go) == 0);
    CHECK(waitpid(by, &status, 0) == by);
    CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "the process holding 1 MiB while another ate all memory %s",
           status_text(status, buf, sizeof buf));
    fork_exit(1);                      /* and processes can still be made */
}

static void test_oom(void)
{
    if (!on_isola())
        skip("eats all memory: not on the host");
    fork_exit(0);
    long before = free_pages();
    expect_exit(run_child(oom_scene, NULL), 0, "the scene");
    long after = free_pages();
    CHECKF(after == before, "a process ate all memory and died: %ld free pages before, %ld after",
           before, after);
}

const struct test limit_tests[] = {
    {"leak-fork", test_leak_fork},
    {"leak-exec", test_leak_exec},
    {"leak-mmap", test_leak_mmap},
    {"forkbomb", test_forkbomb},
    {"threadbomb", test_threadbomb},
    {"oom", test_oom},
    {NULL, NULL},
};
