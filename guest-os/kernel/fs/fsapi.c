/*
 * fsapi.c: the file system as the rest of the kernel sees it (fs.h):
 * mounting the root, inode references, path lookup, reading files for
 * exec, stat, sync. Each function takes the file-system lock.
 */
#include "ext2fs.h"
#include "blockdev.h"
#include "../errno.h"
#include "../fs.h"
#include "../kstat.h"
#include "../lib.h"

/* Called once at boot, before any process exists: no lock needed.
 * 0, or a negative errno after a console line saying why. */
int fs_init(void *image, uint32_t size)
{
    struct blockdev *dev = ramdisk_create(image, size);
    if (!dev) {
        printk("ext2: no memory for the RAM disk\n");
        return -ENOMEM;
    }
    return ext2_mount(dev);
}

int fs_mount(struct blockdev *dev)
{
    return ext2_mount(dev);
}

struct inode *fs_root(void)
{
    fs_lock();
    struct inode *ip = idup(fs.root);
    fs_unlock();
    return ip;
}

struct inode *inode_get(struct inode *ip)
{
    fs_lock();
    idup(ip);
    fs_unlock();
    return ip;
}

void inode_put(struct inode *ip)
{
    fs_lock();
    iput(ip);
    fs_unlock();
}

int fs_namei(const char *path, struct inode **out)
{
    fs_lock();
    int err = namei(NULL, path, NAMEI_FOLLOW, out);
    fs_unlock();
    return err;
}

/* Everyone is root here: a regular file with any execute bit runs. */
int inode_exec_check(struct inode *ip)
{
    fs_lock();
    int ok = inode_is_reg(ip) && (ip->d.i_mode & 0111);
    fs_unlock();
    return ok ? 0 : -EACCES;
}

long inode_read(struct inode *ip, void *kbuf, uint64_t off, uint32_t n)
{
    struct xfer x = {.user = false, .kaddr = kbuf};
    fs_lock();
    long r = inode_is_dir(ip) ? -EISDIR : readi(ip, &x, off, n);
    fs_unlock();
    return r;
}

void inode_stat(struct inode *ip, struct kstat *st)
{
    fs_lock();
    memset(st, 0, sizeof *st);
    st->dev = fs.dev->st_dev;
    st->ino = ip->ino;
    st->mode = ip->d.i_mode;
    st->nlink = ip->d.i_links_count;
    st->uid = ip->d.i_uid | (uint32_t)ip->d.i_uid_high << 16;
    st->gid = ip->d.i_gid | (uint32_t)ip->d.i_gid_high << 16;
    st->rdev = inode_rdev(ip);
    st->size = isize(ip);
    st->blksize = fs.bsize;
    st->blocks = ip->d.i_blocks;
    st->atime = ip->d.i_atime;
    st->mtime = ip->d.i_mtime;
    st->ctime = ip->d.i_ctime;
    fs_unlock();
}

void fs_sync(void)
{
    fs_lock();
    ext2_sync();
    fs_unlock();
}
