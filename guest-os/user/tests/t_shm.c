/* t_shm.c: named shared memory (isola/syscall.h, shmem_open) and
 * MAP_SHARED. Two processes see each other's writes through one object,
 * whatever address each mapped it at; the rights are the handle's (a
 * process that opened it read-only cannot map it writable, cannot
 * mprotect it writable, and is killed when it writes); fork keeps shared
 * memory shared while private memory stays copy-on-write; a futex word
 * in shared memory wakes a waiter in another process; an object lives
 * until its last handle and mapping are gone, and its pages come back.
 * isola's own calls: skipped on Linux, except MAP_SHARED | MAP_ANONYMOUS,
 * which Linux has. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "usertests.h"

#define PG 4096

static char name_buf[ISOLA_NAME_MAX];

/* A name no other test (or earlier run) uses. */
static const char *shm_name(const char *what)
{
    snprintf(name_buf, sizeof name_buf, "ut-%s-%d", what, (int)getpid());
    return name_buf;
}

static void need_shm(void)
{
    if (!on_isola())
        skip("named shared memory is isola's own call");
}

static int open_shm(const char *name, unsigned size, int flags)
{
    int h = shmem_open(name, size, flags);
    CHECKF(h >= 0, "shmem_open(%s, %u, %#x): %s", name, size, flags, strerror(errno));
    return h;
}

static void *map(int h, size_t len, int prot)
{
    void *p = mmap(NULL, len, prot, MAP_SHARED, h, 0);
    CHECKF(p != MAP_FAILED, "mmap of a shared-memory handle: %s", strerror(errno));
    return p;
}

static void test_shm_basic(void)
{
    need_paging("no shared memory: one frame in two address spaces needs paging");
    need_shm();
    const char *name = shm_name("basic");
    int h = open_shm(name, 3 * PG - 100, O_RDWR | O_CREAT | O_EXCL);
    struct stat st;
    CHECK(fstat(h, &st) == 0 && st.st_size == 3 * PG);   /* whole pages */
    CHECK_ERR(shmem_open(name, PG, O_RDWR | O_CREAT | O_EXCL), EEXIST);
    CHECK_ERR(shmem_open(name, 4 * PG, O_RDWR), EINVAL);  /* more than it has */
    CHECK_ERR(shmem_open("ut-no-such-object", 0, O_RDWR), ENOENT);
    CHECK_ERR(shmem_open("ut-empty", 0, O_RDWR | O_CREAT), EINVAL);
    CHECK_ERR(shmem_open("ut-huge", SHM_MAX_SIZE + 1, O_RDWR | O_CREAT), EINVAL);
    CHECK_ERR(shmem_open(name, 0, O_WRONLY), EINVAL);
    CHECK_ERR(shmem_open(name, 0, O_RDWR | O_TRUNC), EINVAL);
    CHECK_ERR(shmem_open("", 0, O_RDWR), EINVAL);
    CHECK_ERR(shmem_open("a-name-longer-than-thirty-one-bytes", PG, O_RDWR | O_CREAT),
              ENAMETOOLONG);
    CHECK_ERR(shmem_open((const char *)16, PG, O_RDWR | O_CREAT), EFAULT);

    /* two handles, two mappings, one memory */
    unsigned char *a = map(h, 3 * PG, PROT_READ | PROT_WRITE);
    int h2 = open_shm(name, 0, O_RDWR);
    unsigned char *b = map(h2, 3 * PG, PROT_READ | PROT_WRITE);
    CHECK(a != b);
    CHECK(a[0] == 0 && b[3 * PG - 1] == 0);                 /* zero-filled */
    for (int i = 0; i < 3 * PG; i += 97)
        a[i] = (unsigned char)(i / 97);
    for (int i = 0; i < 3 * PG; i += 97)
        CHECKF(b[i] == (unsigned char)(i / 97), "byte %d differs between two mappings", i);
    b[PG + 5] = 0xEE;
    CHECK(a[PG + 5] == 0xEE);
    /* a window on part of it, at an offset */
    unsigned char *c = mmap(NULL, PG, PROT_READ, MAP_SHARED, h, 2 * PG);
    CHECKF(c != MAP_FAILED, "mmap at offset 2 pages: %s", strerror(errno));
    CHECK(c[97 * 90 - 2 * PG] == a[97 * 90] && c[97 * 90 - 2 * PG] == 90);

    /* what cannot be mapped */
    CHECK(mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, h, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, h, 3 * PG) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, h, 0) == MAP_FAILED && errno == ENODEV);
    CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, 1000, 0) == MAP_FAILED && errno == EBADF);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, p[0], 0) == MAP_FAILED && errno == ENODEV);
    close(p[0]);
    close(p[1]);

    /* unlinked, the name is free again; the memory lives while held */
    CHECK(shmem_unlink(name) == 0);
    CHECK_ERR(shmem_unlink(name), ENOENT);
    CHECK_ERR(shmem_open(name, 0, O_RDWR), ENOENT);
    close(h);
    close(h2);
    CHECK(a[PG + 5] == 0xEE && b[0] == a[0]);
    int fresh = open_shm(name, PG, O_RDWR | O_CREAT | O_EXCL);   /* a new object */
    unsigned char *d = map(fresh, PG, PROT_READ);
    CHECK(d[5] == 0);
    CHECK(shmem_unlink(name) == 0);
    close(fresh);
    munmap(a, 3 * PG);
    munmap(b, 3 * PG);
    munmap(c, PG);
    munmap(d, PG);
}

