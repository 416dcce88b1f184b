/*
 * dir.c: directory entries ("Linked Directory Entry Structure"): finding,
 * adding, removing and changing them, by linear search.
 *
 * Rules kept here:
 *  - A directory is whole blocks without holes. Each block is checked
 *    before any entry in it is used: every record at least as long as
 *    its header and name, 4-byte aligned, inside the block, the chain
 *    ending exactly at the block's end, inode numbers in range.
 *  - Adding reuses an unused record or the slack at the end of a used
 *    one (a record longer than its name needs), else appends a block.
 *    Removing merges the record into the previous one in its block, or
 *    marks it unused (inode 0) when it is the first.
 *  - A directory changed here loses EXT2_INDEX_FL: its htree index (if
 *    dir_index made one) no longer describes it, and a reader that knows
 *    htrees must fall back to the linear search, as Linux's ext2 does.
 *  - A directory whose link count is 0 has been removed: it holds
 *    nothing and nothing can be added to it.
 */
#include "ext2fs.h"
#include "buf.h"
#include "../errno.h"
#include "../lib.h"

static uint32_t name_len(const struct ext2_dirent *de)
{
    /* without the filetype feature the name length is 16 bits */
    return fs.filetype ? de->name_len : de->name_len | (uint32_t)de->file_type << 8;
}

static bool name_is(const struct ext2_dirent *de, const char *name, uint32_t len)
{
    return de->inode && name_len(de) == len && memcmp(de->name, name, len) == 0;
}

static bool is_dot_or_dotdot(const struct ext2_dirent *de)
{
    return name_is(de, ".", 1) || name_is(de, "..", 2);
}

static uint8_t mode_to_ftype(uint16_t mode)
{
    static const uint8_t ft[16] = {
        [001] = EXT2_FT_FIFO, [002] = EXT2_FT_CHRDEV, [004] = EXT2_FT_DIR,
        [006] = EXT2_FT_BLKDEV, [010] = EXT2_FT_REG_FILE, [012] = EXT2_FT_SYMLINK,
        [014] = EXT2_FT_SOCK,
    };
    return ft[(mode >> 12) & 017];
}

uint8_t dirent_type(const struct ext2_dirent *de)
{
    /* Linux's DT_* values for EXT2_FT_* */
    static const uint8_t dt[8] = {0, 8, 4, 2, 6, 1, 12, 10};
    return fs.filetype && de->file_type < 8 ? dt[de->file_type] : 0;
}

static void set_entry(struct ext2_dirent *de, const char *name, uint32_t len, uint32_t ino,
                      uint16_t mode)
{
    de->inode = ino;
    de->name_len = (uint8_t)len;
    de->file_type = fs.filetype ? mode_to_ftype(mode) : 0;
    memcpy(de->name, name, len);
}

static int check_block(struct inode *dp, const uint8_t *data, uint32_t lbn)
{
    uint32_t off = 0;
    while (off < fs.bsize) {
        const struct ext2_dirent *de = (const struct ext2_dirent *)(data + off);
        uint32_t rec = de->rec_len;
        if (rec < EXT2_DIRENT_HEADER || (rec & 3) || rec > fs.bsize - off ||
            EXT2_DIRENT_HEADER + name_len(de) > rec || name_len(de) > EXT2_NAME_LEN ||
            de->inode > fs.sb.s_inodes_count)
            return ext2_error("directory %u: bad entry in block %u at offset %u", dp->ino,
                              lbn, off);
        off += rec;
    }
    return 0;
}

/* Block lbn of directory dp, held and checked, or NULL with *err set. */
static struct buf *dir_block(struct inode *dp, uint32_t lbn, int *err)
{
    uint32_t b;
    *err = bmap(dp, lbn, false, &b);
    if (*err)
        return NULL;
    if (!b) {
        *err = ext2_error("directory %u: hole at block %u", dp->ino, lbn);
        return NULL;
    }
    struct buf *bp = bread(fs.dev, b);
    if (!bp) {
        *err = -EIO;
        return NULL;
    }
    *err = check_block(dp, bp->data, lbn);
    if (*err) {
        brelse(bp);
        return NULL;
    }
    return bp;
}

/* Called on each record, used or not, with its block's buffer and the
 * record before it in the block; a non-zero return stops the walk. */
typedef int (*visit_fn)(void *arg, struct buf *bp, struct ext2_dirent *de,
                        struct ext2_dirent *prev, uint64_t pos);

