/*
 * aio.c: asynchronous file I/O with events (isola/syscall.h, 1020-1023).
 *
 * aio_read and aio_write check everything first (the handle is a regular
 * file open the right way, the event is an event, every page of the
 * buffer is one the caller may write or read), then pin the buffer's
 * frames (a page reference each, so that munmap or exit cannot free
 * them while the disk uses them), map the file range to disk blocks
 * with bmap, and hand the disk bios whose segments are those frames.
 * The call returns a request id; the disk's interrupt handler ends each
 * bio, and the last one sets the event. aio_result collects the outcome
 * and releases the id, the frames and the event.
 *
 * Rules kept here:
 *  - No copy through the kernel for whole blocks at block-aligned file
 *    offsets into a 2-byte-aligned buffer: the disk moves them straight
 *    between its sectors and the caller's frames (bus-master DMA). The
 *    rest goes through the buffer cache, the kernel's bounce: a partial
 *    block at either end (through_cache), an odd buffer address, and a
 *    device without submit (the RAM disk). A request done entirely that
 *    way is over when the call returns, and its event is already set.
 *  - Coherence with the buffer cache: the cache is the newest copy of a
 *    block it holds. aio_read takes a block the cache holds (dirty or
 *    not) from the cache, never from the disk. aio_write writes the
 *    caller's data into the cached copy too (and leaves it dirty), then
 *    to the disk by DMA; a block it does not hold cannot be read into
 *    it stale afterwards, because the disk's queue is FIFO: a read
 *    submitted after the write is done after it. All of this happens
 *    with the file-system lock held, as every cache user does.
 *  - Holes read as zeros; writes allocate blocks, and move the file's
 *    size and mtime when they are submitted.
 *  - A request belongs to the process that made it; only it can collect
 *    the result. When it exits first, the request runs to its end and is
 *    reclaimed by the next aio call of anyone (reap).
 *  - The interrupt handler touches only pending, error and done, and
 *    signals the event; everything that may sleep or free happens in a
 *    system call.
 */
#include "ext2fs.h"
#include "blockdev.h"
#include "buf.h"
#include "../ata.h"
#include "../errno.h"
#include "../event.h"
#include "../kalloc.h"
#include "../kmalloc.h"
#include "../lib.h"
#include "../mmu.h"
#include "../object.h"
#include "../proc.h"
#include "../sched.h"
#include "../syscall.h"
#include "../vm.h"

#define AIO_SLOTS 256
#define AIO_MAX_PAGES (AIO_MAX_LEN / PAGE_SIZE + 1)

struct aio_bio {
    struct bio bio;
    struct aio_bio *next;
};

struct aio {
    int id;                        /* 0: the slot is free */
    struct proc *owner;
    int owner_pid;
    struct object *event;          /* a reference of the request's own */
    bool write;
    uint32_t ubuf, len;
    uint32_t *frames;              /* pinned: one per page of [ubuf, ubuf + len) */
    unsigned nframes;
    struct aio_bio *bios, *cur;    /* every bio in file order; the last */
    long bytes;                    /* the result when no bio fails */
    int error;                     /* the first bio's error */
    unsigned pending;              /* bios not ended, plus one while submitting */
    volatile bool done;
};

static struct aio slots[AIO_SLOTS];
static int last_id;

/* ---- requests ---- */

static bool owner_gone(const struct aio *rq)
{
    return rq->owner->state != P_ALIVE || rq->owner->pid != rq->owner_pid;
}

static void release(struct aio *rq)
{
    for (unsigned i = 0; i < rq->nframes; i++)
        page_free(rq->frames[i]);
    kfree(rq->frames);
    while (rq->bios) {
        struct aio_bio *ab = rq->bios;
        rq->bios = ab->next;
        kfree(ab);
    }
    if (rq->event)
        object_put(rq->event);
    memset(rq, 0, sizeof *rq);
}

/* Frees what finished after its process went away. */
static void reap(void)
{
    for (int i = 0; i < AIO_SLOTS; i++)
        if (slots[i].id && slots[i].done && owner_gone(&slots[i]))
            release(&slots[i]);
}

