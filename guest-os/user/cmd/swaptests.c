/* swaptests [NAME...]: virtual memory under pressure, with more memory
 * asked for than there is RAM (tests/os/swap.sh boots with -m 32 and a
 * swap partition). The usertests convention: each test runs in a child
 * of its own and prints "test NAME: ok" or "test NAME: FAILED: why";
 * the last line is ALL TESTS PASSED or SOME TESTS FAILED.
 *
 *   fill     64 MiB filled with a pattern and read back, every word
 *            checked; it must have gone through swap (pages out and in);
 *            4 MiB only read meanwhile is let go, not written (zeros)
 *   cow      40 MiB filled, so that much is in swap, then fork: the child
 *            writes the odd pages, the parent the even ones, each checks
 *            all 40 MiB: its own writes, and the other's pages unchanged
 *   syscall  a swapped-out buffer given to write() (a pipe, a file) and
 *            read() into a swapped-out buffer (a pipe, a file)
 *   thrash   two processes, 24 MiB each, rewriting and checking it at
 *            the same time
 *   threads  four threads of one process read 12 MiB, mostly in swap,
 *            from the same end at once: they fault on the same pages
 *   writes   pages of 30 MiB rewritten in a random order while the
 *            daemon pages them out: a write to a page on its way to swap
 *            must not be lost (the page-out is cancelled)
 *   oom      one process eats memory until RAM and swap are full: it is
 *            killed (SIGKILL, the kernel says "out of memory"), and a
 *            bystander holding 1 MiB (in swap by then) lives, data intact
 *
 * After each test, no memory is lost: every swap slot in use belongs to
 * a live process (proc_list's swap_pages), and the kernel's own pages
 * (RAM less free less what processes map) are what they were before.
 * Each test prints its figures: pages out and in, and the time taken. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

#define MIB (1024u * 1024u)
#define PG 4096u
#define WORDS_PER_PAGE (PG / 4)

static const char *test_name;

/* One line, straight to fd 1 (a stdio buffer copied by fork would print
 * twice). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    write_all(1, buf, (size_t)n);
}

static _Noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void fail(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    say("test %s: FAILED: %s", test_name, buf);
    _exit(1);
}

#define CHECK(c) ((c) ? (void)0 : fail("%s:%d: %s", __FILE__, __LINE__, #c))

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct isola_memstat stat_now(void)
{
    struct isola_memstat m;
    if (mem_stat(&m) < 0)
        fail("mem_stat: %s", strerror(errno));   /* (never: main checked it works) */
    return m;
}

/* ---- patterns ---- */

/* Word i of the pattern with this seed: every word differs from its
 * neighbours and from the same word under another seed. */
static uint32_t pat(uint32_t seed, uint32_t i)
{
    uint32_t x = i * 2654435761u + (seed + 1) * 0x9E3779B9u;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return x;
}

static void fill_pages(uint32_t *p, uint32_t first, uint32_t npages, uint32_t step, uint32_t seed)
{
    for (uint32_t pg = first; pg < npages; pg += step)
        for (uint32_t i = pg * WORDS_PER_PAGE; i < (pg + 1) * WORDS_PER_PAGE; i++)
            p[i] = pat(seed, i);
}

/* Checks pages first, first + step, ... against seed; dies on the first
 * word that differs. */
static void check_pages(const uint32_t *p, uint32_t first, uint32_t npages, uint32_t step,
                        uint32_t seed, const char *what)
{
    for (uint32_t pg = first; pg < npages; pg += step)
        for (uint32_t i = pg * WORDS_PER_PAGE; i < (pg + 1) * WORDS_PER_PAGE; i++)
            if (p[i] != pat(seed, i))
                fail("%s: word %u (page %u) is %08x, not %08x", what, i, pg, p[i], pat(seed, i));
}

static uint32_t *map_anon(uint32_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fail("mmap %u MiB: %s", bytes / MIB, strerror(errno));
    return p;
}

