/* t_pipe.c: pipes and FIFOs. Data through, in order and intact, in any
 * chunk sizes; end of file once every writer has closed; EPIPE and
 * SIGPIPE once every reader has; O_NONBLOCK and EAGAIN, including the
 * rule that a write of at most PIPE_BUF bytes goes in whole or not at
 * all; writes of PIPE_BUF bytes from several writers never mixed; a
 * megabyte through a pipe between two processes; blocking both ways and
 * a signal cutting a blocked read short; fstat, lseek, pipe2 flags.
 * FIFOs: made with mkfifo, opened by two processes that are not parent
 * and child, the POSIX open rules (a reader waits for a writer and the
 * other way round, O_NONBLOCK, O_RDWR). Linux has all of this: the same
 * tests run there as the oracle. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

#define PIPE_BUF 4096
#define FIONREAD 0x541B

static void make_pipe(int fds[2], int flags)
{
    int r = flags ? pipe2(fds, flags) : pipe(fds);
    if (r < 0 && errno == ENOSYS)
        skip("no pipes in this kernel");
    CHECKF(r == 0, "pipe2(%#x): %s", flags, strerror(errno));
}

/* Reads exactly n bytes unless end of file comes first; the bytes read. */
static size_t read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        CHECKF(r >= 0, "read: %s", strerror(errno));
        if (r == 0)
            break;
        done += (size_t)r;
    }
    return done;
}

static void write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, (const char *)buf + done, n - done);
        CHECKF(r > 0, "write: %s", strerror(errno));
        done += (size_t)r;
    }
}

