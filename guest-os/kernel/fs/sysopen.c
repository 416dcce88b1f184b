/*
 * sysopen.c: open, creat, openat and mknod: a path to a new handle, or
 * to a new file.
 *
 * Rules kept here:
 *  - open() as Linux does it: O_CREAT makes a regular file with
 *    mode & ~umask, O_EXCL refuses an existing name (even a symbolic
 *    link), O_DIRECTORY wants a directory, O_NOFOLLOW refuses a symbolic
 *    link at the end (-ELOOP), O_TRUNC empties a regular file, a
 *    directory opens only for reading (-EISDIR).
 *  - Regular files and directories become file objects (file.c);
 *    character devices are opened by the device layer (device.h) and
 *    FIFOs by the pipe layer (pipe.h), both after the file-system lock
 *    is dropped (opening a FIFO may wait for the other side); sockets
 *    and block devices cannot be opened yet (-ENXIO).
 *  - openat takes AT_FDCWD or a handle on a directory as the start of a
 *    relative path.
 *  - The handle is installed last, outside the lock: a failure there
 *    puts the object, whose release takes the lock.
 */
#include "ext2fs.h"
#include "fssys.h"
#include "../device.h"
#include "../errno.h"
#include "../fs.h"
#include "../kstat.h"
#include "../lib.h"
#include "../object.h"
#include "../pipe.h"
#include "../proc.h"

#define AT_FDCWD (-100)

static uint16_t create_mode(uint32_t mode)
{
    return (uint16_t)(mode & ~curproc()->umask & 07777);
}

/* The inode of an existing name, or a new regular file (*created). */
static int open_create(struct inode *base, const char *path, unsigned flags, uint32_t mode,
                       struct inode **out, bool *created)
{
    char name[EXT2_NAME_LEN + 1];
    bool slash;
    struct inode *dp;
    int err = nameiparent(base, path, &dp, name, &slash);
    if (err)
        return err;
    uint32_t ino;
    if (slash || !*name)
        err = -EISDIR;
    else
        err = dir_lookup(dp, name, strlen(name), &ino);
    if (err == -ENOENT) {
        err = fs_create(dp, name, S_IFREG | create_mode(mode), out);
        *created = !err;
    } else if (!err) {
        err = (flags & O_EXCL) ? -EEXIST
                               : namei(dp, name, (flags & O_NOFOLLOW) ? 0 : NAMEI_FOLLOW, out);
    }
    iput(dp);
    return err;
}

static int open_check(struct inode *ip, unsigned flags)
{
    bool write = (flags & O_ACCMODE) != O_RDONLY;
    switch (ip->d.i_mode & S_IFMT) {
    case S_IFLNK:
        return -ELOOP;
    case S_IFDIR:
        return write || (flags & O_CREAT) ? -EISDIR : 0;
    case S_IFREG:
        if (flags & O_DIRECTORY)
            return -ENOTDIR;
        return (write || (flags & O_TRUNC)) && fs.readonly ? -EROFS : 0;
    case S_IFCHR:
    case S_IFIFO:
        return flags & O_DIRECTORY ? -ENOTDIR : 0;
    }
    return flags & O_DIRECTORY ? -ENOTDIR : -ENXIO;
}

static int open_inode(struct inode *base, const char *path, unsigned flags, uint32_t mode,
                      struct inode **out)
{
    struct inode *ip;
    bool created = false;
    int err = (flags & O_CREAT)
                  ? open_create(base, path, flags, mode, &ip, &created)
                  : namei(base, path, (flags & O_NOFOLLOW) ? 0 : NAMEI_FOLLOW, &ip);
    if (err)
        return err;
    err = open_check(ip, flags);
    if (!err && (flags & O_TRUNC) && inode_is_reg(ip) && !created)
        err = inode_truncate(ip, 0);
    if (err) {
        iput(ip);
        return err;
    }
    *out = ip;
    return 0;
}

static int open_object(struct inode *base, const char *path, unsigned flags, uint32_t mode,
                       struct object **out)
{
    struct inode *ip, *fifo = NULL;
    uint32_t rdev = 0;
    bool device = false;
    fs_lock();
    int err = open_inode(base, path, flags, mode, &ip);
    if (!err) {
        device = S_ISCHR(ip->d.i_mode);
        if (device)
            rdev = inode_rdev(ip);
        else if (S_ISFIFO(ip->d.i_mode))
            fifo = idup(ip);
        else
            err = file_open(ip, flags, out);
        iput(ip);
    }
    fs_unlock();
    if (fifo) {
        err = fifo_open(fifo, flags, out);
        inode_put(fifo);
    }
    return device ? device_open(rdev, flags, out) : err;
}

/* The directory behind handle dirfd, held through *held; NULL for the
 * working directory. */
int dirfd_base(int dirfd, struct object **held, struct inode **base)
{
    *held = NULL;
    *base = NULL;
    if (dirfd == AT_FDCWD)
        return 0;
    struct object *o = handle_ref(curproc(), dirfd);
    if (!o)
        return -EBADF;
    struct inode *ip = file_inode(o);
    if (!ip || !inode_is_dir(ip)) {
        object_put(o);
        return -ENOTDIR;
    }
    *held = o;
    *base = ip;
    return 0;
}

static long do_open(int dirfd, uint32_t upath, unsigned flags, uint32_t mode)
{
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    char *path;
    int err = path_get(upath, &path);
    if (err)
        return err;
    struct object *held = NULL, *obj = NULL;
    struct inode *base = NULL;
    if (path[0] != '/')
        err = dirfd_base(dirfd, &held, &base);
    if (!err)
        err = open_object(base, path, flags, mode, &obj);
    path_put(path);
    if (held)
        object_put(held);
    if (err)
        return err;
    int fd = handle_install(curproc(), obj, (flags & O_CLOEXEC) ? FD_CLOEXEC : 0, 0);
    if (fd < 0)
        object_put(obj);
    return fd;
}

long sys_open(const uint32_t *arg)
{
    return do_open(AT_FDCWD, arg[0], arg[1], arg[2]);
}

long sys_creat(const uint32_t *arg)
{
    return do_open(AT_FDCWD, arg[0], O_CREAT | O_WRONLY | O_TRUNC, arg[1]);
}

long sys_openat(const uint32_t *arg)
{
    return do_open((int)arg[0], arg[1], arg[2], arg[3]);
}

/* Regular files and FIFOs only, for now (opening a FIFO: pipe.c). */
long sys_mknod(const uint32_t *arg)
{
    uint32_t mode = arg[1], type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    if (type == S_IFDIR || type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK)
        return -EPERM;
    if (type != S_IFREG && type != S_IFIFO)
        return -EINVAL;
    char *path, name[EXT2_NAME_LEN + 1];
    int err = path_get(arg[0], &path);
    if (err)
        return err;
    struct inode *dp, *ip;
    bool slash;
    fs_lock();
    err = nameiparent(NULL, path, &dp, name, &slash);
    if (!err) {
        err = slash ? -ENOENT : fs_create(dp, name, (uint16_t)(type | create_mode(mode)), &ip);
        if (!err)
            iput(ip);
        iput(dp);
    }
    fs_unlock();
    path_put(path);
    return err;
}
