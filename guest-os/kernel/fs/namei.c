/*
 * namei.c: path names to inodes. A path is resolved component by
 * component from the root ('/') or from a base directory (the caller's
 * working directory), following symbolic links on the way.
 *
 * Rules kept here:
 *  - Components are at most EXT2_NAME_LEN bytes (else -ENAMETOOLONG);
 *    empty components (a//b) are skipped; '.' and '..' are the
 *    directory's own entries, except that '..' of the root is the root.
 *  - A symbolic link is followed in the middle of a path always, at the
 *    end when asked (NAMEI_FOLLOW) or when a '/' follows it. Its target is
 *    resolved from the directory that holds the link. At most 8 links are
 *    nested and 40 followed in all (Linux's limits), else -ELOOP: the
 *    recursion is bounded and the kernel stack with it.
 *  - A path that goes on after a component that is not a directory, or
 *    ends in '/' after one, is -ENOTDIR.
 */
#include "ext2fs.h"
#include "fspage.h"
#include "../errno.h"
#include "../lib.h"
#include "../proc.h"

#define MAX_NESTED_LINKS 8
#define MAX_LINKS 40

int inode_readlink(struct inode *ip, char *buf, uint32_t size)
{
    if (!inode_is_lnk(ip))
        return -EINVAL;
    uint64_t len = isize(ip);
    if (inode_is_fast_symlink(ip)) {
        if (len >= sizeof ip->d.i_block)
            return ext2_error("symlink %u: bad length %u", ip->ino, (uint32_t)len);
        len = MIN(len, size);
        memcpy(buf, ip->d.i_block, (uint32_t)len);
        return (int)len;
    }
    if (len >= fs.bsize)
        return ext2_error("symlink %u: bad length %u", ip->ino, (uint32_t)len);
    struct xfer x = {.user = false, .kaddr = buf};
    return (int)readi(ip, &x, 0, (uint32_t)MIN(len, size));
}

/* The entry name[0..len) of directory dp. */
static int lookup(struct inode *dp, const char *name, uint32_t len, struct inode **out)
{
    if (!inode_is_dir(dp))
        return -ENOTDIR;
    if (len > EXT2_NAME_LEN)
        return -ENAMETOOLONG;
    if (dp == fs.root && len == 2 && name[0] == '.' && name[1] == '.') {
        *out = idup(dp);
        return 0;
    }
    uint32_t ino;
    int err = dir_lookup(dp, name, len, &ino);
    if (err)
        return err;
    if (ino == dp->ino) {
        *out = idup(dp);
        return 0;
    }
    return iget(ino, out);
}

static int walk(struct inode *base, const char *path, uint32_t plen, bool follow, int depth,
                int *links, struct inode **out);

/* Replaces *ip, a symbolic link in directory dir, with what it names. */
static int follow_link(struct inode *dir, struct inode **ip, int depth, int *links)
{
    if (++*links > MAX_LINKS || depth >= MAX_NESTED_LINKS)
        return -ELOOP;
    char *target = fs_page_alloc();
    if (!target)
        return -ENOMEM;
    int len = inode_readlink(*ip, target, PAGE_SIZE - 1);
    int err = len < 0 ? len : len == 0 ? -ENOENT : 0;
    struct inode *res = NULL;
    if (!err)
        err = walk(dir, target, (uint32_t)len, true, depth + 1, links, &res);
    fs_page_free(target);
    if (err)
        return err;
    iput(*ip);
    *ip = res;
    return 0;
}

static int walk(struct inode *base, const char *path, uint32_t plen, bool follow, int depth,
                int *links, struct inode **out)
{
    const char *p = path, *end = path + plen;
    struct inode *cur = idup(plen && path[0] == '/' ? fs.root : base);
    for (;;) {
        while (p < end && *p == '/')
            p++;
        if (p == end) {
            *out = cur;
            return 0;
        }
        const char *name = p;
        while (p < end && *p != '/')
            p++;
        const char *rest = p;
        while (rest < end && *rest == '/')
            rest++;
        bool last = rest == end, slash = p < end;
        struct inode *next;
        int err = lookup(cur, name, (uint32_t)(p - name), &next);
        if (!err && inode_is_lnk(next) && (!last || follow || slash)) {
            err = follow_link(cur, &next, depth, links);
            if (err)
                iput(next);
        }
        iput(cur);
        if (err)
            return err;
        cur = next;
        if ((!last || slash) && !inode_is_dir(cur)) {
            iput(cur);
            return -ENOTDIR;
        }
    }
}

/* Where a relative path starts: the working directory, else the root. */
static struct inode *start_dir(struct inode *base)
{
    if (base)
        return base;
    struct inode *cwd = curproc()->cwd;
    return cwd ? cwd : fs.root;
}

int namei(struct inode *base, const char *path, int flags, struct inode **out)
{
    int links = 0;
    uint32_t len = strlen(path);
    if (len == 0)
        return -ENOENT;
    struct inode *from = path[0] == '/' ? fs.root : start_dir(base);
    return walk(from, path, len, flags & NAMEI_FOLLOW, 0, &links, out);
}

int nameiparent(struct inode *base, const char *path, struct inode **dirp, char *name,
                bool *slash)
{
    uint32_t len = strlen(path), end = len, start;
    if (len == 0)
        return -ENOENT;
    while (end > 0 && path[end - 1] == '/')
        end--;
    *slash = end < len;
    for (start = end; start > 0 && path[start - 1] != '/'; start--)
        ;
    if (end - start > EXT2_NAME_LEN)
        return -ENAMETOOLONG;
    struct inode *from = path[0] == '/' ? fs.root : start_dir(base);
    int links = 0;
    struct inode *dp;
    int err = walk(from, path, start, true, 0, &links, &dp);
    if (err)
        return err;
    if (!inode_is_dir(dp)) {
        iput(dp);
        return -ENOTDIR;
    }
    memcpy(name, path + start, end - start);
    name[end - start] = 0;
    *dirp = dp;
    return 0;
}
