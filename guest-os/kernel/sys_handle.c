/*
 * sys_handle.c: the system calls that work on any handle, whatever
 * object is behind it: read, write, readv, writev, close, dup, dup2,
 * fcntl, lseek, _llseek, ioctl, fstat64, getdents64, ftruncate, fsync.
 * Each takes its own reference to the object for the duration of the
 * call (object.h).
 */
#include "errno.h"
#include "kstat.h"
#include "lib.h"
#include "object.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define IOV_MAX 1024
#define IO_MAX 0x7FFFF000u             /* Linux's cap on one transfer */

typedef long (*io_fn)(struct object *o, uint32_t ubuf, uint32_t n);

static long do_io(int h, uint32_t ubuf, uint32_t n, bool writing)
{
    struct object *o = handle_ref(curproc(), h);
    if (!o)
        return -EBADF;
    long r;
    io_fn fn = writing ? o->ops->write : o->ops->read;
    if (writing ? !object_writable(o) : !object_readable(o))
        r = -EBADF;
    else if (!fn)
        r = -EINVAL;
    else
        r = n ? fn(o, ubuf, MIN(n, IO_MAX)) : 0;
    object_put(o);
    return r;
}

static long sys_read(const uint32_t *a) { return do_io((int)a[0], a[1], a[2], false); }
static long sys_write(const uint32_t *a) { return do_io((int)a[0], a[1], a[2], true); }

struct iovec32 {
    uint32_t base, len;
};

static long do_iov(int h, uint32_t uiov, uint32_t count, bool writing)
{
    if (count > IOV_MAX)
        return -EINVAL;
    long total = 0;
    for (uint32_t i = 0; i < count; i++) {
        struct iovec32 v;
        if (copyin(&v, uiov + i * sizeof v, sizeof v) < 0)
            return total ? total : -EFAULT;
        long r = do_io(h, v.base, v.len, writing);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint32_t)r < v.len)
            break;
    }
    return total;
}

static long sys_readv(const uint32_t *a) { return do_iov((int)a[0], a[1], a[2], false); }
static long sys_writev(const uint32_t *a) { return do_iov((int)a[0], a[1], a[2], true); }

static long sys_close(const uint32_t *a) { return handle_close(curproc(), (int)a[0]); }

static long dup_from(int h, int from, unsigned flags)
{
    struct object *o = handle_ref(curproc(), h);
    if (!o)
        return -EBADF;
    if (from < 0 || from >= NHANDLE) {
        object_put(o);
        return -EINVAL;
    }
    int r = handle_install(curproc(), o, flags, from);
    if (r < 0)
        object_put(o);
    return r;
}

static long sys_dup(const uint32_t *a) { return dup_from((int)a[0], 0, 0); }
static long sys_dup2(const uint32_t *a) { return handle_dup2(curproc(), (int)a[0], (int)a[1], 0); }

static long sys_fcntl(const uint32_t *a)
{
    struct proc *p = curproc();
    int h = (int)a[0];
    if (h < 0 || h >= NHANDLE || !p->handles[h].obj)
        return -EBADF;
    struct object *o = p->handles[h].obj;
    switch (a[1]) {
    case F_DUPFD: return dup_from(h, (int)a[2], 0);
    case F_DUPFD_CLOEXEC: return dup_from(h, (int)a[2], FD_CLOEXEC);
    case F_GETFD: return p->handles[h].flags;
    case F_SETFD: p->handles[h].flags = a[2] & FD_CLOEXEC; return 0;
    case F_GETFL: return o->flags;
    case F_SETFL:
        o->flags = (o->flags & ~(unsigned)(O_APPEND | O_NONBLOCK)) | (a[2] & (O_APPEND | O_NONBLOCK));
        return 0;
    default: return -EINVAL;
    }
}

#define sys_fcntl64 sys_fcntl

static long do_lseek(int h, int64_t off, int whence, int64_t *pos)
{
    struct object *o = handle_ref(curproc(), h);
    if (!o)
        return -EBADF;
    long r = whence < SEEK_SET || whence > SEEK_END ? -EINVAL
             : o->ops->lseek                       ? o->ops->lseek(o, off, whence, pos)
                                                   : -ESPIPE;
    object_put(o);
    return r;
}

static long sys_lseek(const uint32_t *a)
{
    int64_t pos;
    long r = do_lseek((int)a[0], (int32_t)a[1], (int)a[2], &pos);
    if (r < 0)
        return r;
    return pos > 0x7FFFFFFF ? -EOVERFLOW : (long)pos;
}

static long sys_llseek(const uint32_t *a)
{
    int64_t pos, off = (int64_t)((uint64_t)a[1] << 32 | a[2]);
    long r = do_lseek((int)a[0], off, (int)a[4], &pos);
    if (r < 0)
        return r;
    return copyout(a[3], &pos, sizeof pos) < 0 ? -EFAULT : 0;
}

