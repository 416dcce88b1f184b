/* t_efault.c: the kernel never trusts a pointer. Every system call that
 * takes one is given addresses a process does not own: 0, the kernel's
 * (0xC0000000, its image, the top page), a range that wraps past
 * 0xFFFFFFFF, a page that was unmapped, a PROT_NONE page and, where the
 * kernel writes, read-only memory (this program's code and constants).
 * Each must fail with EFAULT and leave the process running. The calls
 * are made with `int $0x80` directly, so nothing in the C library can
 * catch a bad pointer first. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "usertests.h"

#define PG 4096

struct bad {
    uintptr_t addr;
    const char *what;
};

static struct bad bad[16];
static int nbad;        /* bad[0..nbad): bad for reading and writing */
static int nbad_out;    /* bad[0..nbad_out): also bad for the kernel to write */

static const char constant[64] = "a constant";

static void add(uintptr_t addr, const char *what)
{
    bad[nbad++] = (struct bad){addr, what};
}

static void make_bad_addresses(void)
{
    if (nbad)
        return;
    char *gone = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED);
    CHECK(munmap(gone, PG) == 0);
    char *none = gone + PG;            /* stays mapped, PROT_NONE */
    memset(none, 0x55, PG);
    /* without paging (isolation=seg, none) there is no PROT_NONE page */
    bool have_none = isolation() == ISOLA_ISOLATION_PAGING;
    CHECK(!have_none || mprotect(none, PG, PROT_NONE) == 0);
    add(0, "NULL");
    add(0xC0000000u, "the kernel's first page");
    add(0xC0100000u, "the kernel image");
    add(0xFFFFF000u, "the last page");
    add(0xFFFFFFF0u, "16 bytes below 4 GiB (the range wraps)");
    add((uintptr_t)gone, "an unmapped page");
    if (have_none)
        add((uintptr_t)none, "a PROT_NONE page");
    nbad_out = nbad;
    add((uintptr_t)make_bad_addresses, "this program's code");
    add((uintptr_t)constant, "a constant");
    int t = nbad_out;                  /* writable-only-by-the-kernel last */
    nbad_out = nbad;
    nbad = t;
}

#define EXPECT_EFAULT(r, ...)                                                        \
    do {                                                                             \
        long r_ = (r);                                                               \
        if (r_ != -EFAULT) {                                                         \
            char what_[160];                                                         \
            snprintf(what_, sizeof what_, __VA_ARGS__);                              \
            fail("%s returned %ld, want -EFAULT (%d)", what_, r_, -EFAULT);          \
        }                                                                            \
    } while (0)

static int scratch_file(void)
{
    int fd = open(tmp_path("efault"), O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECKF(fd >= 0, "open %s: %s", tmp_path("efault"), strerror(errno));
    char data[100];
    memset(data, 'd', sizeof data);
    CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data);
    return fd;
}