static void test_pipe_basic(void)
{
    int p[2];
    make_pipe(p, 0);
    CHECK(p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
    CHECK(write(p[1], "hello", 5) == 5);
    CHECK(write(p[1], ", world", 7) == 7);
    int n = -1;
    CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 12);
    char buf[32] = {0};
    CHECK(read(p[0], buf, 3) == 3);                 /* a short read takes what it asked */
    CHECK(memcmp(buf, "hel", 3) == 0);
    CHECK(read(p[0], buf, sizeof buf) == 9);        /* and a long one what is there */
    CHECK(memcmp(buf, "lo, world", 9) == 0);
    CHECK(write(p[1], "", 0) == 0);
    CHECK(read(p[0], buf, 0) == 0);

    struct stat st;
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(fstat(p[1], &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(lseek(p[1], 0, SEEK_CUR), ESPIPE);
    CHECK_ERR(read(p[1], buf, 1), EBADF);           /* each end one way only */
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    CHECK((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY);
    CHECK((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
    CHECK(fcntl(p[0], F_GETFD) == 0);
    close(p[0]);
    close(p[1]);

    make_pipe(p, O_CLOEXEC);
    CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    close(p[0]);
    close(p[1]);
    CHECK_ERR(pipe2(p, O_APPEND), EINVAL);
    long r = sys(42 /* pipe */, 16, 0, 0);
    CHECKF(r == -EFAULT, "pipe(an unmapped address) returned %ld, want -EFAULT", r);
}

static void test_pipe_eof(void)
{
    int p[2];
    make_pipe(p, 0);
    int extra = dup(p[1]);
    CHECK(extra >= 0);
    CHECK(write(p[1], "ab", 2) == 2);
    close(p[1]);
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 2);
    /* a writer is left (the dup): no end of file, only nothing to read */
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);
    close(extra);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    close(p[0]);

    /* writers in another process: EOF only when the last one exits, after
     * everything they wrote */
    make_pipe(p, 0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < 10; i++) {
            write(p[1], "0123456789", 10);
            sleep_ms(2);
        }
        _exit(0);
    }
    close(p[1]);
    char all[200];
    CHECK(read_full(p[0], all, sizeof all) == 100);
    CHECK(memcmp(all + 90, "0123456789", 10) == 0);
    wait_ok(pid, "the writer");
    close(p[0]);
}

static void write_to_closed(void *arg)
{
    int *p = arg;
    close(p[0]);
    write(p[1], "x", 1);               /* SIGPIPE ends the process here */
    _exit(3);
}

static volatile int got_sigpipe;
static void on_sigpipe(int sig) { got_sigpipe = sig; }

static void test_pipe_epipe(void)
{
    int p[2];
    make_pipe(p, 0);
    close(p[0]);                       /* no reader left, in any process */
    expect_signal(run_child(write_to_closed, p), SIGPIPE, "a write with no reader");

    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigpipe;
    CHECK(sigaction(SIGPIPE, &sa, NULL) == 0);
    CHECK_ERR(write(p[1], "y", 1), EPIPE);
    CHECKF(got_sigpipe == SIGPIPE, "the SIGPIPE handler did not run");
    close(p[1]);

    /* a writer blocked on a full pipe learns the reader is gone */
    make_pipe(p, 0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        close(p[0]);
        static char big[1 << 20];
        ssize_t r = write(p[1], big, sizeof big);
        /* some went in before the reader left, or none: either way no more */
        _exit(r > 0 && r < (ssize_t)sizeof big ? 0 : r < 0 && errno == EPIPE ? 0 : 4);
    }
    close(p[1]);
    char buf[1000];
    CHECK(read(p[0], buf, sizeof buf) > 0);
    sleep_ms(30);
    close(p[0]);
    wait_ok(pid, "a blocked writer whose reader closed");
}

static void test_pipe_nonblock(void)
{
    int p[2];
    make_pipe(p, O_NONBLOCK);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    char buf[PIPE_BUF];
    memset(buf, 'n', sizeof buf);
    CHECK_ERR(read(p[0], buf, 1), EAGAIN);
    size_t cap = 0;
    ssize_t w;
    while ((w = write(p[1], buf, 1)) == 1)
        CHECKF(++cap <= (1u << 20), "a pipe that takes more than a megabyte");
    CHECK_ERR(w, EAGAIN);
    CHECKF(cap >= PIPE_BUF, "the pipe holds %zu bytes, less than PIPE_BUF", cap);
    /* one byte of room: a PIPE_BUF write goes in whole or not at all */
    CHECK(read(p[0], buf, 1) == 1);
    CHECK_ERR(write(p[1], buf, PIPE_BUF), EAGAIN);
    CHECK(read_full(p[0], buf, PIPE_BUF) == PIPE_BUF);
    CHECK(write(p[1], buf, PIPE_BUF) == PIPE_BUF);
    /* a longer write is cut to what fits */
    static char big[3 * PIPE_BUF];
    CHECK(read_full(p[0], big, 2 * PIPE_BUF) == 2 * PIPE_BUF);
    w = write(p[1], big, sizeof big);
    CHECKF(w > 0 && w <= (ssize_t)sizeof big, "a long non-blocking write returned %zd", w);
    CHECK(fcntl(p[0], F_SETFL, 0) == 0);
    CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
    close(p[0]);
    close(p[1]);
}

static void test_pipe_blocking(void)
{
    int p[2];
    make_pipe(p, 0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        sleep_ms(60);
        write(p[1], "late", 4);
        _exit(0);
    }
    long long t0 = now_ms();
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 4);        /* waited for it */
    CHECKF(now_ms() - t0 >= 40, "read returned before anything was written");
    wait_ok(pid, "the late writer");

    /* a full pipe holds the writer until the reader makes room */
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    size_t cap = 0;
    while (write(p[1], "f", 1) == 1)
        cap++;
    CHECK(fcntl(p[1], F_SETFL, 0) == 0);
    pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        write(p[1], "tail", 4);
        _exit(0);
    }
    sleep_ms(60);
    CHECKF(waitpid(pid, NULL, WNOHANG) == 0, "a write into a full pipe did not wait");
    char *all = malloc(cap + 4);
    CHECK(all != NULL);
    CHECK(read_full(p[0], all, cap + 4) == cap + 4);
    CHECK(memcmp(all + cap, "tail", 4) == 0);
    wait_ok(pid, "the writer held by a full pipe");
    free(all);
    close(p[0]);
    close(p[1]);
}

static void on_alarm(int sig) { (void)sig; }

