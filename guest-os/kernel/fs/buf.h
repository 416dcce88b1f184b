/*
 * buf.h: the buffer cache: copies of device blocks in memory, shared by
 * everyone who reads the same block, written back later (write-back).
 *
 * Rules kept here:
 *  - bread() returns a buffer with a reference the caller gives back
 *    with brelse(); the data stay valid while the reference is held.
 *  - bwrite() only marks the buffer dirty. Dirty data reach the device
 *    when the buffer is recycled or on bsync().
 *  - The cache has no lock of its own: its one user, the file system,
 *    calls it with the file-system lock held.
 */
#ifndef KERNEL_FS_BUF_H
#define KERNEL_FS_BUF_H

#include <stdbool.h>
#include <stdint.h>

struct blockdev;

struct buf {
    struct blockdev *dev;
    uint32_t blockno;
    int refs;
    bool valid;            /* data hold the block's contents */
    bool dirty;            /* data differ from the device */
    uint8_t *data;         /* one page, of which dev->block_size bytes are used */
    struct buf *prev, *next;   /* the LRU list, most recently used first */
};

/* Sets the block size (a power of two, SECTOR_SIZE to 4096) in which d is
 * cached: writes back and forgets what is cached of d. 0 or -errno. */
int bcache_set_block_size(struct blockdev *d, uint32_t size);
/* The block's buffer with its contents, or NULL (I/O error, cache full:
 * a console line says which). */
struct buf *bread(struct blockdev *d, uint32_t blockno);
/* The block's buffer when the cache holds its contents, else NULL:
 * never reads the device. */
struct buf *bpeek(struct blockdev *d, uint32_t blockno);
/* The block's buffer filled with zeros and dirty, without reading the
 * device: for blocks just allocated. NULL when the cache is full. */
struct buf *bnew(struct blockdev *d, uint32_t blockno);
void bwrite(struct buf *b);
void brelse(struct buf *b);
/* Writes every dirty buffer of d back; 0 or the first error. */
int bsync(struct blockdev *d);
/* Whether any buffer of d is dirty. */
bool bdirty(struct blockdev *d);

#endif
