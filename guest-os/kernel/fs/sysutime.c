/*
 * sysutime.c: utimensat, which sets a file's access and modification
 * times (touch uses it), by path or, with a NULL path, by handle
 * (futimens).
 *
 * Rules kept here:
 *  - As Linux's utimensat (the i386 call with 32-bit seconds): no times
 *    means both now; a time whose tv_nsec is UTIME_NOW is now, one with
 *    UTIME_OMIT is left as it is; any other tv_nsec outside
 *    [0, 999999999] is -EINVAL. ext2 keeps whole seconds: the
 *    nanoseconds are dropped.
 *  - Any change also sets the change time to now; both omitted changes
 *    nothing (but the file must still exist).
 *  - A relative path starts at dirfd (AT_FDCWD or a directory handle);
 *    AT_SYMLINK_NOFOLLOW changes a symbolic link itself; no other flag
 *    is known (-EINVAL). A NULL path with a flag is -EINVAL, as Linux;
 *    a NULL path on a handle that is not a file or directory (the
 *    console, an event) is -EINVAL too.
 *  - Every process is root (no users yet), so anyone may set any time;
 *    a read-only file system refuses with -EROFS.
 */
#include "ext2fs.h"
#include "fssys.h"
#include "../errno.h"
#include "../ktime.h"
#include "../object.h"
#include "../proc.h"
#include "../uaccess.h"

#define UTIME_NOW ((1 << 30) - 1)
#define UTIME_OMIT ((1 << 30) - 2)
#define AT_SYMLINK_NOFOLLOW 0x100

struct timespec32 {
    int32_t sec, nsec;
};

/* The two times the caller asks for, checked. */
static int times_get(uint32_t utimes, struct timespec32 t[2])
{
    if (!utimes) {
        t[0].nsec = t[1].nsec = UTIME_NOW;
        return 0;
    }
    if (copyin(t, utimes, 2 * sizeof *t) < 0)
        return -EFAULT;
    for (int i = 0; i < 2; i++)
        if (t[i].nsec != UTIME_NOW && t[i].nsec != UTIME_OMIT &&
            (t[i].nsec < 0 || t[i].nsec > 999999999))
            return -EINVAL;
    return 0;
}

static void time_set(uint32_t *field, const struct timespec32 *t, uint32_t now)
{
    if (t->nsec == UTIME_NOW)
        *field = now;
    else if (t->nsec != UTIME_OMIT)
        *field = (uint32_t)t->sec;
}

/* Called with the lock held. */
static int inode_set_times(struct inode *ip, const struct timespec32 t[2])
{
    if (t[0].nsec == UTIME_OMIT && t[1].nsec == UTIME_OMIT)
        return 0;
    if (fs.readonly)
        return -EROFS;
    uint32_t now = time_now();
    time_set(&ip->d.i_atime, &t[0], now);
    time_set(&ip->d.i_mtime, &t[1], now);
    inode_touch(ip, false);
    return iupdate(ip);
}

/* The times of the file behind a handle (futimens). */
static int handle_set_times(int fd, const struct timespec32 t[2])
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    fs_lock();
    struct inode *ip = file_inode(o);
    int err = ip ? inode_set_times(ip, t) : -EINVAL;
    fs_unlock();
    object_put(o);
    return err;
}

static int path_set_times(int dirfd, uint32_t upath, int follow, const struct timespec32 t[2])
{
    char *path;
    int err = path_get(upath, &path);
    if (err)
        return err;
    struct object *held = NULL;
    struct inode *base = NULL, *ip;
    if (path[0] != '/')
        err = dirfd_base(dirfd, &held, &base);
    if (!err) {
        fs_lock();
        err = namei(base, path, follow, &ip);
        if (!err) {
            err = inode_set_times(ip, t);
            iput(ip);
        }
        fs_unlock();
    }
    if (held)
        object_put(held);
    path_put(path);
    return err;
}

/* utimensat(dirfd, path, times[2], flags) */
long sys_utimensat(const uint32_t *arg)
{
    uint32_t flags = arg[3];
    if (flags & ~(uint32_t)AT_SYMLINK_NOFOLLOW)
        return -EINVAL;
    struct timespec32 t[2];
    int err = times_get(arg[2], t);
    if (err)
        return err;
    if (!arg[1])
        return flags ? -EINVAL : handle_set_times((int)arg[0], t);
    return path_set_times((int)arg[0], arg[1], (flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEI_FOLLOW,
                          t);
}
