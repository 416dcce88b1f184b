/* disktests [write|verify|files|aio|churn [ROUNDS]|all]: the disk driver, the root file
 * system on the disk, and asynchronous I/O, tested from a user program
 * (the usertests convention: one line per test, "ALL TESTS PASSED" at
 * the end when every one did).
 *
 *   write    writes the files of /disk (small, one block, indirect and
 *            double-indirect blocks, sparse), prints the cksum(1) CRC and
 *            size each must have ("disktests: cksum PATH CRC SIZE",
 *            computed from the pattern, not read back), calls sync and
 *            says so: "disktests: sync returned". A host test then powers
 *            off, or kills the emulator, and checks the image.
 *   verify   reads them back: what a second boot of the image must see.
 *   files    write, then verify.
 *   churn    keeps changing /churn (files made, grown, removed) without
 *            sync, for the power-cut test to cut into.
 *   aio      the asynchronous I/O tests: arguments refused up front, a
 *            computation that runs while a read is in flight, many
 *            requests in flight at once, holes, partial and odd-address
 *            transfers, coherence with the buffer cache, and a raw read
 *            past the end of the disk that fails with EIO.
 *   all      (the default) write, verify and aio in one boot (aio
 *            alone writes the files first too).
 *
 * File contents come from pattern(seed, offset), so every byte checked
 * is known without storing it. */
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

#define KIB 1024
#define DIR "/disk"

static int failures;

static void check(bool ok, const char *what)
{
    printf("disktests: %s: %s\n", what, ok ? "ok" : "FAILED");
    if (!ok)
        failures++;
}

static uint8_t pattern(uint32_t seed, uint64_t off)
{
    uint32_t x = (seed + 1) * 2654435761u ^ (uint32_t)(off >> 2) * 40503u ^ (uint32_t)(off >> 34);
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    return (uint8_t)(x >> ((off & 3) * 8));
}

static void fill(uint8_t *buf, uint32_t seed, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(seed, off + i);
}

/* The first offset in buf (which holds file bytes from off) that is not
 * the pattern, or -1. */
static long long mismatch(const uint8_t *buf, uint32_t seed, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] != pattern(seed, off + i))
            return (long long)(off + i);
    return -1;
}

static uint8_t big[1024 * KIB] __attribute__((aligned(4096)));

/* cksum(1): CRC-32 (polynomial 0x04C11DB7, most significant bit first)
 * of the bytes, then of the length, least significant byte first,
 * complemented (POSIX, cksum). */
static uint32_t crc_table[256];

static uint32_t crc_add(uint32_t crc, uint8_t b)
{
    if (!crc_table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i << 24;
            for (int k = 0; k < 8; k++)
                c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
            crc_table[i] = c;
        }
    }
    return (crc << 8) ^ crc_table[(crc >> 24) ^ b];
}

/* The cksum of a file of `off` zero bytes, then len pattern bytes. */
static uint32_t expected_cksum(uint32_t seed, uint64_t off, size_t len)
{
    uint32_t crc = 0;
    for (uint64_t i = 0; i < off + len; i++)
        crc = crc_add(crc, i < off ? 0 : pattern(seed, i));
    for (uint64_t n = off + len; n; n >>= 8)
        crc = crc_add(crc, (uint8_t)n);
    return ~crc;
}

/* Writes n pattern bytes at off of path (created), in pieces of at most
 * 64 KiB, through write(2). */
static bool write_file(const char *path, uint32_t seed, uint64_t off, size_t n, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0 || lseek(fd, (off_t)off, SEEK_SET) < 0)
        return false;
    bool ok = true;
    for (size_t done = 0; ok && done < n;) {
        size_t m = n - done < 64 * KIB ? n - done : 64 * KIB;
        fill(big, seed, off + done, m);
        ok = write(fd, big, m) == (ssize_t)m;
        done += m;
    }
    return close(fd) == 0 && ok;
}

/* Whether [off, off + n) of path holds the pattern (or zeros, seed ~0). */
static bool read_file(const char *path, uint32_t seed, uint64_t off, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || lseek(fd, (off_t)off, SEEK_SET) < 0)
        return false;
    bool ok = true;
    for (size_t done = 0; ok && done < n;) {
        size_t m = n - done < 64 * KIB ? n - done : 64 * KIB;
        ok = read(fd, big, m) == (ssize_t)m;
        for (size_t i = 0; ok && i < m; i++)
            ok = big[i] == (seed == ~0u ? 0 : pattern(seed, off + done + i));
        done += m;
    }
    close(fd);
    return ok;
}

