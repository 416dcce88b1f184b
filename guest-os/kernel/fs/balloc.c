/*
 * balloc.c: allocating and freeing blocks and inodes in the groups'
 * bitmaps ("Block Bitmap", "Inode Bitmap").
 *
 * Rules kept here:
 *  - A bit, its group's free count and the superblock's free count
 *    change together.
 *  - Blocks are taken near a goal (the block after the file's previous
 *    one, or the inode's own group), so files stay contiguous; inodes of
 *    files near their directory; new directories spread out to the group
 *    with the most free blocks among those with an average share of free
 *    inodes, as Linux's ext2 did before Orlov.
 *  - The bitmaps are not trusted: a block the bitmap calls free but that
 *    holds metadata is never handed out, and freeing what is already free
 *    is reported, not counted twice.
 */
#include "ext2fs.h"
#include "buf.h"
#include "../errno.h"
#include "../lib.h"

static bool bit_test(const uint8_t *map, uint32_t i) { return map[i >> 3] & (1u << (i & 7)); }
static void bit_set(uint8_t *map, uint32_t i) { map[i >> 3] |= (uint8_t)(1u << (i & 7)); }
static void bit_clear(uint8_t *map, uint32_t i) { map[i >> 3] &= (uint8_t)~(1u << (i & 7)); }

/* The first clear bit in [from, to), or `to` when there is none. */
static uint32_t find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
    uint32_t i = from;
    while (i < to) {
        if ((i & 7) == 0 && map[i >> 3] == 0xFF) {
            i += 8;
            continue;
        }
        if (!bit_test(map, i))
            return i;
        i++;
    }
    return to;
}

/* Takes a clear bit of group g's block bitmap, searching from `start`
 * and wrapping; 0 with *out set, 1 when the bitmap is full, or -errno. */
static int take_block_in_group(uint32_t g, uint32_t start, uint32_t *out)
{
    struct buf *gb;
    struct ext2_group_desc *gd = group_desc(g, &gb);
    if (!gd)
        return -EIO;
    int ret = 1;
    struct buf *bb = gd->bg_free_blocks_count ? bread(fs.dev, gd->bg_block_bitmap) : NULL;
    if (bb) {
        uint32_t n = group_nblocks(g);
        uint32_t bit = find_clear(bb->data, start, n);
        if (bit == n && start > 0 && (bit = find_clear(bb->data, 0, start)) == start)
            bit = n;
        if (bit == n) {
            ext2_error("group %u: free block count %u but no free block", g,
                       gd->bg_free_blocks_count);
        } else if (block_check(group_first_block(g) + bit, 0) == 0) {
            bit_set(bb->data, bit);
            bwrite(bb);
            gd->bg_free_blocks_count--;
            bwrite(gb);
            if (fs.sb.s_free_blocks_count)
                fs.sb.s_free_blocks_count--;
            *out = group_first_block(g) + bit;
            ret = 0;
        } else {
            ret = -EIO;        /* a metadata block marked free: a corrupt bitmap */
        }
        brelse(bb);
    } else if (gd->bg_free_blocks_count) {
        ret = -EIO;
    }
    brelse(gb);
    return ret;
}

int block_alloc(uint32_t goal, uint32_t *out)
{
    if (goal < fs.sb.s_first_data_block || goal >= fs.sb.s_blocks_count)
        goal = fs.sb.s_first_data_block;
    uint32_t g0 = (goal - fs.sb.s_first_data_block) / fs.sb.s_blocks_per_group;
    for (uint32_t i = 0; i < fs.ngroups; i++) {
        uint32_t g = (g0 + i) % fs.ngroups;
        uint32_t start = i == 0 ? goal - group_first_block(g) : 0;
        int ret = take_block_in_group(g, start, out);
        if (ret <= 0)
            return ret;
    }
    return -ENOSPC;
}

int block_free(uint32_t b)
{
    int err = block_check(b, 0);
    if (err)
        return err;
    uint32_t g = (b - fs.sb.s_first_data_block) / fs.sb.s_blocks_per_group;
    uint32_t bit = b - group_first_block(g);
    struct buf *gb;
    struct ext2_group_desc *gd = group_desc(g, &gb);
    if (!gd)
        return -EIO;
    struct buf *bb = bread(fs.dev, gd->bg_block_bitmap);
    if (!bb) {
        err = -EIO;
    } else if (!bit_test(bb->data, bit)) {
        err = ext2_error("freeing block %u, which is free already", b);
    } else {
        bit_clear(bb->data, bit);
        bwrite(bb);
        gd->bg_free_blocks_count++;
        bwrite(gb);
        fs.sb.s_free_blocks_count++;
    }
    if (bb)
        brelse(bb);
    brelse(gb);
    return err;
}

