/* ipcbench [-n ROUNDS]: what a message costs through each of the OS's
 * means of talking between processes. A parent and a child play
 * ping-pong ROUNDS times (default 2000, after a few rounds of warm-up)
 * over:
 *   pipe 1 B, pipe 4 KiB       a pipe each way, the bytes copied in and out
 *   channel word               a channel pair, one inline word
 *   channel 1 page, 16 pages   an exchange-heap block moved there and back
 *   shm + futex                a word in shared memory, FUTEX_WAIT/WAKE
 *   shm + event                shared memory, an event each way
 * and the parent reads the time stamp counter (RDTSC) around each round
 * trip. It prints the mean and the least ticks per round trip, and per
 * one-way message (half the mean). On isola the TSC counts retired
 * instructions, so these are instructions, the same on every run; on
 * QEMU or hardware they are cycles. A round trip is two messages and two
 * switches between the processes. Exit status 1 when a mechanism fails. */
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
#include "util.h"

#define PG 4096
#define WARMUP 20

static long rounds = 2000;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* One mechanism: set up (before fork), one round trip for each side. */
struct bench {
    const char *name;
    int (*setup)(void);
    int (*ping)(void);                /* the parent: send, wait for the answer */
    int (*pong)(void);                /* the child: wait, answer */
};

/* ---- pipes ---- */

static int to_child[2], to_parent[2];
static size_t pipe_len;
static char pipe_buf[PG];

static int read_full(int fd, char *buf, size_t n)
{
    while (n) {
        ssize_t r = read(fd, buf, n);
        if (r <= 0)
            return -1;
        buf += r;
        n -= (size_t)r;
    }
    return 0;
}

static int pipe_setup(void)
{
    return pipe(to_child) < 0 || pipe(to_parent) < 0 ? -1 : 0;
}

static int pipe_setup_1(void) { pipe_len = 1; return pipe_setup(); }
static int pipe_setup_4k(void) { pipe_len = PG; return pipe_setup(); }

static int pipe_ping(void)
{
    if (write(to_child[1], pipe_buf, pipe_len) != (ssize_t)pipe_len)
        return -1;
    return read_full(to_parent[0], pipe_buf, pipe_len);
}

static int pipe_pong(void)
{
    if (read_full(to_child[0], pipe_buf, pipe_len) < 0)
        return -1;
    return write(to_parent[1], pipe_buf, pipe_len) == (ssize_t)pipe_len ? 0 : -1;
}

/* ---- channels ---- */

static int ends[2];
static unsigned block_pages;
static void *block;                   /* the block this side holds, if any */

static int chan_setup_pages(unsigned pages)
{
    block_pages = pages;
    if (chan_pair(ends) < 0)
        return -1;
    if (pages && !(block = xh_alloc(pages * PG)))
        return -1;
    return 0;
}

static int chan_setup_word(void) { return chan_setup_pages(0); }
static int chan_setup_1(void) { return chan_setup_pages(1); }
static int chan_setup_16(void) { return chan_setup_pages(16); }

static int chan_trip(int send_on, int recv_on)
{
    struct chan_msg m = {block, 0, -1, 7, 0};
    if (block)
        *(volatile unsigned *)block += 1;   /* the holder writes it: it is its own */
    if (chan_send(send_on, &m, 0, -1) < 0)
        return -1;
    block = NULL;
    if (chan_recv(recv_on, &m, -1) < 0)
        return -1;
    block = m.addr;
    return block_pages && (!block || m.size != block_pages * PG) ? -1 : 0;
}

/* The child receives first: it starts with no block. */
static int chan_pong(void)
{
    struct chan_msg m;
    if (chan_recv(ends[1], &m, -1) < 0)
        return -1;
    block = m.addr;
    if (block)
        *(volatile unsigned *)block += 1;
    m.handle = -1;
    m.addr = block;
    if (chan_send(ends[1], &m, 0, -1) < 0)
        return -1;
    block = NULL;
    return 0;
}

static int chan_ping(void) { return chan_trip(ends[0], ends[0]); }

/* ---- shared memory ---- */