static void wait_ok(pid_t pid, const char *what)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        fail("waitpid (%s): %s", what, strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("%s: %s %d", what, WIFEXITED(status) ? "exited with" : "killed by signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* ---- the tests ---- */

#define ZEROS_PAGES 1024

/* Reads every word of n pages, which must all be 0. */
static void check_zero(const uint32_t *z, uint32_t n)
{
    for (uint32_t i = 0; i < n * WORDS_PER_PAGE; i++)
        if (z[i])
            fail("word %u of memory never written is %08x", i, z[i]);
}

static void t_fill(void)
{
    const uint32_t npages = 64 * MIB / PG;
    uint32_t *p = map_anon(64 * MIB);
    /* 4 MiB only read: frames of zeros, which need not be written out */
    uint32_t *z = map_anon(ZEROS_PAGES * PG);
    check_zero(z, ZEROS_PAGES);
    struct isola_memstat a = stat_now();
    long long t0 = now_ms();
    fill_pages(p, 0, npages, 1, 1);
    long long t1 = now_ms();
    check_pages(p, 0, npages, 1, 1, "64 MiB read back");
    long long t2 = now_ms();
    struct isola_memstat b = stat_now();
    check_zero(z, ZEROS_PAGES);
    unsigned out = b.pageouts - a.pageouts, in = b.pageins - a.pageins;
    say("test fill: note: 64 MiB with %u pages of RAM: filled in %lld ms, read back in %lld ms;"
        " %u pages out, %u in; %u pages of zeros let go", a.pages_total, t1 - t0, t2 - t1, out,
        in, b.zero_drops - a.zero_drops);
    /* What does not fit in RAM must have gone out, and come back. */
    CHECK(out >= npages - a.pages_total);
    CHECK(in >= npages - a.pages_total);
    CHECK(b.zero_drops - a.zero_drops >= ZEROS_PAGES);
    munmap(p, 64 * MIB);
    munmap(z, ZEROS_PAGES * PG);
}

static void cow_side(uint32_t *p, uint32_t npages, uint32_t mine, uint32_t seed)
{
    fill_pages(p, mine, npages, 2, seed);
    check_pages(p, mine, npages, 2, seed, "its own pages");
    check_pages(p, 1 - mine, npages, 2, 2, "the pages the other process wrote");
}

static void t_cow(void)
{
    const uint32_t npages = 40 * MIB / PG;
    uint32_t *p = map_anon(40 * MIB);
    fill_pages(p, 0, npages, 1, 2);
    struct isola_memstat a = stat_now();
    unsigned in_swap = a.swap_total - a.swap_free;
    CHECK(in_swap >= npages - a.pages_total);     /* much of it is in swap */
    long long t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0)
        fail("fork: %s", strerror(errno));
    if (pid == 0) {
        cow_side(p, npages, 1, 3);
        _exit(0);
    }
    cow_side(p, npages, 0, 4);
    wait_ok(pid, "the child");
    struct isola_memstat b = stat_now();
    say("test cow: note: fork with %u pages in swap; both sides wrote and checked 40 MiB in"
        " %lld ms; %u pages out, %u in", in_swap, now_ms() - t0, b.pageouts - a.pageouts,
        b.pageins - a.pageins);
    munmap(p, 40 * MIB);
}

/* Writes n bytes from buf to fd, however many calls it takes. */
static void put(int fd, const void *buf, size_t n, const char *what)
{
    if (write_all(fd, buf, n) < 0)
        fail("write (%s): %s", what, strerror(errno));
}

/* Reads exactly n bytes into buf. */
static void get(int fd, void *buf, size_t n, const char *what)
{
    char *c = buf;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r <= 0)
            fail("read (%s): %s", what, r < 0 ? strerror(errno) : "end of file");
        c += r;
        n -= (size_t)r;
    }
}

/* The buffer's first pages were written first, so by now they are in
 * swap: the kernel must read them back to copy from or into them. Each
 * transfer is the first `part` bytes, and its page-ins are counted. */
#define SYS_BUF (40 * MIB)
#define SYS_PART (2 * MIB)

static void pipe_reader(int fd, uint32_t seed)
{
    static uint32_t chunk[16384];
    for (uint32_t off = 0; off < SYS_PART / 4; off += 16384) {
        get(fd, chunk, sizeof chunk, "the pipe, in the child");
        for (uint32_t i = 0; i < 16384; i++)
            if (chunk[i] != pat(seed, off + i))
                fail("word %u through the pipe is %08x, not %08x", off + i, chunk[i],
                     pat(seed, off + i));
    }
    _exit(0);
}

static void pipe_writer(int fd, uint32_t seed)
{
    static uint32_t chunk[16384];
    for (uint32_t off = 0; off < SYS_PART / 4; off += 16384) {
        for (uint32_t i = 0; i < 16384; i++)
            chunk[i] = pat(seed, off + i);
        put(fd, chunk, sizeof chunk, "the pipe, in the child");
    }
    _exit(0);
}

/* Refills what follows the first part, so that the first part goes out
 * to swap again. */