static int walk(struct inode *dp, uint64_t from, visit_fn fn, void *arg)
{
    uint32_t size = dp->d.i_size;
    if (size & (fs.bsize - 1))
        return ext2_error("directory %u: size %u is not whole blocks", dp->ino, size);
    if (dp->d.i_links_count == 0 || from >= size)
        return 0;
    for (uint32_t lbn = (uint32_t)(from >> fs.log_bsize); lbn < size >> fs.log_bsize; lbn++) {
        int err;
        struct buf *bp = dir_block(dp, lbn, &err);
        if (!bp)
            return err;
        struct ext2_dirent *prev = NULL;
        for (uint32_t off = 0; off < fs.bsize;) {
            struct ext2_dirent *de = (struct ext2_dirent *)(bp->data + off);
            uint32_t rec = de->rec_len;   /* fn may change it, but then it stops */
            uint64_t pos = ((uint64_t)lbn << fs.log_bsize) + off;
            int r = pos >= from ? fn(arg, bp, de, prev, pos) : 0;
            if (r) {
                brelse(bp);
                return r;
            }
            prev = de;
            off += rec;
        }
        brelse(bp);
    }
    return 0;
}

/* A directory changed: its times, and no more htree index. */
static void dir_changed(struct inode *dp)
{
    dp->d.i_flags &= ~(uint32_t)EXT2_INDEX_FL;
    inode_touch(dp, true);
    iupdate(dp);
}

struct search {
    const char *name;
    uint32_t len;
    uint32_t ino;
    uint16_t mode;
};

static int visit_lookup(void *arg, struct buf *bp, struct ext2_dirent *de,
                        struct ext2_dirent *prev, uint64_t pos)
{
    struct search *s = arg;
    (void)bp, (void)prev, (void)pos;
    if (!name_is(de, s->name, s->len))
        return 0;
    s->ino = de->inode;
    return 1;
}

int dir_lookup(struct inode *dp, const char *name, uint32_t len, uint32_t *ino)
{
    struct search s = {.name = name, .len = len};
    int r = walk(dp, 0, visit_lookup, &s);
    if (r < 0)
        return r;
    if (r == 0)
        return -ENOENT;
    *ino = s.ino;
    return 0;
}

static int visit_add(void *arg, struct buf *bp, struct ext2_dirent *de,
                     struct ext2_dirent *prev, uint64_t pos)
{
    struct search *s = arg;
    uint32_t need = EXT2_DIRENT_SIZE(s->len);
    (void)prev, (void)pos;
    if (!de->inode && de->rec_len >= need) {
        set_entry(de, s->name, s->len, s->ino, s->mode);
    } else if (de->inode && de->rec_len - EXT2_DIRENT_SIZE(name_len(de)) >= need) {
        uint32_t used = EXT2_DIRENT_SIZE(name_len(de));
        struct ext2_dirent *next = (struct ext2_dirent *)((uint8_t *)de + used);
        next->rec_len = (uint16_t)(de->rec_len - used);
        de->rec_len = (uint16_t)used;
        set_entry(next, s->name, s->len, s->ino, s->mode);
    } else {
        return 0;
    }
    bwrite(bp);
    return 1;
}

/* A new last block holding one record that spans it. */
static int append_block(struct inode *dp, struct search *s)
{
    uint32_t size = dp->d.i_size, b;
    if (size > UINT32_MAX - fs.bsize)
        return -EFBIG;
    int err = bmap(dp, size >> fs.log_bsize, true, &b);
    if (err)
        return err;
    struct buf *bp = bread(fs.dev, b);
    if (!bp)
        return -EIO;
    struct ext2_dirent *de = (struct ext2_dirent *)bp->data;
    de->rec_len = (uint16_t)fs.bsize;
    set_entry(de, s->name, s->len, s->ino, s->mode);
    bwrite(bp);
    brelse(bp);
    dp->d.i_size = size + fs.bsize;
    return 0;
}

int dir_add(struct inode *dp, const char *name, uint32_t len, uint32_t ino, uint16_t mode)
{
    if (dp->d.i_links_count == 0)
        return -ENOENT;
    struct search s = {.name = name, .len = len, .ino = ino, .mode = mode};
    int r = walk(dp, 0, visit_add, &s);
    if (r == 0)
        r = append_block(dp, &s);
    if (r < 0)
        return r;
    dir_changed(dp);
    return 0;
}

