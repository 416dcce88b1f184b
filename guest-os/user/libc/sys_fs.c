/* sys_fs.c: wrappers for the calls on names in the file system. stat and
 * friends use the stat64 calls, whose struct is our struct stat; statfs
 * and fstatfs the statfs64 calls; futimens is utimensat with no path. */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "libc.h"

_Static_assert(sizeof(struct stat) == 96, "struct stat must match Linux i386 stat64");
_Static_assert(offsetof(struct stat, st_size) == 44, "st_size offset");
_Static_assert(offsetof(struct stat, st_ino) == 88, "st_ino offset");
_Static_assert(sizeof(struct statfs) == 84, "struct statfs must match Linux i386 statfs64");

int stat(const char *restrict path, struct stat *restrict st)
{
    return __sysret(SYS2(SYS_stat64, path, st));
}

int lstat(const char *restrict path, struct stat *restrict st)
{
    return __sysret(SYS2(SYS_lstat64, path, st));
}

int fstat(int fd, struct stat *st)
{
    return __sysret(SYS2(SYS_fstat64, fd, st));
}

int chdir(const char *path)
{
    return __sysret(SYS1(SYS_chdir, path));
}

char *getcwd(char *buf, size_t size)
{
    return __sysret(SYS2(SYS_getcwd, buf, size)) < 0 ? NULL : buf;
}

int unlink(const char *path)
{
    return __sysret(SYS1(SYS_unlink, path));
}

int link(const char *from, const char *to)
{
    return __sysret(SYS2(SYS_link, from, to));
}

int symlink(const char *target, const char *path)
{
    return __sysret(SYS2(SYS_symlink, target, path));
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
    return __sysret(SYS3(SYS_readlink, path, buf, size));
}

int rename(const char *from, const char *to)
{
    return __sysret(SYS2(SYS_rename, from, to));
}

int mkdir(const char *path, mode_t mode)
{
    return __sysret(SYS2(SYS_mkdir, path, mode));
}

int rmdir(const char *path)
{
    return __sysret(SYS1(SYS_rmdir, path));
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
    return __sysret(SYS3(SYS_mknod, path, mode, (unsigned)dev));
}

int mkfifo(const char *path, mode_t mode)
{
    return mknod(path, S_IFIFO | (mode & 07777), 0);
}

int remove(const char *path)
{
    if (unlink(path) == 0)
        return 0;
    return rmdir(path);
}

int getdents64(int fd, void *buf, size_t n)
{
    return __sysret(SYS3(SYS_getdents64, fd, buf, n));
}

int statfs(const char *path, struct statfs *buf)
{
    return __sysret(SYS3(SYS_statfs64, path, sizeof *buf, buf));
}

int fstatfs(int fd, struct statfs *buf)
{
    return __sysret(SYS3(SYS_fstatfs64, fd, sizeof *buf, buf));
}

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
    return __sysret(SYS4(SYS_utimensat, dirfd, path, times, flags));
}

int futimens(int fd, const struct timespec times[2])
{
    return __sysret(SYS4(SYS_utimensat, fd, 0, times, 0));
}