static void push_out(uint32_t *p, uint32_t seed)
{
    fill_pages(p, SYS_PART / PG, SYS_BUF / PG, 1, seed);
}

static unsigned pageins_since(const struct isola_memstat *a)
{
    return stat_now().pageins - a->pageins;
}

static void t_syscall(void)
{
    uint32_t *p = map_anon(SYS_BUF);
    const char *path = "/tmp/swaptests.file";
    unsigned part_pages = SYS_PART / PG, in[4];
    fill_pages(p, 0, SYS_BUF / PG, 1, 5);

    /* write() from a swapped-out buffer: into a pipe, a child checks */
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[1]);
        pipe_reader(fds[0], 5);
    }
    close(fds[0]);
    struct isola_memstat a = stat_now();
    put(fds[1], p, SYS_PART, "a swapped-out buffer into a pipe");
    in[0] = pageins_since(&a);
    close(fds[1]);
    wait_ok(pid, "the child reading the pipe");

    /* and into a file: ext2 copies from it while holding its lock */
    push_out(p, 5);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        fail("open %s: %s", path, strerror(errno));
    a = stat_now();
    put(fd, p, SYS_PART, "a swapped-out buffer into a file");
    in[1] = pageins_since(&a);

    /* read() into a swapped-out buffer: from a pipe a child fills */
    push_out(p, 6);
    CHECK(pipe(fds) == 0);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        pipe_writer(fds[1], 7);
    }
    close(fds[1]);
    a = stat_now();
    get(fds[0], p, SYS_PART, "from a pipe into a swapped-out buffer");
    in[2] = pageins_since(&a);
    close(fds[0]);
    wait_ok(pid, "the child writing the pipe");
    check_pages(p, 0, part_pages, 1, 7, "what read() put in the buffer (pipe)");

    /* and from the file (it holds seed 5), into a swapped-out buffer */
    push_out(p, 8);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    a = stat_now();
    get(fd, p, SYS_PART, "from a file into a swapped-out buffer");
    in[3] = pageins_since(&a);
    close(fd);
    unlink(path);
    check_pages(p, 0, part_pages, 1, 5, "what read() put in the buffer (file)");
    check_pages(p, part_pages, SYS_BUF / PG, 1, 8, "the rest of the buffer");
    say("test syscall: note: %u-page transfers paged in %u (write to a pipe), %u (to a file),"
        " %u (read from a pipe), %u (from a file)", part_pages, in[0], in[1], in[2], in[3]);
    /* Most of each buffer was in swap when the call began. */
    for (int i = 0; i < 4; i++)
        CHECK(in[i] >= part_pages / 2);
    munmap(p, SYS_BUF);
}

#define THRASH_BYTES (24 * MIB)
#define THRASH_ROUNDS 2

static void thrasher(uint32_t seed)
{
    uint32_t *p = map_anon(THRASH_BYTES);
    for (uint32_t r = 0; r < THRASH_ROUNDS; r++) {
        fill_pages(p, 0, THRASH_BYTES / PG, 1, seed + r);
        check_pages(p, 0, THRASH_BYTES / PG, 1, seed + r, "a thrashing process's memory");
    }
    _exit(0);
}

static void t_thrash(void)
{
    struct isola_memstat a = stat_now();
    long long t0 = now_ms();
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            fail("fork: %s", strerror(errno));
        if (pids[i] == 0)
            thrasher(10 + 10 * (uint32_t)i);
    }
    wait_ok(pids[0], "the first thrashing process");
    wait_ok(pids[1], "the second thrashing process");
    struct isola_memstat b = stat_now();
    say("test thrash: note: two processes of %u MiB, %d rounds each, in %lld ms; %u pages out,"
        " %u in", THRASH_BYTES / MIB, THRASH_ROUNDS, now_ms() - t0, b.pageouts - a.pageouts,
        b.pageins - a.pageins);
    CHECK(b.pageouts - a.pageouts >= 2 * THRASH_BYTES / PG - a.pages_total);
}

#define THREADS_BYTES (12 * MIB)
#define OTHER_BYTES (28 * MIB)
#define NTHREADS 4

static uint32_t *threads_mem;

static void *reader(void *arg)
{
    (void)arg;
    check_pages(threads_mem, 0, THREADS_BYTES / PG, 1, 50, "memory four threads read at once");
    return NULL;
}