static void test_pipe_eintr(void)
{
    int p[2];
    make_pipe(p, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;             /* no SA_RESTART */
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    pid_t me = getpid(), pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        sleep_ms(50);
        kill(me, SIGUSR1);
        _exit(0);
    }
    char c;
    CHECK_ERR(read(p[0], &c, 1), EINTR);
    wait_ok(pid, "the signalling child");
    close(p[0]);
    close(p[1]);
}

/* A megabyte in odd-sized writes, read back in other odd sizes. */
static void test_pipe_large(void)
{
    enum { TOTAL = 1 << 20 };
    int p[2];
    make_pipe(p, 0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(p[0]);
        static unsigned char out[7919];
        size_t sent = 0;
        while (sent < TOTAL) {
            size_t n = TOTAL - sent < sizeof out ? TOTAL - sent : sizeof out;
            for (size_t i = 0; i < n; i++)
                out[i] = (unsigned char)((sent + i) * 7 + (sent + i) / 251);
            write_full(p[1], out, n);
            sent += n;
        }
        _exit(0);
    }
    close(p[1]);
    static unsigned char in[5003];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(p[0], in, sizeof in);
        CHECKF(r >= 0, "read: %s", strerror(errno));
        if (r == 0)
            break;
        for (ssize_t i = 0; i < r; i++)
            CHECKF(in[i] == (unsigned char)((got + i) * 7 + (got + i) / 251),
                   "byte %zu is wrong", got + (size_t)i);
        got += (size_t)r;
    }
    CHECKF(got == TOTAL, "read %zu bytes of %d", got, TOTAL);
    wait_ok(pid, "the writer");
    close(p[0]);
}

/* Writers each write records of PIPE_BUF bytes, every byte naming the
 * writer: the reader must find every record whole. */
static void test_pipe_writers(void)
{
    enum { WRITERS = 4, RECORDS = 24 };
    int p[2];
    make_pipe(p, 0);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        CHECKF(pids[w] >= 0, "fork: %s", strerror(errno));
        if (pids[w] == 0) {
            close(p[0]);
            static unsigned char rec[PIPE_BUF];
            for (int i = 0; i < RECORDS; i++) {
                memset(rec, 'A' + w, sizeof rec);
                rec[PIPE_BUF - 1] = (unsigned char)i;
                if (write(p[1], rec, sizeof rec) != PIPE_BUF)
                    _exit(5);
            }
            _exit(0);
        }
    }
    close(p[1]);
    int next[WRITERS] = {0};
    static unsigned char rec[PIPE_BUF];
    size_t n;
    int records = 0;
    while ((n = read_full(p[0], rec, sizeof rec)) == PIPE_BUF) {
        int w = rec[0] - 'A';
        CHECKF(w >= 0 && w < WRITERS, "a record from no writer");
        for (int i = 1; i < PIPE_BUF - 1; i++)
            CHECKF(rec[i] == rec[0], "record %d mixes writers %c and %c", records, rec[0], rec[i]);
        CHECKF(rec[PIPE_BUF - 1] == next[w], "writer %c's records out of order", 'A' + w);
        next[w]++;
        records++;
    }
    CHECKF(n == 0, "a record cut short (%zu bytes)", n);
    CHECK(records == WRITERS * RECORDS);
    for (int w = 0; w < WRITERS; w++)
        wait_ok(pids[w], "a writer");
    close(p[0]);
}

/* ---- FIFOs ---- */

static char fifo_path[64];

static const char *make_fifo(const char *name)
{
    snprintf(fifo_path, sizeof fifo_path, "/tmp/ut-%s-%d", name, (int)getpid());
    unlink(fifo_path);
    int r = mkfifo(fifo_path, 0600);
    CHECKF(r == 0, "mkfifo %s: %s", fifo_path, strerror(errno));
    return fifo_path;
}

