/* t_mem.c: a process's memory: the break growing (data kept) and
 * shrinking (memory given back, the pages gone); anonymous mmap, munmap
 * of a part, mprotect to read-only and to PROT_NONE and back (the data
 * survives), MAP_FIXED over a mapping; copy-on-write after fork in both
 * directions (and with the kernel as the writer), and what it costs in
 * pages. Free memory is counted with sysinfo on isola only: on Linux it
 * moves with everything else. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <isola.h>
#include "usertests.h"

#define PG 4096
#define MB (1024 * 1024)

static unsigned pattern(unsigned i, unsigned seed)
{
    return i * 2654435761u ^ seed;
}

static void fill(void *p, size_t bytes, unsigned seed)
{
    unsigned *w = p;
    for (size_t i = 0; i < bytes / 4; i++)
        w[i] = pattern((unsigned)i, seed);
}

/* The index of the first word that differs, or -1. */
static long differs(const void *p, size_t bytes, unsigned seed)
{
    const unsigned *w = p;
    for (size_t i = 0; i < bytes / 4; i++)
        if (w[i] != pattern((unsigned)i, seed))
            return (long)i;
    return -1;
}

#define CHECK_PATTERN(p, bytes, seed, what)                                               \
    do {                                                                                  \
        long at_ = differs((p), (bytes), (seed));                                         \
        CHECKF(at_ < 0, "%s: word %ld (at %p) changed", (what), at_, (void *)((unsigned *)(p) + at_)); \
    } while (0)

/* Page tables are not given back when a range is unmapped (only when
 * the address space goes), so "back to where it was" allows a few. */
#define TABLE_SLACK 4

static void test_sbrk(void)
{
    /* isolation=seg, none: the heap grows inside the region (1 MiB more
     * rather than 4), and memory the break gives back stays the
     * process's own: no fault there */
    int paging = isolation() == ISOLA_ISOLATION_PAGING;
    long grow = paging ? 4 * MB : MB;
    char *base = sbrk(0);
    long f0 = free_pages();
    char *p = sbrk(MB);
    CHECKF(p == base, "sbrk(1 MiB) returned %p, want the old break %p", (void *)p, (void *)base);
    CHECK(sbrk(0) == base + MB);
    fill(p, MB, 1);
    long f1 = free_pages();
    if (on_isola() && isolation() == ISOLA_ISOLATION_PAGING)   /* else memory is the region's */
        CHECKF(f0 - f1 >= MB / PG, "1 MiB of heap written took %ld pages", f0 - f1);
    char *q = sbrk(grow);
    CHECKF(q == base + MB, "sbrk(%ld MiB) returned %p, want %p", grow / MB, (void *)q, (void *)(base + MB));
    CHECK_PATTERN(p, MB, 1, "the heap after it grew");
    for (int i = 0; i < grow; i += PG)
        CHECKF(q[i] == 0, "new heap page at %p is not zero", (void *)(q + i));
    fill(q, grow, 2);
    CHECK_PATTERN(p, MB, 1, "the heap after its new part was written");
    expect_access((uintptr_t)(base + (MB + grow) - 1), WRITE, "the last byte of the heap");
    if (paging)
        expect_fault((uintptr_t)(base + (MB + grow) + 2 * PG), READ, "above the break");

    CHECK(sbrk(-(MB + grow)) == base + (MB + grow));
    CHECK(sbrk(0) == base);
    long f2 = free_pages();
    if (on_isola() && paging)
        CHECKF(f2 >= f0 - TABLE_SLACK && f2 <= f0,
               "free pages: %ld before the heap grew, %ld after it shrank back", f0, f2);
    if (paging) {
        expect_fault((uintptr_t)(base + PG), READ, "a heap page given back by sbrk");
        expect_fault((uintptr_t)(base + (MB + grow) - 1), WRITE, "the old top of the heap");
    }

    /* grown again, the heap is new, zeroed memory */
    p = sbrk(2 * MB);
    CHECK(p == base);
    for (int i = 0; i < 2 * MB; i += 512)
        CHECKF(p[i] == 0, "regrown heap at %p holds %d, not 0", (void *)(p + i), p[i]);
    CHECK(sbrk(-2 * MB) == base + 2 * MB);

    /* the address space ends: growing by 256 MiB at a time must meet
     * ENOMEM before 4 GiB, and leave the break where it was */
    int steps = 0;
    for (;;) {
        errno = 0;
        char *at = sbrk(256 * MB);
        if (at == (void *)-1)
            break;
        CHECKF(at == base + (long)steps * 256 * MB, "sbrk returned %p", (void *)at);
        CHECKF(++steps < 16, "the break grew by 4 GiB");
    }
    CHECKF(errno == ENOMEM, "sbrk failed with errno %d, want ENOMEM", errno);
    CHECK(sbrk(0) == base + (long)steps * 256 * MB);
    while (steps--)
        CHECK(sbrk(-256 * MB) != (void *)-1);
    CHECK(sbrk(0) == base);
}