static void t_threads(void)
{
    /* Two regions: filling the second pushes the first out to swap. */
    threads_mem = map_anon(THREADS_BYTES);
    uint32_t *other = map_anon(OTHER_BYTES);
    fill_pages(threads_mem, 0, THREADS_BYTES / PG, 1, 50);
    fill_pages(other, 0, OTHER_BYTES / PG, 1, 51);
    struct isola_memstat a = stat_now();
    long long t0 = now_ms();
    thread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        if (thread_create(&t[i], reader, NULL) != 0)
            fail("thread_create: %s", strerror(errno));
    for (int i = 0; i < NTHREADS; i++)
        thread_join(t[i], NULL);
    struct isola_memstat b = stat_now();
    check_pages(other, 0, OTHER_BYTES / PG, 1, 51, "the other region");
    say("test threads: note: %d threads read %u MiB in %lld ms; %u pages in", NTHREADS,
        THREADS_BYTES / MIB, now_ms() - t0, b.pageins - a.pageins);
    CHECK(b.pageins - a.pageins >= THREADS_BYTES / PG / 2);
}

#define WRITES_BYTES (30 * MIB)        /* a little more than there is RAM */
#define WRITES_PAGES (WRITES_BYTES / PG)
#define WRITES 40000

static void t_writes(void)
{
    static uint8_t version[WRITES_PAGES];
    uint32_t *p = map_anon(WRITES_BYTES);
    fill_pages(p, 0, WRITES_PAGES, 1, 100);
    struct isola_memstat a = stat_now();
    long long t0 = now_ms();
    uint32_t x = 12345;
    for (int n = 0; n < WRITES; n++) {
        x = x * 1103515245u + 12345u;
        uint32_t pg = (x >> 8) % WRITES_PAGES;
        version[pg]++;
        fill_pages(p, pg, pg + 1, 1, 100 + version[pg]);
    }
    for (uint32_t pg = 0; pg < WRITES_PAGES; pg++)
        check_pages(p, pg, pg + 1, 1, 100 + version[pg], "a page rewritten while paging");
    struct isola_memstat b = stat_now();
    say("test writes: note: %d pages rewritten at random in %u MiB, all checked, in %lld ms;"
        " %u pages out, %u in, %u page-outs cancelled by a write", WRITES, WRITES_BYTES / MIB,
        now_ms() - t0, b.pageouts - a.pageouts, b.pageins - a.pageins,
        b.cancelled - a.cancelled);
    CHECK(b.pageouts - a.pageouts >= WRITES / 100);
}

#define HOLD MIB

/* Holds a megabyte with a pattern; checks it when the pipe says so (or
 * closes). */
static void bystander(int go)
{
    uint32_t *p = map_anon(HOLD);
    fill_pages(p, 0, HOLD / PG, 1, 30);
    char c;
    if (read(go, &c, 1) < 0)
        _exit(3);
    for (uint32_t i = 0; i < HOLD / 4; i++)
        if (p[i] != pat(30, i))
            _exit(4);
    _exit(0);
}

#define EAT_BYTES (512 * MIB)          /* more than RAM and swap together */

/* Touches one page after another of 512 MiB. */
static void eater(void)
{
    uint32_t *p = map_anon(EAT_BYTES);
    for (uint32_t i = 0; i < EAT_BYTES / 4; i += WORDS_PER_PAGE)
        p[i] = i + 1;
    _exit(2);                          /* it all fitted: not what is tested */
}

static void t_oom(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t by = fork();
    if (by == 0) {
        close(fds[1]);
        bystander(fds[0]);
    }
    close(fds[0]);
    struct isola_memstat a = stat_now();
    long long t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0)
        eater();
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    struct isola_memstat b = stat_now();
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail("the process eating memory %s %d, want SIGKILL",
             WIFEXITED(status) ? "exited with" : "was killed by signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    say("test oom: note: RAM (%u pages) and swap (%u slots, %u free) full after %lld ms;"
        " %u pages out", a.pages_total, a.swap_total, a.swap_free, now_ms() - t0,
        b.pageouts - a.pageouts);
    CHECK(b.oom_kills == a.oom_kills + 1);
    /* It died because swap was full, not before: it wrote (nearly)
     * every free slot. (Its pages never come back in, so no slot is
     * written twice for it.) */
    CHECK(b.pageouts - a.pageouts + 64 >= a.swap_free);
    CHECK(waitpid(by, &status, WNOHANG) == 0);     /* the bystander lives */
    CHECK(write(fds[1], "g", 1) == 1);
    close(fds[1]);
    wait_ok(by, "the bystander holding 1 MiB");
}

/* ---- what is left afterwards ---- */

