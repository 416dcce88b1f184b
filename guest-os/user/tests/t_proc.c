/* t_proc.c: processes: fork trees, many children, waiting for a given
 * child, for any, without hanging; exit statuses and deaths by signal;
 * argv and envp through execve, its limits and refusals; kill of a
 * sleeping and of a spinning child. Also the helper modes of
 * `usertests -x` that the exec tests run. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

/* ---- fork trees ---- */

#define TREE_FANOUT 4
#define TREE_DEPTH 3

/* Forks TREE_FANOUT children per level; each exits with the size of its
 * subtree, so the root's sum counts every process that ran. A child
 * whose parent id is wrong exits 255, which spoils the sum. */
static int tree(int depth)
{
    if (depth == 0)
        return 1;
    pid_t me = getpid(), kids[TREE_FANOUT];
    for (int i = 0; i < TREE_FANOUT; i++) {
        kids[i] = fork();
        if (kids[i] < 0)
            _exit(254);
        if (kids[i] == 0)
            _exit(getppid() == me && getpid() != me ? tree(depth - 1) : 255);
    }
    int total = 1;
    for (int i = TREE_FANOUT - 1; i >= 0; i--) {
        int status;
        if (waitpid(kids[i], &status, 0) != kids[i] || !WIFEXITED(status))
            return 255;
        total += WEXITSTATUS(status);
    }
    return total;
}

static void test_fork_tree(void)
{
    int want = 1, level = 1;
    for (int d = 0; d < TREE_DEPTH; d++) {
        level *= TREE_FANOUT;
        want += level;
    }
    int got = tree(TREE_DEPTH);
    CHECKF(got == want, "a tree of depth %d and fanout %d counted %d processes, want %d",
           TREE_DEPTH, TREE_FANOUT, got, want);
}

#define MANY 60

static void test_fork_many(void)
{
    pid_t pids[MANY];
    int seen[MANY] = {0};
    for (int i = 0; i < MANY; i++) {
        pids[i] = fork();
        CHECKF(pids[i] >= 0, "fork %d: %s", i, strerror(errno));
        if (pids[i] == 0) {
            if (i % 3 == 0)
                sleep_ms(10 * (i % 7));
            _exit((i * 7 + 1) % 256);
        }
        for (int j = 0; j < i; j++)
            CHECKF(pids[j] != pids[i], "fork returned pid %d twice", pids[i]);
    }
    for (int n = 0; n < MANY; n++) {
        int status;
        pid_t pid = wait(&status);
        CHECKF(pid > 0, "wait %d of %d: %s", n + 1, MANY, strerror(errno));
        int i = 0;
        while (i < MANY && pids[i] != pid)
            i++;
        CHECKF(i < MANY, "wait returned %d, not one of our children", pid);
        CHECKF(!seen[i], "wait returned child %d twice", pid);
        seen[i] = 1;
        expect_exit(status, (i * 7 + 1) % 256, "child");
    }
    CHECK_ERR(wait(NULL), ECHILD);
}