static struct aio *slot_alloc(struct proc *p, int *err)
{
    struct aio *free = NULL;
    unsigned mine = 0;
    reap();
    for (int i = 0; i < AIO_SLOTS; i++) {
        if (!slots[i].id)
            free = free ? free : &slots[i];
        else if (slots[i].owner == p && !owner_gone(&slots[i]))
            mine++;
    }
    if (!free || mine >= AIO_MAX_PER_PROC) {
        *err = -EAGAIN;
        return NULL;
    }
    if (++last_id <= 0)
        last_id = 1;
    free->id = last_id;
    free->owner = p;
    free->owner_pid = p->pid;
    free->pending = 1;
    return free;
}

/* With interrupts off. */
static void complete_locked(struct aio *rq)
{
    rq->done = true;
    event_signal(rq->event);
}

static void bio_end(struct bio *b, int error)
{
    struct aio *rq = b->priv;
    if (error && !rq->error)
        rq->error = error;
    if (--rq->pending == 0)
        complete_locked(rq);
}

/* Drops the submitting reference: the request ends now if nothing is in
 * flight, else at its last bio's interrupt. */
static void submitted(struct aio *rq)
{
    uint32_t f = irq_save();
    if (--rq->pending == 0)
        complete_locked(rq);
    irq_restore(f);
}

/* ---- the caller's memory ---- */

/* Takes a reference on every frame of [ubuf, ubuf + len), made present
 * (and private, for a read into it) as a user access would. */
static int pin(struct aio *rq, struct aspace *as, uint32_t ubuf, uint32_t len, bool to_user)
{
    if (len == 0)
        return 0;
    if (ubuf + len < ubuf)
        return -EFAULT;
    uint32_t first = ubuf & PAGE_MASK, last = (ubuf + len - 1) & PAGE_MASK;
    unsigned n = (last - first) / PAGE_SIZE + 1;
    rq->frames = kmalloc(n * sizeof *rq->frames);
    if (!rq->frames)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        uint32_t pa;
        int err = as_resolve(as, first + i * PAGE_SIZE, to_user ? VM_WRITE : VM_READ, &pa);
        if (err)
            return err;        /* release() unpins what was pinned */
        page_ref(pa);
        rq->frames[rq->nframes++] = pa;
    }
    return 0;
}

/* The physical address of byte off of the buffer, and how many bytes
 * from there stay in the same frame. */
static uint32_t buf_pa(const struct aio *rq, uint32_t off, uint32_t *room)
{
    uint32_t at = (rq->ubuf & ~PAGE_MASK) + off;
    *room = PAGE_SIZE - (at & ~PAGE_MASK);
    return rq->frames[at / PAGE_SIZE] + (at & ~PAGE_MASK);
}

/* Copies n bytes between kernel memory and the buffer at off. */
static void buf_copy(const struct aio *rq, uint32_t off, void *k, uint32_t n, bool to_user)
{
    uint8_t *kp = k;
    while (n) {
        uint32_t room, pa = buf_pa(rq, off, &room), m = MIN(n, room);
        if (to_user)
            memcpy(P2V(pa), kp, m);
        else
            memcpy(kp, P2V(pa), m);
        off += m;
        kp += m;
        n -= m;
    }
}

/* ---- bios ---- */

static unsigned segs_needed(const struct aio *rq, uint32_t off, uint32_t n)
{
    uint32_t room;
    buf_pa(rq, off, &room);
    return n <= room ? 1 : 1 + (n - room + PAGE_SIZE - 1) / PAGE_SIZE;
}

static void add_segs(struct bio *b, const struct aio *rq, uint32_t off, uint32_t n)
{
    while (n) {
        uint32_t room, pa = buf_pa(rq, off, &room), m = MIN(n, room);
        struct bio_seg *last = b->nseg ? &b->seg[b->nseg - 1] : NULL;
        if (last && last->pa + last->len == pa)
            last->len += m;
        else
            b->seg[b->nseg++] = (struct bio_seg){pa, m};
        off += m;
        n -= m;
    }
}

/* Hands every bio to the device, in file order. The first refusal
 * stops it; the bios not sent are freed with the request. */
static int send_all(struct aio *rq, struct blockdev *dev)
{
    for (struct aio_bio *ab = rq->bios; ab; ab = ab->next) {
        uint32_t f = irq_save();
        rq->pending++;
        irq_restore(f);
        int err = dev->submit(dev, &ab->bio);
        if (err) {
            f = irq_save();
            rq->pending--;
            irq_restore(f);
            return err;
        }
    }
    return 0;
}

