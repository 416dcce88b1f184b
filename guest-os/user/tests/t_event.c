/* t_event.c: isola's events (isola/syscall.h): create, set, reset and
 * wait; auto-reset (a wait consumes the signal) against manual-reset
 * (it stays set); wait_many for any and for all; timeouts; a thread
 * blocked on an event woken by another thread; one set releasing one
 * waiter of an auto-reset event; an event shared with a child across
 * fork. Linux has no such calls: skipped there. */
#include <errno.h>
#include <isola.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include "usertests.h"

static void need_events(void)
{
    int h = event_create(0);
    if (h < 0 && errno == ENOSYS)
        skip("no events here (isola's own calls; ENOSYS on Linux)");
    CHECKF(h >= 0, "event_create: %s", strerror(errno));
    close(h);
}

static int new_event(unsigned flags)
{
    int h = event_create(flags);
    CHECKF(h >= 0, "event_create(%#x): %s", flags, strerror(errno));
    return h;
}

static void test_event_basic(void)
{
    need_events();
    int a = new_event(0);
    CHECK_ERR(event_wait(a, 0), ETIMEDOUT);
    CHECK(event_set(a) == 0);
    CHECK(event_set(a) == 0);                        /* set twice is still once */
    CHECK(event_wait(a, 0) == 0);
    CHECK_ERR(event_wait(a, 0), ETIMEDOUT);          /* auto-reset: consumed */
    CHECK(event_set(a) == 0);
    CHECK(event_reset(a) == 0);
    CHECK_ERR(event_wait(a, 0), ETIMEDOUT);

    int m = new_event(EVENT_MANUAL_RESET);
    CHECK(event_set(m) == 0);
    CHECK(event_wait(m, 0) == 0);
    CHECK(event_wait(m, 0) == 0);                    /* manual: stays set */
    CHECK(event_wait(m, -1) == 0);
    CHECK(event_reset(m) == 0);
    CHECK_ERR(event_wait(m, 0), ETIMEDOUT);

    int s = new_event(EVENT_SIGNALED);
    CHECK(event_wait(s, 0) == 0);
    CHECK_ERR(event_wait(s, 0), ETIMEDOUT);

    CHECK(a != m && m != s && a != s);
    CHECK_ERR(event_create(0x100), EINVAL);
    CHECK_ERR(event_set(1), EBADF);                  /* a handle, but not an event */
    CHECK_ERR(event_wait(1, 0), EBADF);
    CHECK_ERR(event_set(-1), EBADF);
    CHECK_ERR(event_set(1000), EBADF);
    CHECK(close(a) == 0);
    CHECK_ERR(event_set(a), EBADF);
    close(m);
    close(s);
}

static void test_event_timeout(void)
{
    need_events();
    int h = new_event(0);
    static const int waits[] = {1, 30, 100, 250};
    for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
        long long t0 = now_ms();
        CHECK_ERR(event_wait(h, waits[i]), ETIMEDOUT);
        long long took = now_ms() - t0;
        CHECKF(took >= waits[i] && took < waits[i] + 2000, "a %d ms event timeout took %lld ms",
               waits[i], took);
    }
    close(h);
}

