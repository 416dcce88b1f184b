/* t_chan.c: channels and the exchange heap (isola/syscall.h). A block
 * sent over a channel moves: the receiver finds the bytes, nothing is
 * copied (no frames are spent on the way), and the sender's next touch
 * of it kills the sender; a block shared read-only with several
 * receivers can be written by none of them, nor by the sender; handles
 * (a pipe end, an event, a channel end, a read-only shared-memory
 * handle) passed over a channel work in the receiver with the rights
 * they had; a process without the handle cannot use the channel, nor
 * send a block it does not hold. The queue's edges: empty (waits, times
 * out, EAGAIN), full (waits for room), the other end closed (EPIPE after
 * what was queued), a receiver woken by the close; an end that would
 * make channels carry each other in a cycle is refused. isola's own
 * calls: skipped on Linux. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

#define PG 4096

static char name_buf[ISOLA_NAME_MAX];

static const char *chan_name(const char *what)
{
    snprintf(name_buf, sizeof name_buf, "ut-%s-%d", what, (int)getpid());
    return name_buf;
}

static void need_channels(void)
{
    if (!on_isola())
        skip("channels are isola's own calls");
}

static void new_pair(int hs[2])
{
    CHECKF(chan_pair(hs) == 0, "chan_pair: %s", strerror(errno));
}

static void *new_block(unsigned size)
{
    void *b = xh_alloc(size);
    CHECKF(b != NULL, "xh_alloc(%u): %s", size, strerror(errno));
    return b;
}

static void send_ok(int h, void *block, int handle, unsigned word, unsigned flags)
{
    struct chan_msg m = {block, 0, handle, word, 0};
    CHECKF(chan_send(h, &m, flags, 5000) == 0, "chan_send: %s", strerror(errno));
}

static struct chan_msg recv_ok(int h)
{
    struct chan_msg m;
    CHECKF(chan_recv(h, &m, 5000) == 0, "chan_recv: %s", strerror(errno));
    return m;
}

static void fill(unsigned char *p, unsigned n, unsigned seed)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 13 + seed);
}

static int filled(const unsigned char *p, unsigned n, unsigned seed)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i] != (unsigned char)(i * 13 + seed))
            return 0;
    return 1;
}

static void test_chan_basic(void)
{
    need_channels();
    const char *name = chan_name("basic");
    int a = chan_create(name);
    CHECKF(a >= 0, "chan_create: %s", strerror(errno));
    CHECK_ERR(chan_create(name), EEXIST);
    CHECK_ERR(chan_open("ut-no-such-channel"), ENOENT);
    CHECK_ERR(chan_create(""), EINVAL);
    CHECK_ERR(chan_create("a-name-longer-than-thirty-one-bytes"), ENAMETOOLONG);
    int b = chan_open(name);
    CHECKF(b >= 0, "chan_open: %s", strerror(errno));
    int b2 = chan_open(name);                  /* a second handle on the same end */
    CHECK(b2 >= 0 && b2 != b);

    struct chan_msg m;
    CHECK_ERR(chan_recv(b, &m, 0), EAGAIN);
    long long t0 = now_ms();
    CHECK_ERR(chan_recv(b, &m, 50), ETIMEDOUT);
    CHECKF(now_ms() - t0 >= 50, "a 50 ms receive gave up after %lld ms", now_ms() - t0);
    send_ok(a, NULL, -1, 0x1234, 0);
    send_ok(b, NULL, -1, 0x4321, 0);           /* the other way */
    m = recv_ok(b2);                           /* any handle on the end receives */
    CHECK(m.word == 0x1234 && m.addr == NULL && m.size == 0 && m.handle == -1 && m.flags == 0);
    m = recv_ok(a);
    CHECK(m.word == 0x4321);

    /* the queue holds CHAN_QUEUE_MAX, in order */
    for (unsigned i = 0; i < CHAN_QUEUE_MAX; i++)
        send_ok(a, NULL, -1, i, 0);
    struct chan_msg w = {NULL, 0, -1, 99, 0};
    CHECK_ERR(chan_send(a, &w, 0, 0), EAGAIN);
    CHECK_ERR(chan_send(a, &w, 0, 30), ETIMEDOUT);
    for (unsigned i = 0; i < CHAN_QUEUE_MAX; i++)
        CHECK(recv_ok(b).word == i);

    /* bad arguments take nothing */
    CHECK_ERR(chan_send(a, &w, 0x80, 0), EINVAL);
    CHECK_ERR(chan_send(a, (struct chan_msg *)16, 0, 0), EFAULT);
    CHECK_ERR(chan_recv(b, (struct chan_msg *)16, 0), EFAULT);
    w.handle = 1000;
    CHECK_ERR(chan_send(a, &w, 0, 0), EBADF);
    w.handle = b;                              /* an end of this very channel */
    CHECK_ERR(chan_send(a, &w, 0, 0), EINVAL);
    CHECK_ERR(chan_recv(b, &m, 0), EAGAIN);
    /* every call checks that the handle is a channel it holds */
    CHECK_ERR(chan_send(0, &w, 0, 0), EBADF);
    CHECK_ERR(chan_recv(1, &m, 0), EBADF);
    CHECK_ERR(chan_send(-1, &w, 0, 0), EBADF);
    CHECK_ERR(chan_recv(1000, &m, 0), EBADF);
    close(b2);
    CHECK(close(b) == 0);
    CHECK_ERR(chan_recv(b, &m, 0), EBADF);
    close(a);
    CHECK_ERR(chan_open(name), ENOENT);         /* the name went with the channel */
}

