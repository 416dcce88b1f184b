/*
 * file.c: open files, the kernel objects (object.h) that open() puts in
 * the handle table for regular files and directories.
 *
 * Rules kept here:
 *  - A file holds a reference to its inode and the file offset; dup and
 *    fork share the object and so the offset.
 *  - Every op takes the file-system lock for its whole length; release
 *    too, since it puts the inode (possibly deleting it).
 *  - Access modes are those open() gave: read on a write-only file and
 *    write on a read-only one are -EBADF; with O_APPEND every write
 *    starts at the end of the file as it is then.
 *  - Reading updates the access time as Linux's relatime does: when it
 *    is not newer than the last change, or older than a day.
 */
#include "ext2fs.h"
#include "../errno.h"
#include "../fs.h"
#include "../kmalloc.h"
#include "../kstat.h"
#include "../ktime.h"
#include "../lib.h"
#include "../object.h"

#define MAX_RW 0x7FFFF000u       /* Linux's MAX_RW_COUNT: a count fits a long */

struct file {
    struct object obj;
    struct inode *ip;
    uint64_t off;
};

static struct file *to_file(struct object *o) { return container_of(o, struct file, obj); }

static void touch_atime(struct inode *ip)
{
    uint32_t now = time_now(), a = ip->d.i_atime;
    if (fs.readonly)
        return;
    if (a <= ip->d.i_mtime || a <= ip->d.i_ctime || now - a >= 24 * 3600) {
        ip->d.i_atime = now;
        iupdate(ip);
    }
}

static long file_read(struct object *o, uint32_t ubuf, uint32_t n)
{
    struct file *f = to_file(o);
    if (!object_readable(o))
        return -EBADF;
    fs_lock();
    long r = -EISDIR;
    if (!inode_is_dir(f->ip)) {
        struct xfer x = {.user = true, .uaddr = ubuf};
        r = readi(f->ip, &x, f->off, MIN(n, MAX_RW));
        if (r > 0) {
            f->off += (uint64_t)r;
            touch_atime(f->ip);
        }
    }
    fs_unlock();
    return r;
}

static long file_write(struct object *o, uint32_t ubuf, uint32_t n)
{
    struct file *f = to_file(o);
    if (!object_writable(o))
        return -EBADF;
    fs_lock();
    long r = -EISDIR;
    if (fs.readonly) {
        r = -EROFS;
    } else if (!inode_is_dir(f->ip)) {
        uint64_t off = (o->flags & O_APPEND) ? isize(f->ip) : f->off;
        struct xfer x = {.user = true, .uaddr = ubuf};
        r = writei(f->ip, &x, off, MIN(n, MAX_RW));
        if (r > 0)
            f->off = off + (uint64_t)r;
    }
    fs_unlock();
    return r;
}

static long file_lseek(struct object *o, int64_t off, int whence, int64_t *pos)
{
    struct file *f = to_file(o);
    fs_lock();
    int64_t base = whence == SEEK_SET ? 0
                 : whence == SEEK_CUR ? (int64_t)f->off
                 : (int64_t)isize(f->ip);
    long r = 0;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        r = -EINVAL;
    else if (off > 0 ? base > INT64_MAX - off : base + off < 0)
        r = -EINVAL;
    else
        *pos = (int64_t)(f->off = (uint64_t)(base + off));
    fs_unlock();
    return r;
}

static long file_stat(struct object *o, struct kstat *st)
{
    inode_stat(to_file(o)->ip, st);
    return 0;
}

static long file_getdents(struct object *o, uint32_t ubuf, uint32_t n)
{
    struct file *f = to_file(o);
    fs_lock();
    long r = -ENOTDIR;
    if (inode_is_dir(f->ip)) {
        r = dir_getdents(f->ip, &f->off, ubuf, n);
        touch_atime(f->ip);
    }
    fs_unlock();
    return r;
}

int inode_truncate(struct inode *ip, uint64_t len)
{
    if (inode_is_dir(ip))
        return -EISDIR;
    if (!inode_is_reg(ip))
        return -EINVAL;
    if (fs.readonly)
        return -EROFS;
    return itrunc(ip, len);
}

static long file_truncate(struct object *o, uint64_t len)
{
    if (!object_writable(o))
        return -EINVAL;         /* as Linux's ftruncate */
    fs_lock();
    long r = inode_truncate(to_file(o)->ip, len);
    fs_unlock();
    return r;
}

static long file_sync(struct object *o)
{
    (void)o;
    fs_lock();
    long r = ext2_sync();
    fs_unlock();
    return r;
}

static void file_release(struct object *o)
{
    struct file *f = to_file(o);
    fs_lock();
    iput(f->ip);
    fs_unlock();
    kfree(f);
}

static const struct object_ops file_ops = {
    .kind = "file",
    .read = file_read,
    .write = file_write,
    .lseek = file_lseek,
    .stat = file_stat,
    .getdents = file_getdents,
    .truncate = file_truncate,
    .sync = file_sync,
    .release = file_release,
};

int file_open(struct inode *ip, unsigned flags, struct object **out)
{
    struct file *f = kmalloc(sizeof *f);
    if (!f)
        return -ENOMEM;
    object_init(&f->obj, &file_ops, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
    f->ip = idup(ip);
    f->off = 0;
    *out = &f->obj;
    return 0;
}

struct inode *file_inode(struct object *o)
{
    return o->ops == &file_ops ? to_file(o)->ip : NULL;
}
