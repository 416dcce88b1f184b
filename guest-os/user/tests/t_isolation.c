/* t_isolation.c: what a process must not be able to do, each tried in a
 * child that the kernel has to kill: touch the kernel's memory, see
 * memory another process mapped (or its descriptors, its futexes), signal
 * a process it did not start, execute its data, heap, stack or a
 * writable mapping (no-execute pages, when the CPU and the kernel use
 * them), write its own code, or run a privileged instruction (port I/O,
 * cli, sti, hlt, lgdt, lidt, a control-register move, wrmsr, an INT to
 * a vector other than the system call's). Faults that are not about
 * privilege must arrive as their own signals (SIGILL, SIGFPE, SIGTRAP). */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

#define PG 4096

static void test_kernel_memory(void)
{
    need_protection();
    /* isolation=seg: the segment starts at address 0, so only what lies
     * beyond its limit faults, and there is no mprotect */
    int paging = isolation() == ISOLA_ISOLATION_PAGING;
    static const uintptr_t addrs[] = {
        0xC0000000u,                   /* the kernel's map of RAM, physical 0 */
        0xC0100000u,                   /* the kernel image */
        0xC00B8000u,                   /* the VGA text buffer, through the kernel's map */
        0xC7FFF000u,                   /* the top of 128 MiB of RAM */
        0xF8001000u,                   /* kernel stacks */
        0xFFFFF000u,                   /* the last page */
    };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        expect_fault(addrs[i], READ, "kernel memory");
        expect_fault(addrs[i], WRITE, "kernel memory");
    }
    expect_fault(0xC0100000u, EXEC, "kernel code");
    if (paging) {
        expect_fault(0, READ, "address 0");
        expect_fault(0, WRITE, "address 0");
        expect_fault(0, EXEC, "address 0");
        expect_fault(0xFFF, READ, "the first page");
    }
    if (!on_isola())
        return;                        /* Linux gives a 32-bit process all 4 GiB */
    /* nor can its mappings be changed from here */
    CHECK_ERR(munmap((void *)0xC0000000u, PG), EINVAL);
    CHECK_ERR(munmap((void *)0xBFFFF000u, 2 * PG), EINVAL);   /* the stack's top and beyond */
    if (paging) {
        CHECK_ERR(mprotect((void *)0xC0000000u, PG, PROT_READ | PROT_WRITE), EINVAL);
        CHECK_ERR(mprotect((void *)0xC0100000u, PG, PROT_READ), EINVAL);
    }
    CHECK(mmap((void *)0xC0000000u, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
               -1, 0) == MAP_FAILED);
    CHECK(mmap((void *)0xBFFFF000u, 2 * PG, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    char *hinted = mmap((void *)0xC0000000u, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(hinted != MAP_FAILED && (uintptr_t)hinted < 0xC0000000u,
           "mmap with a kernel address as a hint returned %p", (void *)hinted);
    CHECK_ERR(brk((void *)0xC0001000u), ENOMEM);
    CHECK_ERR(brk((void *)0xFFFFF000u), ENOMEM);
    expect_fault(0xC0000000u, READ, "kernel memory after all that");
    expect_fault(0xC0000000u, WRITE, "kernel memory after all that");
}

/* The parent maps a page and writes a secret there after the child was
 * forked; at that address the child must find nothing: no read, no
 * write, and the kernel will not copy it out for the child either. */
static void test_other_process(void)
{
    need_protection();
    need_paging("a process may touch its whole region, mapped or not: the address is its own "
                "memory there (the segment limit keeps the others' out: kernel-memory)");
    char *at = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(at != MAP_FAILED, "mmap: %s", strerror(errno));
    CHECK(munmap(at, PG) == 0);        /* an address free in both processes */
    int go = on_isola() ? event_create(EVENT_MANUAL_RESET) : -1;
    CHECKF(go >= 0 || !on_isola(), "event_create: %s", strerror(errno));
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (go >= 0)
            event_wait(go, 5000);
        else
            sleep_ms(200);
        long r = sys(4 /* write */, 1, (long)at, 16);
        CHECKF(r == -EFAULT, "write(1, the parent's page, 16) returned %ld, want -EFAULT", r);
        expect_fault((uintptr_t)at, READ, "a page only the parent has");
        expect_fault((uintptr_t)at, WRITE, "a page only the parent has");
        CHECKF(*(volatile char *)at == 0, "read the parent's secret");   /* must fault */
        _exit(0);
    }
    char *p = mmap(at, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECKF(p == at, "mmap MAP_FIXED: %s", strerror(errno));
    memcpy(p, "secret", 7);
    if (go >= 0)
        event_set(go);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    expect_signal(status, SIGSEGV, "the child reading the parent's page");
    CHECK(strcmp(p, "secret") == 0);
}

/* Descriptors and handles are per process: what the parent opens after
 * fork does not exist in the child, under the same number; nor does a
 * change of directory cross. */
static void test_other_handles(void)
{
    char cwd[256], now[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    const char *elsewhere = strcmp(cwd, "/") == 0 ? "/tmp" : "/";
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        CHECK(chdir(elsewhere) == 0);
        sleep_ms(100);
        char c;
        CHECK_ERR(read(50, &c, 1), EBADF);
        CHECK_ERR(close(50), EBADF);
        if (on_isola())
            CHECK_ERR(event_set(51), EBADF);
        _exit(0);
    }
    int fd = open("/etc/motd", O_RDONLY);
    if (fd < 0)
        fd = dup(0);
    CHECK(fd >= 0 && dup2(fd, 50) == 50);
    if (on_isola()) {
        int h = event_create(0);
        CHECK(h >= 0 && dup2(h, 51) == 51);
    }
    wait_ok(pid, "a child using descriptors its parent opened after the fork");
    CHECK(getcwd(now, sizeof now) != NULL);
    CHECKF(strcmp(cwd, now) == 0, "the child's chdir moved the parent from %s to %s", cwd, now);
}

/* A futex is the word at an address in one address space: a wake in the
 * parent does not reach the child waiting at the same address. */
static int futex_word;

static void test_other_futex(void)
{
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        struct timespec ts = {0, 300 * 1000000};
        int r = futex_wait(&futex_word, 0, &ts);
        CHECKF(r < 0 && errno == ETIMEDOUT, "the child's futex wait ended with %d (errno %d), "
               "not a timeout", r, r < 0 ? errno : 0);
        _exit(0);
    }
    for (int i = 0; i < 10; i++) {
        sleep_ms(20);
        CHECKF(futex_wake(&futex_word, 1) == 0, "a futex wake in the parent woke someone");
    }
    wait_ok(pid, "a child waiting on a futex at an address its parent woke");
}

/* Signals reach only the sender itself, its descendants and its process
 * group (guest-os/kernel/signal.c); not init, not the parent, not a
 * sibling in another group. Linux lets any process of one user signal
 * any other, so this is isola's alone. */
static void sibling_kills(void *arg)
{
    pid_t victim = *(pid_t *)arg;
    setpgid(0, 0);
    CHECK_ERR(kill(victim, SIGKILL), EPERM);
    CHECK_ERR(kill(victim, 0), EPERM);
    CHECK_ERR(kill(-victim, SIGKILL), EPERM);
}

static void kill_everyone(void *arg)
{
    (void)arg;
    setpgid(0, 0);
    pid_t d = fork();
    if (d == 0) {
        setpgid(0, 0);                 /* a group of its own: reached as a descendant */
        sleep_ms(30000);
        _exit(1);
    }
    setpgid(d, d);
    sleep_ms(20);
    CHECKF(kill(-1, SIGKILL) == 0, "kill(-1, SIGKILL): %s", strerror(errno));
    int status;
    CHECK(waitpid(d, &status, 0) == d);
    expect_signal(status, SIGKILL, "a descendant after kill(-1, SIGKILL)");
}

static void test_signal_reach(void)
{
    if (!on_isola())
        skip("Linux lets a process signal any process of the same user");
    CHECK_ERR(kill(1, SIGKILL), EPERM);
    CHECK_ERR(kill(1, SIGTERM), EPERM);
    CHECK_ERR(kill(1, 0), EPERM);
    CHECK_ERR(kill(getppid(), SIGKILL), EPERM);      /* usertests itself, in another group */
    pid_t victim = fork();
    CHECKF(victim >= 0, "fork: %s", strerror(errno));
    if (victim == 0) {
        setpgid(0, 0);
        sleep_ms(30000);
        _exit(1);
    }
    setpgid(victim, victim);
    expect_exit(run_child(sibling_kills, &victim), 0, "a process signalling its sibling");
    expect_exit(run_child(kill_everyone, NULL), 0, "a process that sent SIGKILL to -1");
    CHECKF(kill(victim, 0) == 0, "the sibling died (%s)", strerror(errno));
    CHECK(kill(victim, SIGKILL) == 0);
    int status;
    CHECK(waitpid(victim, &status, 0) == victim);
    expect_signal(status, SIGKILL, "the sibling, killed by its grandparent");
    CHECKF(kill(1, 0) < 0 && errno == EPERM, "init is gone");
}

/* ---- no-execute ---- */

static unsigned char data_code[64] = {1};        /* .data */

static void put_code(void *p)
{
    memcpy(p, code_ret42, sizeof code_ret42);
}

/* Executable memory must be executable (the control), and then: does
 * this machine refuse to execute writable memory at all? */
static void need_nx(void)
{
    need_paging("no NX: paging is off");
    char *x = mmap(NULL, PG, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(x != MAP_FAILED, "mmap PROT_EXEC: %s", strerror(errno));
    put_code(x);
    expect_access((uintptr_t)x, EXEC, "a PROT_READ|PROT_WRITE|PROT_EXEC page");
    CHECK(call_code(x) == 42);
    CHECK(mprotect(x, PG, PROT_READ | PROT_WRITE) == 0);
    int status = touch_in_child((uintptr_t)x, EXEC);
    CHECK(munmap(x, PG) == 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        skip("no NX: writable memory can be executed (the CPU lacks NX, or the kernel runs "
             "with nx=off or pae=off)");
    expect_signal(status, SIGSEGV, "executing a page mprotect'ed to PROT_READ|PROT_WRITE");
}

static void test_nx_data(void)
{
    need_nx();
    put_code(data_code);
    expect_fault((uintptr_t)data_code, EXEC, "code copied into .data");
}

static void test_nx_heap(void)
{
    need_nx();
    char *small = malloc(64), *brk_top = sbrk(PG);
    CHECK(small != NULL && brk_top != (void *)-1);
    put_code(small);
    put_code(brk_top);
    expect_fault((uintptr_t)small, EXEC, "code copied into malloc'ed memory");
    expect_fault((uintptr_t)brk_top, EXEC, "code copied into the heap above the break");
}

static void exec_on_stack(void *arg)
{
    (void)arg;
    unsigned char code[32];
    put_code(code);
    call_code(code);
    _exit(0);
}

static void test_nx_stack(void)
{
    need_nx();
    expect_signal(run_child(exec_on_stack, NULL), SIGSEGV, "executing code copied onto the stack");
}

static void test_nx_mmap(void)
{
    need_nx();
    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECKF(p != MAP_FAILED, "mmap: %s", strerror(errno));
    put_code(p);
    expect_fault((uintptr_t)p, EXEC, "code in a PROT_READ|PROT_WRITE mapping");
    CHECK(mprotect(p, PG, PROT_READ | PROT_EXEC) == 0);
    expect_access((uintptr_t)p, EXEC, "the same page made PROT_READ|PROT_EXEC");
    CHECK(mprotect(p, PG, PROT_READ) == 0);
    expect_fault((uintptr_t)p, EXEC, "the same page made PROT_READ");
    CHECK(munmap(p, PG) == 0);
}

/* ---- its own code ---- */

static const char rodata[] = "read-only data";

static void test_write_text(void)
{
    need_paging("no read-only pages: without page tables nothing enforces page rights");
    expect_access((uintptr_t)test_write_text, READ, "this program's code");
    expect_fault((uintptr_t)test_write_text, WRITE, "this program's code");
    expect_fault((uintptr_t)call_code, WRITE, "the code of another function");
    expect_access((uintptr_t)rodata, READ, "read-only data");
    expect_fault((uintptr_t)rodata, WRITE, "read-only data");
    expect_fault((uintptr_t)"a string literal", WRITE, "a string literal");
}

/* ---- the stack's guard page ---- */

/* 256 bytes a frame: the stack runs out a little at a time, so the push
 * that overflows it lands on the guard page, whatever lies below. */
static int recurse(int depth)
{
    volatile int frame[64];
    if (depth > 1 << 30)
        return 0;
    frame[0] = depth;
    frame[1] = recurse(depth + 1);
    return frame[0] + frame[1];
}

static void overflow(void *arg)
{
    (void)arg;
    recurse(0);
}

#define STACK_GUARD 0xBF7FF000u        /* isola: the page under the 8 MiB stack */

/* Tries to put memory where the guard page is, then overflows. */
static void overflow_onto_mapping(void *arg)
{
    int fixed = *(int *)arg;
    if (fixed) {
        void *p = mmap((void *)STACK_GUARD, PG, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != MAP_FAILED)
            say("test %s: note: MAP_FIXED placed a page on the stack's guard page", test_name);
    } else {
        munmap((void *)STACK_GUARD, PG);
        mmap((void *)STACK_GUARD, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    recurse(0);
}

/* 6 MiB deep and back: the stack is there to be used. */
static int deep(int depth)
{
    volatile int frame[64];
    frame[0] = depth;
    frame[1] = depth > 0 ? deep(depth - 1) : 0;
    return frame[0] + frame[1] - depth + 1;
}

static void test_stack_guard(void)
{
    need_paging("no guard pages, and a stack of a quarter of the region");
    int levels = 6 * 1024 * 1024 / 288;     /* a frame is 256 bytes and a little */
    CHECKF(deep(levels) == levels + 1, "6 MiB of recursion came back wrong");
    expect_signal(run_child(overflow, NULL), SIGSEGV, "unbounded recursion");
    if (!on_isola())
        return;
    void *p = mmap((void *)STACK_GUARD, PG, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECKF(p == MAP_FAILED, "MAP_FIXED placed a page on the stack's guard page");
    for (int fixed = 1; fixed >= 0; fixed--)
        expect_signal(run_child(overflow_onto_mapping, &fixed), SIGSEGV,
                      fixed ? "unbounded recursion after a MAP_FIXED on the guard page"
                            : "unbounded recursion after munmap and mmap of the guard page");
}

/* ---- privileged instructions ---- */

struct insn {
    const char *name;
    void (*run)(void);
    int sig;
};

static struct {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed)) table = {0, 0};

static void in_port(void) { unsigned char v; __asm__ volatile("inb $0x80, %0" : "=a"(v)); }
static void in_dx(void) { unsigned v; __asm__ volatile("inl %%dx, %0" : "=a"(v) : "d"(0xCFC)); }
static void out_port(void) { __asm__ volatile("outb %0, $0x80" : : "a"((unsigned char)0)); }
static void out_exit(void) { __asm__ volatile("outb %0, %%dx" : : "a"((unsigned char)0), "d"(0xF4)); }
static void do_cli(void) { __asm__ volatile("cli"); }
static void do_sti(void) { __asm__ volatile("sti"); }
static void do_hlt(void) { __asm__ volatile("hlt"); }
static void do_lgdt(void) { __asm__ volatile("lgdt %0" : : "m"(table)); }
static void do_lidt(void) { __asm__ volatile("lidt %0" : : "m"(table)); }
static void do_cr3(void) { __asm__ volatile("mov %0, %%cr3" : : "r"(0) : "memory"); }
static void do_cr0(void) { unsigned v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); }
static void do_wrmsr(void) { __asm__ volatile("wrmsr" : : "c"(0xC0000080u), "a"(0), "d"(0)); }
static void do_int10(void) { __asm__ volatile("int $0x10"); }
static void do_ud2(void) { __asm__ volatile("ud2"); }
static void do_int3(void) { __asm__ volatile("int3"); }
static void do_divide(void)
{
    volatile int zero = 0, x = 1;
    x /= zero;
}

static const struct insn insns[] = {
    {"inb $0x80", in_port, SIGSEGV},
    {"inl (%dx = 0xCFC)", in_dx, SIGSEGV},
    {"outb $0x80", out_port, SIGSEGV},
    {"outb to the exit port 0xF4", out_exit, SIGSEGV},
    {"cli", do_cli, SIGSEGV},
    {"sti", do_sti, SIGSEGV},
    {"hlt", do_hlt, SIGSEGV},
    {"lgdt", do_lgdt, SIGSEGV},
    {"lidt", do_lidt, SIGSEGV},
    {"mov to cr3", do_cr3, SIGSEGV},
    {"mov from cr0", do_cr0, SIGSEGV},
    {"wrmsr", do_wrmsr, SIGSEGV},
    {"int $0x10", do_int10, SIGSEGV},
    {"ud2", do_ud2, SIGILL},
    {"int3", do_int3, SIGTRAP},
    {"idiv by zero", do_divide, SIGFPE},
};

static void run_insn(void *arg)
{
    ((const struct insn *)arg)->run();
}

static void test_privileged(void)
{
    need_protection();
    for (size_t i = 0; i < sizeof insns / sizeof insns[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "a process that ran %s", insns[i].name);
        expect_signal(run_child(run_insn, (void *)&insns[i]), insns[i].sig, what);
    }
}

/* ---- segments of its own making ---- */

/* Linux's struct user_desc, for set_thread_area. */
struct seg_desc {
    unsigned entry_number, base_addr, limit;
    unsigned seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
        seg_not_present : 1, useable : 1;
};

/* A data segment at base 0 in a free TLS slot: 4 GiB, or expand-down
 * (its valid offsets above the limit, up to 4 GiB); its selector. */
static unsigned make_segment(int expand_down)
{
    struct seg_desc d = {0xFFFFFFFFu, 0, expand_down ? 0 : 0xFFFFF, 1, expand_down ? 1 : 0,
                         0, 1, 0, 1};
    long r = sys(243 /* set_thread_area */, (long)&d, 0, 0);
    CHECKF(r == 0, "set_thread_area: %ld", r);
    return d.entry_number * 8 + 3;
}

static unsigned fs_selector;
static int here = 42;

static void read_through_fs(void *arg)
{
    int v;
    __asm__ volatile("movw %w1, %%fs\n\tmovl %%fs:(%2), %0" : "=r"(v) : "r"(fs_selector), "r"(arg)
                     : "memory");
    CHECK(v == here);
}

/* However a program describes a segment, it reaches no further than
 * its memory: with paging the kernel's pages stop it, with isolation=seg
 * the kernel cuts the segment at the region's end (or refuses an
 * expand-down one) so the limit does. */
static void test_own_segments(void)
{
    need_protection();
    fs_selector = make_segment(0);
    expect_exit(run_child(read_through_fs, &here), 0, "reading this program's data through fs");
    expect_signal(run_child(read_through_fs, (void *)0xC0000000u), SIGSEGV,
                  "reading 0xc0000000 through a 4 GiB segment of its own");
    expect_signal(run_child(read_through_fs, (void *)0xFFFFFFF0u), SIGSEGV,
                  "reading 0xfffffff0 through a 4 GiB segment of its own");
    fs_selector = make_segment(1);
    expect_signal(run_child(read_through_fs, (void *)0xC0000000u), SIGSEGV,
                  "reading 0xc0000000 through an expand-down segment of its own");
}

const struct test isolation_tests[] = {
    {"kernel-memory", test_kernel_memory},
    {"other-process", test_other_process},
    {"other-handles", test_other_handles},
    {"other-futex", test_other_futex},
    {"signal-reach", test_signal_reach},
    {"nx-data", test_nx_data},
    {"nx-heap", test_nx_heap},
    {"nx-stack", test_nx_stack},
    {"nx-mmap", test_nx_mmap},
    {"write-text", test_write_text},
    {"stack-guard", test_stack_guard},
    {"privileged", test_privileged},
    {"own-segments", test_own_segments},
    {NULL, NULL},
};