/* A new directory goes to the group with the most free blocks among
 * those with at least the average number of free inodes. */
static int64_t group_for_dir(void)
{
    uint32_t avg = fs.sb.s_free_inodes_count / fs.ngroups;
    int64_t best = -1;
    uint32_t best_blocks = 0;
    for (uint32_t g = 0; g < fs.ngroups; g++) {
        struct buf *b;
        struct ext2_group_desc *gd = group_desc(g, &b);
        if (!gd)
            return -EIO;
        uint32_t fi = gd->bg_free_inodes_count, fb = gd->bg_free_blocks_count;
        brelse(b);
        if (fi && fi >= avg && (best < 0 || fb > best_blocks)) {
            best = g;
            best_blocks = fb;
        }
    }
    return best;
}

/* Takes a free inode of group g; 0, 1 when there is none, or -errno. */
static int take_inode_in_group(uint32_t g, bool dir, uint32_t *out)
{
    uint32_t ipg = fs.sb.s_inodes_per_group;
    uint32_t first = g * ipg + 1;          /* the group's first inode number */
    uint32_t start = first < fs.first_ino ? MIN(fs.first_ino - first, ipg) : 0;
    struct buf *gb;
    struct ext2_group_desc *gd = group_desc(g, &gb);
    if (!gd)
        return -EIO;
    int ret = 1;
    struct buf *ib = gd->bg_free_inodes_count ? bread(fs.dev, gd->bg_inode_bitmap) : NULL;
    if (ib) {
        uint32_t bit = find_clear(ib->data, start, ipg);
        if (bit < ipg) {
            bit_set(ib->data, bit);
            bwrite(ib);
            gd->bg_free_inodes_count--;
            if (dir)
                gd->bg_used_dirs_count++;
            bwrite(gb);
            if (fs.sb.s_free_inodes_count)
                fs.sb.s_free_inodes_count--;
            *out = first + bit;
            ret = 0;
        }
        brelse(ib);
    } else if (gd->bg_free_inodes_count) {
        ret = -EIO;
    }
    brelse(gb);
    return ret;
}

int inode_alloc_bit(uint32_t near_group, bool dir, uint32_t *out)
{
    if (dir) {
        int64_t g = group_for_dir();
        if (g < 0 && g != -1)
            return (int)g;
        if (g >= 0) {
            int ret = take_inode_in_group((uint32_t)g, dir, out);
            if (ret <= 0)
                return ret;
        }
    }
    if (near_group >= fs.ngroups)
        near_group = 0;
    for (uint32_t i = 0; i < fs.ngroups; i++) {
        int ret = take_inode_in_group((near_group + i) % fs.ngroups, dir, out);
        if (ret <= 0)
            return ret;
    }
    return -ENOSPC;
}

int inode_free_bit(uint32_t ino, bool dir)
{
    if (ino < fs.first_ino || ino > fs.sb.s_inodes_count)
        return ext2_error("freeing reserved or bad inode %u", ino);
    uint32_t g = (ino - 1) / fs.sb.s_inodes_per_group;
    uint32_t bit = (ino - 1) % fs.sb.s_inodes_per_group;
    struct buf *gb;
    struct ext2_group_desc *gd = group_desc(g, &gb);
    if (!gd)
        return -EIO;
    int err = 0;
    struct buf *ib = bread(fs.dev, gd->bg_inode_bitmap);
    if (!ib) {
        err = -EIO;
    } else if (!bit_test(ib->data, bit)) {
        err = ext2_error("freeing inode %u, which is free already", ino);
    } else {
        bit_clear(ib->data, bit);
        bwrite(ib);
        gd->bg_free_inodes_count++;
        if (dir && gd->bg_used_dirs_count)
            gd->bg_used_dirs_count--;
        bwrite(gb);
        fs.sb.s_free_inodes_count++;
    }
    if (ib)
        brelse(ib);
    brelse(gb);
    return err;
}
