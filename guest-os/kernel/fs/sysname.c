/*
 * sysname.c: the calls that change names: link, unlink, mkdir, rmdir,
 * rename, symlink. Each resolves the directory that holds the last
 * component (nameiparent) and leaves the rest to create.c, remove.c and
 * rename.c.
 *
 * Rules kept here:
 *  - A trailing '/' is allowed where the name is a directory (mkdir,
 *    rmdir, rename of directories); a non-directory named with one is
 *    -ENOTDIR, and a new non-directory name with one is -ENOENT.
 *  - None of these follows a symbolic link in the last component: link()
 *    makes a second name for the link itself, as Linux's link() does.
 */
#include "ext2fs.h"
#include "fssys.h"
#include "../errno.h"
#include "../kmalloc.h"
#include "../kstat.h"
#include "../lib.h"
#include "../proc.h"

/* A user path, the directory that holds its last component (held) and
 * that component. */
struct named {
    char *path;
    struct inode *dp;
    char name[EXT2_NAME_LEN + 1];
    bool slash;
};

static int named_get(uint32_t upath, struct named *n)
{
    int err = path_get(upath, &n->path);
    if (err)
        return err;
    err = nameiparent(NULL, n->path, &n->dp, n->name, &n->slash);
    if (err)
        path_put(n->path);
    return err;
}

static void named_put(struct named *n)
{
    iput(n->dp);
    path_put(n->path);
}

long sys_link(const uint32_t *arg)
{
    char *old;
    struct named n;
    int err = path_get(arg[0], &old);
    if (err)
        return err;
    fs_lock();
    struct inode *ip;
    err = namei(NULL, old, 0, &ip);
    if (!err) {
        err = named_get(arg[1], &n);
        if (!err) {
            err = inode_is_dir(ip) ? -EPERM : n.slash ? -ENOENT : fs_link(ip, n.dp, n.name);
            named_put(&n);
        }
        iput(ip);
    }
    fs_unlock();
    path_put(old);
    return err;
}

long sys_unlink(const uint32_t *arg)
{
    struct named n;
    fs_lock();
    int err = named_get(arg[0], &n);
    if (!err) {
        struct inode *ip;
        if (!n.slash) {
            err = fs_unlink(n.dp, n.name);
        } else if ((err = namei(NULL, n.path, NAMEI_FOLLOW, &ip)) == 0) {
            err = -EISDIR;     /* "dir/": namei refused anything else */
            iput(ip);
        }
        named_put(&n);
    }
    fs_unlock();
    return err;
}

long sys_mkdir(const uint32_t *arg)
{
    struct named n;
    fs_lock();
    int err = named_get(arg[0], &n);
    if (!err) {
        err = fs_mkdir(n.dp, n.name, (uint16_t)(arg[1] & ~curproc()->umask & 07777));
        named_put(&n);
    }
    fs_unlock();
    return err;
}

long sys_rmdir(const uint32_t *arg)
{
    struct named n;
    fs_lock();
    int err = named_get(arg[0], &n);
    if (!err) {
        err = fs_rmdir(n.dp, n.name);
        named_put(&n);
    }
    fs_unlock();
    return err;
}

long sys_rename(const uint32_t *arg)
{
    struct named *o = kmalloc(2 * sizeof *o), *n = o + 1;
    if (!o)
        return -ENOMEM;
    fs_lock();
    int err = named_get(arg[0], o);
    if (!err) {
        err = named_get(arg[1], n);
        if (!err) {
            err = fs_rename(o->dp, o->name, n->dp, n->name, o->slash || n->slash);
            named_put(n);
        }
        named_put(o);
    }
    fs_unlock();
    kfree(o);
    return err;
}

long sys_symlink(const uint32_t *arg)
{
    char *target;
    struct named n;
    int err = path_get(arg[0], &target);
    if (err)
        return err;
    fs_lock();
    err = named_get(arg[1], &n);
    if (!err) {
        err = n.slash ? -ENOENT : fs_symlink(n.dp, n.name, target);
        named_put(&n);
    }
    fs_unlock();
    path_put(target);
    return err;
}