static void test_xh_alloc(void)
{
    need_paging("no exchange-heap blocks: moving pages between address spaces needs paging");
    need_channels();
    CHECK(xh_alloc(0) == NULL && errno == EINVAL);
    CHECK(xh_alloc(XH_MAX_SIZE + 1) == NULL && errno == EINVAL);
    unsigned char *b = new_block(3 * PG - 1);
    CHECK((uintptr_t)b % PG == 0);
    CHECK(b[0] == 0 && b[3 * PG - 1] == 0);
    fill(b, 3 * PG, 1);
    CHECK(filled(b, 3 * PG, 1));
    CHECK_ERR(xh_free(b + PG), EINVAL);         /* not the start of a block */
    static char data[PG];
    CHECK_ERR(xh_free(data), EINVAL);          /* not a block at all */
    CHECK(xh_free(b) == 0);
    CHECK_ERR(xh_free(b), EINVAL);
    long r = sys(4 /* write */, 1, (long)b, 1);
    CHECKF(r == -EFAULT, "write() from a freed block returned %ld", r);
    /* fork does not give a child its parent's blocks */
    unsigned char *kept = new_block(PG);
    kept[0] = 9;
    expect_fault((uintptr_t)kept, READ, "the parent's exchange-heap block, in a child");
    CHECK(kept[0] == 9);
    /* a block is never executable, and mprotect cannot make it so */
    CHECK_ERR(mprotect(kept, PG, PROT_READ | PROT_EXEC), EACCES);
    xh_free(kept);
}

/* The child fills a block and sends it; its next touch must kill it. */
static void mover(void *arg)
{
    int h = *(int *)arg;
    unsigned char *b = new_block(5 * PG);
    fill(b, 5 * PG, 7);
    send_ok(h, b, -1, (unsigned)(uintptr_t)b, 0);
    (void)*(volatile unsigned char *)(b + 2 * PG);   /* gone: this faults */
    _exit(0);
}

