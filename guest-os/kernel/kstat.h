/*
 * kstat.h: what stat() reports about an object, before it is laid out as
 * the Linux i386 struct stat64 for the caller (kstat_copyout).
 */
#ifndef KERNEL_KSTAT_H
#define KERNEL_KSTAT_H

#include <stdint.h>

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

/* device numbers as Linux encodes them in a 16-bit dev_t */
#define MKDEV(major, minor) (((major) << 8) | (minor))
#define MAJOR(dev) (((dev) >> 8) & 0xFF)
#define MINOR(dev) ((dev) & 0xFF)

struct kstat {
    uint32_t dev, ino, mode, nlink, uid, gid, rdev;
    uint64_t size;
    uint32_t blksize;
    uint64_t blocks;           /* in 512-byte units */
    uint32_t atime, mtime, ctime;
};

/* Writes st to user memory as struct stat64 (Linux i386 layout). */
int kstat_copyout(uint32_t ustat, const struct kstat *st);

#endif
