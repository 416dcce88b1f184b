/*
 * itrunc.c: changing a file's size, and giving back the blocks of an
 * inode being deleted.
 *
 * Rules kept here:
 *  - Shrinking frees every data block wholly past the new end, and every
 *    indirect block that no longer points at anything.
 *  - Bytes past the end of a file inside its last block are zero: they
 *    are cleared when the file shrinks into a block and before it grows
 *    from one, so growing (by truncate or by a write past the end) shows
 *    zeros, never old contents. Growing allocates nothing: a sparse file.
 *  - A loop or a shared block in the indirect blocks ends in a block
 *    freed twice, which block_free() reports; the walk stops at the first
 *    error and is at most three levels deep.
 */
#include "ext2fs.h"
#include "buf.h"
#include "../errno.h"
#include "../lib.h"

static void blocks_sub(struct inode *ip)
{
    uint32_t n = fs.bsize >> 9;
    ip->d.i_blocks = ip->d.i_blocks > n ? ip->d.i_blocks - n : 0;
}

/* Frees what the subtree under *slot maps at or after file block `from`:
 * depth levels of indirection above the data, mapping the file blocks
 * from `base` on. An indirect block left with no pointers goes too. */
static int free_tree(struct inode *ip, uint32_t *slot, uint32_t depth, uint64_t base,
                     uint64_t from, bool *changed)
{
    uint32_t b = *slot;
    uint64_t span = (uint64_t)1 << (depth * fs.log_ptrs);
    if (!b || base + span <= from)
        return 0;
    int err = block_check(b, ip->ino);
    if (err)
        return err;
    if (depth > 0) {
        struct buf *bp = bread(fs.dev, b);
        if (!bp)
            return -EIO;
        uint32_t *p = (uint32_t *)bp->data, n = 1u << fs.log_ptrs;
        bool left = false, dirty = false;
        for (uint32_t i = 0; i < n && !err; i++) {
            err = free_tree(ip, &p[i], depth - 1, base + (uint64_t)i * (span >> fs.log_ptrs),
                            from, &dirty);
            left |= p[i] != 0;
        }
        if (dirty)
            bwrite(bp);
        brelse(bp);
        if (err || left)
            return err;
    }
    err = block_free(b);
    if (err)
        return err;
    blocks_sub(ip);
    *slot = 0;
    *changed = true;
    return 0;
}

/* Frees every block that maps file block `from` or later. */
static int free_from(struct inode *ip, uint64_t from)
{
    bool changed = false;
    int err = 0;
    for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS && !err; i++)
        err = free_tree(ip, &ip->d.i_block[i], 0, i, from, &changed);
    uint64_t base = EXT2_NDIR_BLOCKS;
    for (uint32_t depth = 1; depth <= 3 && !err; depth++) {
        err = free_tree(ip, &ip->d.i_block[EXT2_IND_BLOCK + depth - 1], depth, base, from,
                        &changed);
        base += (uint64_t)1 << (depth * fs.log_ptrs);
    }
    ip->last_lbn = ip->last_pbn = 0;
    return err;
}

/* Zeroes the bytes from `size` to the end of the block that holds it. */
int inode_zero_tail(struct inode *ip, uint64_t size)
{
    uint32_t off = (uint32_t)size & (fs.bsize - 1), b;
    if (!off)
        return 0;
    int err = bmap(ip, (uint32_t)(size >> fs.log_bsize), false, &b);
    if (err || !b)
        return err;
    struct buf *bp = bread(fs.dev, b);
    if (!bp)
        return -EIO;
    memset(bp->data + off, 0, fs.bsize - off);
    bwrite(bp);
    brelse(bp);
    return 0;
}

int itrunc(struct inode *ip, uint64_t size)
{
    if (size > fs.max_size)
        return -EFBIG;
    uint64_t old = isize(ip);
    int err = inode_zero_tail(ip, MIN(size, old));
    if (!err) {
        iset_size(ip, size);
        if (size < old)
            err = free_from(ip, (size + fs.bsize - 1) >> fs.log_bsize);
    }
    inode_touch(ip, true);
    int err2 = iupdate(ip);
    return err ? err : err2;
}

/* Drops our reference to an extended-attribute block, which may be
 * shared between inodes ("Extended Attributes": h_refcount). */
static int release_xattr(struct inode *ip)
{
    uint32_t b = ip->d.i_file_acl;
    if (!b)
        return 0;
    int err = block_check(b, ip->ino);
    struct buf *bp = err ? NULL : bread(fs.dev, b);
    if (!bp)
        return -EIO;
    struct ext2_xattr_header *h = (struct ext2_xattr_header *)bp->data;
    bool shared = false;
    if (h->h_magic != EXT2_XATTR_MAGIC) {
        err = ext2_error("inode %u: bad attribute block %u", ip->ino, b);
    } else if (h->h_refcount > 1) {
        h->h_refcount--;
        bwrite(bp);
        shared = true;
    }
    brelse(bp);
    if (!err && !shared)
        err = block_free(b);
    if (!err) {
        ip->d.i_file_acl = 0;
        blocks_sub(ip);
    }
    return err;
}

/* Everything the inode owns, before it is freed. Fast symlinks and
 * device files keep other things than block numbers in i_block. */
int inode_release_blocks(struct inode *ip)
{
    int err = 0;
    if (inode_is_reg(ip) || inode_is_dir(ip) || (inode_is_lnk(ip) && !inode_is_fast_symlink(ip)))
        err = free_from(ip, 0);
    int err2 = release_xattr(ip);
    iset_size(ip, 0);
    return err ? err : err2;
}
