/*
 * syscalls.c: the table of the file system's system calls, and the copy
 * of user path names they all start with.
 */
#include "fssys.h"
#include "fspage.h"
#include "../errno.h"
#include "../syscall.h"
#include "../uaccess.h"

int path_get(uint32_t upath, char **out)
{
    char *p = fs_page_alloc();
    if (!p)
        return -ENOMEM;
    int n = copyinstr(p, upath, PATH_MAX);
    if (n <= 0) {
        fs_page_free(p);
        return n < 0 ? n : -ENOENT;
    }
    *out = p;
    return 0;
}

void path_put(char *path)
{
    fs_page_free(path);
}

const struct syscall_def fs_syscalls[] = {
    SYSCALL_DEF(open),
    SYSCALL_DEF(creat),
    SYSCALL_DEF(openat),
    SYSCALL_DEF(mknod),
    SYSCALL_DEF(link),
    SYSCALL_DEF(unlink),
    SYSCALL_DEF(mkdir),
    SYSCALL_DEF(rmdir),
    SYSCALL_DEF(rename),
    SYSCALL_DEF(symlink),
    SYSCALL_DEF(readlink),
    SYSCALL_DEF(stat64),
    SYSCALL_DEF(lstat64),
    SYSCALL_DEF(access),
    SYSCALL_DEF(truncate),
    SYSCALL_DEF(truncate64),
    SYSCALL_DEF(chdir),
    SYSCALL_DEF(getcwd),
    SYSCALL_DEF(umask),
    SYSCALL_DEF(sync),
    SYSCALL_DEF(statfs64),
    SYSCALL_DEF(fstatfs64),
    SYSCALL_DEF(utimensat),
    {0, 0, 0},
};
