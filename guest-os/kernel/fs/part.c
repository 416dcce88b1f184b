/*
 * part.c: MBR partitions as block devices of their own. Partition n's
 * entry is at byte 446 + 16 (n - 1) of sector 0, which ends in 55 AA;
 * its first sector and length are little-endian dwords at 8 and 12.
 *
 * Rules kept here:
 *  - A partition is checked against its disk when opened: it must lie
 *    inside it. Its requests are shifted by its start and checked
 *    against its own length, so no request reaches past it.
 */
#include "blockdev.h"
#include "../errno.h"
#include "../kmalloc.h"
#include "../lib.h"

#define PART_TABLE 446
#define PART_ENTRY 16

struct part {
    struct blockdev dev;
    struct blockdev *disk;
    uint64_t start;
    uint8_t type;                  /* the entry's system id: 0x83 Linux, 0x82 swap */
    char name[8];
};

static bool in_range(const struct blockdev *d, uint64_t sector, uint32_t count)
{
    return sector < d->nsectors && count <= d->nsectors - sector;
}

static int part_read(struct blockdev *d, uint64_t sector, uint32_t count, void *buf)
{
    struct part *p = d->priv;
    if (!in_range(d, sector, count))
        return -EIO;
    return p->disk->read(p->disk, p->start + sector, count, buf);
}

static int part_write(struct blockdev *d, uint64_t sector, uint32_t count, const void *buf)
{
    struct part *p = d->priv;
    if (!in_range(d, sector, count))
        return -EIO;
    return p->disk->write(p->disk, p->start + sector, count, buf);
}

static int part_submit(struct blockdev *d, struct bio *b)
{
    struct part *p = d->priv;
    if (b->op != BIO_FLUSH && !in_range(d, b->sector, b->count))
        return -EIO;
    b->sector += p->start;
    int err = p->disk->submit(p->disk, b);
    if (err)
        b->sector -= p->start;
    return err;
}

static int part_wait(struct blockdev *d, struct bio *b)
{
    struct part *p = d->priv;
    return p->disk->wait(p->disk, b);
}

static int part_flush(struct blockdev *d)
{
    struct part *p = d->priv;
    return p->disk->flush ? p->disk->flush(p->disk) : 0;
}

static uint32_t le32(const uint8_t *b)
{
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

struct blockdev *partition_open(struct blockdev *d, unsigned n)
{
    if (n < 1 || n > 4)
        return NULL;
    uint8_t *mbr = kmalloc(SECTOR_SIZE);
    if (!mbr)
        return NULL;
    struct part *p = NULL;
    const uint8_t *e = mbr + PART_TABLE + (n - 1) * PART_ENTRY;
    if (d->read(d, 0, 1, mbr) < 0) {
        printk("part: %s: cannot read the partition table\n", d->name);
    } else if (mbr[510] != 0x55 || mbr[511] != 0xAA) {
        printk("part: %s: no MBR partition table (no 55 AA)\n", d->name);
    } else if (e[4] == 0 || le32(e + 12) == 0) {
        printk("part: %s: no partition %u\n", d->name, n);
    } else if (!in_range(d, le32(e + 8), le32(e + 12))) {
        printk("part: %s: partition %u lies outside the disk\n", d->name, n);
    } else if ((p = kmalloc(sizeof *p))) {
        memset(p, 0, sizeof *p);
        p->disk = d;
        p->start = le32(e + 8);
        p->type = e[4];
        snprintk(p->name, sizeof p->name, "%s%u", d->name, n);
        p->dev = (struct blockdev){
            .name = p->name, .nsectors = le32(e + 12), .read = part_read,
            .write = part_write, .submit = d->submit ? part_submit : NULL,
            .wait = part_wait, .flush = part_flush, .st_dev = d->st_dev + n, .priv = p,
        };
    }
    kfree(mbr);
    return p ? &p->dev : NULL;
}

int partition_type(const struct blockdev *d)
{
    return d->read == part_read ? ((const struct part *)d->priv)->type : -1;
}