/* ---- files that outlive the boot ---- */

struct file_spec {
    const char *path;
    uint32_t seed;
    uint64_t off;                 /* where the data start (a hole before) */
    size_t len;
};

static const struct file_spec files[] = {
    {DIR "/small", 1, 0, 100},
    {DIR "/block", 2, 0, 4096},
    {DIR "/indirect", 3, 0, 200 * KIB},          /* past the 12 direct blocks */
    {DIR "/dindirect", 4, 0, 600 * KIB},         /* past 12 + 256 (1 KiB blocks) */
    {DIR "/sparse", 5, 3 * 1024 * KIB + 123, 5000},
};
#define NFILES (sizeof files / sizeof files[0])

static void do_write(void)
{
    mkdir(DIR, 0755);
    for (unsigned i = 0; i < NFILES; i++) {
        const struct file_spec *f = &files[i];
        char what[64];
        snprintf(what, sizeof what, "write %s", f->path);
        check(write_file(f->path, f->seed, f->off, f->len, O_TRUNC), what);
        printf("disktests: cksum %s %u %llu\n", f->path,
               (unsigned)expected_cksum(f->seed, f->off, f->len),
               (unsigned long long)(f->off + f->len));
    }
    sync();
    printf("disktests: sync returned\n");
}

/* Unsynced changes for a power cut to land in: files made, extended
 * and removed, for `rounds` rounds. */
static void do_churn(int rounds)
{
    mkdir("/churn", 0755);
    for (int r = 0; r < rounds; r++) {
        char path[32];
        snprintf(path, sizeof path, "/churn/f%d", r % 16);
        write_file(path, (uint32_t)r, (uint64_t)(r % 7) * 3000, 20 * KIB + (size_t)r * 100, 0);
        if (r % 5 == 4) {
            snprintf(path, sizeof path, "/churn/f%d", (r * 7) % 16);
            unlink(path);
        }
    }
    printf("disktests: churn done\n");
}

static void do_verify(void)
{
    for (unsigned i = 0; i < NFILES; i++) {
        const struct file_spec *f = &files[i];
        struct stat st;
        char what[64];
        snprintf(what, sizeof what, "verify %s", f->path);
        bool ok = stat(f->path, &st) == 0 && (uint64_t)st.st_size == f->off + f->len &&
                  read_file(f->path, f->seed, f->off, f->len);
        if (ok && f->off)
            ok = read_file(f->path, ~0u, 0, f->off < 64 * KIB ? f->off : 64 * KIB);
        check(ok, what);
    }
}

/* ---- asynchronous I/O ---- */

static long wait_result(int id, int ev)
{
    if (id < 0 || event_wait(ev, 10000) < 0)
        return -1000;
    long r = aio_result(id);
    return r < 0 ? -errno : r;
}

static void aio_refusals(void)
{
    int ev = event_create(0), fd = open(DIR "/block", O_RDONLY);
    int wfd = open(DIR "/block", O_WRONLY), dfd = open(DIR, O_RDONLY);
    static const char rodata[4096] = "read-only";
    char buf[512];
    check(aio_read(dfd, buf, 512, 0, ev) < 0 && errno == EISDIR, "aio_read of a directory: EISDIR");
    check(aio_read(wfd, buf, 512, 0, ev) < 0 && errno == EBADF, "aio_read on a write-only handle: EBADF");
    check(aio_write(fd, buf, 512, 0, ev) < 0 && errno == EBADF, "aio_write on a read-only handle: EBADF");
    check(aio_read(fd, buf, 512, 0, fd) < 0 && errno == EBADF, "aio_read with a file as the event: EBADF");
    check(aio_read(fd, NULL, 512, 0, ev) < 0 && errno == EFAULT, "aio_read into NULL: EFAULT");
    check(aio_read(fd, (void *)rodata, 512, 0, ev) < 0 && errno == EFAULT,
          "aio_read into read-only memory: EFAULT");
    check(aio_read(fd, (void *)0xC0001000u, 512, 0, ev) < 0 && errno == EFAULT,
          "aio_read into the kernel: EFAULT");
    check(aio_read(fd, big, AIO_MAX_LEN + 1, 0, ev) < 0 && errno == EINVAL,
          "aio_read longer than AIO_MAX_LEN: EINVAL");
    check(aio_result(123456) < 0 && errno == EINVAL, "aio_result of no request: EINVAL");
    close(fd);
    close(wfd);
    close(dfd);
    close(ev);
}