static void test_wait_pid(void)
{
    pid_t pids[5];
    for (int i = 0; i < 5; i++) {
        pids[i] = fork();
        CHECKF(pids[i] >= 0, "fork: %s", strerror(errno));
        if (pids[i] == 0)
            _exit(10 + i);
    }
    sleep_ms(20);
    for (int i = 4; i >= 0; i--) {
        int status;
        pid_t r = waitpid(pids[i], &status, 0);
        CHECKF(r == pids[i], "waitpid(%d) returned %d", pids[i], r);
        expect_exit(status, 10 + i, "child waited for by pid");
        CHECK_ERR(waitpid(pids[i], &status, 0), ECHILD);
    }
    /* by process group: -pgid and 0 (the caller's own group) */
    pid_t grouped[3];
    for (int i = 0; i < 3; i++) {
        grouped[i] = fork();
        CHECKF(grouped[i] >= 0, "fork: %s", strerror(errno));
        if (grouped[i] == 0) {
            if (i > 0)
                setpgid(0, grouped[1]);
            sleep_ms(i == 0 ? 150 : 30);
            _exit(20 + i);
        }
        if (i > 0)
            setpgid(grouped[i], grouped[1]);   /* 1 and 2 in a group of their own */
    }
    int status;
    pid_t r = waitpid(0, &status, 0);          /* our group: only child 0 */
    CHECKF(r == grouped[0], "waitpid(0) returned %d, want %d (the one child in our group)", r,
           grouped[0]);
    expect_exit(status, 20, "the child in our group");
    CHECK_ERR(waitpid(0, NULL, WNOHANG), ECHILD);
    for (int n = 0; n < 2; n++) {
        r = waitpid(-grouped[1], &status, 0);
        CHECKF(r == grouped[1] || r == grouped[2], "waitpid(-%d) returned %d", grouped[1], r);
        expect_exit(status, r == grouped[1] ? 21 : 22, "a child in the other group");
    }
    CHECK_ERR(waitpid(-grouped[1], NULL, 0), ECHILD);
    CHECK_ERR(waitpid(1, NULL, 0), ECHILD);                /* init is not our child */
    CHECK_ERR(waitpid(getpid(), NULL, 0), ECHILD);
    CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_wait_nohang(void)
{
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        sleep_ms(200);
        _exit(7);
    }
    int status = 0;
    long long t0 = now_ms();
    /* had these waited, they would return the child after its 200 ms */
    CHECKF(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG with a sleeping child did not return 0");
    CHECKF(waitpid(-1, &status, WNOHANG) == 0, "WNOHANG for any child did not return 0");
    pid_t r;
    int polls = 0;
    while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
        CHECKF(now_ms() - t0 < 10000, "the child did not end within 10 s");
        sleep_ms(10);
        polls++;
    }
    CHECKF(r == pid, "waitpid returned %d, want %d", r, pid);
    CHECKF(polls > 0, "the child was reaped before it could have slept 200 ms");
    expect_exit(status, 7, "child");
}

/* ---- exit statuses and signals ---- */

static void test_exit_status(void)
{
    for (int s = 0; s < 256; s++) {
        pid_t pid = fork();
        CHECKF(pid >= 0, "fork: %s", strerror(errno));
        if (pid == 0)
            _exit(s);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECKF(WIFEXITED(status) && !WIFSIGNALED(status), "_exit(%d): status %#x", s, status);
        CHECKF(WEXITSTATUS(status) == s, "_exit(%d): WEXITSTATUS %d", s, WEXITSTATUS(status));
    }
    static const int odd[][2] = {{256, 0}, {257, 1}, {-1, 255}, {-255, 1}, {1000, 232}};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        pid_t pid = fork();
        if (pid == 0)
            exit(odd[i][0]);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == odd[i][1],
               "exit(%d): status %#x, want exited with %d", odd[i][0], status, odd[i][1]);
    }
}

static void kill_self(void *arg)
{
    int sig = *(int *)arg;
    if (sig == SIGABRT)
        abort();
    kill(getpid(), sig);
    for (;;)
        sleep_ms(1000);                /* the kill ends this on its way out of the kernel */
}

static void test_exit_signal(void)
{
    static const int sigs[] = {SIGTERM, SIGKILL, SIGUSR1, SIGHUP, SIGINT, SIGABRT, SIGSEGV};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        int sig = sigs[i];
        int status = run_child(kill_self, &sig);
        CHECKF(!WIFEXITED(status), "a child that sent itself signal %d exited", sig);
        expect_signal(status, sig, "a child that sent itself a signal");
    }
}

/* ---- kill ---- */

static void sleep_long(void *arg)
{
    (void)arg;
    sleep_ms(30000);
    _exit(99);
}

static void spin(void *arg)
{
    (void)arg;
    for (volatile unsigned i = 0;; i++)
        ;
}

static void kill_one(void (*fn)(void *), int sig, const char *what)
{
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        fn(NULL);
        _exit(98);
    }
    sleep_ms(50);                      /* let it block or spin */
    CHECKF(kill(pid, 0) == 0, "kill(%d, 0): %s", pid, strerror(errno));
    long long t0 = now_ms();
    CHECKF(kill(pid, sig) == 0, "kill(%d, %d): %s", pid, sig, strerror(errno));
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    long long took = now_ms() - t0;
    char buf[80];
    snprintf(buf, sizeof buf, "%s child sent signal %d", what, sig);
    expect_signal(status, sig, buf);
    CHECKF(took < 5000, "%s: it took %lld ms to die", buf, took);
    CHECK_ERR(kill(pid, SIGTERM), ESRCH);
}

static void test_kill(void)
{
    kill_one(sleep_long, SIGTERM, "a sleeping");
    kill_one(sleep_long, SIGKILL, "a sleeping");
    kill_one(spin, SIGTERM, "a spinning");
    kill_one(spin, SIGKILL, "a spinning");
    kill_one(spin, SIGUSR2, "a spinning");
    CHECK_ERR(kill(getpid(), -1), EINVAL);
    CHECK_ERR(kill(getpid(), 1000), EINVAL);
}

