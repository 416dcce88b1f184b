/* bench SUBCOMMAND [-n COUNT] [ARG]: the paging-overhead study's guest
 * benchmarks (docs/paging-study.md). Each marks what it measures as a
 * region of the emulator's trace marker, so that `isola -stats-file`
 * reports it on a row of its own, and prints two lines: "bench REGION:
 * begin" just before the region and "bench REGION: ..." with the result
 * just after (a host watching the console can time the region by them).
 *
 *   pipe     [-n ROUNDS]       ping-pong of one byte between two processes
 *                              over a pair of pipes; region "pipe"
 *   chan     [-n ROUNDS]       the same over a channel pair, one inline
 *                              word (no exchange-heap block, so no page
 *                              moves); region "chan"
 *   forkexec [-n TIMES]        fork, exec /bin/true, exit, wait; "forkexec"
 *   compute  [-n TIMES]        integer matrix products on 27 KiB; "compute"
 *   mem      [-n PASSES] SIZE seq|rand
 *                              reads one word in every 64-byte line of a
 *                              SIZE working set (16K .. 64M), in order or
 *                              in a pseudo-random order; "mem-seq-SIZE"
 *   copy     [-n KIB]          copies a file of KIB KiB in /tmp; "copy"
 *
 * Only what works without paging's features is used (malloc, pipes, fork
 * and exec, files, a channel's inline word), so every isolation mode runs
 * them all. The TSC ticks printed are instructions on isola and cycles
 * elsewhere. Exit status 1 on failure. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

#define LINE 64
#define WARMUP 10

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static char region[64];
static uint64_t t_begin;

/* The region's begin and end, with the console lines that frame it. */
static void begin(const char *name)
{
    snprintf(region, sizeof region, "%s", name);
    printf("bench %s: begin\n", region);
    fflush(stdout);
    if (trace_begin(region) < 0 && errno != ENOSYS)
        die("%s: cannot mark the region", region);
    t_begin = rdtsc();
}

/* Ends the region and prints "COUNT UNIT, TICKS ticks each". */
static void end(long count, const char *unit)
{
    uint64_t ticks = rdtsc() - t_begin;
    trace_end(region);
    printf("bench %s: %ld %s, %llu ticks each\n", region, count, unit,
           (unsigned long long)(ticks / (uint64_t)(count > 0 ? count : 1)));
    fflush(stdout);
}

/* ---- ping-pong: the parent sends, the child answers ---- */

struct pingpong {
    int (*ping)(void);
    int (*pong)(void);
};

static int run_pingpong(const char *name, const struct pingpong *pp, long rounds)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        for (long i = 0; i < rounds + WARMUP; i++)
            if (pp->pong() < 0)
                _exit(1);
        _exit(0);
    }
    int err = 0;
    for (long i = 0; i < WARMUP && !err; i++)
        err = pp->ping();
    if (!err) {
        begin(name);
        for (long i = 0; i < rounds && !err; i++)
            err = pp->ping();
        end(rounds, "round trips");
    }
    int status;
    waitpid(pid, &status, 0);
    if (err || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("%s: the ping-pong failed", name);
    return 0;
}

static int down[2], up[2];

static int pipe_ping(void)
{
    char b = 'p';
    if (write(down[1], &b, 1) != 1)
        return -1;
    return read(up[0], &b, 1) == 1 ? 0 : -1;
}

static int pipe_pong(void)
{
    char b;
    if (read(down[0], &b, 1) != 1)
        return -1;
    return write(up[1], &b, 1) == 1 ? 0 : -1;
}

static int cmd_pipe(long n)
{
    if (pipe(down) < 0 || pipe(up) < 0)
        die("pipe: %s", strerror(errno));
    static const struct pingpong pp = {pipe_ping, pipe_pong};
    return run_pingpong("pipe", &pp, n);
}

static int ends[2];

static int chan_trip(int h, int first_send)
{
    struct chan_msg m = {NULL, 0, -1, 1, 0};
    if (first_send && chan_send(h, &m, 0, -1) < 0)
        return -1;
    if (chan_recv(h, &m, -1) < 0)
        return -1;
    m.handle = -1;
    m.addr = NULL;
    return !first_send && chan_send(h, &m, 0, -1) < 0 ? -1 : 0;
}

static int chan_ping(void) { return chan_trip(ends[0], 1); }
static int chan_pong(void) { return chan_trip(ends[1], 0); }

static int cmd_chan(long n)
{
    if (chan_pair(ends) < 0)
        die("chan_pair: %s", strerror(errno));
    static const struct pingpong pp = {chan_ping, chan_pong};
    return run_pingpong("chan", &pp, n);
}

/* ---- process creation ---- */

static int cmd_forkexec(long n)
{
    char *argv[] = {"true", NULL};
    begin("forkexec");
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork: %s", strerror(errno));
        if (pid == 0) {
            execv("/bin/true", argv);
            _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
            die("/bin/true failed");
    }
    end(n, "processes");
    return 0;
}

/* ---- compute: a working set that stays in the TLB ---- */

#define MAT 48
static int32_t ma[MAT][MAT], mb[MAT][MAT], mc[MAT][MAT];