static void test_efault_io(void)
{
    make_bad_addresses();
    int fd = scratch_file();
    for (int i = 0; i < nbad_out; i++) {
        CHECK(lseek(fd, 0, SEEK_SET) == 0);
        EXPECT_EFAULT(sys(SYS_read, fd, (long)bad[i].addr, 16), "read into %s (%#lx)", bad[i].what,
                      (unsigned long)bad[i].addr);
        CHECK(lseek(fd, 0, SEEK_CUR) == 0);           /* nothing was consumed */
    }
    for (int i = 0; i < nbad; i++)
        EXPECT_EFAULT(sys(SYS_write, fd, (long)bad[i].addr, 16), "write from %s (%#lx)",
                      bad[i].what, (unsigned long)bad[i].addr);
    struct stat st;
    CHECK(sys(SYS_fstat64, fd, (long)&st, 0) == 0);
    CHECKF(st.st_size == 100, "bad writes changed the file's size to %lld", (long long)st.st_size);
    /* ranges that wrap around the top of the address space */
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    EXPECT_EFAULT(sys(SYS_read, fd, (long)0xFFFFFF00u, 0x200), "read(fd, 0xffffff00, 0x200)");
    EXPECT_EFAULT(sys(SYS_write, fd, (long)0xFFFFF000u, 0x2000), "write(fd, 0xfffff000, 0x2000)");
    EXPECT_EFAULT(sys(SYS_write, 1, (long)0xFFFFFFFFu, 2), "write(1, 0xffffffff, 2)");
    /* a good start and a length that runs off the end of the mapping: at
     * most what was there, never more */
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK(munmap(p + PG, PG) == 0);    /* nothing after p's page */
    memset(p, 'p', PG);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    long r = sys(SYS_write, fd, (long)(p + PG - 10), (long)(0u - (uintptr_t)(p + PG - 10) + 0x100));
    CHECKF(r == -EFAULT || (r >= 0 && r <= 10), "write of 10 good bytes and a wrapping length returned %ld", r);
    r = sys(SYS_read, fd, (long)(p + PG - 10), 100);
    CHECKF(r == -EFAULT || (r >= 0 && r <= 10), "read of 100 bytes into the last 10 of a mapping returned %ld", r);
    munmap(p, PG);
    /* vectors */
    for (int i = 0; i < nbad; i++) {
        EXPECT_EFAULT(sys(SYS_writev, fd, (long)bad[i].addr, 1), "writev with the iovec array at %s", bad[i].what);
        struct { uintptr_t base; size_t len; } iov = {bad[i].addr, 8};
        EXPECT_EFAULT(sys(SYS_writev, fd, (long)&iov, 1), "writev from %s", bad[i].what);
    }
    for (int i = 0; i < nbad_out; i++) {
        struct { uintptr_t base; size_t len; } iov = {bad[i].addr, 8};
        CHECK(lseek(fd, 0, SEEK_SET) == 0);
        EXPECT_EFAULT(sys(SYS_readv, fd, (long)&iov, 1), "readv into %s", bad[i].what);
    }
    close(fd);
    unlink(tmp_path("efault"));
}

static void test_efault_path(void)
{
    make_bad_addresses();
    for (int i = 0; i < nbad; i++) {
        long a = (long)bad[i].addr;
        const char *w = bad[i].what;
        EXPECT_EFAULT(sys(SYS_open, a, O_RDONLY, 0), "open(%s)", w);
        EXPECT_EFAULT(sys(SYS_open, a, O_CREAT | O_WRONLY, 0644), "open(%s, O_CREAT)", w);
        EXPECT_EFAULT(sys(SYS_stat64, a, (long)constant, 0), "stat(%s)", w);
        EXPECT_EFAULT(sys(SYS_chdir, a, 0, 0), "chdir(%s)", w);
        EXPECT_EFAULT(sys(SYS_unlink, a, 0, 0), "unlink(%s)", w);
        EXPECT_EFAULT(sys(SYS_mkdir, a, 0755, 0), "mkdir(%s)", w);
        EXPECT_EFAULT(sys(SYS_access, a, 0, 0), "access(%s)", w);
    }
    int dfd = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    for (int i = 0; i < nbad_out; i++) {
        long a = (long)bad[i].addr;
        const char *w = bad[i].what;
        EXPECT_EFAULT(sys(SYS_stat64, (long)"/", a, 0), "stat(\"/\", %s)", w);
        EXPECT_EFAULT(sys(SYS_fstat64, dfd, a, 0), "fstat(fd, %s)", w);
        EXPECT_EFAULT(sys(SYS_getcwd, a, 100, 0), "getcwd(%s)", w);
        EXPECT_EFAULT(sys(SYS_getdents64, dfd, a, 1024), "getdents64 into %s", w);
        CHECK(lseek(dfd, 0, SEEK_SET) == 0);
    }
    close(dfd);
}

static void test_efault_exec(void)
{
    make_bad_addresses();
    char *good_argv[] = {"x", NULL}, *envp[] = {NULL};
    char *av[] = {(char *)self_path, "-x", "exit", "77", NULL};
    for (int i = 0; i < nbad; i++) {
        long a = (long)bad[i].addr;
        const char *w = bad[i].what;
        EXPECT_EFAULT(sys(SYS_execve, a, (long)good_argv, (long)envp), "execve(%s, ...)", w);
        if (a) {           /* Linux takes a NULL argv or envp for an empty one */
            EXPECT_EFAULT(sys(SYS_execve, (long)self_path, a, (long)envp), "execve(path, argv at %s)", w);
            EXPECT_EFAULT(sys(SYS_execve, (long)self_path, (long)av, a), "execve(path, argv, envp at %s)", w);
        }
        char *bad_argv[] = {(char *)self_path, (char *)bad[i].addr, NULL};
        if (a)
            EXPECT_EFAULT(sys(SYS_execve, (long)self_path, (long)bad_argv, (long)envp),
                          "execve with an argument string at %s", w);
        char *bad_env[] = {"A=1", (char *)bad[i].addr, NULL};
        if (a)
            EXPECT_EFAULT(sys(SYS_execve, (long)self_path, (long)av, (long)bad_env),
                          "execve with an environment string at %s", w);
    }
}

