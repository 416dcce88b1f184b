/*
 * rename.c: moving a name, within a directory or to another one, and
 * replacing what the new name named (POSIX rename()).
 *
 * Rules kept here:
 *  - Two names of the same inode: nothing happens.
 *  - A directory replaces only an empty directory, a non-directory only
 *    a non-directory; a directory is never moved under itself.
 *  - The new name is made (or retargeted) before the old one goes, so
 *    the inode always has a name. Link counts follow the names: a moved
 *    directory's '..' now counts for its new parent, and a replaced
 *    inode loses the link its name held (its '..' too for a directory).
 */
#include "ext2fs.h"
#include "../errno.h"
#include "../lib.h"

#define MAX_DEPTH 4096   /* a '..' chain longer than this is a corrupt loop */

static bool dot_or_dotdot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static int child(struct inode *dp, const char *name, struct inode **out)
{
    uint32_t ino;
    int err = dir_lookup(dp, name, strlen(name), &ino);
    if (err)
        return err;
    if (ino == dp->ino)
        return ext2_error("directory %u names itself '%s'", dp->ino, name);
    return iget(ino, out);
}

/* -EINVAL when directory dp is ip or lies below it. */
static int check_not_below(struct inode *dp, struct inode *ip)
{
    struct inode *cur = idup(dp);
    int err = 0;
    for (int depth = 0; cur != fs.root; depth++) {
        uint32_t ino;
        if (cur == ip) {
            err = -EINVAL;
            break;
        }
        if (depth == MAX_DEPTH) {
            err = ext2_error("directory %u: '..' chain does not reach the root", dp->ino);
            break;
        }
        struct inode *up;
        err = dir_lookup(cur, "..", 2, &ino);
        if (!err)
            err = iget(ino, &up);
        if (err)
            break;
        iput(cur);
        cur = up;
    }
    iput(cur);
    return err;
}

/* Can nip (if any) make way for oip? */
static int check_replace(struct inode *oip, struct inode *nip)
{
    if (!nip)
        return 0;
    if (inode_is_dir(oip) && !inode_is_dir(nip))
        return -ENOTDIR;
    if (!inode_is_dir(oip) && inode_is_dir(nip))
        return -EISDIR;
    if (!inode_is_dir(nip))
        return 0;
    if (nip == fs.root)
        return -EBUSY;
    int empty = dir_is_empty(nip);
    return empty < 0 ? empty : empty ? 0 : -ENOTEMPTY;
}

/* Everything checked: move the name and fix the link counts. */
static int move(struct inode *odp, const char *oname, struct inode *oip, struct inode *ndp,
                const char *nname, struct inode *nip)
{
    bool dir = inode_is_dir(oip);
    int err = nip ? dir_retarget(ndp, nname, strlen(nname), oip->ino, oip->d.i_mode)
                  : dir_add(ndp, nname, strlen(nname), oip->ino, oip->d.i_mode);
    if (err)
        return err;
    err = dir_remove(odp, oname, strlen(oname));
    if (dir && odp != ndp) {
        int err2 = dir_retarget(oip, "..", 2, ndp->ino, ndp->d.i_mode);
        err = err ? err : err2;
        if (odp->d.i_links_count > 2)
            odp->d.i_links_count--;
        ndp->d.i_links_count++;
    }
    if (nip) {
        if (inode_is_dir(nip)) {
            nip->d.i_links_count = 0;
            if (ndp->d.i_links_count > 2)
                ndp->d.i_links_count--;
        } else {
            nip->d.i_links_count--;
        }
        inode_touch(nip, false);
        iupdate(nip);
    }
    inode_touch(oip, false);
    iupdate(oip);
    iupdate(odp);
    iupdate(ndp);
    return err;
}

int fs_rename(struct inode *odp, const char *oname, struct inode *ndp, const char *nname,
              bool must_dir)
{
    if (!*oname || !*nname || dot_or_dotdot(oname) || dot_or_dotdot(nname))
        return -EBUSY;
    struct inode *oip = NULL, *nip = NULL;
    int err = child(odp, oname, &oip);
    if (!err) {
        err = child(ndp, nname, &nip);
        if (err == -ENOENT)
            err = 0;
    }
    if (!err && oip == nip)
        goto out;                       /* two names of one inode */
    if (!err && must_dir && !inode_is_dir(oip))
        err = -ENOTDIR;
    if (!err)
        err = check_replace(oip, nip);
    if (!err && inode_is_dir(oip) && odp != ndp) {
        err = check_not_below(ndp, oip);
        if (!err && !nip && ndp->d.i_links_count >= EXT2_LINK_MAX)
            err = -EMLINK;
    }
    if (!err && ndp->d.i_links_count == 0)
        err = -ENOENT;
    if (!err && fs.readonly)
        err = -EROFS;
    if (!err)
        err = move(odp, oname, oip, ndp, nname, nip);
out:
    if (nip)
        iput(nip);
    if (oip)
        iput(oip);
    return err;
}