/* A child opens the object by name, read-only, while the parent writes. */
static void test_shm_readonly(void)
{
    need_paging("no shared memory: one frame in two address spaces needs paging");
    need_shm();
    const char *name = shm_name("ro");
    int h = open_shm(name, 2 * PG, O_RDWR | O_CREAT | O_EXCL);
    volatile int *w = map(h, 2 * PG, PROT_READ | PROT_WRITE);
    w[0] = 1234;
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(h);                      /* only what it opens itself */
        int ro = open_shm(name, 0, O_RDONLY);
        CHECK(mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
              errno == EACCES);
        CHECK(mmap(NULL, 2 * PG, PROT_EXEC | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
              errno == EACCES);
        volatile int *r = map(ro, 2 * PG, PROT_READ);
        CHECK(r[0] == 1234);
        while (r[1] != 5678)           /* the parent's write shows up here */
            sleep_ms(1);
        CHECK_ERR(mprotect((void *)r, PG, PROT_READ | PROT_WRITE), EACCES);
        CHECK(mprotect((void *)r, PG, PROT_NONE) == 0);   /* less is always allowed */
        CHECK(mprotect((void *)r, PG, PROT_READ) == 0);
        /* the kernel will not write there on its behalf either */
        long n = sys(3 /* read */, open("/etc/motd", O_RDONLY), (long)r, 4);
        CHECKF(n == -EFAULT, "read() into a read-only shared page returned %ld", n);
        expect_access((uintptr_t)r, READ, "a read-only shared page");
        expect_fault((uintptr_t)r, WRITE, "a read-only shared page");
        expect_fault((uintptr_t)r + PG + 8, WRITE, "a read-only shared page");
        *(volatile int *)r = 1;        /* and this process dies of it */
        _exit(0);
    }
    sleep_ms(20);
    w[1] = 5678;
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    expect_signal(status, SIGSEGV, "a write through a read-only shared mapping");
    CHECK(w[0] == 1234);               /* no write got through */
    shmem_unlink(name);
    close(h);
}

