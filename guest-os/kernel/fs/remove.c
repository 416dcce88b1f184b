/*
 * remove.c: removing names: unlink for everything but directories, rmdir
 * for empty directories.
 *
 * Rules kept here:
 *  - Removing a name drops a link; the inode itself goes at its last
 *    iput once no link is left (inode.c), so an open file stays readable.
 *  - A directory goes only when it holds nothing but '.' and '..'; it
 *    takes its '..' link from the parent with it, and its own count drops
 *    to 0 at once (its '.' and its name), so nothing more can be created
 *    in it even while it is someone's working directory.
 */
#include "ext2fs.h"
#include "../errno.h"
#include "../lib.h"

static bool is_name(const char *name, const char *what)
{
    return strcmp(name, what) == 0;
}

/* The inode named `name` in dp. */
static int child(struct inode *dp, const char *name, struct inode **out)
{
    uint32_t ino;
    int err = dir_lookup(dp, name, strlen(name), &ino);
    if (err)
        return err;
    if (ino == dp->ino) {
        *out = idup(dp);
        return 0;
    }
    return iget(ino, out);
}

int fs_unlink(struct inode *dp, const char *name)
{
    struct inode *ip;
    if (!*name)
        return -EISDIR;                 /* the root */
    int err = child(dp, name, &ip);
    if (err)
        return err;
    if (inode_is_dir(ip))
        err = -EISDIR;
    else if (fs.readonly)
        err = -EROFS;
    else
        err = dir_remove(dp, name, strlen(name));
    if (!err) {
        ip->d.i_links_count--;
        inode_touch(ip, false);
        iupdate(ip);
    }
    iput(ip);
    return err;
}

int fs_rmdir(struct inode *dp, const char *name)
{
    if (!*name)
        return -EBUSY;
    if (is_name(name, "."))
        return -EINVAL;
    if (is_name(name, ".."))
        return -ENOTEMPTY;
    struct inode *ip;
    int err = child(dp, name, &ip);
    if (err)
        return err;
    if (!inode_is_dir(ip))
        err = -ENOTDIR;
    else if (ip == fs.root)
        err = -EBUSY;
    else if ((err = dir_is_empty(ip)) >= 0)
        err = err ? 0 : -ENOTEMPTY;
    if (!err && fs.readonly)
        err = -EROFS;
    if (!err)
        err = dir_remove(dp, name, strlen(name));
    if (!err) {
        ip->d.i_links_count = 0;
        inode_touch(ip, false);
        iupdate(ip);
        if (dp->d.i_links_count > 2)
            dp->d.i_links_count--;
        iupdate(dp);
    }
    iput(ip);
    return err;
}
