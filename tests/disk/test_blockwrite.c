/*
 * test_blockwrite: random writes through block.h, checked against a plain
 * file that receives the same writes.
 *
 *   test_blockwrite [-s] [-r] [-W] [-n COUNT] [-S SEED] [-m MAXSECTORS]
 *                   IMAGE REF
 *
 * REF is a raw file with IMAGE's content (made by the caller, e.g. with
 * qemu-img convert -O raw). Each step writes random bytes at a random
 * sector (now and then at a byte offset that is not a sector's) to both,
 * then reads back the written range and one random range and compares.
 * At the end the whole disk is compared (not with -W, for huge sparse
 * disks that the caller compares with qemu-img compare). -s opens IMAGE in snapshot mode,
 * -r read-only (and expects writes to fail). Exit status 0 when every read
 * matched. The caller then checks IMAGE with qemu-img check and compare.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/block.h"

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int fail(const char *what, uint64_t off, size_t len)
{
    fprintf(stderr, "test_blockwrite: %s at offset %llu (%zu bytes)\n", what,
            (unsigned long long)off, len);
    return -1;
}

/* Reads [off, off+len) from both and compares. */
static int check_range(struct blockdev *b, int ref, uint64_t off, size_t len,
                       uint8_t *x, uint8_t *y)
{
    if (blk_read(b, off, x, len) < 0) {
        fprintf(stderr, "test_blockwrite: %s\n", blk_error(b));
        return -1;
    }
    if (pread(ref, y, len, (off_t)off) != (ssize_t)len)
        return fail("reference read failed", off, len);
    if (memcmp(x, y, len) != 0) {
        size_t i = 0;
        while (x[i] == y[i])
            i++;
        return fail("content differs", off + i, len);
    }
    return 0;
}

/* A random range inside the disk: sector-aligned mostly, bytes at times. */
static void pick(uint64_t size, uint64_t max_sectors, uint64_t *off,
                 size_t *len)
{
    uint64_t sectors = size / 512;
    uint64_t n = 1 + rnd() % max_sectors;

    if (n > sectors)
        n = sectors;
    *off = rnd() % (sectors - n + 1) * 512;
    *len = (size_t)(n * 512);
    if (rnd() % 8 == 0) {       /* an unaligned piece */
        uint64_t skew = rnd() % 512;
        *off += skew;
        *len = (size_t)(1 + rnd() % (*len - skew));
    }
}

static int check_whole(struct blockdev *b, int ref, uint8_t *x, uint8_t *y,
                       size_t bufsize)
{
    uint64_t size = blk_size(b);

    for (uint64_t off = 0; off < size; off += bufsize) {
        size_t n = size - off < bufsize ? (size_t)(size - off) : bufsize;
        if (check_range(b, ref, off, n, x, y) < 0)
            return -1;
    }
    return 0;
}

static int run(struct blockdev *b, int ref, unsigned count,
               uint64_t max_sectors, bool readonly, bool whole)
{
    size_t bufsize = (size_t)(max_sectors * 512);
    uint8_t *w = malloc(bufsize), *x = malloc(bufsize), *y = malloc(bufsize);
    uint64_t size = blk_size(b);
    int r = -1;

    if (!w || !x || !y || size < 512)
        goto out;
    for (unsigned step = 0; step < count; step++) {
        uint64_t off;
        size_t len;

        pick(size, max_sectors, &off, &len);
        for (size_t i = 0; i < len; i++)
            w[i] = (uint8_t)(rnd() >> 32);
        if (rnd() % 4 == 0)
            memset(w, 0, len / 2);          /* some zeros too */
        if (blk_write(b, off, w, len) < 0) {
            if (readonly) {
                r = 0;
                goto out;
            }
            fprintf(stderr, "test_blockwrite: %s\n", blk_error(b));
            goto out;
        }
        if (readonly) {
            fail("write to a read-only disk succeeded", off, len);
            goto out;
        }
        if (pwrite(ref, w, len, (off_t)off) != (ssize_t)len) {
            fail("reference write failed", off, len);
            goto out;
        }
        if (check_range(b, ref, off, len, x, y) < 0)
            goto out;
        pick(size, max_sectors, &off, &len);
        if (check_range(b, ref, off, len, x, y) < 0)
            goto out;
    }
    if (blk_flush(b) < 0) {
        fprintf(stderr, "test_blockwrite: %s\n", blk_error(b));
        goto out;
    }
    r = whole ? check_whole(b, ref, x, y, bufsize) : 0;
out:
    free(w);
    free(x);
    free(y);
    return r;
}

int main(int argc, char **argv)
{
    struct blk_options o = { BLK_DETECT, false, false };
    unsigned count = 500;
    bool whole = true;
    uint64_t max_sectors = 256;
    struct blockdev *b;
    char err[600];
    int ch, ref, r;

    while ((ch = getopt(argc, argv, "srWn:S:m:")) != -1) {
        switch (ch) {
        case 's': o.snapshot = true; break;
        case 'r': o.readonly = true; break;
        case 'W': whole = false; break;
        case 'n': count = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'S': rng_state ^= strtoull(optarg, NULL, 0) * 2654435761ULL;
                  break;
        case 'm': max_sectors = strtoull(optarg, NULL, 0); break;
        default: return 2;
        }
    }
    if (argc - optind != 2 || max_sectors == 0) {
        fprintf(stderr, "usage: test_blockwrite [-s] [-r] [-W] [-n COUNT] "
                "[-S SEED] [-m MAXSECTORS] IMAGE REF\n");
        return 2;
    }
    b = blk_open(argv[optind], &o, err, sizeof err);
    if (!b) {
        fprintf(stderr, "test_blockwrite: %s\n", err);
        return 1;
    }
    ref = open(argv[optind + 1], o.readonly ? O_RDONLY : O_RDWR);
    if (ref < 0) {
        perror(argv[optind + 1]);
        blk_close(b);
        return 1;
    }
    r = run(b, ref, count, max_sectors, o.readonly, whole);
    blk_close(b);
    close(ref);
    return r < 0 ? 1 : 0;
}
