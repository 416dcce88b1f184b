/*
 * sysstatfs.c: statfs64 and fstatfs64, what df asks: the size of the
 * file system and how much of it is free, laid out as Linux's i386
 * struct statfs64.
 *
 * Rules kept here:
 *  - The counts are the superblock's (balloc.c keeps them in step with
 *    the bitmaps) and are read under the file-system lock.
 *  - As Linux's ext2 reports them (its default "bsddf"): the total leaves
 *    out the blocks the file system itself takes (superblock copies,
 *    group descriptors, bitmaps, inode tables); the blocks available to
 *    a user leave out those reserved for root.
 *  - The caller passes the size of its struct; anything but Linux's is
 *    -EINVAL, as Linux answers.
 *  - fstatfs64 reports the root file system for a handle on a file or a
 *    directory; any other handle (the console, an event) is -EINVAL.
 */
#include "ext2fs.h"
#include "fssys.h"
#include "../errno.h"
#include "../lib.h"
#include "../object.h"
#include "../proc.h"
#include "../uaccess.h"

#define ST_RDONLY 0x0001
#define ST_VALID 0x0020

/* Linux's i386 struct statfs64: 64-bit counts at 4-byte alignment. */
struct statfs64 {
    uint32_t f_type, f_bsize;
    uint32_t f_blocks[2], f_bfree[2], f_bavail[2], f_files[2], f_ffree[2];
    uint32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};

_Static_assert(sizeof(struct statfs64) == 84, "Linux i386 struct statfs64 is 84 bytes");

static void put64(uint32_t *f, uint64_t v)
{
    f[0] = (uint32_t)v;
    f[1] = (uint32_t)(v >> 32);
}

/* Blocks that hold no file data: before the first group, and in each
 * group its superblock copy and descriptors (where it keeps them), its
 * two bitmaps and its inode table. */
static uint32_t overhead_blocks(void)
{
    uint32_t n = fs.sb.s_first_data_block;
    for (uint32_t g = 0; g < fs.ngroups; g++)
        n += (group_has_super(g) ? 1 + fs.gdt_blocks : 0) + 2 + fs.itable_blocks;
    return n;
}

/* Called with the lock held. */
static void fill_statfs(struct statfs64 *s)
{
    memset(s, 0, sizeof *s);
    const struct ext2_super *sb = &fs.sb;
    s->f_type = EXT2_SUPER_MAGIC;
    s->f_bsize = s->f_frsize = fs.bsize;
    uint32_t over = MIN(overhead_blocks(), sb->s_blocks_count);
    put64(s->f_blocks, sb->s_blocks_count - over);
    put64(s->f_bfree, sb->s_free_blocks_count);
    uint32_t avail = sb->s_free_blocks_count > sb->s_r_blocks_count
                         ? sb->s_free_blocks_count - sb->s_r_blocks_count : 0;
    put64(s->f_bavail, avail);
    put64(s->f_files, sb->s_inodes_count);
    put64(s->f_ffree, sb->s_free_inodes_count);
    /* the two halves of the UUID folded together, as Linux makes it */
    uint32_t u[4];
    memcpy(u, sb->s_uuid, sizeof u);
    s->f_fsid[0] = u[0] ^ u[2];
    s->f_fsid[1] = u[1] ^ u[3];
    s->f_namelen = EXT2_NAME_LEN;
    s->f_flags = ST_VALID | (fs.readonly ? ST_RDONLY : 0);
}

static long statfs_copyout(uint32_t size, uint32_t ubuf)
{
    if (size != sizeof(struct statfs64))
        return -EINVAL;
    struct statfs64 s;
    fs_lock();
    fill_statfs(&s);
    fs_unlock();
    return copyout(ubuf, &s, sizeof s) < 0 ? -EFAULT : 0;
}

/* statfs64(path, size, buf): the path must exist (it follows links). */
long sys_statfs64(const uint32_t *arg)
{
    char *path;
    int err = path_get(arg[0], &path);
    if (err)
        return err;
    struct inode *ip;
    fs_lock();
    err = namei(NULL, path, NAMEI_FOLLOW, &ip);
    if (!err)
        iput(ip);
    fs_unlock();
    path_put(path);
    return err ? err : statfs_copyout(arg[1], arg[2]);
}

/* fstatfs64(fd, size, buf) */
long sys_fstatfs64(const uint32_t *arg)
{
    struct object *o = handle_ref(curproc(), (int)arg[0]);
    if (!o)
        return -EBADF;
    long r = file_inode(o) ? statfs_copyout(arg[1], arg[2]) : -EINVAL;
    object_put(o);
    return r;
}