/* Adds sectors [sector, sector + n / 512) <-> buffer bytes [off, off + n)
 * to the last bio, or to a new one when they do not continue it. Nothing
 * is sent yet: the request is mapped whole first (bmap may read indirect
 * blocks, and would wait behind its own bios), then sent at once. */
static int bio_add(struct aio *rq, uint64_t sector, uint32_t off, uint32_t n)
{
    struct aio_bio *ab = rq->cur;
    uint32_t count = n / SECTOR_SIZE;
    if (ab && (ab->bio.sector + ab->bio.count != sector ||
               ab->bio.count + count > BIO_MAX_SECTORS ||
               ab->bio.nseg + segs_needed(rq, off, n) > BIO_MAX_SEGS))
        ab = NULL;
    if (!ab) {
        if (!(ab = kmalloc(sizeof *ab)))
            return -ENOMEM;
        memset(ab, 0, sizeof *ab);
        ab->bio.op = rq->write ? BIO_WRITE : BIO_READ;
        ab->bio.sector = sector;
        ab->bio.end = bio_end;
        ab->bio.priv = rq;
        if (rq->cur)
            rq->cur->next = ab;
        else
            rq->bios = ab;
        rq->cur = ab;
    }
    ab->bio.count += count;
    add_segs(&ab->bio, rq, off, n);
    return 0;
}

/* ---- files ---- */

/* The bounce: bytes [off, off + n) of the buffer to or from file offset
 * pos through the buffer cache (readi/writei), a frame at a time. */
static int through_cache(struct aio *rq, struct inode *ip, uint64_t pos, uint32_t off,
                         uint32_t n)
{
    while (n) {
        uint32_t room, pa = buf_pa(rq, off, &room), m = MIN(n, room);
        struct xfer x = {.user = false, .kaddr = P2V(pa)};
        long r = rq->write ? writei(ip, &x, pos, m) : readi(ip, &x, pos, m);
        if (r < 0)
            return (int)r;
        if ((uint32_t)r != m)
            return rq->write ? -ENOSPC : -EIO;
        pos += m;
        off += m;
        n -= m;
    }
    return 0;
}

/* One whole block lbn <-> buffer bytes [off, off + bsize). */
static int whole_block(struct aio *rq, struct inode *ip, uint32_t lbn, uint32_t off)
{
    uint32_t pbn;
    int err = bmap(ip, lbn, rq->write, &pbn);
    if (err)
        return err;
    if (!pbn) {                    /* a hole: reads as zeros */
        static const uint8_t zeros[512];
        for (uint32_t k = 0; k < fs.bsize; k += sizeof zeros)
            buf_copy(rq, off + k, (void *)zeros, sizeof zeros, true);
        return 0;
    }
    struct buf *bp = bpeek(fs.dev, pbn);
    if (bp) {
        buf_copy(rq, off, bp->data, fs.bsize, !rq->write);
        if (rq->write)
            bwrite(bp);
        brelse(bp);
        if (!rq->write)
            return 0;              /* read from the cache: nothing to ask the disk */
    }
    uint32_t spb = fs.bsize / SECTOR_SIZE;
    return bio_add(rq, (uint64_t)pbn * spb, off, fs.bsize);
}

static int file_range(struct aio *rq, struct inode *ip, uint64_t off)
{
    bool direct = fs.dev->submit && !(rq->ubuf & 1);
    uint32_t done = 0;
    int err = 0;
    while (done < rq->len && !err) {
        uint64_t pos = off + done;
        uint32_t boff = (uint32_t)pos & (fs.bsize - 1);
        uint32_t m = MIN(rq->len - done, fs.bsize - boff);
        if (direct && boff == 0 && m == fs.bsize)
            err = whole_block(rq, ip, (uint32_t)(pos >> fs.log_bsize), done);
        else
            err = through_cache(rq, ip, pos, done, m);
        if (err)
            break;
        done += m;
        /* Grown as it goes, so that writei never zeroes from an old end
         * over a block just written (inode_zero_tail). */
        if (rq->write && pos + m > isize(ip))
            iset_size(ip, pos + m);
    }
    if (!err)
        err = send_all(rq, fs.dev);
    if (rq->write && done) {
        inode_touch(ip, true);
        iupdate(ip);
    }
    return err;
}

