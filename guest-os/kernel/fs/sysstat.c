/*
 * sysstat.c: the calls that look at or resize one file by its path:
 * stat64, lstat64, access, readlink, truncate, truncate64.
 *
 * Rules kept here:
 *  - stat64, access and truncate follow a symbolic link at the end;
 *    lstat64 and readlink do not.
 *  - There are no users yet: every process is root, so access() grants
 *    reading and writing (except writing to a read-only file system) and
 *    grants execution of directories and of files with an execute bit,
 *    as Linux does for root.
 */
#include "ext2fs.h"
#include "fssys.h"
#include "fspage.h"
#include "../errno.h"
#include "../fs.h"
#include "../kstat.h"
#include "../lib.h"
#include "../uaccess.h"

#define X_OK 1
#define W_OK 2
#define R_OK 4

/* The inode at the user path upath, with a reference. */
static int lookup_user(uint32_t upath, int flags, struct inode **out)
{
    char *path;
    int err = path_get(upath, &path);
    if (err)
        return err;
    fs_lock();
    err = namei(NULL, path, flags, out);
    fs_unlock();
    path_put(path);
    return err;
}

static long stat_path(uint32_t upath, uint32_t ustat, int flags)
{
    struct inode *ip;
    int err = lookup_user(upath, flags, &ip);
    if (err)
        return err;
    struct kstat st;
    inode_stat(ip, &st);
    inode_put(ip);
    return kstat_copyout(ustat, &st);
}

long sys_stat64(const uint32_t *arg)
{
    return stat_path(arg[0], arg[1], NAMEI_FOLLOW);
}

long sys_lstat64(const uint32_t *arg)
{
    return stat_path(arg[0], arg[1], 0);
}

long sys_access(const uint32_t *arg)
{
    uint32_t mode = arg[1];
    if (mode & ~(uint32_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    struct inode *ip;
    int err = lookup_user(arg[0], NAMEI_FOLLOW, &ip);
    if (err)
        return err;
    fs_lock();
    uint16_t type = ip->d.i_mode & S_IFMT;
    if ((mode & W_OK) && fs.readonly && (type == S_IFREG || type == S_IFDIR))
        err = -EROFS;
    else if ((mode & X_OK) && type != S_IFDIR && !(ip->d.i_mode & 0111))
        err = -EACCES;
    iput(ip);
    fs_unlock();
    return err;
}

long sys_readlink(const uint32_t *arg)
{
    int32_t size = (int32_t)arg[2];
    if (size <= 0)
        return -EINVAL;
    struct inode *ip;
    int err = lookup_user(arg[0], 0, &ip);
    if (err)
        return err;
    char *buf = fs_page_alloc();
    fs_lock();
    int n = buf ? inode_readlink(ip, buf, MIN((uint32_t)size, PAGE_SIZE)) : -ENOMEM;
    iput(ip);
    fs_unlock();
    if (n > 0 && copyout(arg[1], buf, (uint32_t)n))
        n = -EFAULT;
    if (buf)
        fs_page_free(buf);
    return n;
}

static long truncate_path(uint32_t upath, uint64_t len)
{
    struct inode *ip;
    int err = lookup_user(upath, NAMEI_FOLLOW, &ip);
    if (err)
        return err;
    fs_lock();
    err = inode_truncate(ip, len);
    iput(ip);
    fs_unlock();
    return err;
}

long sys_truncate(const uint32_t *arg)
{
    int32_t len = (int32_t)arg[1];
    return len < 0 ? -EINVAL : truncate_path(arg[0], (uint64_t)len);
}

/* The 64-bit length comes in two registers, low word first (i386 ABI). */
long sys_truncate64(const uint32_t *arg)
{
    uint64_t len = arg[1] | (uint64_t)arg[2] << 32;
    return (int64_t)len < 0 ? -EINVAL : truncate_path(arg[0], len);
}
