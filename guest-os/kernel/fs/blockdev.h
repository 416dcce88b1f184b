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
 *  - submit (a disk's, NULL for the RAM disk) starts a transfer between
 *    the device and physical memory and returns at once; the device
 *    calls the bio's end function from its interrupt handler, with
 *    interrupts off, exactly once, whatever happened. The memory must
 *    stay put until then: the caller pins it.
 */
#ifndef KERNEL_FS_BLOCKDEV_H
#define KERNEL_FS_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define SECTOR_SIZE 512u

/* One physically contiguous piece of memory of a transfer: an even
 * address and length (bus-master DMA moves 16-bit words, SFF-8038i 1.0,
 * "Physical Region Descriptor"). */
struct bio_seg {
    uint32_t pa, len;
};

#define BIO_MAX_SECTORS 256u       /* one ATA command, 28-bit or 48-bit */
#define BIO_MAX_SEGS 72u           /* 128 KiB in 4 KiB pages, unaligned, and then some */

enum bio_op { BIO_READ, BIO_WRITE, BIO_FLUSH };

/* An asynchronous request: count sectors from sector, moved between the
 * device and seg[0..nseg) in order (their lengths add up to count *
 * SECTOR_SIZE); BIO_FLUSH moves nothing and asks the device to put its
 * write cache on the medium. */
struct bio {
    enum bio_op op;
    uint64_t sector;
    uint32_t count;
    unsigned nseg;
    struct bio_seg seg[BIO_MAX_SEGS];
    /* Called once, from interrupt context with interrupts off: error is
     * 0 or -EIO. */
    void (*end)(struct bio *b, int error);
    void *priv;                    /* the submitter's */
    /* the driver's */
    struct bio *next;
    unsigned unit;
    uint32_t done;                 /* sectors moved so far (PIO) */
    uint64_t deadline;             /* in timer ticks */
    int error;
    volatile bool finished;
};

struct blockdev {
    const char *name;
    uint64_t nsectors;
    /* Whole sectors, [sector, sector + count); 0 or a negative errno. */
    int (*read)(struct blockdev *d, uint64_t sector, uint32_t count, void *buf);
    int (*write)(struct blockdev *d, uint64_t sector, uint32_t count, const void *buf);
    /* 0 (started; b->end will be called) or a negative errno (b->end
     * will not be): -EIO outside the device, -EINVAL for a malformed bio. */
    int (*submit)(struct blockdev *d, struct bio *b);
    /* Waits for b, submitted to this device, to end: 0 or its error.
     * Works before the scheduler runs (it polls with interrupts on). */
    int (*wait)(struct blockdev *d, struct bio *b);
    /* Puts what the device caches of writes on the medium (ATA FLUSH
     * CACHE); NULL when writes are durable once done. 0 or -EIO. */
    int (*flush)(struct blockdev *d);
    uint32_t st_dev;               /* the number stat reports (Linux's major, minor) */
    void *priv;
    /* set by the buffer cache's user (bcache_set_block_size) */
    uint32_t block_size;
};

/* A device over [base, base + size) of kernel memory (a Multiboot module). */
struct blockdev *ramdisk_create(void *base, uint32_t size);
/* Partition n (1-4) of d's MBR partition table, as a device of its own;
 * NULL and a console line when there is no such partition. */
struct blockdev *partition_open(struct blockdev *d, unsigned n);
/* The type byte of a partition partition_open made (0x83 Linux, 0x82
 * Linux swap); -1 for any other device. */
int partition_type(const struct blockdev *d);

#endif