static void test_mmap(void)
{
    long f0 = free_pages();
    size_t len = 16 * PG;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(p != MAP_FAILED, "mmap 64 KiB: %s", strerror(errno));
    CHECKF((uintptr_t)p % PG == 0, "mmap returned %p, not page aligned", (void *)p);
    for (size_t i = 0; i < len; i++)
        CHECKF(p[i] == 0, "new anonymous memory at %p is not zero", (void *)(p + i));
    fill(p, len, 3);
    if (on_isola() && isolation() == ISOLA_ISOLATION_PAGING)
        CHECKF(f0 - free_pages() >= 16, "16 written pages took %ld", f0 - free_pages());

    char *o = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(o != MAP_FAILED);
    CHECKF(o + len <= p || p + len <= o, "two mappings overlap: %p and %p", (void *)p, (void *)o);
    fill(o, len, 4);
    CHECK_PATTERN(p, len, 3, "a mapping after another was written");
    CHECK(munmap(o, len) == 0);

    CHECK(munmap(p + 5 * PG, PG) == 0);
    /* isolation=seg, none: unmapped memory is still the region's, no fault */
    int paging = isolation() == ISOLA_ISOLATION_PAGING;
    if (paging) {
        expect_fault((uintptr_t)(p + 5 * PG), READ, "a page unmapped from the middle of a mapping");
        expect_fault((uintptr_t)(p + 6 * PG - 1), WRITE, "the last byte of the unmapped page");
    }
    CHECK_PATTERN(p, 5 * PG, 3, "the pages below an unmapped one");
    CHECK(((unsigned *)(p + 6 * PG))[0] == pattern(6 * PG / 4, 3));
    expect_access((uintptr_t)(p + 6 * PG), WRITE, "the page above an unmapped one");
    CHECK(munmap(p, len) == 0);
    if (paging) {
        expect_fault((uintptr_t)p, READ, "an unmapped mapping");
        expect_fault((uintptr_t)(p + len - 1), READ, "the end of an unmapped mapping");
    }
    CHECK(munmap(p, len) == 0);        /* nothing there: still fine */
    if (on_isola() && paging) {
        long f1 = free_pages();
        CHECKF(f1 >= f0 - TABLE_SLACK && f1 <= f0, "free pages: %ld before mmap, %ld after munmap", f0, f1);
    }

    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, 0xFFFFF000u, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
          errno == ENOMEM);
    CHECK_ERR(munmap(p + 1, PG), EINVAL);
    CHECK_ERR(munmap(p, 0), EINVAL);
}

