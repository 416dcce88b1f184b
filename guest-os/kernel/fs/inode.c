/*
 * inode.c: inodes in memory ("Inode Table"). iget() finds or reads one,
 * iput() lets go of one, iupdate() writes one's record back, ialloc()
 * makes a new one.
 *
 * Rules kept here:
 *  - At most one struct inode per inode number; it lives while it has
 *    references and is written back (iupdate) by whoever changes it.
 *  - Only the root and inodes from s_first_ino on can be reached: the
 *    reserved ones (bad blocks, the resize inode, the journal) are never
 *    read or written.
 *  - An inode whose link count is 0 on disk is not in use (a corrupt
 *    directory entry points at it): iget refuses it. So a link count of
 *    0 in memory always means this kernel unlinked it, and the last
 *    iput frees it (sets i_dtime, frees its blocks, clears its bit).
 *    Likewise a new inode is made only where the record has no links,
 *    whatever the bitmap says.
 *  - A read-only mount writes nothing.
 */
#include "ext2fs.h"
#include "buf.h"
#include "../errno.h"
#include "../kmalloc.h"
#include "../ktime.h"
#include "../lib.h"

#define S_IFMT_ 0170000

static uint32_t next_generation;

/* Where inode ino's record lives: its block and the offset in it. */
static int inode_location(uint32_t ino, uint32_t *block, uint32_t *offset)
{
    uint32_t g = (ino - 1) / fs.sb.s_inodes_per_group;
    uint32_t index = (ino - 1) % fs.sb.s_inodes_per_group;
    struct buf *b;
    struct ext2_group_desc *gd = group_desc(g, &b);
    if (!gd)
        return -EIO;
    uint32_t byte = index * fs.inode_size;
    *block = gd->bg_inode_table + (byte >> fs.log_bsize);
    *offset = byte & (fs.bsize - 1);
    brelse(b);
    return 0;
}

static bool valid_type(uint16_t mode)
{
    switch (mode & S_IFMT_) {
    case 0100000: case 0040000: case 0120000: case 0020000:
    case 0060000: case 0010000: case 0140000:
        return true;
    }
    return false;
}

static int read_inode(struct inode *ip)
{
    uint32_t block, offset;
    int err = inode_location(ip->ino, &block, &offset);
    if (err)
        return err;
    struct buf *b = bread(fs.dev, block);
    if (!b)
        return -EIO;
    memcpy(&ip->d, b->data + offset, sizeof ip->d);
    brelse(b);
    if (ip->d.i_links_count == 0)
        return ext2_error("inode %u is named but not in use", ip->ino);
    if (!valid_type(ip->d.i_mode))
        return ext2_error("inode %u has a bad mode 0%o", ip->ino, ip->d.i_mode);
    if (ip->d.i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL))
        return ext2_error("inode %u uses extents or inline data", ip->ino);
    return 0;
}

int iget(uint32_t ino, struct inode **out)
{
    if (ino != EXT2_ROOT_INO && (ino < fs.first_ino || ino > fs.sb.s_inodes_count))
        return ext2_error("bad inode number %u", ino);
    for (struct inode *ip = fs.inodes; ip; ip = ip->next) {
        if (ip->ino == ino) {
            ip->refs++;
            *out = ip;
            return 0;
        }
    }
    struct inode *ip = kmalloc(sizeof *ip);
    if (!ip)
        return -ENOMEM;
    ip->ino = ino;
    int err = read_inode(ip);
    if (err) {
        kfree(ip);
        return err;
    }
    ip->refs = 1;
    ip->next = fs.inodes;
    fs.inodes = ip;
    *out = ip;
    return 0;
}

struct inode *idup(struct inode *ip)
{
    ip->refs++;
    return ip;
}

int iupdate(struct inode *ip)
{
    if (fs.readonly)
        return 0;
    uint32_t block, offset;
    int err = inode_location(ip->ino, &block, &offset);
    if (err)
        return err;
    struct buf *b = bread(fs.dev, block);
    if (!b)
        return -EIO;
    memcpy(b->data + offset, &ip->d, sizeof ip->d);
    bwrite(b);
    brelse(b);
    return 0;
}

/* The last link and the last reference are gone ("i_dtime"). */
static void inode_delete(struct inode *ip)
{
    inode_release_blocks(ip);
    ip->d.i_dtime = time_now();
    iupdate(ip);
    inode_free_bit(ip->ino, inode_is_dir(ip));
}