static void test_event_many(void)
{
    need_events();
    int h[3] = {new_event(0), new_event(0), new_event(EVENT_MANUAL_RESET)};
    CHECK_ERR(event_wait_many(h, 3, 0, 0), ETIMEDOUT);
    CHECK_ERR(event_wait_many(h, 3, EVENT_WAIT_ALL, 0), ETIMEDOUT);
    CHECK(event_set(h[1]) == 0);
    int got = event_wait_many(h, 3, 0, 0);
    CHECKF(got == 1, "event_wait_many for any of 3 with the second set returned %d (errno %d)", got,
           got < 0 ? errno : 0);
    CHECK_ERR(event_wait_many(h, 3, 0, 0), ETIMEDOUT);   /* h[1] auto-reset */
    CHECK(event_set(h[2]) == 0);
    CHECK(event_wait_many(h, 3, 0, 0) == 2);
    CHECK(event_wait_many(h, 3, 0, 0) == 2);              /* h[2] manual */

    /* all: two of three set is not enough, and consumes nothing */
    CHECK(event_set(h[0]) == 0);
    CHECK_ERR(event_wait_many(h, 3, EVENT_WAIT_ALL, 20), ETIMEDOUT);
    CHECK(event_wait(h[0], 0) == 0);                      /* h[0] was still set */
    CHECK(event_set(h[0]) == 0);
    CHECK(event_set(h[1]) == 0);
    CHECK(event_wait_many(h, 3, EVENT_WAIT_ALL, 0) == 0);
    CHECK_ERR(event_wait(h[0], 0), ETIMEDOUT);            /* consumed */
    CHECK_ERR(event_wait(h[1], 0), ETIMEDOUT);
    CHECK(event_wait(h[2], 0) == 0);                      /* manual: still set */

    CHECK_ERR(event_wait_many(h, 0, 0, 0), EINVAL);
    CHECK_ERR(event_wait_many(h, EVENT_WAIT_MAX + 1, 0, 0), EINVAL);
    CHECK_ERR(event_wait_many(h, 3, 0x10, 0), EINVAL);
    int bad[2] = {h[0], 1};
    CHECK_ERR(event_wait_many(bad, 2, 0, 0), EBADF);
    for (int i = 0; i < 3; i++)
        close(h[i]);
}

/* ---- events and threads ---- */

static int ev, ev_done;
static volatile int released;

static void *waiter(void *arg)
{
    (void)arg;
    int r = event_wait(ev, -1);
    __atomic_fetch_add(&released, 1, __ATOMIC_SEQ_CST);
    if (ev_done >= 0)
        event_set(ev_done);
    return (void *)(intptr_t)r;
}

static void test_event_thread(void)
{
    need_events();
    ev = new_event(0);
    ev_done = new_event(0);
    thread_t t;
    CHECK(thread_create(&t, waiter, NULL) == 0);
    CHECK_ERR(event_wait(ev_done, 100), ETIMEDOUT);
    CHECKF(released == 0, "the thread passed an event no one had set");
    CHECK(event_set(ev) == 0);
    CHECKF(event_wait(ev_done, 5000) == 0, "the thread was not woken by event_set");
    void *ret;
    thread_join(t, &ret);
    CHECK(ret == 0);
    CHECK_ERR(event_wait(ev, 0), ETIMEDOUT);              /* the thread consumed it */

    /* an auto-reset event releases one waiter per set */
    released = 0;
    ev_done = -1;
    thread_t w[3];
    for (int i = 0; i < 3; i++)
        CHECK(thread_create(&w[i], waiter, NULL) == 0);
    sleep_ms(50);
    CHECK(released == 0);
    for (int n = 1; n <= 3; n++) {
        CHECK(event_set(ev) == 0);
        long long t0 = now_ms();
        while (released < n && now_ms() - t0 < 5000)
            sleep_ms(5);
        sleep_ms(30);
        CHECKF(released == n, "after %d sets of an auto-reset event %d waiters were released", n,
               released);
    }
    for (int i = 0; i < 3; i++)
        thread_join(w[i], NULL);

    /* a manual-reset event releases them all */
    close(ev);
    ev = new_event(EVENT_MANUAL_RESET);
    released = 0;
    for (int i = 0; i < 3; i++)
        CHECK(thread_create(&w[i], waiter, NULL) == 0);
    sleep_ms(30);
    CHECK(event_set(ev) == 0);
    for (int i = 0; i < 3; i++)
        thread_join(w[i], NULL);
    CHECK(released == 3);
}

static void test_event_fork(void)
{
    need_events();
    int go = new_event(0), back = new_event(0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (event_wait(go, 5000) < 0)
            _exit(1);
        event_set(back);
        _exit(0);
    }
    CHECK_ERR(event_wait(back, 50), ETIMEDOUT);
    CHECK(event_set(go) == 0);
    CHECKF(event_wait(back, 5000) == 0, "the child did not answer through the shared event");
    wait_ok(pid, "the child waiting on an inherited event");
}

const struct test event_tests[] = {
    {"event-basic", test_event_basic},
    {"event-timeout", test_event_timeout},
    {"event-many", test_event_many},
    {"event-thread", test_event_thread},
    {"event-fork", test_event_fork},
    {NULL, NULL},
};
