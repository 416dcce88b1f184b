/* sys_file.c: wrappers for the calls on file descriptors. Offsets are
 * 64-bit: lseek goes through _llseek (falling back to lseek when the
 * kernel lacks it and the offset fits), ftruncate through ftruncate64. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libc.h"

ssize_t read(int fd, void *buf, size_t n)
{
    return __sysret(SYS3(SYS_read, fd, buf, n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
    return __sysret(SYS3(SYS_write, fd, buf, n));
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return __sysret(SYS3(SYS_open, path, flags | O_LARGEFILE, mode));
}

int creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int close(int fd)
{
    return __sysret(SYS1(SYS_close, fd));
}

off_t lseek(int fd, off_t off, int whence)
{
    long long result;
    long r = SYS5(SYS_llseek, fd, (long)(off >> 32), (long)off, &result, whence);
    if (r == -ENOSYS && off == (long)off) {
        r = SYS3(SYS_lseek, fd, (long)off, whence);
        return __sysret(r) < 0 ? -1 : (off_t)(unsigned long)r;
    }
    return __sysret(r) < 0 ? -1 : result;
}

int dup(int fd)
{
    return __sysret(SYS1(SYS_dup, fd));
}

int dup2(int fd, int to)
{
    return __sysret(SYS2(SYS_dup2, fd, to));
}

int pipe(int fds[2])
{
    return __sysret(SYS1(SYS_pipe, fds));
}

int pipe2(int fds[2], int flags)
{
    return __sysret(SYS2(SYS_pipe2, fds, flags));
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return __sysret(SYS3(SYS_fcntl64, fd, cmd, arg));
}

int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return __sysret(SYS3(SYS_ioctl, fd, req, arg));
}

int fsync(int fd)
{
    return __sysret(SYS1(SYS_fsync, fd));
}

void sync(void)
{
    SYS0(SYS_sync);
}

int ftruncate(int fd, off_t len)
{
    return __sysret(SYS3(SYS_ftruncate64, fd, (long)len, (long)(len >> 32)));
}

int truncate(const char *path, off_t len)
{
    return __sysret(SYS3(SYS_truncate64, path, (long)len, (long)(len >> 32)));
}

int access(const char *path, int mode)
{
    return __sysret(SYS2(SYS_access, path, mode));
}

mode_t umask(mode_t mask)
{
    return (mode_t)SYS1(SYS_umask, mask);
}
