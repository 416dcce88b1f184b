/* usertests.h: what the usertests files share. A test is a function run
 * in a child process of its own (so a crash ends only that test); it
 * returns when it passed, or calls fail() (the child exits 1) or skip()
 * (exits 2). Each t_*.c file holds the tests of one subject in a table
 * that main.c runs in order.
 *
 * Output goes straight to file descriptor 1 with write(), one line per
 * call, never through stdio: a buffer copied by fork would print twice. */
#ifndef USERTESTS_H
#define USERTESTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct test {
    const char *name;
    void (*fn)(void);
};

extern const struct test proc_tests[], mem_tests[], thread_tests[], event_tests[],
    time_tests[], file_tests[], isolation_tests[], efault_tests[], elf_tests[], limit_tests[],
    pipe_tests[], shm_tests[], chan_tests[];

/* The name of the test this process is running (children inherit it). */
extern const char *test_name;

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(c) ((c) ? (void)0 : fail("%s:%d: %s", __FILE__, __LINE__, #c))
#define CHECKF(c, ...) ((c) ? (void)0 : fail(__VA_ARGS__))
/* A libc call that must fail with errno e. */
#define CHECK_ERR(call, e) check_err((long)(call), (e), __FILE__, __LINE__, #call)
void check_err(long r, int e, const char *file, int line, const char *what);

/* "/tmp/usertests.PID.name", PID the test's process (so two runs on one
 * host do not share files); the result lasts for 8 more calls. */
const char *tmp_path(const char *name);
extern pid_t test_pid;

/* 1 on isola, 0 elsewhere (the host Linux, where the binaries run too). */
int on_isola(void);
/* The kernel's isolation mode (ISOLA_ISOLATION_*, from mem_stat); paging
 * elsewhere. need_paging skips the test, saying why, when the mode runs
 * without paging (isolation=seg or none: no page rights, copy-on-write,
 * shared memory, exchange heap, mprotect, guard pages); need_protection
 * when there is no protection at all (isolation=none). */
int isolation(void);
void need_paging(const char *why);
void need_protection(void);
/* Free physical memory in 4 KiB pages (sysinfo). */
long free_pages(void);
/* CLOCK_MONOTONIC in milliseconds. */
long long now_ms(void);
void sleep_ms(long ms);

/* A raw system call: the kernel's result, -errno on failure, no libc in
 * between (so a bad pointer reaches the kernel as it is). */
long sys(long nr, long a, long b, long c);
long sys4(long nr, long a, long b, long c, long d);

/* Runs fn(arg) in a child; the child exits 0 when fn returns. Returns the
 * wait status. */
int run_child(void (*fn)(void *), void *arg);
/* "exited with 3", "killed by SIGSEGV (11)" */
const char *status_text(int status, char *buf, size_t n);
/* The child must have been killed by sig / exited with code. */
void expect_signal(int status, int sig, const char *what);
void expect_exit(int status, int code, const char *what);

/* Waits for pid, which must exit with status 0. */
void wait_ok(pid_t pid, const char *what);

/* Touches addr in a child process: reads a byte, writes one, or calls
 * it as code (which must return 42, see code_ret42). The child exits 0
 * when the access worked; expect_fault wants it killed by SIGSEGV,
 * expect_access wants it to work. */
enum access { READ, WRITE, EXEC };
int touch_in_child(uintptr_t addr, enum access how);
void expect_fault(uintptr_t addr, enum access how, const char *what);
void expect_access(uintptr_t addr, enum access how, const char *what);

/* Runs code (a few bytes ending in ret, leaving a value in eax) at p. */
int call_code(void *p);
/* mov $42, %eax; ret */
extern const unsigned char code_ret42[6];

/* The usertests program itself, for the tests that exec it; its helper
 * modes (usertests -x MODE ...) are in main.c. */
extern const char *self_path;
int helper_main(int argc, char **argv);

#endif
