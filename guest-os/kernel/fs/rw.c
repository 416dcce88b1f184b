/*
 * rw.c: reading and writing a file's contents, block by block through
 * the buffer cache, to or from kernel or user memory.
 *
 * Rules kept here:
 *  - Holes read as zeros; writing into one allocates its block (bmap).
 *  - A transfer that fails part way (a bad user address, a full disk)
 *    returns what it did, as read(2) and write(2) do; only a transfer
 *    that did nothing returns the error.
 *  - Nothing is read past the largest size the file system can address,
 *    whatever size a corrupt inode claims.
 */
#include "ext2fs.h"
#include "buf.h"
#include "../errno.h"
#include "../lib.h"
#include "../mmu.h"
#include "../uaccess.h"

static const uint8_t zeros[PAGE_SIZE];

static int xfer_out(struct xfer *x, uint32_t done, const void *src, uint32_t n)
{
    if (x->user)
        return copyout(x->uaddr + done, src, n) ? -EFAULT : 0;
    memcpy(x->kaddr + done, src, n);
    return 0;
}

static int xfer_in(struct xfer *x, uint32_t done, void *dst, uint32_t n)
{
    if (x->user)
        return copyin(dst, x->uaddr + done, n) ? -EFAULT : 0;
    memcpy(dst, x->kaddr + done, n);
    return 0;
}

long readi(struct inode *ip, struct xfer *x, uint64_t off, uint32_t n)
{
    uint64_t size = MIN(isize(ip), fs.max_size);
    if (off >= size)
        return 0;
    if (n > size - off)
        n = (uint32_t)(size - off);
    uint32_t done = 0;
    int err = 0;
    while (done < n && !err) {
        uint64_t pos = off + done;
        uint32_t boff = (uint32_t)pos & (fs.bsize - 1);
        uint32_t m = MIN(n - done, fs.bsize - boff), b;
        err = bmap(ip, (uint32_t)(pos >> fs.log_bsize), false, &b);
        if (err)
            break;
        if (!b) {
            err = xfer_out(x, done, zeros, m);
        } else {
            struct buf *bp = bread(fs.dev, b);
            if (!bp)
                err = -EIO;
            else {
                err = xfer_out(x, done, bp->data + boff, m);
                brelse(bp);
            }
        }
        if (!err)
            done += m;
    }
    return done ? (long)done : err;
}

long writei(struct inode *ip, struct xfer *x, uint64_t off, uint32_t n)
{
    if (off >= fs.max_size)
        return n ? -EFBIG : 0;
    if (n > fs.max_size - off)
        n = (uint32_t)(fs.max_size - off);
    uint64_t size = isize(ip);
    int err = off > size ? inode_zero_tail(ip, size) : 0;
    uint32_t done = 0;
    while (done < n && !err) {
        uint64_t pos = off + done;
        uint32_t boff = (uint32_t)pos & (fs.bsize - 1);
        uint32_t m = MIN(n - done, fs.bsize - boff), b;
        err = bmap(ip, (uint32_t)(pos >> fs.log_bsize), true, &b);
        if (err)
            break;
        struct buf *bp = bread(fs.dev, b);
        if (!bp) {
            err = -EIO;
            break;
        }
        err = xfer_in(x, done, bp->data + boff, m);
        bwrite(bp);            /* even a failed copy may have changed a prefix */
        brelse(bp);
        if (!err)
            done += m;
    }
    if (done) {
        if (off + done > size)
            iset_size(ip, off + done);
        inode_touch(ip, true);
        iupdate(ip);
    }
    return done ? (long)done : err;
}
