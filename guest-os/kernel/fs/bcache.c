/*
 * bcache.c: the buffer cache (buf.h). A fixed set of NBUF buffers, one
 * page of data each, kept on a list in least-recently-used order. A
 * lookup that misses recycles the least recently used buffer nobody
 * holds, writing it back first when it is dirty. bsync also flushes the
 * device's write cache, so what it wrote survives a power cut.
 */
#include "buf.h"
#include "blockdev.h"
#include "fspage.h"
#include "../errno.h"
#include "../lib.h"

#define NBUF 96

static struct buf bufs[NBUF];
static struct buf head;            /* list sentinel: head.next is the newest */

static void list_unlink(struct buf *b)
{
    b->prev->next = b->next;
    b->next->prev = b->prev;
}

static void list_push_front(struct buf *b)
{
    b->next = head.next;
    b->prev = &head;
    head.next->prev = b;
    head.next = b;
}

static void bcache_init_once(void)
{
    if (head.next)
        return;
    head.next = head.prev = &head;
    for (int i = 0; i < NBUF; i++)
        list_push_front(&bufs[i]);
}

static uint32_t sectors_per_block(struct buf *b)
{
    return b->dev->block_size / SECTOR_SIZE;
}

static int write_back(struct buf *b)
{
    uint32_t n = sectors_per_block(b);
    int err = b->dev->write(b->dev, (uint64_t)b->blockno * n, n, b->data);
    if (err) {
        printk("bcache: %s: cannot write block %u (%d)\n", b->dev->name, b->blockno, err);
        return err;
    }
    b->dirty = false;
    return 0;
}

/* The buffer for (d, blockno), held, possibly without valid data. */
static struct buf *bget(struct blockdev *d, uint32_t blockno)
{
    bcache_init_once();
    for (struct buf *b = head.next; b != &head; b = b->next) {
        if (b->dev == d && b->blockno == blockno && (b->valid || b->refs)) {
            b->refs++;
            return b;
        }
    }
    for (struct buf *b = head.prev; b != &head; b = b->prev) {
        if (b->refs)
            continue;
        if (b->dirty && write_back(b))
            continue;          /* keep its data; try an older buffer */
        if (!b->data && !(b->data = fs_page_alloc()))
            break;
        b->dev = d;
        b->blockno = blockno;
        b->valid = false;
        b->refs = 1;
        return b;
    }
    printk("bcache: no buffer free for block %u\n", blockno);
    return NULL;
}

struct buf *bread(struct blockdev *d, uint32_t blockno)
{
    struct buf *b = bget(d, blockno);
    if (!b || b->valid)
        return b;
    uint32_t n = sectors_per_block(b);
    int err = d->read(d, (uint64_t)blockno * n, n, b->data);
    if (err) {
        printk("bcache: %s: cannot read block %u (%d)\n", d->name, blockno, err);
        b->refs--;
        return NULL;
    }
    b->valid = true;
    return b;
}

struct buf *bpeek(struct blockdev *d, uint32_t blockno)
{
    bcache_init_once();
    for (struct buf *b = head.next; b != &head; b = b->next) {
        if (b->dev == d && b->blockno == blockno && b->valid) {
            b->refs++;
            return b;
        }
    }
    return NULL;
}

struct buf *bnew(struct blockdev *d, uint32_t blockno)
{
    struct buf *b = bget(d, blockno);
    if (!b)
        return NULL;
    memset(b->data, 0, d->block_size);
    b->valid = true;
    b->dirty = true;
    return b;
}

void bwrite(struct buf *b)
{
    b->dirty = true;
}

/* The buffer becomes the most recently used, so recycling takes the
 * oldest first. */
void brelse(struct buf *b)
{
    ASSERT(b->refs > 0);
    b->refs--;
    list_unlink(b);
    list_push_front(b);
}

int bsync(struct blockdev *d)
{
    int first = 0;
    bcache_init_once();
    for (struct buf *b = head.next; b != &head; b = b->next) {
        if (b->dev == d && b->dirty) {
            int err = write_back(b);
            if (err && !first)
                first = err;
        }
    }
    /* Written is not yet durable while the disk holds it in its cache. */
    if (d->flush) {
        int err = d->flush(d);
        if (err && !first)
            first = err;
    }
    return first;
}

bool bdirty(struct blockdev *d)
{
    bcache_init_once();
    for (struct buf *b = head.next; b != &head; b = b->next)
        if (b->dev == d && b->dirty)
            return true;
    return false;
}

int bcache_set_block_size(struct blockdev *d, uint32_t size)
{
    if (size < SECTOR_SIZE || size > PAGE_SIZE || (size & (size - 1)))
        return -EINVAL;
    bcache_init_once();
    int err = d->block_size ? bsync(d) : 0;
    if (err)
        return err;
    for (int i = 0; i < NBUF; i++) {
        if (bufs[i].dev == d) {
            if (bufs[i].refs)
                return -EBUSY;
            bufs[i].valid = false;
            bufs[i].dev = NULL;
        }
    }
    d->block_size = size;
    return 0;
}
