/*
 * raw.c: a raw image, the disk's bytes at the same offsets in a file.
 *
 * Rules kept here:
 *  - The virtual size is the file's size when opened; the file never grows
 *    (block.c refuses a request past the end before it gets here).
 *  - Holes in a sparse file are reported as zeros (SEEK_DATA/SEEK_HOLE),
 *    so that converting and comparing skip them.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "disk/blkdrv.h"

static int raw_read(struct blockdev *b, uint64_t off, void *buf, size_t len)
{
    ssize_t n = file_read(b->fd, buf, len, off);

    if (n < 0)
        return blk_fail(b, "read at offset %llu failed: %s",
                        (unsigned long long)off, strerror(errno));
    if ((size_t)n < len)   /* the file shrank under us */
        return blk_fail(b, "read at offset %llu: the file ended early",
                        (unsigned long long)off);
    return 0;
}

static int raw_write(struct blockdev *b, uint64_t off, const void *buf,
                     size_t len)
{
    if (file_write(b->fd, buf, len, off) < 0)
        return blk_fail(b, "write at offset %llu failed: %s",
                        (unsigned long long)off, strerror(errno));
    return 0;
}

static int raw_flush(struct blockdev *b)
{
    if (fdatasync(b->fd) < 0 && errno != EINVAL)
        return blk_fail(b, "flush failed: %s", strerror(errno));
    return 0;
}

static int raw_status(struct blockdev *b, uint64_t off, uint64_t len,
                      uint64_t *pnum)
{
    off_t data = lseek(b->fd, (off_t)off, SEEK_DATA);
    off_t hole;

    if (data < 0 && errno == ENXIO) {          /* only a hole from here */
        *pnum = len;
        return 0;
    }
    if (data < 0) {                            /* no hole support: data */
        *pnum = len;
        return 1;
    }
    if ((uint64_t)data > off) {
        *pnum = (uint64_t)data - off < len ? (uint64_t)data - off : len;
        return 0;
    }
    hole = lseek(b->fd, (off_t)off, SEEK_HOLE);
    if (hole < 0 || (uint64_t)hole <= off || (uint64_t)hole - off > len)
        *pnum = len;
    else
        *pnum = (uint64_t)hole - off;
    return 1;
}

static void raw_close(struct blockdev *b)
{
    (void)b;
}

static const struct blk_driver raw_driver = {
    .name = "raw",
    .read = raw_read,
    .write = raw_write,
    .flush = raw_flush,
    .status = raw_status,
    .close = raw_close,
};

int raw_open(struct blockdev *b)
{
    b->drv = &raw_driver;
    b->size = file_size(b->fd);
    return 0;
}
