/*
 * blockdev.h: the block layer. A block device reads and writes whole
 * sectors; the buffer cache (buf.h) sits on top of it and is the only
 * thing the file system talks to, so a disk driver replaces the RAM disk
 * without ext2 noticing.
 *
 * Rules kept here:
 *  - A device refuses (-EIO) any request that does not lie entirely
 *    inside it: a corrupt block number can never reach memory outside
 *    the device.
 *  - The callbacks may sleep (a disk waits for its interrupt); callers
 *    hold the file-system lock, not a spinlock.
 */
#ifndef KERNEL_FS_BLOCKDEV_H
#define KERNEL_FS_BLOCKDEV_H

#include <stdint.h>

#define SECTOR_SIZE 512u

struct blockdev {
    const char *name;
    uint64_t nsectors;
    /* Whole sectors, [sector, sector + count); 0 or a negative errno. */
    int (*read)(struct blockdev *d, uint64_t sector, uint32_t count, void *buf);
    int (*write)(struct blockdev *d, uint64_t sector, uint32_t count, const void *buf);
    void *priv;
    /* set by the buffer cache's user (bcache_set_block_size) */
    uint32_t block_size;
};

/* A device over [base, base + size) of kernel memory (a Multiboot module). */
struct blockdev *ramdisk_create(void *base, uint32_t size);

#endif