/* SIG_IGN: the signal does nothing, SIGKILL still kills, and the
 * disposition survives fork. */
static void ignore_term(void *arg)
{
    (void)arg;
    if (signal(SIGTERM, SIG_IGN) == SIG_ERR)
        _exit(errno == ENOSYS ? 3 : 4);
    kill(getpid(), SIGTERM);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getpid(), SIGTERM);
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || status != 0)
        _exit(5);
    _exit(0);
}

static void test_kill_ignored(void)
{
    int status = run_child(ignore_term, NULL);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        skip("signal(SIGTERM, SIG_IGN): ENOSYS (no rt_sigaction yet)");
    CHECKF(!(WIFEXITED(status) && WEXITSTATUS(status) == 4), "signal(SIGTERM, SIG_IGN) failed");
    CHECKF(!(WIFEXITED(status) && WEXITSTATUS(status) == 5),
           "a forked child did not inherit SIG_IGN for SIGTERM");
    expect_exit(status, 0, "a child ignoring SIGTERM that sent itself SIGTERM");
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_IGN);
        for (;;)
            sleep_ms(1000);
    }
    sleep_ms(30);
    kill(pid, SIGTERM);
    sleep_ms(30);
    CHECKF(waitpid(pid, &status, WNOHANG) == 0, "SIGTERM ended a child that ignores it");
    kill(pid, SIGKILL);
    CHECK(waitpid(pid, &status, 0) == pid);
    expect_signal(status, SIGKILL, "a child ignoring SIGTERM sent SIGKILL");
}

/* ---- execve ---- */

/* Argument i of a test vector: "i:" then a pattern, len bytes in all. */
static void make_arg(char *buf, int i, int len, char tag)
{
    int n = snprintf(buf, (size_t)len + 1, "%c%d:", tag, i);
    for (int k = n; k < len; k++)
        buf[k] = (char)('a' + (i + k) % 26);
    buf[len] = 0;
}

/* usertests -x args N LEN M ELEN: argv[5..] must be N strings made by
 * make_arg(i, LEN, 'a') and the environment M strings "E" i "=" ... of
 * ELEN bytes, in order; exits 0 if so, else 1 after saying what is
 * wrong. */
static int check_args(int argc, char **argv, char **envp)
{
    if (argc < 5)
        return 1;
    int n = atoi(argv[1]), len = atoi(argv[2]), m = atoi(argv[3]), elen = atoi(argv[4]);
    static char want[8192];
    if (argc != 5 + n) {
        say("args helper: argc %d, want %d", argc + 2, n + 7);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        make_arg(want, i, len, 'a');
        if (strcmp(argv[5 + i], want) != 0) {
            say("args helper: argument %d differs", i);
            return 1;
        }
    }
    int k = 0;
    for (; envp[k]; k++) {
        make_arg(want, k, elen, 'E');
        want[1 + (k >= 10) + (k >= 100) + (k >= 1000) + 1] = '=';
        if (k >= m || strcmp(envp[k], want) != 0) {
            say("args helper: environment string %d differs", k);
            return 1;
        }
    }
    if (k != m) {
        say("args helper: %d environment strings, want %d", k, m);
        return 1;
    }
    return 0;
}

int helper_main(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "args") == 0)
        return check_args(argc, argv, environ);
    if (argc == 2 && strcmp(argv[0], "exit") == 0)
        return atoi(argv[1]);
    if (argc == 1 && strcmp(argv[0], "true") == 0)
        return 0;
    say("usertests -x: unknown helper");
    return 2;
}

static char **vector(int n)
{
    char **v = calloc((size_t)n + 1, sizeof *v);
    CHECKF(v != NULL, "calloc: out of memory");
    return v;
}

/* Runs usertests -x args with n arguments of len bytes and m environment
 * strings of elen bytes; returns the exit status. */
