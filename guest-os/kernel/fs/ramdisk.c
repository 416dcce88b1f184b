/*
 * ramdisk.c: a block device over a range of kernel memory: the root file
 * system image the boot loader left in RAM. Reading and writing are
 * copies; a request outside the range is -EIO (blockdev.h).
 */
#include "blockdev.h"
#include "../errno.h"
#include "../kmalloc.h"
#include "../lib.h"

struct ramdisk {
    struct blockdev dev;
    uint8_t *base;
};

static int in_range(struct blockdev *d, uint64_t sector, uint32_t count)
{
    return sector < d->nsectors && count <= d->nsectors - sector;
}

static int ram_read(struct blockdev *d, uint64_t sector, uint32_t count, void *buf)
{
    struct ramdisk *r = d->priv;
    if (!in_range(d, sector, count))
        return -EIO;
    memcpy(buf, r->base + sector * SECTOR_SIZE, (size_t)count * SECTOR_SIZE);
    return 0;
}

static int ram_write(struct blockdev *d, uint64_t sector, uint32_t count, const void *buf)
{
    struct ramdisk *r = d->priv;
    if (!in_range(d, sector, count))
        return -EIO;
    memcpy(r->base + sector * SECTOR_SIZE, buf, (size_t)count * SECTOR_SIZE);
    return 0;
}

struct blockdev *ramdisk_create(void *base, uint32_t size)
{
    struct ramdisk *r = kmalloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->base = base;
    r->dev.name = "ram0";
    r->dev.st_dev = (1 << 8) | 0;     /* as Linux numbers /dev/ram0 */
    r->dev.nsectors = size / SECTOR_SIZE;   /* a partial last sector is unusable */
    r->dev.read = ram_read;
    r->dev.write = ram_write;
    r->dev.priv = r;
    return &r->dev;
}