static void test_chan_move(void)
{
    need_paging("no exchange-heap blocks: moving pages between address spaces needs paging");
    need_channels();
    int hs[2];
    new_pair(hs);
    int status = run_child(mover, &hs[0]);
    expect_signal(status, SIGSEGV, "the sender touching a block it sent");
    struct chan_msg m = recv_ok(hs[1]);
    CHECK(m.size == 5 * PG && m.flags == 0 && m.addr != NULL);
    CHECKF(filled(m.addr, 5 * PG, 7), "the block arrived changed");
    fill(m.addr, 5 * PG, 8);                   /* the receiver holds it: writable */

    /* within one process, the same: moved, not copied */
    unsigned char *b = new_block(32 * PG);
    fill(b, 32 * PG, 3);
    long before = free_pages();
    send_ok(hs[0], b, -1, 0, 0);
    CHECK_ERR(xh_free(b), EINVAL);             /* nothing left where it was */
    CHECK_ERR(mprotect(b, PG, PROT_READ), ENOMEM);
    long r = sys(4 /* write */, 1, (long)b, 1);
    CHECKF(r == -EFAULT, "write() from a sent block returned %ld", r);
    m = recv_ok(hs[1]);
    long spent = before - free_pages();
    CHECKF(spent < 4, "moving 32 pages spent %ld frames: a copy?", spent);
    CHECK(filled(m.addr, 32 * PG, 3));
    /* and back: the block moves again */
    void *first = m.addr;
    send_ok(hs[1], first, -1, 0, 0);
    m = recv_ok(hs[0]);
    CHECK(filled(m.addr, 32 * PG, 3));
    CHECK(xh_free(m.addr) == 0);
    /* only the start of a block held here can be sent: nothing is taken
     * otherwise */
    unsigned char *c = new_block(2 * PG);
    struct chan_msg bad = {c + PG, 0, -1, 0, 0};
    CHECK_ERR(chan_send(hs[0], &bad, 0, 0), EINVAL);
    bad.addr = (void *)0xC0000000u;
    CHECK_ERR(chan_send(hs[0], &bad, 0, 0), EINVAL);
    static char ordinary[PG] __attribute__((aligned(PG)));
    bad.addr = ordinary;
    CHECK_ERR(chan_send(hs[0], &bad, 0, 0), EINVAL);
    CHECK_ERR(chan_recv(hs[1], &m, 0), EAGAIN);
    c[PG] = 1;                                 /* still ours */
    xh_free(c);
    close(hs[0]);
    close(hs[1]);
}

/* The child shares a block and then writes it: it dies of that. */
static void sharer(void *arg)
{
    (void)arg;
    int hs[2];
    new_pair(hs);
    unsigned char *b = new_block(PG);
    b[0] = 1;
    send_ok(hs[0], b, -1, 0, CHAN_SHARE);
    CHECK(b[0] == 1);
    b[0] = 2;                          /* faults */
    _exit(0);
}

/* Shared read-only with two receivers: nobody may write it any more. */
static void test_chan_share(void)
{
    need_paging("no exchange-heap blocks: moving pages between address spaces needs paging");
    need_channels();
    expect_signal(run_child(sharer, NULL), SIGSEGV, "the sender writing a block it shared");
    int one[2], two[2];
    new_pair(one);
    new_pair(two);
    unsigned char *b = new_block(2 * PG);
    fill(b, 2 * PG, 5);
    send_ok(one[0], b, -1, 1, CHAN_SHARE);
    send_ok(two[0], b, -1, 2, CHAN_SHARE);
    CHECK(filled(b, 2 * PG, 5));               /* the sender can still read it */
    CHECK_ERR(mprotect(b, PG, PROT_READ | PROT_WRITE), EACCES);
    long r = sys(3 /* read */, open("/etc/motd", O_RDONLY), (long)b, 4);
    CHECKF(r == -EFAULT, "read() into a shared block returned %ld", r);
    for (int i = 0; i < 2; i++) {
        pid_t pid = fork();
        CHECKF(pid >= 0, "fork: %s", strerror(errno));
        if (pid == 0) {
            struct chan_msg m = recv_ok(i ? two[1] : one[1]);
            CHECK(m.word == (unsigned)i + 1 && m.flags == CHAN_SHARE && m.size == 2 * PG);
            CHECK(filled(m.addr, 2 * PG, 5));
            CHECK_ERR(mprotect(m.addr, PG, PROT_READ | PROT_WRITE), EACCES);
            /* moving it on keeps it read-only */
            int fw[2];
            new_pair(fw);
            send_ok(fw[0], m.addr, -1, 0, 0);
            struct chan_msg again = recv_ok(fw[1]);
            CHECK(again.flags == CHAN_SHARE);
            *(volatile unsigned char *)again.addr = 0;   /* faults */
            _exit(0);
        }
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        expect_signal(status, SIGSEGV, "a receiver writing a shared block");
    }
    CHECK(filled(b, 2 * PG, 5));
    CHECK(xh_free(b) == 0);
    for (int i = 0; i < 2; i++) {
        close(one[i]);
        close(two[i]);
    }
}