static int exec_args(int n, int len, int m, int elen)
{
    char **argv = vector(n + 7), **envp = vector(m);
    char num[4][16];
    snprintf(num[0], 16, "%d", n);
    snprintf(num[1], 16, "%d", len);
    snprintf(num[2], 16, "%d", m);
    snprintf(num[3], 16, "%d", elen);
    argv[0] = (char *)self_path;
    argv[1] = "-x";
    argv[2] = "args";
    for (int i = 0; i < 4; i++)
        argv[3 + i] = num[i];
    for (int i = 0; i < n; i++) {
        argv[7 + i] = malloc((size_t)len + 1);
        CHECK(argv[7 + i] != NULL);
        make_arg(argv[7 + i], i, len, 'a');
    }
    for (int i = 0; i < m; i++) {
        envp[i] = malloc((size_t)elen + 1);
        CHECK(envp[i] != NULL);
        make_arg(envp[i], i, elen, 'E');
        envp[i][1 + (i >= 10) + (i >= 100) + (i >= 1000) + 1] = '=';
    }
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        execve(self_path, argv, envp);
        say("execve %s: %s", self_path, strerror(errno));
        _exit(127);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    for (int i = 0; i < n; i++)
        free(argv[7 + i]);
    for (int i = 0; i < m; i++)
        free(envp[i]);
    free(argv);
    free(envp);
    return status;
}

static void test_exec_args(void)
{
    expect_exit(exec_args(0, 0, 0, 0), 0, "exec with no arguments and an empty environment");
    expect_exit(exec_args(3, 5, 2, 8), 0, "exec with 3 arguments and 2 environment strings");
    expect_exit(exec_args(600, 60, 150, 40), 0, "exec with 600 arguments and 150 environment strings");
    expect_exit(exec_args(8, 4000, 4, 4000), 0, "exec with 4000-byte arguments and environment strings");
    expect_exit(exec_args(1, 1, 0, 0), 0, "exec with a 1-byte argument");
}

static void test_exec_e2big(void)
{
    /* One string longer than any kernel takes (Linux: 128 KiB). */
    size_t big = 256 * 1024;
    char *s = malloc(big + 1);
    CHECK(s != NULL);
    memset(s, 'x', big);
    s[big] = 0;
    char *argv[] = {(char *)self_path, "-x", "true", s, NULL};
    char *envp[] = {NULL};
    int before = 12345;
    CHECK_ERR(execve(self_path, argv, envp), E2BIG);
    argv[3] = "x";
    envp[0] = s;
    CHECK_ERR(execve(self_path, argv, (char **)envp), E2BIG);
    /* the failed exec left this program as it was */
    CHECK(before == 12345 && s[0] == 'x' && s[big - 1] == 'x');
    free(s);
}

static void test_exec_errors(void)
{
    char *argv[] = {"x", NULL}, *envp[] = {NULL};
    CHECK_ERR(execve("/no/such/file", argv, envp), ENOENT);
    CHECK_ERR(execve("/bin/no-such-program", argv, envp), ENOENT);
    CHECK_ERR(execve("/", argv, envp), EACCES);
    CHECK_ERR(execve("", argv, envp), ENOENT);
    const char *notexec = tmp_path("notexec"), *garbage = tmp_path("garbage");
    int fd = open(notexec, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECKF(fd >= 0, "open %s: %s", notexec, strerror(errno));
    CHECK(write(fd, "hello\n", 6) == 6);
    close(fd);
    CHECK_ERR(execve(notexec, argv, envp), EACCES);     /* not executable */
    fd = open(garbage, O_CREAT | O_TRUNC | O_WRONLY, 0755);
    CHECKF(fd >= 0, "open %s: %s", garbage, strerror(errno));
    static char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 37 + 11);
    junk[0] = 0x7f, junk[1] = 'E', junk[2] = 'L', junk[3] = 'G';
    CHECK(write(fd, junk, sizeof junk) == (ssize_t)sizeof junk);
    close(fd);
    CHECK_ERR(execve(garbage, argv, envp), ENOEXEC);
    unlink(notexec);
    unlink(garbage);
    /* and an exec that works replaces the process: its exit status is
     * the new program's */
    pid_t pid = fork();
    if (pid == 0) {
        char *av[] = {(char *)self_path, "-x", "exit", "42", NULL};
        execve(self_path, av, envp);
        _exit(127);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    expect_exit(status, 42, "usertests -x exit 42");
}

const struct test proc_tests[] = {
    {"fork-tree", test_fork_tree},
    {"fork-many", test_fork_many},
    {"wait-pid", test_wait_pid},
    {"wait-nohang", test_wait_nohang},
    {"exit-status", test_exit_status},
    {"exit-signal", test_exit_signal},
    {"kill", test_kill},
    {"kill-ignored", test_kill_ignored},
    {"exec-args", test_exec_args},
    {"exec-e2big", test_exec_e2big},
    {"exec-errors", test_exec_errors},
    {NULL, NULL},
};