static int visit_remove(void *arg, struct buf *bp, struct ext2_dirent *de,
                        struct ext2_dirent *prev, uint64_t pos)
{
    struct search *s = arg;
    (void)pos;
    if (!name_is(de, s->name, s->len))
        return 0;
    if (prev)
        prev->rec_len = (uint16_t)(prev->rec_len + de->rec_len);
    else
        de->inode = 0;
    bwrite(bp);
    return 1;
}

int dir_remove(struct inode *dp, const char *name, uint32_t len)
{
    struct search s = {.name = name, .len = len};
    int r = walk(dp, 0, visit_remove, &s);
    if (r < 0)
        return r;
    if (r == 0)
        return -ENOENT;
    dir_changed(dp);
    return 0;
}

static int visit_retarget(void *arg, struct buf *bp, struct ext2_dirent *de,
                          struct ext2_dirent *prev, uint64_t pos)
{
    struct search *s = arg;
    (void)prev, (void)pos;
    if (!name_is(de, s->name, s->len))
        return 0;
    de->inode = s->ino;
    if (fs.filetype)
        de->file_type = mode_to_ftype(s->mode);
    bwrite(bp);
    return 1;
}

int dir_retarget(struct inode *dp, const char *name, uint32_t len, uint32_t ino, uint16_t mode)
{
    struct search s = {.name = name, .len = len, .ino = ino, .mode = mode};
    int r = walk(dp, 0, visit_retarget, &s);
    if (r < 0)
        return r;
    if (r == 0)
        return -ENOENT;
    dir_changed(dp);
    return 0;
}

static int visit_other(void *arg, struct buf *bp, struct ext2_dirent *de,
                       struct ext2_dirent *prev, uint64_t pos)
{
    (void)arg, (void)bp, (void)prev, (void)pos;
    return de->inode && !is_dot_or_dotdot(de);
}

/* 1 when dp holds nothing but '.' and '..', 0 when it holds more. */
int dir_is_empty(struct inode *dp)
{
    int r = walk(dp, 0, visit_other, NULL);
    return r < 0 ? r : !r;
}

int dir_make(struct inode *dp, uint32_t parent)
{
    uint32_t b;
    int err = bmap(dp, 0, true, &b);
    if (err)
        return err;
    struct buf *bp = bread(fs.dev, b);
    if (!bp)
        return -EIO;
    struct ext2_dirent *dot = (struct ext2_dirent *)bp->data;
    dot->rec_len = EXT2_DIRENT_SIZE(1);
    set_entry(dot, ".", 1, dp->ino, 0040000);
    struct ext2_dirent *dotdot = (struct ext2_dirent *)(bp->data + dot->rec_len);
    dotdot->rec_len = (uint16_t)(fs.bsize - dot->rec_len);
    set_entry(dotdot, "..", 2, parent, 0040000);
    bwrite(bp);
    brelse(bp);
    dp->d.i_size = fs.bsize;
    return iupdate(dp);
}

struct name_search {
    uint32_t ino;
    char *name;
};

static int visit_name_of(void *arg, struct buf *bp, struct ext2_dirent *de,
                         struct ext2_dirent *prev, uint64_t pos)
{
    struct name_search *s = arg;
    (void)bp, (void)prev, (void)pos;
    if (de->inode != s->ino || is_dot_or_dotdot(de))
        return 0;
    memcpy(s->name, de->name, name_len(de));
    s->name[name_len(de)] = 0;
    return 1;
}

/* The name under which dp lists inode ino (EXT2_NAME_LEN + 1 bytes). */
int dir_name_of(struct inode *dp, uint32_t ino, char *name)
{
    struct name_search s = {.ino = ino, .name = name};
    int r = walk(dp, 0, visit_name_of, &s);
    return r < 0 ? r : r ? 0 : -ENOENT;
}

struct iterate {
    dir_fn fn;
    void *arg;
    uint64_t *pos;
};

static int visit_iterate(void *arg, struct buf *bp, struct ext2_dirent *de,
                         struct ext2_dirent *prev, uint64_t pos)
{
    struct iterate *it = arg;
    uint64_t next = pos + de->rec_len;
    (void)bp, (void)prev;
    if (de->inode) {
        int r = it->fn(it->arg, de, next);
        if (r)
            return r;
    }
    *it->pos = next;
    return 0;
}

int dir_iterate(struct inode *dp, uint64_t *pos, dir_fn fn, void *arg)
{
    struct iterate it = {.fn = fn, .arg = arg, .pos = pos};
    return walk(dp, *pos, visit_iterate, &it);
}

/* For callers outside: the length of an entry's name. */
uint32_t dirent_name_len(const struct ext2_dirent *de)
{
    return name_len(de);
}