/* Checks the file and clamps the length; 0 or -errno. */
static int file_check(struct aio *rq, struct object *o, struct inode *ip, uint64_t off)
{
    if (!ip)
        return -EBADF;
    if (inode_is_dir(ip))
        return -EISDIR;
    if (!inode_is_reg(ip))
        return -EINVAL;
    if (rq->write ? !object_writable(o) : !object_readable(o))
        return -EBADF;
    if (rq->write) {
        if (fs.readonly)
            return -EROFS;
        if (off >= fs.max_size || rq->len > fs.max_size - off)
            return -EFBIG;
        return 0;
    }
    uint64_t size = MIN(isize(ip), fs.max_size);
    rq->len = off >= size ? 0 : (uint32_t)MIN((uint64_t)rq->len, size - off);
    return 0;
}

/* ---- system calls ---- */

/* The checks every call shares: the event, the length. The request holds
 * the event from here on. */
static struct aio *start_request(int event, uint32_t ubuf, uint32_t len, bool write,
                                 long *err)
{
    if (len > AIO_MAX_LEN) {
        *err = -EINVAL;
        return NULL;
    }
    struct object *ev = handle_ref(curproc(), event);
    if (!ev || !object_is_event(ev)) {
        if (ev)
            object_put(ev);
        *err = -EBADF;
        return NULL;
    }
    int e;
    struct aio *rq = slot_alloc(curproc(), &e);
    if (!rq) {
        object_put(ev);
        *err = e;
        return NULL;
    }
    rq->event = ev;
    rq->write = write;
    rq->ubuf = ubuf;
    rq->len = len;
    return rq;
}

/* A request with nothing in flight that failed is refused whole; one
 * with bios in flight runs on, and its result carries the error. */
static long finish_call(struct aio *rq, long err)
{
    if (err && rq->pending == 1) {
        release(rq);
        return err;
    }
    if (err && !rq->error)
        rq->error = (int)err;
    int id = rq->id;
    submitted(rq);
    return id;
}

static long file_aio(const uint32_t *a, bool write)
{
    uint64_t off = (uint64_t)a[4] << 32 | a[3];
    long err = 0;
    struct object *o = handle_ref(curproc(), (int)a[0]);
    if (!o)
        return -EBADF;
    struct aio *rq = start_request((int)a[5], a[1], a[2], write, &err);
    if (!rq) {
        object_put(o);
        return err;
    }
    fs_lock();
    struct inode *ip = file_inode(o);
    err = file_check(rq, o, ip, off);
    if (!err)
        err = pin(rq, curproc()->as, rq->ubuf, rq->len, !write);
    rq->bytes = rq->len;
    if (!err)
        err = file_range(rq, ip, off);
    fs_unlock();
    object_put(o);
    return finish_call(rq, err);
}

static long sys_aio_read(const uint32_t *a) { return file_aio(a, false); }
static long sys_aio_write(const uint32_t *a) { return file_aio(a, true); }

static long sys_aio_result(const uint32_t *a)
{
    int id = (int)a[0];
    struct proc *p = curproc();
    reap();
    for (int i = 0; i < AIO_SLOTS; i++) {
        struct aio *rq = &slots[i];
        if (id <= 0 || rq->id != id || rq->owner != p || owner_gone(rq))
            continue;
        if (!rq->done)
            return -EINPROGRESS;
        long r = rq->error ? rq->error : rq->bytes;
        release(rq);
        return r;
    }
    return -EINVAL;
}

static long sys_aio_disk_read(const uint32_t *a)
{
    struct blockdev *d = ata_disk(a[0]);
    uint64_t sector = (uint64_t)a[2] << 32 | a[1];
    uint32_t ubuf = a[3], len = a[4];
    if (!d || !d->submit)
        return -ENODEV;
    if (len == 0 || len % SECTOR_SIZE || (ubuf & 1))
        return -EINVAL;
    long err = 0;
    struct aio *rq = start_request((int)a[5], ubuf, len, false, &err);
    if (!rq)
        return err;
    err = pin(rq, curproc()->as, ubuf, len, true);
    rq->bytes = len;
    for (uint32_t done = 0; !err && done < len; done += SECTOR_SIZE)
        err = bio_add(rq, sector + done / SECTOR_SIZE, done, SECTOR_SIZE);
    if (!err)
        err = send_all(rq, d);
    return finish_call(rq, err);
}

const struct syscall_def aio_syscalls[] = {
    SYSCALL_DEF(aio_read), SYSCALL_DEF(aio_write), SYSCALL_DEF(aio_result),
    SYSCALL_DEF(aio_disk_read),
    {0, NULL, NULL},
};