/* The child holds nothing but the channel end it was given: everything
 * else arrives over it. */
static void handle_receiver(void *arg)
{
    int h = *(int *)arg;
    struct chan_msg m = recv_ok(h);            /* a pipe's write end */
    CHECK(m.handle >= 0 && m.word == 1);
    CHECK(write(m.handle, "via channel", 11) == 11);
    close(m.handle);
    m = recv_ok(h);                            /* an event */
    CHECK(m.handle >= 0 && event_set(m.handle) == 0);
    m = recv_ok(h);                            /* the end of another channel */
    int other = m.handle;
    CHECK(other >= 0);
    m = recv_ok(other);
    CHECK(m.word == 0xBEEF);
    send_ok(other, NULL, -1, 0xF00D, 0);
    m = recv_ok(h);                            /* a read-only shared-memory handle */
    volatile int *ro = mmap(NULL, PG, PROT_READ, MAP_SHARED, m.handle, 0);
    CHECK(ro != MAP_FAILED && ro[0] == 31337);
    CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, m.handle, 0) == MAP_FAILED &&
          errno == EACCES);
    _exit(0);
}

static void test_chan_handles(void)
{
    need_paging("no shared memory: one frame in two address spaces needs paging");
    need_channels();
    int hs[2], p[2], other[2];
    new_pair(hs);
    new_pair(other);
    CHECK(pipe(p) == 0);
    int ev = event_create(0);
    CHECK(ev >= 0);
    char name[ISOLA_NAME_MAX];
    snprintf(name, sizeof name, "ut-hshm-%d", (int)getpid());
    int rw = shmem_open(name, PG, O_RDWR | O_CREAT | O_EXCL);
    int ro = shmem_open(name, 0, O_RDONLY);
    CHECK(rw >= 0 && ro >= 0 && shmem_unlink(name) == 0);   /* handles only, now */
    int *mem = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    CHECK(mem != MAP_FAILED);
    mem[0] = 31337;

    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        /* keep only the channel end: the rest must come over it */
        for (int h = 3; h < 64; h++)
            if (h != hs[1])
                close(h);
        handle_receiver(&hs[1]);
    }
    close(hs[1]);
    send_ok(hs[0], NULL, p[1], 1, 0);
    close(p[1]);                               /* the child's is now the only writer */
    char buf[32];
    ssize_t n = read(p[0], buf, sizeof buf);
    CHECK(n == 11 && memcmp(buf, "via channel", 11) == 0);
    CHECK(read(p[0], buf, sizeof buf) == 0);   /* and it closed it */
    send_ok(hs[0], NULL, ev, 2, 0);
    CHECKF(event_wait(ev, 5000) == 0, "the event passed to the child was not set");
    send_ok(hs[0], NULL, other[1], 3, 0);
    send_ok(other[0], NULL, -1, 0xBEEF, 0);
    CHECK(recv_ok(other[0]).word == 0xF00D);
    send_ok(hs[0], NULL, ro, 4, 0);
    wait_ok(pid, "the child using handles it received");
    close(hs[0]);
    close(p[0]);
    close(ev);
    close(other[0]);
    close(other[1]);
    close(rw);
    close(ro);
}

/* No handle, no channel: a child made before the channel cannot reach it
 * through any handle number, nor send a block of its parent's. */