static void test_shm_fork(void)
{
    need_paging("no shared memory: one frame in two address spaces needs paging");
    /* anonymous shared memory: fork keeps it shared, both ways */
    volatile int *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECKF(s != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
    volatile int *priv = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(priv != MAP_FAILED);
    s[0] = 1;
    priv[0] = 1;
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        s[1] = 2;
        priv[1] = 2;
        while (s[2] != 3)
            sleep_ms(1);
        _exit(priv[2] == 0 ? 0 : 1);  /* the parent's private write stays there */
    }
    while (s[1] != 2)
        sleep_ms(1);
    CHECK(priv[1] == 0);               /* the child's private write stayed there */
    priv[2] = 3;
    s[2] = 3;
    wait_ok(pid, "the child writing shared and private memory");
    CHECK(s[1] == 2 && s[0] == 1);
    munmap((void *)s, PG);
    munmap((void *)priv, PG);

    if (!on_isola())
        return;
    /* a named object mapped before fork, and a child of the child */
    const char *name = shm_name("fork");
    int h = open_shm(name, PG, O_RDWR | O_CREAT | O_EXCL);
    shmem_unlink(name);                /* held only by this process and its children */
    volatile int *n = map(h, PG, PROT_READ | PROT_WRITE);
    pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            n[7] = 77;
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(n[7] == 77 ? 0 : 1);
    }
    wait_ok(pid, "the child and grandchild sharing a named object");
    CHECK(n[7] == 77);
    close(h);
    munmap((void *)n, PG);
}

static void test_shm_futex(void)
{
    need_paging("no shared memory: one frame in two address spaces needs paging");
    need_shm();
    const char *name = shm_name("futex");
    int h = open_shm(name, PG, O_RDWR | O_CREAT | O_EXCL);
    int *word = map(h, PG, PROT_READ | PROT_WRITE);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        /* its own mapping, at its own address: the key is the memory */
        int hh = open_shm(name, 0, O_RDWR);
        int *mine = map(hh, PG, PROT_READ | PROT_WRITE);
        struct timespec ts = {5, 0};
        __atomic_store_n(&mine[1], 1, __ATOMIC_SEQ_CST);   /* about to wait */
        while (__atomic_load_n(&mine[0], __ATOMIC_SEQ_CST) == 0)
            if (futex_wait(&mine[0], 0, &ts) < 0 && errno == ETIMEDOUT)
                _exit(1);
        _exit(mine[0] == 42 ? 0 : 2);
    }
    while (__atomic_load_n(&word[1], __ATOMIC_SEQ_CST) == 0)
        sleep_ms(1);
    sleep_ms(30);                      /* let it go to sleep in the kernel */
    __atomic_store_n(&word[0], 42, __ATOMIC_SEQ_CST);
    long long t0 = now_ms();
    int woken = 0;
    while (woken == 0 && now_ms() - t0 < 2000)
        woken = futex_wake(&word[0], 1);
    CHECKF(woken == 1, "futex_wake on shared memory woke %d waiters in the other process", woken);
    wait_ok(pid, "the futex waiter in another process");
    /* a private word at the same offset reaches no one */
    static int private_word;
    CHECK(futex_wake(&private_word, 1) == 0);
    shmem_unlink(name);
    close(h);
}

/* Pages come back when the last holder lets go, not before. */
static void test_shm_lifetime(void)
{
    need_paging("no shared memory: one frame in two address spaces needs paging");
    need_shm();
    enum { PAGES = 64 };
    const char *name = shm_name("life");
    long before = free_pages();
    int h = open_shm(name, PAGES * PG, O_RDWR | O_CREAT | O_EXCL);
    char *a = map(h, PAGES * PG, PROT_READ | PROT_WRITE);
    for (int i = 0; i < PAGES; i++)
        a[i * PG] = 1;
    long used = before - free_pages();
    CHECKF(used >= PAGES, "touching %d shared pages took %ld frames", PAGES, used);
    CHECK(shmem_unlink(name) == 0);
    CHECK(close(h) == 0);
    CHECKF(before - free_pages() >= PAGES, "the pages went while still mapped");
    CHECK(a[(PAGES - 1) * PG] == 1);
    CHECK(munmap(a, PAGES * PG) == 0);
    long left = before - free_pages();
    CHECKF(left < 8, "%ld frames still used after the last unmap", left);
}

const struct test shm_tests[] = {
    {"shm-basic", test_shm_basic},
    {"shm-readonly", test_shm_readonly},
    {"shm-fork", test_shm_fork},
    {"shm-futex", test_shm_futex},
    {"shm-lifetime", test_shm_lifetime},
    {NULL, NULL},
};