/* The read runs while the program computes: it polls the event between
 * rounds of work and counts the rounds done before the event fires. */
static void aio_overlap(void)
{
    const size_t len = 512 * KIB;
    int ev = event_create(0), fd = open(DIR "/dindirect", O_RDONLY);
    memset(big, 0, len);
    int id = aio_read(fd, big, len, 0, ev);
    unsigned long rounds = 0;
    volatile uint32_t sink = 0;
    while (id > 0 && event_wait(ev, 0) == -1 && errno == ETIMEDOUT && rounds < 100000000) {
        for (uint32_t i = 0; i < 100; i++)
            sink += i * i;
        rounds++;
    }
    long r = id > 0 ? aio_result(id) : -1;
    printf("disktests: %lu rounds of computation while a %u KiB read was in flight\n", rounds,
           (unsigned)(len / KIB));
    check(rounds > 0, "computing while a read is in flight");
    check(r == (long)len && mismatch(big, 4, 0, len) < 0, "the overlapped read's data");
    close(fd);
    close(ev);
}

/* NREQ requests over an uncached file, all submitted before any is
 * waited for; each has its own event, waited for all at once. The
 * events not yet set right after the last submission are the requests
 * still in flight then. */
#define NREQ 32
static void aio_many(void)
{
    const size_t piece = 16 * KIB;
    int fd = open(DIR "/dindirect", O_RDONLY), evs[NREQ], ids[NREQ];
    for (int i = 0; i < NREQ; i++)   /* manual reset: looking does not consume */
        evs[i] = event_create(EVENT_MANUAL_RESET);
    /* Read the file once: that leaves its indirect blocks in the cache
     * (each data block's lookup touches them) and so mapping the requests
     * needs no disk read that would wait behind them. */
    check(read_file(DIR "/dindirect", 4, 0, 600 * KIB), "read(2) of the file");
    memset(big, 0, NREQ * piece);
    for (int i = 0; i < NREQ; i++)   /* backwards: each its own piece of the file */
        ids[i] = aio_read(fd, big + i * piece, piece, (off_t)((NREQ - 1 - i) * piece), evs[i]);
    int in_flight = 0;
    for (int i = 0; i < NREQ; i++)
        if (ids[i] > 0 && event_wait(evs[i], 0) < 0 && errno == ETIMEDOUT)
            in_flight++;
    printf("disktests: %d of %d requests in flight after submission\n", in_flight, NREQ);
    check(in_flight > 1, "many requests in flight at once");
    bool ok = event_wait_many(evs, NREQ, EVENT_WAIT_ALL, 20000) == 0;
    for (int i = 0; ok && i < NREQ; i++)
        ok = ids[i] > 0 && aio_result(ids[i]) == (long)piece &&
             mismatch(big + i * piece, 4, (NREQ - 1 - i) * piece, piece) < 0;
    check(ok, "every byte of every request");
    for (int i = 0; i < NREQ; i++)
        close(evs[i]);
    close(fd);
}