static void test_chan_isolation(void)
{
    need_paging("no exchange-heap blocks: moving pages between address spaces needs paging");
    need_channels();
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        uintptr_t parents_block;
        if (read(ready[0], &parents_block, sizeof parents_block) != sizeof parents_block)
            _exit(20);
        struct chan_msg m = {NULL, 0, -1, 0, 0};
        for (int h = -1; h <= 64; h++) {
            CHECKF(chan_recv(h, &m, 0) == -1 && errno == EBADF,
                   "handle %d works as a channel in a process never given one", h);
            CHECKF(chan_send(h, &m, 0, 0) == -1 && errno == EBADF, "sent on handle %d", h);
        }
        /* its own channel cannot carry the parent's block */
        int hs[2];
        new_pair(hs);
        m.addr = (void *)parents_block;
        CHECK_ERR(chan_send(hs[0], &m, 0, 0), EINVAL);
        CHECK_ERR(xh_free((void *)parents_block), EINVAL);
        _exit(0);
    }
    int hs[2];
    new_pair(hs);
    unsigned char *b = new_block(PG);
    b[0] = 0x5A;
    uintptr_t addr = (uintptr_t)b;
    CHECK(write(ready[1], &addr, sizeof addr) == sizeof addr);
    wait_ok(pid, "a process without the handle");
    CHECK(b[0] == 0x5A);
    send_ok(hs[0], b, -1, 0, 0);               /* ours to send */
    struct chan_msg m = recv_ok(hs[1]);
    CHECK(((unsigned char *)m.addr)[0] == 0x5A);
    close(hs[0]);
    close(hs[1]);
    close(ready[0]);
    close(ready[1]);
}

static void test_chan_closed(void)
{
    need_paging("no exchange-heap blocks: moving pages between address spaces needs paging");
    need_channels();
    int hs[2];
    new_pair(hs);
    send_ok(hs[0], NULL, -1, 1, 0);
    send_ok(hs[0], NULL, -1, 2, 0);
    close(hs[0]);
    struct chan_msg m;
    CHECK(recv_ok(hs[1]).word == 1);           /* what was queued comes first */
    CHECK(recv_ok(hs[1]).word == 2);
    CHECK_ERR(chan_recv(hs[1], &m, -1), EPIPE);
    m = (struct chan_msg){NULL, 0, -1, 0, 0};
    CHECK_ERR(chan_send(hs[1], &m, 0, -1), EPIPE);
    close(hs[1]);

    /* a receiver blocked in another process is woken by the close */
    new_pair(hs);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(hs[0]);
        struct chan_msg mm;
        _exit(chan_recv(hs[1], &mm, 10000) == -1 && errno == EPIPE ? 0 : 1);
    }
    sleep_ms(40);
    CHECKF(waitpid(pid, NULL, WNOHANG) == 0, "the receiver did not wait");
    close(hs[0]);
    close(hs[1]);
    wait_ok(pid, "a receiver whose peer closed");

    /* blocks queued for an end that closes are freed */
    long before = free_pages();
    new_pair(hs);
    for (int i = 0; i < 4; i++) {
        unsigned char *b = new_block(16 * PG);
        b[0] = 1;
        send_ok(hs[0], b, -1, 0, 0);
    }
    CHECK(before - free_pages() >= 64);
    close(hs[1]);
    close(hs[0]);
    long left = before - free_pages();
    CHECKF(left < 8, "%ld frames still used after the channel closed with blocks queued", left);
}

/* A channel end travels only while its channel carries no ends: no
 * cycle of channels keeping each other alive. */
static void test_chan_cycle(void)
{
    need_channels();
    int a[2], b[2];
    new_pair(a);
    new_pair(b);
    send_ok(a[0], NULL, b[1], 1, 0);           /* a carries an end of b */
    struct chan_msg m = {NULL, 0, a[1], 2, 0};
    CHECK_ERR(chan_send(b[0], &m, 0, 0), EBUSY);   /* b carrying a: a cycle */
    m.handle = a[0];
    CHECK_ERR(chan_send(b[1], &m, 0, 0), EBUSY);
    struct chan_msg got = recv_ok(a[1]);       /* a carries nothing now */
    CHECK(got.handle >= 0 && got.word == 1);
    m.handle = a[0];
    CHECK(chan_send(b[0], &m, 0, 0) == 0);     /* b carries a: no cycle */
    /* the end that came over a works like the one it came from */
    send_ok(got.handle, NULL, -1, 3, 0);
    CHECK(recv_ok(b[0]).word == 3);
    close(got.handle);
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(b[i]);
    }
}

/* Two processes by name: the server creates, a client finds it, and a
 * block goes back and forth, changed on each side. */