/* A child that has exited, to wait for. */
static pid_t zombie(int code)
{
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0)
        _exit(code);
    sleep_ms(5);
    return pid;
}

/* isola refuses a bad pointer before it reaps, so the status is still
 * there; Linux reaps first and then finds the pointer bad. */
static void reap_after_efault(pid_t pid, int code)
{
    int status;
    pid_t r = waitpid(pid, &status, 0);
    if (on_isola()) {
        CHECKF(r == pid, "after a refused wait the child was gone (%s)", strerror(errno));
        expect_exit(status, code, "the child after a refused wait");
    } else {
        CHECK(r == pid || (r < 0 && errno == ECHILD));
    }
}

static void test_efault_wait(void)
{
    make_bad_addresses();
    for (int i = 0; i < nbad_out; i++) {
        if (!bad[i].addr)
            continue;                  /* NULL: "no status wanted" */
        pid_t pid = zombie(5);
        EXPECT_EFAULT(sys(SYS_waitpid, pid, (long)bad[i].addr, 0), "waitpid(pid, %s, 0)", bad[i].what);
        reap_after_efault(pid, 5);
        pid = zombie(6);
        int status;
        EXPECT_EFAULT(sys4(SYS_wait4, pid, (long)&status, 0, (long)bad[i].addr),
                      "wait4(pid, &status, 0, rusage at %s)", bad[i].what);
        reap_after_efault(pid, 6);
    }
}

static void test_efault_misc(void)
{
    make_bad_addresses();
    for (int i = 0; i < nbad; i++) {
        long a = (long)bad[i].addr;
        const char *w = bad[i].what;
        EXPECT_EFAULT(sys(SYS_nanosleep, a, 0, 0), "nanosleep(%s, NULL)", w);
        if (on_isola()) {
            EXPECT_EFAULT(sys4(SYS_event_wait_many, a, 2, 0, 0), "event_wait_many(%s)", w);
            EXPECT_EFAULT(sys(SYS_set_thread_area, a, 0, 0), "set_thread_area(%s)", w);
        }
        EXPECT_EFAULT(sys4(SYS_futex, a, 0 /* FUTEX_WAIT */, 0, 0), "futex(%s, FUTEX_WAIT)", w);
    }
    for (int i = 0; i < nbad_out; i++) {
        long a = (long)bad[i].addr;
        const char *w = bad[i].what;
        EXPECT_EFAULT(sys(SYS_clock_gettime, CLOCK_MONOTONIC, a, 0), "clock_gettime(CLOCK_MONOTONIC, %s)", w);
        EXPECT_EFAULT(sys(SYS_clock_gettime, CLOCK_REALTIME, a, 0), "clock_gettime(CLOCK_REALTIME, %s)", w);
        EXPECT_EFAULT(sys(SYS_uname, a, 0, 0), "uname(%s)", w);
        EXPECT_EFAULT(sys(SYS_sysinfo, a, 0, 0), "sysinfo(%s)", w);
        if (!a)
            continue;                  /* NULL asks for no result */
        EXPECT_EFAULT(sys(SYS_time, a, 0, 0), "time(%s)", w);
        EXPECT_EFAULT(sys(SYS_gettimeofday, a, 0, 0), "gettimeofday(%s)", w);
        EXPECT_EFAULT(sys(SYS_times, a, 0, 0), "times(%s)", w);
        if (on_isola())
            EXPECT_EFAULT(sys(SYS_proc_list, a, 10, 0), "proc_list(%s)", w);
    }
    /* the process is still here and its memory is its own */
    CHECK(strcmp(constant, "a constant") == 0);
}

const struct test efault_tests[] = {
    {"efault-io", test_efault_io},
    {"efault-path", test_efault_path},
    {"efault-exec", test_efault_exec},
    {"efault-wait", test_efault_wait},
    {"efault-misc", test_efault_misc},
    {NULL, NULL},
};
