/*
 * super.c: mounting an ext2 file system, its superblock and its group
 * descriptors ("Superblock", "Block Group Descriptor Table").
 *
 * Rules kept here:
 *  - A file system is mounted only when every feature that changes how
 *    data are found (s_feature_incompat) is one we implement; with an
 *    unknown s_feature_ro_compat feature it is mounted read-only.
 *  - The geometry is checked once, at mount: block and inode counts
 *    agree with the groups, the image holds every block, and each
 *    group's bitmaps and inode table lie inside the file system. Later
 *    code relies on these checks and on block_check() for block numbers
 *    found in inodes.
 *  - The superblock's free counts are the sums of the groups' counts:
 *    recomputed at mount, kept in step by balloc.c, written by ext2_sync.
 *    Only the primary superblock is written; the backups are left alone,
 *    as Linux does.
 */
#include <stdarg.h>

#include "ext2fs.h"
#include "blockdev.h"
#include "buf.h"
#include "../errno.h"
#include "../ktime.h"
#include "../lib.h"

struct fs fs;

int ext2_error(const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintk(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printk("ext2: %s\n", msg);
    return -EIO;
}

uint32_t group_first_block(uint32_t g)
{
    return fs.sb.s_first_data_block + g * fs.sb.s_blocks_per_group;
}

/* The last group ends with the file system and may be short. */
uint32_t group_nblocks(uint32_t g)
{
    uint32_t left = fs.sb.s_blocks_count - group_first_block(g);
    return MIN(left, fs.sb.s_blocks_per_group);
}

struct ext2_group_desc *group_desc(uint32_t g, struct buf **bp)
{
    uint32_t per_block = fs.bsize / sizeof(struct ext2_group_desc);
    if (g >= fs.ngroups) {
        ext2_error("group %u out of range", g);
        return NULL;
    }
    struct buf *b = bread(fs.dev, fs.gdt_first + g / per_block);
    if (!b)
        return NULL;
    *bp = b;
    return (struct ext2_group_desc *)b->data + g % per_block;
}

static bool power_of(uint32_t n, uint32_t base)
{
    while (n > 1 && n % base == 0)
        n /= base;
    return n == 1;
}

/* With sparse_super only groups 0, 1 and powers of 3, 5 and 7 keep a
 * copy of the superblock and descriptors ("Superblock" / sparse). */
bool group_has_super(uint32_t g)
{
    if (g <= 1 || !(fs.sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
        return true;
    return power_of(g, 3) || power_of(g, 5) || power_of(g, 7);
}

static bool in_range(uint32_t b, uint32_t first, uint32_t n)
{
    return b >= first && b - first < n;
}

/* What block_check found, for its console line. */
static const char *block_problem(uint32_t b)
{
    if (b < fs.sb.s_first_data_block || b >= fs.sb.s_blocks_count)
        return "outside the file system";
    uint32_t g = (b - fs.sb.s_first_data_block) / fs.sb.s_blocks_per_group;
    if (group_has_super(g) &&
        in_range(b, group_first_block(g), 1 + fs.gdt_blocks + fs.sb.s_reserved_gdt_blocks))
        return "a superblock or descriptor";
    struct buf *bp;
    struct ext2_group_desc *gd = group_desc(g, &bp);
    if (!gd)
        return "unreadable (its group descriptor)";
    bool meta = b == gd->bg_block_bitmap || b == gd->bg_inode_bitmap ||
                in_range(b, gd->bg_inode_table, fs.itable_blocks);
    brelse(bp);
    return meta ? "a bitmap or inode table" : NULL;
}

int block_check(uint32_t b, uint32_t ino)
{
    const char *problem = block_problem(b);
    if (!problem)
        return 0;
    if (ino)
        return ext2_error("inode %u: block %u is %s", ino, b, problem);
    return ext2_error("block %u is %s", b, problem);
}

/* One line naming the first incompatible feature we do not implement. */
static int check_incompat(uint32_t f)
{
    static const struct {
        uint32_t bit;
        const char *what;
    } names[] = {
        {EXT3_FEATURE_INCOMPAT_RECOVER, "needs journal recovery (mount it on Linux or run e2fsck)"},
        {EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "is an external journal"},
        {EXT4_FEATURE_INCOMPAT_EXTENTS, "uses extents (ext4)"},
        {EXT4_FEATURE_INCOMPAT_64BIT, "uses 64-bit block numbers (ext4)"},
        {EXT2_FEATURE_INCOMPAT_META_BG, "uses meta_bg"},
        {EXT2_FEATURE_INCOMPAT_COMPRESSION, "uses compression"},
        {EXT4_FEATURE_INCOMPAT_INLINE_DATA, "uses inline data"},
        {EXT4_FEATURE_INCOMPAT_MMP, "uses multi-mount protection"},
    };
    /* flex_bg only moves bitmaps and tables, which we find through the
     * descriptors anyway. */
    uint32_t unknown = f & ~(EXT2_FEATURE_INCOMPAT_FILETYPE | EXT4_FEATURE_INCOMPAT_FLEX_BG);
    if (!unknown)
        return 0;
    for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
        if (unknown & names[i].bit)
            return ext2_error("file system %s; not mounting it", names[i].what);
    return ext2_error("unsupported incompatible features 0x%x; not mounting it", unknown);
}

static int read_super(void)
{
    int err = bcache_set_block_size(fs.dev, 1024);
    if (err)
        return err;
    struct buf *b = bread(fs.dev, EXT2_SUPER_OFFSET / 1024);
    if (!b)
        return ext2_error("cannot read the superblock");
    memcpy(&fs.sb, b->data, sizeof fs.sb);
    brelse(b);
    if (fs.sb.s_magic != EXT2_SUPER_MAGIC)
        return ext2_error("no ext2 file system (magic 0x%x)", fs.sb.s_magic);
    if (fs.sb.s_rev_level > EXT2_DYNAMIC_REV)
        return ext2_error("revision %u is not supported", fs.sb.s_rev_level);
    err = check_incompat(fs.sb.s_feature_incompat);
    if (err)
        return err;
    uint32_t ro = fs.sb.s_feature_ro_compat &
                  ~(uint32_t)(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
                              EXT2_FEATURE_RO_COMPAT_LARGE_FILE |
                              EXT2_FEATURE_RO_COMPAT_BTREE_DIR);
    if (ro) {
        printk("ext2: read-only features 0x%x we cannot keep up to date; mounting read-only\n",
               ro);
        fs.readonly = true;
    }
    return 0;
}

static int geometry(void)
{
    struct ext2_super *s = &fs.sb;
    if (s->s_log_block_size > 2)
        return ext2_error("block size %u KiB is not supported", 1u << s->s_log_block_size);
    fs.log_bsize = 10 + s->s_log_block_size;
    fs.bsize = 1u << fs.log_bsize;
    fs.log_ptrs = fs.log_bsize - 2;
    /* revision 0 has fixed values for these ("s_rev_level"); its feature
     * fields are zero */
    bool rev0 = s->s_rev_level == EXT2_GOOD_OLD_REV;
    fs.inode_size = rev0 ? EXT2_GOOD_OLD_INODE_SIZE : s->s_inode_size;
    fs.first_ino = rev0 ? EXT2_GOOD_OLD_FIRST_INO : s->s_first_ino;
    fs.filetype = s->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
    if (s->s_first_data_block != (fs.bsize == 1024 ? 1u : 0u))
        return ext2_error("first data block %u is wrong", s->s_first_data_block);
    if (s->s_blocks_per_group == 0 || s->s_blocks_per_group > 8 * fs.bsize ||
        s->s_inodes_per_group == 0 || s->s_inodes_per_group > 8 * fs.bsize)
        return ext2_error("bad group size (%u blocks, %u inodes)", s->s_blocks_per_group,
                          s->s_inodes_per_group);
    if (fs.inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs.inode_size > fs.bsize ||
        (fs.inode_size & (fs.inode_size - 1)))
        return ext2_error("bad inode size %u", fs.inode_size);
    if (s->s_blocks_count <= s->s_first_data_block)
        return ext2_error("bad block count %u", s->s_blocks_count);
    uint32_t data = s->s_blocks_count - s->s_first_data_block;
    fs.ngroups = data / s->s_blocks_per_group + (data % s->s_blocks_per_group != 0);
    if ((uint64_t)fs.ngroups * s->s_inodes_per_group != s->s_inodes_count)
        return ext2_error("inode count %u does not match %u groups", s->s_inodes_count,
                          fs.ngroups);
    if (fs.first_ino <= EXT2_ROOT_INO || fs.first_ino >= s->s_inodes_count)
        return ext2_error("bad first inode %u", fs.first_ino);
    if ((uint64_t)s->s_blocks_count << fs.log_bsize > fs.dev->nsectors * SECTOR_SIZE)
        return ext2_error("the image is shorter than the file system (%u blocks)",
                          s->s_blocks_count);
    uint32_t per_block = fs.bsize / sizeof(struct ext2_group_desc);
    fs.gdt_first = s->s_first_data_block + 1;
    fs.gdt_blocks = (fs.ngroups + per_block - 1) / per_block;
    if (fs.gdt_first + fs.gdt_blocks > s->s_blocks_count)
        return ext2_error("group descriptors past the end");
    fs.itable_blocks = (uint32_t)(((uint64_t)s->s_inodes_per_group * fs.inode_size +
                                   fs.bsize - 1) >> fs.log_bsize);
    /* 12 direct blocks, then one, two and three levels of indirection */
    uint64_t p = 1u << fs.log_ptrs;
    uint64_t nblocks = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
    fs.max_size = MIN(nblocks << fs.log_bsize, (uint64_t)1 << 40);
    if (rev0)
        fs.max_size = MIN(fs.max_size, 0x7FFFFFFFu);   /* no large_file feature */
    return 0;
}

/* Every group's bitmaps and table inside the fs; the free counts summed. */
static int check_groups(void)
{
    uint32_t free_blocks = 0, free_inodes = 0;
    for (uint32_t g = 0; g < fs.ngroups; g++) {
        struct buf *b;
        struct ext2_group_desc *gd = group_desc(g, &b);
        if (!gd)
            return -EIO;
        uint32_t n = fs.sb.s_blocks_count;
        bool bad = gd->bg_block_bitmap < fs.sb.s_first_data_block || gd->bg_block_bitmap >= n ||
                   gd->bg_inode_bitmap < fs.sb.s_first_data_block || gd->bg_inode_bitmap >= n ||
                   gd->bg_inode_table < fs.sb.s_first_data_block ||
                   gd->bg_inode_table >= n || n - gd->bg_inode_table < fs.itable_blocks ||
                   gd->bg_free_blocks_count > group_nblocks(g) ||
                   gd->bg_free_inodes_count > fs.sb.s_inodes_per_group;
        free_blocks += gd->bg_free_blocks_count;
        free_inodes += gd->bg_free_inodes_count;
        brelse(b);
        if (bad)
            return ext2_error("group %u: bad descriptor", g);
    }
    fs.sb.s_free_blocks_count = free_blocks;
    fs.sb.s_free_inodes_count = free_inodes;
    return 0;
}

int ext2_mount(struct blockdev *dev)
{
    memset(&fs, 0, sizeof fs);
    fs.dev = dev;
    int err = read_super();
    if (!err)
        err = geometry();
    if (!err)
        err = bcache_set_block_size(dev, fs.bsize);
    if (!err)
        err = check_groups();
    if (!err)
        err = iget(EXT2_ROOT_INO, &fs.root);
    if (err)
        return err;
    if (!inode_is_dir(fs.root)) {
        iput(fs.root);
        fs.root = NULL;
        return ext2_error("the root inode is not a directory");
    }
    if (!fs.readonly) {
        fs.sb.s_mtime = time_now();
        fs.sb.s_mnt_count++;
    }
    printk(KERN_INFO "ext2: %u KiB blocks, %u of %u free, %u of %u inodes free%s\n",
           fs.bsize / 1024, fs.sb.s_free_blocks_count, fs.sb.s_blocks_count,
           fs.sb.s_free_inodes_count, fs.sb.s_inodes_count, fs.readonly ? ", read-only" : "");
    return 0;
}

static int write_super(void)
{
    struct buf *b = bread(fs.dev, EXT2_SUPER_OFFSET >> fs.log_bsize);
    if (!b)
        return -EIO;
    fs.sb.s_wtime = time_now();
    memcpy(b->data + (EXT2_SUPER_OFFSET & (fs.bsize - 1)), &fs.sb, sizeof fs.sb);
    bwrite(b);
    brelse(b);
    return 0;
}

int ext2_sync(void)
{
    if (fs.readonly)
        return 0;
    int err = write_super();
    int err2 = bsync(fs.dev);
    return err ? err : err2;
}
