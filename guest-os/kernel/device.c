/*
 * device.c: the character devices a device inode can name. The console
 * lives in console.c; null and zero are here: null reads as end of file
 * and swallows writes, zero reads as zero bytes.
 */
#include "device.h"
#include "console.h"
#include "errno.h"
#include "kmalloc.h"
#include "kstat.h"
#include "lib.h"
#include "object.h"
#include "uaccess.h"

static long null_read(struct object *o, uint32_t ubuf, uint32_t n)
{
    (void)o, (void)ubuf, (void)n;
    return 0;
}

static long null_write(struct object *o, uint32_t ubuf, uint32_t n)
{
    (void)o, (void)ubuf;
    return n;
}

static long zero_read(struct object *o, uint32_t ubuf, uint32_t n)
{
    (void)o;
    static const char zeros[256];
    for (uint32_t done = 0; done < n;) {
        uint32_t chunk = MIN(n - done, (uint32_t)sizeof zeros);
        if (copyout(ubuf + done, zeros, chunk) < 0)
            return done ? (long)done : -EFAULT;
        done += chunk;
    }
    return n;
}

struct memdev {
    struct object obj;
    uint32_t rdev;
};

static long memdev_stat(struct object *o, struct kstat *st)
{
    memset(st, 0, sizeof *st);
    st->mode = S_IFCHR | 0666;
    st->nlink = 1;
    st->rdev = container_of(o, struct memdev, obj)->rdev;
    st->blksize = 4096;
    return 0;
}

static void memdev_release(struct object *o)
{
    kfree(container_of(o, struct memdev, obj));
}

static const struct object_ops null_ops = {
    .kind = "null", .read = null_read, .write = null_write, .stat = memdev_stat,
    .release = memdev_release,
};
static const struct object_ops zero_ops = {
    .kind = "zero", .read = zero_read, .write = null_write, .stat = memdev_stat,
    .release = memdev_release,
};

static int memdev_open(const struct object_ops *ops, uint32_t rdev, unsigned flags,
                       struct object **out)
{
    struct memdev *d = kmalloc(sizeof *d);
    if (!d)
        return -ENOMEM;
    object_init(&d->obj, ops, flags);
    d->rdev = rdev;
    *out = &d->obj;
    return 0;
}

int device_open(uint32_t rdev, unsigned flags, struct object **out)
{
    switch (rdev) {
    case MKDEV(1, 3): return memdev_open(&null_ops, rdev, flags, out);
    case MKDEV(1, 5): return memdev_open(&zero_ops, rdev, flags, out);
    case MKDEV(5, 0):
    case MKDEV(5, 1):
    case MKDEV(4, 64):
        *out = console_open(flags);
        return *out ? 0 : -ENOMEM;
    default:
        return -ENXIO;
    }
}