static void test_mprotect(void)
{
    need_paging("no mprotect: without page tables nothing enforces page rights");
    size_t len = 4 * PG;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(p != MAP_FAILED, "mmap: %s", strerror(errno));
    fill(p, len, 5);

    CHECK(mprotect(p, PG, PROT_READ) == 0);
    expect_access((uintptr_t)p, READ, "a read-only page");
    expect_fault((uintptr_t)p, WRITE, "a read-only page");
    expect_fault((uintptr_t)(p + PG - 1), WRITE, "the last byte of a read-only page");
    expect_access((uintptr_t)(p + PG), WRITE, "the writable page after a read-only one");
    CHECK_PATTERN(p, len, 5, "memory made read-only");

    CHECK(mprotect(p + PG, 2 * PG, PROT_NONE) == 0);
    expect_fault((uintptr_t)(p + PG), READ, "a PROT_NONE page");
    expect_fault((uintptr_t)(p + 3 * PG - 1), WRITE, "a PROT_NONE page");
    expect_access((uintptr_t)(p + 3 * PG), WRITE, "the page after PROT_NONE ones");
    CHECK(mprotect(p + PG, 2 * PG, PROT_READ | PROT_WRITE) == 0);
    CHECK_PATTERN(p, len, 5, "memory after PROT_NONE and back");
    expect_access((uintptr_t)(p + PG), WRITE, "a page made writable again");
    CHECK(mprotect(p, PG, PROT_READ | PROT_WRITE) == 0);
    p[0] = 1;                          /* in this process too */
    p[PG + 1] = 2;

    /* PROT_NONE data goes through fork, and each side's copy is its own */
    static char saved[PG];
    memcpy(saved, p + 2 * PG, PG);
    CHECK(mprotect(p + 2 * PG, PG, PROT_NONE) == 0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        expect_fault((uintptr_t)(p + 2 * PG), READ, "a PROT_NONE page in a forked child");
        CHECK(mprotect(p + 2 * PG, PG, PROT_READ | PROT_WRITE) == 0);
        CHECKF(memcmp(p + 2 * PG, saved, PG) == 0, "a PROT_NONE page lost its data in fork");
        memset(p + 2 * PG, 0x77, PG);
        _exit(0);
    }
    wait_ok(pid, "the child");
    CHECK(mprotect(p + 2 * PG, PG, PROT_READ) == 0);
    CHECKF(memcmp(p + 2 * PG, saved, PG) == 0, "the child's write to its copy of a PROT_NONE "
           "page shows in the parent");

    CHECK_ERR(mprotect(p + 1, PG, PROT_READ), EINVAL);
    CHECK(munmap(p, len) == 0);
    CHECK_ERR(mprotect(p, PG, PROT_READ), ENOMEM);
}