static void aio_write_read(void)
{
    int ev = event_create(0);
    int fd = open(DIR "/aio", O_RDWR | O_CREAT | O_TRUNC, 0644);
    const size_t len = 200 * KIB;
    fill(big, 9, 8 * KIB, len);
    long r = wait_result(aio_write(fd, big, len, 8 * KIB, ev), ev);
    check(r == (long)len, "aio_write of whole blocks");
    check(read_file(DIR "/aio", 9, 8 * KIB, len) && read_file(DIR "/aio", ~0u, 0, 8 * KIB),
          "read(2) sees what aio_write wrote, zeros before it");
    /* unaligned offset and length, odd buffer address: the bounce path */
    fill(big + 1, 10, 1000, 7000);
    r = wait_result(aio_write(fd, big + 1, 7000, 1000, ev), ev);
    check(r == 7000 && read_file(DIR "/aio", 10, 1000, 7000), "aio_write at an odd offset and address");
    memset(big, 0, 9000);
    r = wait_result(aio_read(fd, big + 3, 7000, 1000, ev), ev);
    check(r == 7000 && mismatch(big + 3, 10, 1000, 7000) < 0, "aio_read at an odd offset and address");
    r = wait_result(aio_read(fd, big, 64 * KIB, len + 8 * KIB - 1000, ev), ev);
    check(r == 1000, "aio_read stops at the end of the file");
    close(fd);
    /* a hole reads as zeros */
    memset(big, 0xAA, 64 * KIB);
    fd = open(DIR "/sparse", O_RDONLY);
    r = wait_result(aio_read(fd, big, 64 * KIB, 1024 * KIB, ev), ev);
    bool zeros = r == 64 * KIB;
    for (size_t i = 0; zeros && i < 64 * KIB; i++)
        zeros = big[i] == 0;
    check(zeros, "aio_read of a hole: zeros");
    close(fd);
    close(ev);
}

/* The buffer cache holds newer data than the disk: aio must see them,
 * and what aio writes, read(2) must see. */
static void aio_coherence(void)
{
    int ev = event_create(0);
    check(write_file(DIR "/aio", 11, 16 * KIB, 8 * KIB, 0), "write(2) without sync");
    memset(big, 0, 8 * KIB);
    int fd = open(DIR "/aio", O_RDWR);
    long r = wait_result(aio_read(fd, big, 8 * KIB, 16 * KIB, ev), ev);
    check(r == 8 * KIB && mismatch(big, 11, 16 * KIB, 8 * KIB) < 0,
          "aio_read sees dirty cached blocks, not the disk");
    check(read_file(DIR "/aio", 11, 16 * KIB, 8 * KIB), "read(2) caches the blocks");
    fill(big, 12, 16 * KIB, 8 * KIB);
    r = wait_result(aio_write(fd, big, 8 * KIB, 16 * KIB, ev), ev);
    check(r == 8 * KIB && read_file(DIR "/aio", 12, 16 * KIB, 8 * KIB),
          "read(2) sees what aio_write wrote over cached blocks");
    sync();
    close(fd);
    close(ev);
}

/* A raw read past the end of the disk reaches the disk, which refuses
 * it: EIO, a console line, and the disk still works afterwards. */
static void aio_disk_error(void)
{
    int ev = event_create(0);
    static uint8_t sector[512] __attribute__((aligned(4)));
    long r = wait_result(aio_disk_read(0, 0xFFFFFFF0ull, sector, 512, ev), ev);
    check(r == -EIO, "a read past the end of the disk: EIO");
    memset(sector, 0, sizeof sector);
    r = wait_result(aio_disk_read(0, 0, sector, 512, ev), ev);
    check(r == 512 && sector[510] == 0x55 && sector[511] == 0xAA,
          "the disk works after the error (the MBR's 55 AA)");
    close(ev);
}

static void do_aio(void)
{
    /* a file much larger than the buffer cache, so most of it is read
     * from the disk */
    check(write_file(DIR "/dindirect", 4, 0, 600 * KIB, O_TRUNC), "prepare an uncached file");
    sync();
    write_file(DIR "/evict", 13, 0, 400 * KIB, O_TRUNC);
    sync();
    aio_refusals();
    aio_overlap();
    aio_many();
    aio_write_read();
    aio_coherence();
    aio_disk_error();
    unlink(DIR "/evict");
}

int main(int argc, char **argv)
{
    prog = "disktests";
    const char *what = argc > 1 ? argv[1] : "all";
    if (!strcmp(what, "write")) {
        do_write();
    } else if (!strcmp(what, "verify")) {
        do_verify();
    } else if (!strcmp(what, "files")) {
        do_write();
        do_verify();
    } else if (!strcmp(what, "churn")) {
        do_churn(argc > 2 ? atoi(argv[2]) : 200);
        return 0;
    } else if (!strcmp(what, "aio")) {
        do_write();
        do_aio();
    } else if (!strcmp(what, "all")) {
        do_write();
        do_verify();
        do_aio();
    } else {
        usage("disktests [write|verify|files|aio|churn [ROUNDS]|all]");
    }
    if (failures) {
        printf("disktests: %d FAILED\n", failures);
        return 1;
    }
    printf("ALL TESTS PASSED\n");
    return 0;
}