struct usage {
    unsigned kernel_pages;     /* RAM neither free nor mapped by a process */
    unsigned swap_used, swap_held;
};

static struct usage usage_now(void)
{
    static struct isola_procinfo ps[64];
    struct isola_memstat m = stat_now();
    int n = proc_list(ps, 64);
    if (n < 0 || n > 64)
        fail("proc_list: %d", n);
    struct usage u = {m.pages_total - m.pages_free, m.swap_total - m.swap_free, 0};
    for (int i = 0; i < n; i++) {
        u.kernel_pages -= ps[i].pages;
        u.swap_held += ps[i].swap_pages;
    }
    return u;
}

static void nap(void)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* The usage once the daemon is done: during a pass it holds frames and
 * slots of its own for a moment. */
static struct usage settled_usage(void)
{
    struct usage u = usage_now(), v;
    for (int tries = 0; tries < 50; tries++, u = v) {
        nap();
        v = usage_now();
        if (v.swap_used == v.swap_held && !memcmp(&u, &v, sizeof u))
            break;
    }
    return u;
}

/* Every slot in use is a live process's, and the kernel holds what it
 * held before. Runs in the main process (a child would share its slots
 * and count them twice); true when all is well, else says why. */
static bool usage_back(const struct usage *before, const char *after)
{
    struct usage u;
    for (int tries = 0; tries < 50; tries++) {
        u = usage_now();
        if (u.swap_used == u.swap_held && u.kernel_pages == before->kernel_pages)
            break;
        nap();
    }
    struct isola_memstat m = stat_now();
    say("swaptests: after %s: %u pages free, %u of %u swap slots in use (%u held by live"
        " processes), %u kernel pages (%u before)", after, m.pages_free, u.swap_used,
        m.swap_total, u.swap_held, u.kernel_pages, before->kernel_pages);
    if (u.swap_used != u.swap_held)
        say("test %s: FAILED: %u swap slots are in use but processes hold %u", after,
            u.swap_used, u.swap_held);
    else if (u.kernel_pages != before->kernel_pages)
        say("test %s: FAILED: the kernel holds %u pages, not %u as before", after,
            u.kernel_pages, before->kernel_pages);
    else
        return true;
    return false;
}

/* ---- running them ---- */

struct test {
    const char *name;
    void (*fn)(void);
};

static const struct test tests[] = {
    {"fill", t_fill}, {"cow", t_cow}, {"syscall", t_syscall}, {"thrash", t_thrash},
    {"threads", t_threads}, {"writes", t_writes}, {"oom", t_oom}, {NULL, NULL},
};

static int run(const struct test *t)
{
    struct usage before = settled_usage();
    pid_t pid = fork();
    if (pid < 0) {
        say("test %s: FAILED: fork: %s", t->name, strerror(errno));
        return 1;
    }
    if (pid == 0) {
        test_name = t->name;
        t->fn();
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        say("test %s: FAILED: waitpid: %s", t->name, strerror(errno));
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        say("test %s: FAILED: the test process %s %d", t->name,
            WIFEXITED(status) ? "exited with" : "was killed by signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return 1;
    }
    if (WEXITSTATUS(status) == 1)
        return 1;                      /* fail() said why */
    if (!usage_back(&before, t->name))
        return 1;
    say("test %s: ok", t->name);
    return 0;
}

static const struct test *find(const char *name)
{
    for (const struct test *t = tests; t->name; t++)
        if (!strcmp(t->name, name))
            return t;
    return NULL;
}

int main(int argc, char **argv)
{
    prog = "swaptests";
    struct isola_memstat m;
    if (mem_stat(&m) < 0)
        die("mem_stat: %s (swaptests needs the isola kernel)", strerror(errno));
    if (m.swap_total == 0)
        die("no swap area (boot with swap=hda2)");
    for (int i = 1; i < argc; i++)
        if (!find(argv[i]))
            usage("[fill|cow|syscall|thrash|threads|writes|oom]...");
    say("swaptests: %u pages of RAM (%u free, %u kept for the kernel), %u swap slots",
        m.pages_total, m.pages_free, m.reserve, m.swap_total);
    int failed = 0;
    long long t0 = now_ms();
    if (argc > 1)
        for (int i = 1; i < argc; i++)
            failed += run(find(argv[i]));
    else
        for (const struct test *t = tests; t->name; t++)
            failed += run(t);
    say("swaptests: %d failed in %lld ms", failed, now_ms() - t0);
    say(failed ? "SOME TESTS FAILED" : "ALL TESTS PASSED");
    return failed ? 1 : 0;
}
