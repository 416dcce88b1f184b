/*
 * create.c: new names: a new inode (file, FIFO, directory or symbolic
 * link) named in a directory, and a second name for an existing inode.
 *
 * Rules kept here:
 *  - The inode is complete (a directory's '.' and '..', a link's target)
 *    before its name appears; when anything fails the inode is freed
 *    again (link count 0, last iput).
 *  - A new directory counts 2 links ('.' and its name) and adds one to
 *    its parent (its '..'); no inode goes past EXT2_LINK_MAX links.
 *  - A symbolic link whose target fits in i_block (60 bytes, with room
 *    for a NUL as e2fsck wants) is a fast one, kept in the inode; a
 *    longer one takes a block ("Symbolic links"). Targets are shorter
 *    than a block.
 */
#include "ext2fs.h"
#include "../errno.h"
#include "../kstat.h"
#include "../lib.h"

static int fill(struct inode *ip, struct inode *dp, const char *target)
{
    if (S_ISDIR(ip->d.i_mode))
        return dir_make(ip, dp->ino);
    if (!S_ISLNK(ip->d.i_mode))
        return 0;
    uint32_t len = strlen(target);
    if (len < sizeof ip->d.i_block) {
        memcpy(ip->d.i_block, target, len);
        iset_size(ip, len);
        return iupdate(ip);
    }
    struct xfer x = {.user = false, .kaddr = (char *)target};
    long n = writei(ip, &x, 0, len);
    return n < 0 ? (int)n : (uint32_t)n == len ? 0 : -ENOSPC;
}

static int make(struct inode *dp, const char *name, uint16_t mode, const char *target,
                struct inode **out)
{
    uint32_t len = strlen(name), ino;
    if (len == 0)
        return -EEXIST;                 /* the path named the root */
    int err = dir_lookup(dp, name, len, &ino);
    if (err != -ENOENT)
        return err ? err : -EEXIST;
    if (dp->d.i_links_count == 0)
        return -ENOENT;                 /* dp has been removed */
    if (fs.readonly)
        return -EROFS;
    bool dir = S_ISDIR(mode);
    if (dir && dp->d.i_links_count >= EXT2_LINK_MAX)
        return -EMLINK;
    struct inode *ip;
    err = ialloc(dp, mode, dir ? 2 : 1, &ip);
    if (err)
        return err;
    err = fill(ip, dp, target);
    if (!err)
        err = dir_add(dp, name, len, ip->ino, mode);
    if (err) {
        ip->d.i_links_count = 0;
        iput(ip);
        return err;
    }
    if (dir) {
        dp->d.i_links_count++;
        iupdate(dp);
    }
    *out = ip;
    return 0;
}

int fs_create(struct inode *dp, const char *name, uint16_t mode, struct inode **out)
{
    return make(dp, name, mode, NULL, out);
}

int fs_mkdir(struct inode *dp, const char *name, uint16_t mode)
{
    struct inode *ip;
    int err = make(dp, name, S_IFDIR | (mode & 07777), NULL, &ip);
    if (!err)
        iput(ip);
    return err;
}

int fs_symlink(struct inode *dp, const char *name, const char *target)
{
    uint32_t len = strlen(target);
    if (len == 0)
        return -ENOENT;
    if (len >= fs.bsize)
        return -ENAMETOOLONG;
    struct inode *ip;
    int err = make(dp, name, S_IFLNK | 0777, target, &ip);
    if (!err)
        iput(ip);
    return err;
}

int fs_link(struct inode *ip, struct inode *dp, const char *name)
{
    uint32_t len = strlen(name), ino;
    if (S_ISDIR(ip->d.i_mode))
        return -EPERM;
    if (len == 0)
        return -EEXIST;
    int err = dir_lookup(dp, name, len, &ino);
    if (err != -ENOENT)
        return err ? err : -EEXIST;
    if (dp->d.i_links_count == 0)
        return -ENOENT;
    if (fs.readonly)
        return -EROFS;
    if (ip->d.i_links_count >= EXT2_LINK_MAX)
        return -EMLINK;
    if (ip->d.i_links_count == 0)
        return -ENOENT;                 /* unlinked while open: no new names */
    err = dir_add(dp, name, len, ip->ino, ip->d.i_mode);
    if (err)
        return err;
    ip->d.i_links_count++;
    inode_touch(ip, false);
    return iupdate(ip);
}