static void test_chan_named(void)
{
    need_paging("no exchange-heap blocks: moving pages between address spaces needs paging");
    need_channels();
    const char *name = chan_name("named");
    int server = chan_create(name);
    CHECKF(server >= 0, "chan_create: %s", strerror(errno));
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(server);                         /* it finds the channel by name */
        int c = chan_open(name);
        CHECK(c >= 0);
        for (int round = 0; round < 20; round++) {
            struct chan_msg m = recv_ok(c);
            unsigned *v = m.addr;
            CHECK(m.size == 2 * PG && v[0] == (unsigned)round * 2 && v[1023] == v[0]);
            v[0] = v[1023] = (unsigned)round * 2 + 1;
            send_ok(c, m.addr, -1, 0, 0);
        }
        _exit(0);
    }
    unsigned *v = new_block(2 * PG);
    for (int round = 0; round < 20; round++) {
        v[0] = v[1023] = (unsigned)round * 2;
        send_ok(server, v, -1, 0, 0);
        struct chan_msg m = recv_ok(server);
        v = m.addr;
        CHECK(v[0] == (unsigned)round * 2 + 1 && v[1023] == v[0]);
    }
    wait_ok(pid, "the client");
    close(server);
}

/* A ring of processes, each sending blocks of varying sizes (some
 * shared, some with an event handle along) to the next and checking what
 * the one before sent: every block arrives intact and at the end every
 * frame is back. */
enum { RING = 4, RING_ROUNDS = 150 };

static void ring_member(int id, int out, int in)
{
    for (int r = 0; r < RING_ROUNDS; r++) {
        unsigned pages = (unsigned)(r % 6) + 1;
        unsigned char *b = new_block(pages * PG);
        fill(b, pages * PG, (unsigned)(id * 31 + r));
        unsigned flags = r % 5 == 0 ? CHAN_SHARE : 0;
        int ev = r % 7 == 0 ? event_create(0) : -1;
        send_ok(out, b, ev, (unsigned)r, flags);
        if (ev >= 0)
            close(ev);                 /* the message holds it now */
        if (flags)
            CHECK(xh_free(b) == 0);    /* the sender's read-only copy */
        struct chan_msg m = recv_ok(in);
        int from = (id + RING - 1) % RING;
        CHECKF(m.word == (unsigned)r && m.size == ((unsigned)(r % 6) + 1) * PG,
               "round %d: word %u, size %u", r, m.word, m.size);
        CHECKF(filled(m.addr, m.size, (unsigned)(from * 31 + r)), "round %d: a block changed", r);
        CHECK((m.flags == CHAN_SHARE) == (r % 5 == 0));
        CHECK((m.handle >= 0) == (r % 7 == 0));
        if (m.handle >= 0) {
            CHECK(event_set(m.handle) == 0 && event_wait(m.handle, 0) == 0);
            close(m.handle);
        }
        CHECK(xh_free(m.addr) == 0);
    }
}

static void test_chan_ring(void)
{
    need_paging("no exchange-heap blocks: moving pages between address spaces needs paging");
    need_channels();
    int link[RING][2];
    for (int i = 0; i < RING; i++)
        new_pair(link[i]);             /* member i sends on [i][0], i+1 receives on [i][1] */
    sleep_ms(20);                      /* let earlier tests' frames settle */
    long before = free_pages();
    pid_t pids[RING];
    for (int i = 0; i < RING; i++) {
        pids[i] = fork();
        CHECKF(pids[i] >= 0, "fork: %s", strerror(errno));
        if (pids[i] == 0) {
            ring_member(i, link[i][0], link[(i + RING - 1) % RING][1]);
            _exit(0);
        }
    }
    for (int i = 0; i < RING; i++)
        wait_ok(pids[i], "a member of the ring");
    for (int i = 0; i < RING; i++) {
        close(link[i][0]);
        close(link[i][1]);
    }
    long left = before - free_pages();
    CHECKF(left < 16, "%ld frames still used after the ring ended", left);
}

const struct test chan_tests[] = {
    {"chan-basic", test_chan_basic},
    {"xh-alloc", test_xh_alloc},
    {"chan-move", test_chan_move},
    {"chan-share", test_chan_share},
    {"chan-handles", test_chan_handles},
    {"chan-isolation", test_chan_isolation},
    {"chan-closed", test_chan_closed},
    {"chan-cycle", test_chan_cycle},
    {"chan-named", test_chan_named},
    {"chan-ring", test_chan_ring},
    {NULL, NULL},
};
