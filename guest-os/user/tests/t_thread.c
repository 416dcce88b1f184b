/* t_thread.c: threads made by the C library's thread_create (clone with
 * shared memory and a TLS segment): results through thread_join, shared
 * memory, thread ids, an errno per thread, futex wait and wake (a value
 * that changed, a timeout, a sleeper woken), a mutex that many threads
 * fight over, many threads at once, a fault in one thread ending the
 * whole process, and a process ending (exec, exit in another thread, a
 * signal) while its threads sleep in the kernel or spin. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

static void create(thread_t *t, void *(*fn)(void *), void *arg)
{
    CHECKF(thread_create(t, fn, arg) == 0, "thread_create: %s", strerror(errno));
}

/* ---- results, shared memory, ids ---- */

#define NT 8
static volatile int shared_slots[NT];
static volatile int tids[NT];

static void *square(void *arg)
{
    int i = (int)(intptr_t)arg;
    shared_slots[i] = i * i;
    tids[i] = gettid();
    return (void *)(intptr_t)(i * 1000 + getpid() % 1000);
}

static void test_threads(void)
{
    thread_t t[NT];
    for (int i = 0; i < NT; i++)
        create(&t[i], square, (void *)(intptr_t)i);
    for (int i = 0; i < NT; i++) {
        void *ret;
        CHECK(thread_join(t[i], &ret) == 0);
        CHECKF((intptr_t)ret == i * 1000 + getpid() % 1000,
               "thread %d returned %ld (or saw another pid)", i, (long)(intptr_t)ret);
        CHECKF(shared_slots[i] == i * i, "thread %d's write to shared memory is not seen", i);
        CHECKF(tids[i] != getpid() && tids[i] > 0, "thread %d has tid %d (pid %d)", i, tids[i], getpid());
        for (int j = 0; j < i; j++)
            CHECKF(tids[j] != tids[i], "threads %d and %d share tid %d", i, j, tids[i]);
    }
    CHECK(gettid() == getpid());
}

/* ---- errno per thread ---- */

static volatile int errno_step;

static void *errno_other(void *arg)
{
    (void)arg;
    while (errno_step != 1)
        sched_yield();
    errno = 0;
    CHECK(open("/no/such/file", O_RDONLY) < 0);
    int mine = errno;
    errno_step = 2;
    return (void *)(intptr_t)mine;
}

static void test_thread_errno(void)
{
    thread_t t;
    create(&t, errno_other, NULL);
    errno = 0;
    CHECK(close(-1) < 0);
    CHECK(errno == EBADF);
    errno_step = 1;
    while (errno_step != 2)
        sched_yield();
    CHECKF(errno == EBADF, "errno is %d after another thread's failed open, want EBADF", errno);
    void *ret;
    thread_join(t, &ret);
    CHECKF((intptr_t)ret == ENOENT, "the other thread's errno was %ld, want ENOENT", (long)(intptr_t)ret);
}

/* ---- futexes ---- */

static int fword;
static volatile int woke;

static void *futex_sleeper(void *arg)
{
    (void)arg;
    while (__atomic_load_n(&fword, __ATOMIC_ACQUIRE) == 0)
        futex_wait(&fword, 0, NULL);
    woke = 1;
    return NULL;
}

static volatile int waiting, counted_woken;