/* Calls an optional op that takes (object, x, y); `missing` when absent. */
static long with_object(int h, long missing, long (*call)(struct object *, const uint32_t *),
                        const uint32_t *a)
{
    struct object *o = handle_ref(curproc(), h);
    if (!o)
        return -EBADF;
    long r = call(o, a);
    if (r == -ENOSYS)
        r = missing;
    object_put(o);
    return r;
}

static long call_ioctl(struct object *o, const uint32_t *a)
{
    return o->ops->ioctl ? o->ops->ioctl(o, a[1], a[2]) : -ENOSYS;
}

static long call_getdents(struct object *o, const uint32_t *a)
{
    return o->ops->getdents ? o->ops->getdents(o, a[1], a[2]) : -ENOSYS;
}

static long call_fstat(struct object *o, const uint32_t *a)
{
    struct kstat st;
    if (!o->ops->stat)
        return -ENOSYS;
    long r = o->ops->stat(o, &st);
    return r < 0 ? r : kstat_copyout(a[1], &st);
}

static long call_truncate(struct object *o, const uint32_t *a)
{
    if (!o->ops->truncate)
        return -ENOSYS;
    if (!object_writable(o))
        return -EINVAL;                /* Linux's answer for a descriptor not open for writing */
    return o->ops->truncate(o, a[3] ? (uint64_t)a[2] << 32 | a[1] : a[1]);
}

static long call_fsync(struct object *o, const uint32_t *a)
{
    (void)a;
    return o->ops->sync ? o->ops->sync(o) : 0;
}

static long sys_ioctl(const uint32_t *a) { return with_object((int)a[0], -ENOTTY, call_ioctl, a); }
static long sys_getdents64(const uint32_t *a) { return with_object((int)a[0], -ENOTDIR, call_getdents, a); }
static long sys_fstat64(const uint32_t *a) { return with_object((int)a[0], -EBADF, call_fstat, a); }
static long sys_fsync(const uint32_t *a) { return with_object((int)a[0], -EINVAL, call_fsync, a); }

static long sys_ftruncate(const uint32_t *a)
{
    if ((int32_t)a[1] < 0)
        return -EINVAL;
    const uint32_t b[4] = {a[0], a[1], 0, 0};
    return with_object((int)a[0], -EINVAL, call_truncate, b);
}

static long sys_ftruncate64(const uint32_t *a)
{
    if ((int32_t)a[2] < 0)
        return -EINVAL;
    const uint32_t b[4] = {a[0], a[1], a[2], 1};
    return with_object((int)a[0], -EINVAL, call_truncate, b);
}

/* struct stat64 of Linux i386: 64-bit fields at 4-byte alignment. */
struct stat64 {
    uint32_t dev_lo, dev_hi, pad0, ino_lo, mode, nlink, uid, gid;
    uint32_t rdev_lo, rdev_hi, pad3, size_lo, size_hi, blksize, blocks_lo, blocks_hi;
    uint32_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns, ino_lo2, ino_hi;
};

int kstat_copyout(uint32_t ustat, const struct kstat *st)
{
    struct stat64 s;
    memset(&s, 0, sizeof s);
    s.dev_lo = st->dev;
    s.ino_lo = s.ino_lo2 = st->ino;
    s.mode = st->mode;
    s.nlink = st->nlink;
    s.uid = st->uid;
    s.gid = st->gid;
    s.rdev_lo = st->rdev;
    s.size_lo = (uint32_t)st->size;
    s.size_hi = (uint32_t)(st->size >> 32);
    s.blksize = st->blksize;
    s.blocks_lo = (uint32_t)st->blocks;
    s.blocks_hi = (uint32_t)(st->blocks >> 32);
    s.atime = st->atime;
    s.mtime = st->mtime;
    s.ctime = st->ctime;
    return copyout(ustat, &s, sizeof s) < 0 ? -EFAULT : 0;
}

const struct syscall_def handle_syscalls[] = {
    SYSCALL_DEF(read), SYSCALL_DEF(write), SYSCALL_DEF(readv), SYSCALL_DEF(writev),
    SYSCALL_DEF(close), SYSCALL_DEF(dup), SYSCALL_DEF(dup2), SYSCALL_DEF(fcntl),
    SYSCALL_DEF(fcntl64), SYSCALL_DEF(lseek), SYSCALL_DEF(llseek), SYSCALL_DEF(ioctl),
    SYSCALL_DEF(getdents64), SYSCALL_DEF(fstat64), SYSCALL_DEF(fsync), SYSCALL_DEF(ftruncate),
    SYSCALL_DEF(ftruncate64),
    {0, NULL, NULL},
};