void iput(struct inode *ip)
{
    ASSERT(ip->refs > 0);
    if (--ip->refs > 0)
        return;
    if (ip->d.i_links_count == 0 && !fs.readonly)
        inode_delete(ip);
    struct inode **pp = &fs.inodes;
    while (*pp != ip)
        pp = &(*pp)->next;
    *pp = ip->next;
    kfree(ip);
}

/* The large-inode fields of a new record: i_extra_isize as mke2fs sets
 * it (s_want_extra_isize) and the creation time. */
static void init_extra(uint8_t *rec, uint32_t now)
{
    uint32_t room = fs.inode_size - EXT2_GOOD_OLD_INODE_SIZE;
    if (room < sizeof(struct ext2_inode_extra))
        return;
    struct ext2_inode_extra *x = (struct ext2_inode_extra *)(rec + EXT2_GOOD_OLD_INODE_SIZE);
    uint32_t want = fs.sb.s_want_extra_isize;
    if (want < sizeof *x || want > room || (want & 3))
        want = sizeof *x;
    x->i_extra_isize = (uint16_t)want;
    x->i_crtime = now;
}

int ialloc(struct inode *dp, uint16_t mode, uint16_t links, struct inode **out)
{
    uint32_t ino, block, offset;
    bool dir = (mode & S_IFMT_) == 0040000;
    int err = inode_alloc_bit((dp->ino - 1) / fs.sb.s_inodes_per_group, dir, &ino);
    if (err)
        return err;
    err = inode_location(ino, &block, &offset);
    struct buf *b = err ? NULL : bread(fs.dev, block);
    if (!b) {
        inode_free_bit(ino, dir);
        return -EIO;
    }
    struct ext2_inode *d = (struct ext2_inode *)(b->data + offset);
    if (d->i_links_count) {
        /* the bitmap called a live inode free: leave it marked used */
        brelse(b);
        return ext2_error("the inode bitmap offers inode %u, which is in use", ino);
    }
    uint32_t now = time_now();
    memset(b->data + offset, 0, fs.inode_size);
    d->i_mode = mode;
    d->i_links_count = links;
    d->i_atime = d->i_ctime = d->i_mtime = now;
    d->i_generation = now + next_generation++;
    init_extra(b->data + offset, now);
    bwrite(b);
    brelse(b);
    err = iget(ino, out);
    if (err)
        inode_free_bit(ino, dir);
    return err;
}

uint64_t isize(const struct inode *ip)
{
    uint64_t size = ip->d.i_size;
    if (inode_is_reg(ip))
        size |= (uint64_t)ip->d.i_size_high << 32;
    return size;
}

/* A regular file of 2 GiB or more needs the large_file feature, which
 * Linux sets the first time one appears ("s_feature_ro_compat"). */
void iset_size(struct inode *ip, uint64_t size)
{
    ip->d.i_size = (uint32_t)size;
    if (inode_is_reg(ip)) {
        ip->d.i_size_high = (uint32_t)(size >> 32);
        if (size > 0x7FFFFFFFu)
            fs.sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
    }
}

/* A fast symlink keeps its target in i_block; it has no data block,
 * though it may have an extended-attribute block (as e2fsprogs counts). */
bool inode_is_fast_symlink(const struct inode *ip)
{
    uint32_t xattr = ip->d.i_file_acl ? fs.bsize >> 9 : 0;
    return inode_is_lnk(ip) && ip->d.i_blocks == xattr;
}

/* Device numbers: the old 8+8-bit encoding in i_block[0], else Linux's
 * new one in i_block[1] (major in bits 8-19, minor in 0-7 and 20-31). */
uint32_t inode_rdev(const struct inode *ip)
{
    uint16_t type = ip->d.i_mode & S_IFMT_;
    if (type != 0020000 && type != 0060000)
        return 0;
    uint32_t b0 = ip->d.i_block[0], b1 = ip->d.i_block[1];
    if (b0)
        return b0 & 0xFFFF;
    uint32_t major = (b1 >> 8) & 0xFFF, minor = (b1 & 0xFF) | ((b1 >> 12) & 0xFFF00);
    return ((major & 0xFF) << 8) | (minor & 0xFF);
}

void inode_touch(struct inode *ip, bool modified)
{
    uint32_t now = time_now();
    ip->d.i_ctime = now;
    if (modified)
        ip->d.i_mtime = now;
}