/* Waits once on fword (a wake or a changed value ends the wait). */
static void *counted_sleeper(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&waiting, 1, __ATOMIC_SEQ_CST);
    int r;
    do
        r = futex_wait(&fword, 0, NULL);
    while (r < 0 && errno == EINTR);
    __atomic_fetch_add(&counted_woken, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_futex(void)
{
    int w = 5;
    CHECK_ERR(futex_wait(&w, 6, NULL), EAGAIN);      /* the value changed: no sleep */
    struct timespec ts = {0, 100 * 1000000};
    long long t0 = now_ms();
    CHECK_ERR(futex_wait(&w, 5, &ts), ETIMEDOUT);
    long long took = now_ms() - t0;
    CHECKF(took >= 90 && took < 3000, "a 100 ms futex timeout took %lld ms", took);
    CHECK(futex_wake(&w, 1) == 0);                   /* no one waits */

    thread_t t;
    create(&t, futex_sleeper, NULL);
    sleep_ms(50);
    CHECKF(!woke, "the thread did not wait for the futex");
    __atomic_store_n(&fword, 1, __ATOMIC_RELEASE);
    int n = futex_wake(&fword, 1);
    CHECKF(n == 0 || n == 1, "futex_wake woke %d threads, one waits", n);
    thread_join(t, NULL);
    CHECK(woke);

    /* a wake of n wakes n of the waiters, no more */
    thread_t ws[3];
    __atomic_store_n(&fword, 0, __ATOMIC_RELEASE);
    for (int i = 0; i < 3; i++)
        create(&ws[i], counted_sleeper, NULL);
    long long t1 = now_ms();
    while (__atomic_load_n(&waiting, __ATOMIC_SEQ_CST) < 3 && now_ms() - t1 < 5000)
        sleep_ms(5);
    sleep_ms(20);                      /* into the kernel */
    n = futex_wake(&fword, 2);
    CHECKF(n == 2, "futex_wake(2) with 3 waiters woke %d", n);
    sleep_ms(50);
    CHECKF(counted_woken == 2, "futex_wake(2) with 3 waiters let %d go on", counted_woken);
    CHECKF(futex_wake(&fword, 10) == 1, "the last waiter was not there to wake");
    for (int i = 0; i < 3; i++)
        thread_join(ws[i], NULL);
    CHECK(counted_woken == 3);
    int odd[2];
    CHECK_ERR(futex_wait((int *)((char *)odd + 1), 0, NULL), EINVAL);
}

/* ---- a mutex ---- */

#define MUTEX_THREADS 8
#define MUTEX_ROUNDS 3000
static mutex_t lock;
static volatile int counter;           /* incremented non-atomically, under lock */

static void *add(void *arg)
{
    (void)arg;
    for (int i = 0; i < MUTEX_ROUNDS; i++) {
        mutex_lock(&lock);
        int c = counter;
        if (i % 64 == 0)
            sched_yield();             /* give up the CPU holding the lock */
        counter = c + 1;
        mutex_unlock(&lock);
    }
    return NULL;
}

static void test_mutex(void)
{
    thread_t t[MUTEX_THREADS];
    for (int i = 0; i < MUTEX_THREADS; i++)
        create(&t[i], add, NULL);
    for (int i = 0; i < MUTEX_THREADS; i++)
        thread_join(t[i], NULL);
    CHECKF(counter == MUTEX_THREADS * MUTEX_ROUNDS, "counter %d, want %d", counter,
           MUTEX_THREADS * MUTEX_ROUNDS);
    CHECK(mutex_trylock(&lock) == 0);
    CHECK(mutex_trylock(&lock) < 0);
    mutex_unlock(&lock);
}

/* ---- many threads ---- */

#define MANY_THREADS 60
static volatile int arrived;
static int many_threads = MANY_THREADS;

static void *arrive(void *arg)
{
    __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < many_threads)
        sleep_ms(5);
    return arg;
}

static void test_threads_many(void)
{
    thread_t t[MANY_THREADS];
    /* isolation=seg, none: 256 KiB stacks in the process's region */
    if (isolation() != ISOLA_ISOLATION_PAGING)
        many_threads = 12;
    for (int i = 0; i < many_threads; i++)
        create(&t[i], arrive, (void *)(intptr_t)i);
    for (int i = 0; i < many_threads; i++) {
        void *ret;
        thread_join(t[i], &ret);
        CHECK((intptr_t)ret == i);
    }
    CHECK(arrived == many_threads);
    /* and again: the slots, stacks and tids of the first round are free */
    long f0 = free_pages();
    for (int round = 0; round < 50; round++) {
        thread_t one;
        create(&one, square, (void *)(intptr_t)(round % NT));
        thread_join(one, NULL);
    }
    if (on_isola() && isolation() == ISOLA_ISOLATION_PAGING) {
        long f1 = free_pages();
        CHECKF(f1 == f0, "free pages: %ld before 50 threads came and went, %ld after", f0, f1);
    }
}

/* ---- a fault in a thread ---- */

static void *crash(void *arg)
{
    (void)arg;
    static int *volatile wild = (int *)8;   /* hidden from the compiler */
    if (isolation() != ISOLA_ISOLATION_PAGING)
        wild = (int *)0xFFFFFFF0u;           /* address 8 is in the region: past its end */
    sleep_ms(20);
    *wild = 1;
    return NULL;
}