static void test_map_fixed(void)
{
    need_paging("no read-only pages: without page tables nothing enforces page rights");
    size_t len = 4 * PG;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(p != MAP_FAILED, "mmap: %s", strerror(errno));
    fill(p, len, 6);
    char *q = mmap(p + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECKF(q == p + PG, "MAP_FIXED at %p returned %p", (void *)(p + PG), (void *)q);
    for (int i = 0; i < 2 * PG; i++)
        CHECKF(q[i] == 0, "a MAP_FIXED mapping over old data is not zero at %p", (void *)(q + i));
    CHECK_PATTERN(p, PG, 6, "the page below a MAP_FIXED mapping");
    CHECK(((unsigned *)(p + 3 * PG))[7] == pattern(3 * PG / 4 + 7, 6));
    /* read-only over the top page */
    q = mmap(p + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(q == p + 3 * PG);
    CHECK(q[0] == 0);
    expect_fault((uintptr_t)q, WRITE, "a read-only MAP_FIXED page");
    CHECK(mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
          errno == EINVAL);
    if (on_isola())                    /* Linux gives a 32-bit process all 4 GiB */
        CHECK(mmap((void *)0xC0000000u, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
                  MAP_FAILED && errno == EINVAL);
    CHECK(munmap(p, len) == 0);
}

/* ---- copy-on-write ---- */

/* 4 MiB, mapped when a test needs it (not in .bss: with isolation=seg
 * or none the program must fit its region beside everything else, and
 * there it is 1 MiB). */
#define BIG (4 * MB)
static char *big;
static size_t big_len;

static void use_big(void)
{
    if (big)
        return;
    big_len = isolation() == ISOLA_ISOLATION_PAGING ? BIG : MB;
    big = mmap(NULL, big_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(big != MAP_FAILED, "mmap %zu bytes: %s", big_len, strerror(errno));
}

static void child_sees_and_writes(void *arg)
{
    (void)arg;
    CHECK_PATTERN(big, big_len, 7, "the parent's data seen by the child");
    fill(big, big_len, 8);
    CHECK_PATTERN(big, big_len, 8, "the child's own writes");
}

static void test_cow(void)
{
    use_big();
    fill(big, big_len, 7);
    expect_exit(run_child(child_sees_and_writes, NULL), 0, "the child");
    CHECK_PATTERN(big, big_len, 7, "the parent's data after the child wrote its copy");

    /* the other way: the parent writes at once, the child looks later */
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        sleep_ms(50);
        CHECK_PATTERN(big, big_len, 7, "the child's data after the parent wrote");
        _exit(0);
    }
    fill(big, big_len, 9);
    wait_ok(pid, "the child");
    CHECK_PATTERN(big, big_len, 9, "the parent's own writes");

    /* the stack is copied on write too */
    unsigned stack[8192];
    fill(stack, sizeof stack, 10);
    pid = fork();
    if (pid == 0) {
        CHECK_PATTERN(stack, sizeof stack, 10, "the stack in the child");
        fill(stack, sizeof stack, 11);
        _exit(0);
    }
    wait_ok(pid, "the child");
    CHECK_PATTERN(stack, sizeof stack, 10, "the parent's stack after the child wrote");
}

/* The kernel writing into a page shared after fork (read() copying out)
 * must copy it first, like a write from user mode would; and a page
 * never touched is filled on the kernel's write too. */
static void test_cow_kernel_write(void)
{
    static char buf[3 * PG] __attribute__((aligned(PG)));
    const char *path = tmp_path("cowk");
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECKF(fd >= 0, "open: %s", strerror(errno));
    static char text[2 * PG];
    memset(text, 'k', sizeof text);
    CHECK(write(fd, text, sizeof text) == (ssize_t)sizeof text);
    fill(buf, 2 * PG, 15);             /* the third page stays untouched */
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        CHECK(lseek(fd, 0, SEEK_SET) == 0);
        CHECK(read(fd, buf + PG / 2, PG) == PG);       /* across two shared pages */
        CHECK(read(fd, buf + 2 * PG, 100) == 100);     /* into the untouched page */
        for (int i = 0; i < PG; i++)
            CHECKF(buf[PG / 2 + i] == 'k', "the child's read() did not land in its memory");
        CHECK(buf[2 * PG] == 'k' && buf[2 * PG + 99] == 'k' && buf[2 * PG + 100] == 0);
        _exit(0);
    }
    wait_ok(pid, "the child reading into shared pages");
    CHECK_PATTERN(buf, 2 * PG, 15, "the parent's pages after the child read() into its copies");
    CHECKF(buf[2 * PG] == 0, "the child's read() into an untouched page shows in the parent");

    /* and the parent reading while the child holds the old contents */
    pid = fork();
    if (pid == 0) {
        sleep_ms(50);
        CHECK_PATTERN(buf, 2 * PG, 15, "the child's pages after the parent read() into its own");
        _exit(0);
    }
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(read(fd, buf, 2 * PG) == 2 * PG);
    CHECK(buf[0] == 'k' && buf[2 * PG - 1] == 'k');
    wait_ok(pid, "the child");
    close(fd);
    unlink(path);
}

/* On isola: fork shares the 1024 pages of big instead of copying them;
 * the child's writes copy them; once the child is gone the parent's
 * writes copy nothing (it is the only holder: the page is just made
 * writable) and every page is back. */
static void test_cow_pages(void)
{
    if (!on_isola())
        skip("counts free pages, which only isola's sysinfo holds still");
    need_paging("no copy-on-write: fork copies the region");
    use_big();
    fill(big, big_len, 12);
    long f0 = free_pages();
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        long f1 = free_pages();
        CHECKF(f0 - f1 < 64, "fork of a process with 4 MiB of data took %ld pages", f0 - f1);
        fill(big, big_len, 13);
        long f2 = free_pages();
        CHECKF(f1 - f2 >= (long)(big_len / PG), "the child's writes to 1024 shared pages took only %ld", f1 - f2);
        _exit(0);
    }
    wait_ok(pid, "the child");
    long f3 = free_pages();
    CHECKF(f3 == f0, "free pages: %ld before fork, %ld after the child was reaped", f0, f3);
    fill(big, big_len, 14);
    long f4 = free_pages();
    CHECKF(f4 == f3, "writing pages no one else holds any more took %ld pages", f3 - f4);
}

const struct test mem_tests[] = {
    {"sbrk", test_sbrk},
    {"mmap", test_mmap},
    {"mprotect", test_mprotect},
    {"map-fixed", test_map_fixed},
    {"cow", test_cow},
    {"cow-kernel-write", test_cow_kernel_write},
    {"cow-pages", test_cow_pages},
    {NULL, NULL},
};