static void test_fifo_basic(void)
{
    const char *path = make_fifo("fifo");
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0600);
    CHECK_ERR(mkfifo(path, 0600), EEXIST);
    CHECK_ERR(open(path, O_WRONLY | O_NONBLOCK), ENXIO);   /* no reader */
    int r = open(path, O_RDONLY | O_NONBLOCK);             /* a reader need not wait */
    CHECKF(r >= 0, "open O_RDONLY|O_NONBLOCK: %s", strerror(errno));
    char buf[16];
    CHECK(read(r, buf, sizeof buf) == 0);                  /* no writer: end of file */
    int w = open(path, O_WRONLY | O_NONBLOCK);             /* now there is a reader */
    CHECKF(w >= 0, "open O_WRONLY|O_NONBLOCK with a reader: %s", strerror(errno));
    CHECK(fstat(w, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK_ERR(lseek(w, 0, SEEK_SET), ESPIPE);
    CHECK(write(w, "through", 7) == 7);
    CHECK(read(r, buf, sizeof buf) == 7 && memcmp(buf, "through", 7) == 0);
    CHECK_ERR(read(r, buf, sizeof buf), EAGAIN);           /* a writer, nothing written */
    close(w);
    CHECK(read(r, buf, sizeof buf) == 0);
    close(r);

    /* O_RDWR never waits; what is left when every end closes is dropped */
    int rw = open(path, O_RDWR);
    CHECKF(rw >= 0, "open O_RDWR: %s", strerror(errno));
    CHECK(write(rw, "gone", 4) == 4);
    close(rw);
    r = open(path, O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    w = open(path, O_WRONLY);
    CHECK(w >= 0);
    CHECK_ERR(read(r, buf, sizeof buf), EAGAIN);
    close(w);
    close(r);
    CHECK_ERR(open(path, O_RDONLY | O_DIRECTORY), ENOTDIR);
    unlink(path);
}

/* Two children of this process, neither the other's parent, meet at the
 * FIFO by name: each open waits for the other. */
static void test_fifo_unrelated(void)
{
    const char *path = make_fifo("meet");
    pid_t reader = fork();
    CHECKF(reader >= 0, "fork: %s", strerror(errno));
    if (reader == 0) {
        int fd = open(path, O_RDONLY);          /* waits for the writer */
        if (fd < 0)
            _exit(10);
        char buf[64];
        size_t n = read_full(fd, buf, sizeof buf);
        _exit(n == 20 && memcmp(buf, "from the other child", 20) == 0 ? 0 : 11);
    }
    sleep_ms(30);
    CHECKF(waitpid(reader, NULL, WNOHANG) == 0, "open for reading did not wait for a writer");
    pid_t writer = fork();
    CHECKF(writer >= 0, "fork: %s", strerror(errno));
    if (writer == 0) {
        int fd = open(path, O_WRONLY);
        if (fd < 0)
            _exit(12);
        _exit(write(fd, "from the other child", 20) == 20 ? 0 : 13);
    }
    wait_ok(writer, "the writing child");
    wait_ok(reader, "the reading child");

    /* and a writer waits for a reader */
    writer = fork();
    CHECKF(writer >= 0, "fork: %s", strerror(errno));
    if (writer == 0) {
        int fd = open(path, O_WRONLY);
        _exit(fd >= 0 && write(fd, "w", 1) == 1 ? 0 : 14);
    }
    sleep_ms(30);
    CHECKF(waitpid(writer, NULL, WNOHANG) == 0, "open for writing did not wait for a reader");
    int fd = open(path, O_RDONLY);
    CHECKF(fd >= 0, "open: %s", strerror(errno));
    char c;
    CHECK(read(fd, &c, 1) == 1 && c == 'w');
    wait_ok(writer, "the writer that waited");
    close(fd);
    unlink(path);
}

const struct test pipe_tests[] = {
    {"pipe-basic", test_pipe_basic},
    {"pipe-eof", test_pipe_eof},
    {"pipe-epipe", test_pipe_epipe},
    {"pipe-nonblock", test_pipe_nonblock},
    {"pipe-blocking", test_pipe_blocking},
    {"pipe-eintr", test_pipe_eintr},
    {"pipe-large", test_pipe_large},
    {"pipe-writers", test_pipe_writers},
    {"fifo-basic", test_fifo_basic},
    {"fifo-unrelated", test_fifo_unrelated},
    {NULL, NULL},
};
