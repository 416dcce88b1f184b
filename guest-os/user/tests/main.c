/* usertests: the bundled OS checking itself from user mode, in the spirit
 * of xv6's usertests. `usertests` runs every test, `usertests NAME...`
 * only those, `usertests -l` lists them. Each test runs in a child of its
 * own, in a process group of its own (so whatever it leaves behind is
 * killed after it), under a time limit; it prints `test NAME: ok`,
 * `test NAME: FAILED: why` or `test NAME: skipped: why`. The last line is
 * `ALL TESTS PASSED` (exit status 0) or `SOME TESTS FAILED` (1).
 *
 * The same binary runs on the host's Linux, the oracle for every test
 * whose calls Linux has; isola's own calls are skipped there.
 * `usertests -x MODE ...` is a helper the exec tests run (t_proc.c). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

#define TEST_TIMEOUT_MS (60 * 1000)        /* the longest test takes about 2 s */

static const struct test *const groups[] = {
    proc_tests, mem_tests, thread_tests, event_tests, time_tests,
    file_tests, pipe_tests, shm_tests, chan_tests, isolation_tests, efault_tests, elf_tests,
    limit_tests,
};

enum verdict { PASSED, FAILED, SKIPPED };

/* Waits for the test's child, polling so that a test that hangs is
 * killed at the time limit instead of hanging the run. */
static int wait_test(pid_t pid, const char *name, int *status)
{
    long long deadline = now_ms() + TEST_TIMEOUT_MS;
    long nap = 1;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 0;
        if (r < 0) {
            say("test %s: FAILED: waitpid: %s", name, strerror(errno));
            return -1;
        }
        if (now_ms() > deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, status, 0);
            say("test %s: FAILED: still running after %d s: killed", name,
                TEST_TIMEOUT_MS / 1000);
            return -1;
        }
        sleep_ms(nap);
        if (nap < 20)
            nap *= 2;
    }
}

static enum verdict run_test(const struct test *t)
{
    pid_t pid = fork();
    if (pid < 0) {
        say("test %s: FAILED: fork: %s", t->name, strerror(errno));
        return FAILED;
    }
    if (pid == 0) {
        setpgid(0, 0);
        test_name = t->name;
        test_pid = getpid();
        t->fn();
        _exit(0);
    }
    setpgid(pid, pid);                 /* whichever of the two runs first */
    int status;
    int r = wait_test(pid, t->name, &status);
    kill(-pid, SIGKILL);               /* anything the test left running */
    if (r < 0)
        return FAILED;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        say("test %s: ok", t->name);
        return PASSED;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
        return SKIPPED;                /* skip() said why */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
        return FAILED;                 /* fail() said why */
    char buf[64];
    say("test %s: FAILED: the test process %s", t->name, status_text(status, buf, sizeof buf));
    return FAILED;
}

static const struct test *find(const char *name)
{
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        for (const struct test *t = groups[g]; t->name; t++)
            if (strcmp(t->name, name) == 0)
                return t;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argv[0] && strchr(argv[0], '/'))
        self_path = argv[0];
    else if (access("/proc/self/exe", X_OK) == 0)
        self_path = "/proc/self/exe";
    if (argc >= 2 && strcmp(argv[1], "-x") == 0)
        return helper_main(argc - 2, argv + 2);
    if (argc == 2 && strcmp(argv[1], "-l") == 0) {
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
            for (const struct test *t = groups[g]; t->name; t++)
                say("%s", t->name);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' || !find(argv[i])) {
            fprintf(stderr, "usage: usertests [-l] [NAME...]\nusertests: no test %s\n", argv[i]);
            return 2;
        }
    }
    int counts[3] = {0, 0, 0};
    long long start = now_ms();
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            counts[run_test(find(argv[i]))]++;
    } else {
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
            for (const struct test *t = groups[g]; t->name; t++)
                counts[run_test(t)]++;
    }
    long long secs = (now_ms() - start + 500) / 1000;
    say("usertests: %d ok, %d failed, %d skipped in %lld s", counts[PASSED], counts[FAILED],
        counts[SKIPPED], secs);
    say(counts[FAILED] ? "SOME TESTS FAILED" : "ALL TESTS PASSED");
    return counts[FAILED] ? 1 : 0;
}
