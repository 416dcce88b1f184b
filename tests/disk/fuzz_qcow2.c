/*
 * fuzz_qcow2: feeds arbitrary bytes to the image code as a disk image file:
 * open (read-only), read here and there, walk the block status, check the
 * refcounts, then open it writable, write, read back and check again.
 *
 * Two builds of the same entry point (LLVMFuzzerTestOneInput):
 *  - libFuzzer (-DISOLA_LIBFUZZER):
 *      clang -DISOLA_LIBFUZZER -D_GNU_SOURCE -g -O1 \
 *            -fsanitize=fuzzer,address,undefined -Iemu \
 *            tests/disk/fuzz_qcow2.c emu/disk/(block,raw,qcow2,qcow2check,
 *            qcow2create).c -lz -o fuzz_qcow2
 *      ./fuzz_qcow2 -max_len=200000 -timeout=10 CORPUS_DIR tests/disk/corpus
 *  - replay (the default, run by make check): each file named on the
 *    command line, or with none every file in $srcdir/tests/disk/corpus,
 *    goes through the entry point once; exit status 0 unless one crashes.
 *
 * tests/disk/corpus holds small images made by qemu-img (512-byte clusters:
 * v2, v3, compressed, snapshots, zero clusters, backing files), the
 * hostile variants of mkhostile.py at 512-byte clusters, and regress-*
 * inputs for what fuzzing found (regress-refcounts-claim-past-eof: a
 * refcount table that counts 256 MiB past the end of the file as used
 * made the first allocation jump the file that far ahead).
 *
 * Rules kept here: the input is written to a regular file in a private
 * temporary folder, so relative backing file names stay inside it; stdin
 * is /dev/null, so no backing file can wait for input; a write session
 * that grows the file by more than its writes could is a failure (abort).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/block.h"
#include "disk/image.h"

#define MAX_READ (1u << 20)

static char workdir[64];
static char image[96];
static uint8_t *buf;
static FILE *devnull;

static void setup(void)
{
    int fd;

    if (buf)
        return;
    snprintf(workdir, sizeof workdir, "%s", "/tmp/isola-fuzz.XXXXXX");
    if (!mkdtemp(workdir)) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(image, sizeof image, "%s/img.qcow2", workdir);
    buf = malloc(MAX_READ);
    devnull = fopen("/dev/null", "w");
    fd = open("/dev/null", O_RDONLY);
    if (!buf || !devnull || fd < 0)
        exit(2);
    dup2(fd, 0);
    close(fd);
}

static void cleanup(void)
{
    if (!buf)
        return;
    unlink(image);
    rmdir(workdir);
}

static uint64_t hash(const uint8_t *d, size_t n)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < n && i < 4096; i++)
        h = (h ^ d[i]) * 1099511628211ULL;
    return h ^ n;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Reads at the start, the end and a few places between. */
static void read_around(struct blockdev *b, uint64_t *seed)
{
    uint64_t size = blk_size(b);
    uint64_t pnum, pos = 0;

    if (size == 0)
        return;
    blk_read(b, 0, buf, size < MAX_READ ? (size_t)size : MAX_READ);
    for (int i = 0; i < 8; i++) {
        uint64_t off = next(seed) % size;
        size_t len = (size_t)(next(seed) % 70000) + 1;
        if (len > size - off)
            len = (size_t)(size - off);
        blk_read(b, off, buf, len);
    }
    blk_read(b, size - 1, buf, 1);
    for (int i = 0; i < 1000 && pos < size; i++) {
        if (blk_block_status(b, pos, size - pos, &pnum) < 0 || pnum == 0)
            break;
        pos += pnum;
    }
}

static void write_some(struct blockdev *b, uint64_t *seed)
{
    uint64_t size = blk_size(b);

    if (size < 512)
        return;
    for (int i = 0; i < 6; i++) {
        uint64_t off = next(seed) % (size / 512) * 512;
        size_t len = (size_t)(next(seed) % 128 + 1) * 512;
        if (len > size - off)
            len = (size_t)(size - off);
        memset(buf, (int)(next(seed) & 0xff), len);
        if (blk_write(b, off, buf, len) < 0)
            return;
        blk_read(b, off, buf, len);
    }
    blk_flush(b);
}

static bool write_input(const uint8_t *data, size_t size)
{
    int fd = open(image, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool ok = fd >= 0 && write(fd, data, size) == (ssize_t)size;

    if (fd >= 0)
        close(fd);
    return ok;
}

static uint64_t size_of(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct blk_options ro = { BLK_DETECT, true, false };
    struct blk_options rw = { BLK_QCOW2, false, false };
    struct qcow2_check_result r;
    uint64_t seed = hash(data, size) | 1;
    struct blockdev *b;
    char err[600];

    setup();
    if (!write_input(data, size))
        return 0;
    b = blk_open(image, &ro, err, sizeof err);
    if (b) {
        read_around(b, &seed);
        qcow2_check(b, &r, devnull);
        blk_close(b);
    }
    b = blk_open(image, &rw, err, sizeof err);
    if (b) {
        write_some(b, &seed);
        read_around(b, &seed);
        blk_close(b);
        /* Six writes of at most 64 KiB: a few clusters of at most 2 MiB
         * each, refcount blocks, a moved refcount table, and at most
         * 32 MiB of leaked clusters skipped past the end. */
        if (size_of(image) > size + (128u << 20))
            abort();
        b = blk_open(image, &ro, err, sizeof err);
        if (b) {
            qcow2_check(b, &r, devnull);
            blk_close(b);
        }
    }
    return 0;
}

#ifndef ISOLA_LIBFUZZER
static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *d;
    long n;

    if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) < 0) {
        fprintf(stderr, "fuzz_qcow2: cannot read %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    d = malloc((size_t)n + 1);
    if (!d || fread(d, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "fuzz_qcow2: cannot read %s\n", path);
        free(d);
        fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(d, (size_t)n);
    free(d);
    return 0;
}

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    int r = 0, count = 0;

    if (!d) {
        fprintf(stderr, "fuzz_qcow2: cannot open %s\n", dir);
        return -1;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' ||
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
                (int)sizeof path)
            continue;
        r |= replay(path);
        count++;
    }
    closedir(d);
    printf("fuzz_qcow2: replayed %d inputs from %s\n", count, dir);
    return r;
}

int main(int argc, char **argv)
{
    const char *srcdir = getenv("srcdir");
    char dir[4096];
    int r = 0;

    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            r |= replay(argv[i]);
    } else {
        snprintf(dir, sizeof dir, "%s/tests/disk/corpus",
                 srcdir ? srcdir : ".");
        r = replay_dir(dir);
    }
    cleanup();
    return r ? 1 : 0;
}
#endif
