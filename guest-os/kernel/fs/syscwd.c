/*
 * syscwd.c: the calls about the process's place in the file system and
 * the file system as a whole: chdir, getcwd, umask, sync.
 *
 * Rules kept here:
 *  - The working directory is a reference held by the process
 *    (proc->cwd; NULL means the root).
 *  - getcwd rebuilds the path by climbing '..' and finding each
 *    directory's name in its parent, so it is always what the names are
 *    now. It returns the length with the NUL, -ERANGE when the buffer is
 *    shorter, -ENOENT when the directory has been removed (Linux's
 *    getcwd syscall).
 */
#include "ext2fs.h"
#include "fssys.h"
#include "fspage.h"
#include "../errno.h"
#include "../fs.h"
#include "../kmalloc.h"
#include "../lib.h"
#include "../proc.h"
#include "../uaccess.h"

#define MAX_DEPTH 4096   /* a '..' chain longer than this is a corrupt loop */

long sys_chdir(const uint32_t *arg)
{
    char *path;
    int err = path_get(arg[0], &path);
    if (err)
        return err;
    struct inode *ip;
    fs_lock();
    err = namei(NULL, path, NAMEI_FOLLOW, &ip);
    if (!err && !inode_is_dir(ip)) {
        iput(ip);
        err = -ENOTDIR;
    }
    if (!err) {
        struct proc *p = curproc();
        if (p->cwd)
            iput(p->cwd);
        p->cwd = ip;
    }
    fs_unlock();
    path_put(path);
    return err;
}

/* Puts "/name" in front of the path that ends at buf + *pos. */
static int prepend(char *buf, uint32_t *pos, const char *name)
{
    uint32_t len = strlen(name);
    if (len + 1 > *pos)
        return -ENAMETOOLONG;
    *pos -= len;
    memcpy(buf + *pos, name, len);
    buf[--*pos] = '/';
    return 0;
}

/* The path of directory dir, built at the end of buf (PAGE_SIZE
 * bytes); *pos is where it starts. */
static int path_of(struct inode *dir, char *buf, uint32_t *pos, char *name)
{
    if (dir->d.i_links_count == 0)
        return -ENOENT;
    struct inode *cur = idup(dir);
    int err = 0;
    *pos = PAGE_SIZE - 1;
    buf[*pos] = 0;
    for (int depth = 0; cur != fs.root && !err; depth++) {
        uint32_t ino;
        struct inode *up;
        if (depth == MAX_DEPTH) {
            err = ext2_error("directory %u: '..' chain does not reach the root", dir->ino);
            break;
        }
        err = dir_lookup(cur, "..", 2, &ino);
        if (!err)
            err = iget(ino, &up);
        if (err)
            break;
        err = dir_name_of(up, cur->ino, name);
        if (!err)
            err = prepend(buf, pos, name);
        iput(cur);
        cur = up;
    }
    iput(cur);
    if (!err && *pos == PAGE_SIZE - 1)
        buf[--*pos] = '/';
    return err;
}

long sys_getcwd(const uint32_t *arg)
{
    uint32_t ubuf = arg[0], size = arg[1], pos = PAGE_SIZE;
    char *buf = fs_page_alloc(), *name = kmalloc(EXT2_NAME_LEN + 1);
    int err = buf && name ? 0 : -ENOMEM;
    if (!err) {
        fs_lock();
        struct inode *cwd = curproc()->cwd;
        err = path_of(cwd ? cwd : fs.root, buf, &pos, name);
        fs_unlock();
    }
    uint32_t len = PAGE_SIZE - pos;     /* with the NUL */
    if (!err && len > size)
        err = -ERANGE;
    if (!err && copyout(ubuf, buf + pos, len))
        err = -EFAULT;
    if (buf)
        fs_page_free(buf);
    if (name)
        kfree(name);
    return err ? err : (long)len;
}

long sys_umask(const uint32_t *arg)
{
    struct proc *p = curproc();
    unsigned old = p->umask;
    p->umask = arg[0] & 0777;
    return old;
}

long sys_sync(const uint32_t *arg)
{
    (void)arg;
    fs_sync();
    return 0;
}