static volatile int *shared;          /* [0]: whose turn (0 parent, 1 child); [1...]: data */
static int ev_go, ev_back;

static int shm_setup(void)
{
    void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    shared = p;
    return 0;
}

/* Hands the turn to `to` and waits until it comes back to `me`. */
static int futex_turn(int me, int to)
{
    int *turn = (int *)shared;
    __atomic_store_n(turn, to, __ATOMIC_SEQ_CST);
    futex_wake(turn, 1);
    while (__atomic_load_n(turn, __ATOMIC_SEQ_CST) != me)
        if (futex_wait(turn, to, NULL) < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
    return 0;
}

static int futex_ping(void)
{
    shared[1]++;
    return futex_turn(0, 1);
}

static int futex_pong(void)
{
    int *turn = (int *)shared;
    while (__atomic_load_n(turn, __ATOMIC_SEQ_CST) != 1)
        if (futex_wait(turn, 0, NULL) < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
    shared[2] = shared[1];
    __atomic_store_n(turn, 0, __ATOMIC_SEQ_CST);
    futex_wake(turn, 1);
    return 0;
}

static int event_setup(void)
{
    if (shm_setup() < 0)
        return -1;
    ev_go = event_create(0);
    ev_back = event_create(0);
    return ev_go < 0 || ev_back < 0 ? -1 : 0;
}

static int event_ping(void)
{
    shared[1]++;
    if (event_set(ev_go) < 0)
        return -1;
    return event_wait(ev_back, -1);
}

static int event_pong(void)
{
    if (event_wait(ev_go, -1) < 0)
        return -1;
    shared[2] = shared[1];
    return event_set(ev_back);
}

static const struct bench benches[] = {
    {"pipe 1 B", pipe_setup_1, pipe_ping, pipe_pong},
    {"pipe 4 KiB", pipe_setup_4k, pipe_ping, pipe_pong},
    {"channel word", chan_setup_word, chan_ping, chan_pong},
    {"channel 1 page", chan_setup_1, chan_ping, chan_pong},
    {"channel 16 pages", chan_setup_16, chan_ping, chan_pong},
    {"shm + futex", shm_setup, futex_ping, futex_pong},
    {"shm + event", event_setup, event_ping, event_pong},
};

/* Runs one mechanism; prints its line, or why it could not. */
static int run(const struct bench *b)
{
    if (b->setup() < 0) {
        printf("%-18s  unavailable: %s\n", b->name, strerror(errno));
        return -1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        block = NULL;
        for (long i = 0; i < rounds + WARMUP; i++)
            if (b->pong() < 0)
                _exit(1);
        _exit(0);
    }
    uint64_t total = 0, least = UINT64_MAX;
    int err = 0;
    for (long i = 0; i < rounds + WARMUP && !err; i++) {
        uint64_t t0 = rdtsc();
        err = b->ping();
        uint64_t dt = rdtsc() - t0;
        if (i >= WARMUP) {
            total += dt;
            if (dt < least)
                least = dt;
        }
    }
    if (err)
        kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    if (err || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("%-18s  failed\n", b->name);
        return -1;
    }
    uint64_t mean = total / (uint64_t)rounds;
    printf("%-18s %12llu %12llu %12llu\n", b->name, (unsigned long long)mean,
           (unsigned long long)least, (unsigned long long)(mean / 2));
    return 0;
}

int main(int argc, char **argv)
{
    prog = "ipcbench";
    int c;
    long long n;
    while ((c = getopt(argc, argv, "n:")) != -1) {
        if (c != 'n' || parse_count(optarg, &n) < 0 || n < 1 || n > 10000000)
            usage("[-n ROUNDS]");
        rounds = (long)n;
    }
    if (optind != argc)
        usage("[-n ROUNDS]");
    printf("ipcbench: %ld round trips each, in TSC ticks\n", rounds);
    printf("%-18s %12s %12s %12s\n", "mechanism", "round trip", "least", "per message");
    int status = 0;
    for (size_t i = 0; i < sizeof benches / sizeof benches[0]; i++)
        if (run(&benches[i]) < 0)
            status = 1;
    return status;
}
