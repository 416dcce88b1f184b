/*
 * bmap.c: which device block holds block lbn of a file ("i_block"): the
 * first 12 directly, then through one, two or three levels of indirect
 * blocks, each an array of bsize/4 block numbers.
 *
 * Rules kept here:
 *  - A block number of 0 is a hole: it reads as zeros and is allocated
 *    only when written (alloc). Every block allocated here, data or
 *    indirect, starts zeroed, so a partly written block has no stale
 *    bytes and a new indirect block has no pointers.
 *  - Every number read from an inode or an indirect block passes
 *    block_check() before it is used. The walk is at most three levels
 *    deep, so a loop in the indirect blocks cannot make it run forever.
 *  - i_blocks counts, in 512-byte units, every block allocated here.
 */
#include "ext2fs.h"
#include "buf.h"
#include "../errno.h"
#include "../lib.h"

/* The indices that lead to lbn: idx[0] in i_block, then one per level of
 * indirection. Returns the number of levels (0-3), or -EFBIG. */
static int block_path(uint32_t lbn, uint32_t idx[4])
{
    uint32_t lp = fs.log_ptrs;
    uint64_t n = lbn, p = 1u << lp, mask = p - 1;
    if (n < EXT2_NDIR_BLOCKS) {
        idx[0] = (uint32_t)n;
        return 0;
    }
    n -= EXT2_NDIR_BLOCKS;
    if (n < p) {
        idx[0] = EXT2_IND_BLOCK;
        idx[1] = (uint32_t)n;
        return 1;
    }
    n -= p;
    if (n < p * p) {
        idx[0] = EXT2_DIND_BLOCK;
        idx[1] = (uint32_t)(n >> lp);
        idx[2] = (uint32_t)(n & mask);
        return 2;
    }
    n -= p * p;
    if (n < p * p * p) {
        idx[0] = EXT2_TIND_BLOCK;
        idx[1] = (uint32_t)(n >> (2 * lp));
        idx[2] = (uint32_t)((n >> lp) & mask);
        idx[3] = (uint32_t)(n & mask);
        return 3;
    }
    return -EFBIG;
}

/* Allocates a zeroed block near *goal for ip and moves the goal past it. */
static int new_block(struct inode *ip, uint32_t *goal, uint32_t *out)
{
    int err = block_alloc(*goal, out);
    if (err)
        return err;
    struct buf *b = bnew(fs.dev, *out);
    if (!b) {
        block_free(*out);
        return -EIO;
    }
    brelse(b);
    ip->d.i_blocks += fs.bsize >> 9;
    *goal = *out + 1;
    return 0;
}

/* The block after the file's previous one, or the start of its group. */
static uint32_t goal_for(struct inode *ip, uint32_t lbn)
{
    if (ip->last_pbn && lbn == ip->last_lbn + 1)
        return ip->last_pbn + 1;
    return group_first_block((ip->ino - 1) / fs.sb.s_inodes_per_group);
}

/* Follows (or fills, when alloc) the slot *slot; dirty is set when the
 * slot changed. */
static int follow(struct inode *ip, uint32_t *slot, bool alloc, uint32_t *goal, bool *dirty,
                  uint32_t *out)
{
    if (*slot) {
        *out = *slot;
        return block_check(*slot, ip->ino);
    }
    *out = 0;
    if (!alloc)
        return 0;
    int err = new_block(ip, goal, out);
    if (err)
        return err;
    *slot = *out;
    *dirty = true;
    return 0;
}

int bmap(struct inode *ip, uint32_t lbn, bool alloc, uint32_t *out)
{
    uint32_t idx[4];
    int depth = block_path(lbn, idx);
    if (depth < 0) {
        *out = 0;
        return alloc ? depth : 0;
    }
    uint32_t goal = goal_for(ip, lbn), b;
    bool inode_dirty = false;
    int err = follow(ip, &ip->d.i_block[idx[0]], alloc, &goal, &inode_dirty, &b);
    for (int level = 1; !err && b && level <= depth; level++) {
        struct buf *bp = bread(fs.dev, b);
        if (!bp) {
            err = -EIO;
            break;
        }
        bool dirty = false;
        err = follow(ip, (uint32_t *)bp->data + idx[level], alloc, &goal, &dirty, &b);
        if (dirty) {
            bwrite(bp);
            inode_dirty = true;    /* i_blocks grew */
        }
        brelse(bp);
    }
    if (inode_dirty)
        iupdate(ip);
    if (err)
        return err;
    if (b) {
        ip->last_lbn = lbn;
        ip->last_pbn = b;
    }
    *out = b;
    return 0;
}