static int cmd_compute(long n)
{
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            ma[i][j] = i * 7 + j;
            mb[i][j] = i - j * 3;
        }
    begin("compute");
    for (long r = 0; r < n; r++) {
        for (int i = 0; i < MAT; i++)
            for (int j = 0; j < MAT; j++) {
                int32_t s = 0;
                for (int k = 0; k < MAT; k++)
                    s += ma[i][k] * mb[k][j];
                mc[i][j] = s;
            }
        ma[r % MAT][0] = mc[MAT - 1][r % MAT];   /* each product depends on the last */
    }
    end(n, "products");
    printf("bench compute: checksum %ld\n", (long)mc[MAT / 2][MAT / 3]);
    return 0;
}

/* ---- memory walk ---- */

/* "16K", "4M", "64M": bytes; 0 when malformed or not a power of two. */
static size_t parse_size(const char *s)
{
    char *e;
    unsigned long v = strtoul(s, &e, 10);
    if (*e == 'K' || *e == 'k')
        v <<= 10, e++;
    else if (*e == 'M' || *e == 'm')
        v <<= 20, e++;
    if (*e || v < 4096 || v > (256ul << 20) || (v & (v - 1)))
        return 0;
    return v;
}

/* One pass over nlines lines (a power of two). In random order the next
 * line is an LCG step modulo nlines: full period (a = 1 mod 4, c odd), so
 * a pass still reads every line once, but pages come in no order. */
static uint32_t walk(const volatile uint32_t *mem, size_t nlines, int random)
{
    const size_t words = LINE / sizeof *mem, mask = nlines - 1;
    uint32_t sum = 0;
    size_t line = 0;
    for (size_t i = 0; i < nlines; i++) {
        sum += mem[line * words];
        line = random ? (line * 1664525u + 1013904223u) & mask : line + 1;
    }
    return sum;
}

static int cmd_mem(long passes, const char *size_arg, const char *order)
{
    size_t size = parse_size(size_arg);
    int random = order && !strcmp(order, "rand");
    if (!size || !order || (!random && strcmp(order, "seq")))
        usage("mem [-n PASSES] SIZE seq|rand (SIZE a power of two, 4K to 256M)");
    uint32_t *mem = malloc(size);
    if (!mem)
        die("mem: cannot allocate %s", size_arg);
    for (size_t i = 0; i < size / sizeof *mem; i += 1024)
        mem[i] = (uint32_t)i;         /* every page in place before the region */
    size_t nlines = size / LINE;
    if (passes <= 0)                  /* default: at least 2^18 reads, at least 2 passes */
        passes = nlines >= (1u << 17) ? 2 : (long)((1u << 18) / nlines);
    char name[32];
    snprintf(name, sizeof name, "mem-%s-%s", random ? "rand" : "seq", size_arg);
    walk(mem, nlines, random);        /* warm: the region sees a steady state */
    uint32_t sum = 0;
    begin(name);
    for (long p = 0; p < passes; p++)
        sum += walk(mem, nlines, random);
    end(passes * (long)nlines, "reads");
    printf("bench %s: checksum %lu\n", name, (unsigned long)sum);
    free(mem);
    return 0;
}

/* ---- file copy ---- */

static void fill_file(const char *path, long kib)
{
    static char buf[4096];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("%s: %s", path, strerror(errno));
    for (long k = 0; k < kib; k += 4) {
        memset(buf, 'a' + (int)(k % 26), sizeof buf);
        if (write_all(fd, buf, sizeof buf) < 0)
            die("%s: %s", path, strerror(errno));
    }
    close(fd);
}

static int cmd_copy(long kib)
{
    static char buf[4096];
    const char *src = "/tmp/bench.src", *dst = "/tmp/bench.dst";
    fill_file(src, kib);
    begin("copy");
    int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0)
        die("copy: %s", strerror(errno));
    ssize_t r;
    long total = 0;
    while ((r = read(in, buf, sizeof buf)) > 0) {
        if (write_all(out, buf, (size_t)r) < 0)
            die("copy: %s", strerror(errno));
        total += r;
    }
    if (r < 0 || close(out) < 0)
        die("copy: %s", strerror(errno));
    close(in);
    end(total / 4096, "blocks of 4 KiB");
    unlink(src);
    unlink(dst);
    return total == kib * 1024 ? 0 : 1;
}

#define USAGE "pipe|chan|forkexec|compute|copy [-n COUNT], or mem [-n PASSES] SIZE seq|rand"

int main(int argc, char **argv)
{
    prog = "bench";
    if (argc < 2)
        usage(USAGE);
    const char *cmd = argv[1];
    long n = -1;
    long long v;
    int c;
    optind = 2;
    while ((c = getopt(argc, argv, "n:")) != -1) {
        if (c != 'n' || parse_count(optarg, &v) < 0 || v < 1 || v > 100000000)
            usage(USAGE);
        n = (long)v;
    }
    int rest = argc - optind;
    if (!strcmp(cmd, "mem") && rest == 2)
        return cmd_mem(n, argv[optind], argv[optind + 1]);
    if (rest != 0)
        usage(USAGE);
    if (!strcmp(cmd, "pipe"))
        return cmd_pipe(n > 0 ? n : 1000);
    if (!strcmp(cmd, "chan"))
        return cmd_chan(n > 0 ? n : 1000);
    if (!strcmp(cmd, "forkexec"))
        return cmd_forkexec(n > 0 ? n : 20);
    if (!strcmp(cmd, "compute"))
        return cmd_compute(n > 0 ? n : 20);
    if (!strcmp(cmd, "copy"))
        return cmd_copy(n > 0 ? n : 1024);
    usage(USAGE);
}
