/*
 * block.h: a block device as the disk controllers see it, whatever the
 * image format behind it (raw, qcow2, a temporary overlay for -snapshot).
 *
 * Rules kept here:
 *  - Offsets and lengths are bytes; callers use multiples of 512.
 *  - Errors are returned, never fatal: a read past the end or a broken
 *    image gives -1 and blk_error() says why, naming the file.
 */
#ifndef ISOLA_BLOCK_H
#define ISOLA_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blockdev;

enum blk_format { BLK_DETECT, BLK_RAW, BLK_QCOW2 };

struct blk_options {
    enum blk_format format;
    bool readonly;
    bool snapshot;  /* writes go to a temporary overlay, dropped at close */
};

/* Opens path; on failure returns NULL with a one-line reason in err. */
struct blockdev *blk_open(const char *path, const struct blk_options *o,
                          char *err, size_t errlen);
uint64_t blk_size(const struct blockdev *b);  /* bytes */
bool blk_readonly(const struct blockdev *b);
int blk_read(struct blockdev *b, uint64_t offset, void *buf, size_t len);
int blk_write(struct blockdev *b, uint64_t offset, const void *buf, size_t len);
int blk_flush(struct blockdev *b);
const char *blk_error(const struct blockdev *b);  /* last error, one line */
void blk_close(struct blockdev *b);

#endif