static void crash_in_thread(void *arg)
{
    (void)arg;
    thread_t t;
    create(&t, crash, NULL);
    sleep_ms(10000);                   /* the fault in the other thread ends this too */
    _exit(0);
}

static void test_thread_fault(void)
{
    need_protection();                 /* a wild write lands somewhere in memory */
    long long t0 = now_ms();
    expect_signal(run_child(crash_in_thread, NULL), SIGSEGV, "a process whose thread wrote to address 8");
    CHECKF(now_ms() - t0 < 5000, "the sleeping main thread lived on for %lld ms", now_ms() - t0);
}

/* ---- threads asleep in the kernel when the process ends ---- */

static int never;                      /* a futex word no one wakes */

static void *sleep_in_futex(void *arg)
{
    (void)arg;
    for (;;)
        futex_wait(&never, 0, NULL);
    return NULL;
}

static void *sleep_in_nanosleep(void *arg)
{
    (void)arg;
    for (;;)
        sleep_ms(60000);
    return NULL;
}

static void *sleep_in_event(void *arg)
{
    int h = event_create(0);
    if (h < 0)
        return sleep_in_nanosleep(arg);   /* no events (Linux) */
    for (;;)
        event_wait(h, -1);
    return NULL;
}

static void *spin_forever(void *arg)
{
    (void)arg;
    for (volatile unsigned i = 0;; i++)
        ;
    return NULL;
}

static void *exit5(void *arg)
{
    (void)arg;
    exit(5);
}

static void *(*const sleepers[])(void *) = {sleep_in_futex, sleep_in_nanosleep, sleep_in_event,
                                           spin_forever};
#define NSLEEPERS (sizeof sleepers / sizeof sleepers[0])

static void start_sleepers(void)
{
    for (size_t i = 0; i < NSLEEPERS; i++) {
        thread_t t;
        create(&t, sleepers[i], NULL);
    }
    sleep_ms(30);                      /* let them block */
}

/* How the process ends: 0 the main thread execs, 1 another thread calls
 * exit, 2 it is sent SIGKILL, 3 SIGTERM. */
static void end_with_sleepers(void *arg)
{
    int how = *(int *)arg;
    start_sleepers();
    if (how == 0) {
        char *argv[] = {(char *)self_path, "-x", "exit", "7", NULL}, *envp[] = {NULL};
        execve(self_path, argv, envp);
        _exit(100);
    }
    if (how == 1) {
        thread_t t;
        create(&t, exit5, NULL);
        thread_join(t, NULL);          /* never returns: the thread ends the process */
        _exit(101);
    }
    sleep_ms(30000);
    _exit(102);
}

static void test_thread_ends(void)
{
    static const char *const hows[] = {"the main thread execs", "a thread calls exit(5)",
                                       "the process is sent SIGKILL", "the process is sent SIGTERM"};
    for (int how = 0; how < 4; how++) {
        long long t0 = now_ms();
        pid_t pid = fork();
        CHECKF(pid >= 0, "fork: %s", strerror(errno));
        if (pid == 0) {
            end_with_sleepers(&how);
            _exit(103);
        }
        if (how >= 2) {
            sleep_ms(100);
            CHECK(kill(pid, how == 2 ? SIGKILL : SIGTERM) == 0);
        }
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        char what[96];
        snprintf(what, sizeof what, "a process whose threads sleep in the kernel when %s", hows[how]);
        if (how == 0)
            expect_exit(status, 7, what);
        else if (how == 1)
            expect_exit(status, 5, what);
        else
            expect_signal(status, how == 2 ? SIGKILL : SIGTERM, what);
        CHECKF(now_ms() - t0 < 5000, "%s: it took %lld ms", what, now_ms() - t0);
    }
}

const struct test thread_tests[] = {
    {"threads", test_threads},
    {"thread-errno", test_thread_errno},
    {"futex", test_futex},
    {"mutex", test_mutex},
    {"threads-many", test_threads_many},
    {"thread-fault", test_thread_fault},
    {"thread-ends", test_thread_ends},
    {NULL, NULL},
};
