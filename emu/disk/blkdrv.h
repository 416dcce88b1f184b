/*
 * blkdrv.h: what the format drivers (raw.c, qcow2.c) share with block.c.
 * Not for users of block devices: they include block.h (and image.h).
 *
 * Rules kept here:
 *  - A driver sees only requests already checked against the virtual size
 *    and the read-only flag; it checks everything it reads from the image.
 *  - An error is one line "FILE: problem" in b->err, set with blk_fail();
 *    the failing call returns -1.
 *  - A backing file is a blockdev of its own, opened read-only, that knows
 *    the image above it (b->above) so that chains are bounded and loops seen.
 */
#ifndef ISOLA_BLKDRV_H
#define ISOLA_BLKDRV_H

#include <sys/types.h>

#include "disk/block.h"

#define BLK_MAX_CHAIN 8   /* backing files below one disk, at most */

struct blockdev;

struct blk_driver {
    const char *name;
    int (*read)(struct blockdev *b, uint64_t off, void *buf, size_t len);
    int (*write)(struct blockdev *b, uint64_t off, const void *buf,
                 size_t len);
    int (*flush)(struct blockdev *b);
    /* How [off, off+len) reads: *pnum bytes from off (at least 1) are all
     * data (returns 1) or all zeros (returns 0); -1 on error. */
    int (*status)(struct blockdev *b, uint64_t off, uint64_t len,
                  uint64_t *pnum);
    void (*close)(struct blockdev *b);
};

struct overlay;

struct blockdev {
    const struct blk_driver *drv;
    void *state;                 /* the driver's own */
    char *path;                  /* as named in messages */
    int fd;
    uint64_t size;               /* virtual size in bytes */
    bool readonly;               /* writes refused (not so for snapshot) */
    bool file_readonly;          /* the file is open O_RDONLY */
    enum blk_format format;
    struct overlay *overlay;     /* snapshot mode: where writes go */
    const struct blockdev *above;  /* the image this one backs, or NULL */
    int depth;                   /* 0 for a disk, n for its nth backing */
    dev_t dev;
    ino_t ino;
    bool chain_err;              /* err came from a backing file */
    char err[512];
};

int blk_fail(struct blockdev *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int blk_fail_as(struct blockdev *b, const struct blockdev *from);

/* Full-length pread/pwrite that retry on EINTR and short transfers.
 * file_read returns the bytes read (less than len only at end of file). */
ssize_t file_read(int fd, void *buf, size_t len, uint64_t off);
int file_write(int fd, const void *buf, size_t len, uint64_t off);
uint64_t file_size(int fd);

/* Opens a backing file of `above` read-only (format BLK_DETECT to probe).
 * On failure returns NULL with the reason in above->err. */
struct blockdev *blk_open_backing(struct blockdev *above, const char *path,
                                  enum blk_format fmt);

int raw_open(struct blockdev *b);
int qcow2_open(struct blockdev *b);

#endif
