/*
 * fssys.h: the file system's system calls (their table is fs_syscalls in
 * syscalls.c) and what they share: user path names copied into the
 * kernel.
 */
#ifndef KERNEL_FS_FSSYS_H
#define KERNEL_FS_FSSYS_H

#include <stdint.h>

#define PATH_MAX 4096          /* with its NUL; Linux's limit */

/* Copies the NUL-terminated user path at upath into a new page, freed
 * with path_put. -EFAULT, -ENAMETOOLONG, -ENOENT for an empty path. */
int path_get(uint32_t upath, char **out);
void path_put(char *path);

/* sysopen.c */
long sys_open(const uint32_t *arg);
long sys_creat(const uint32_t *arg);
long sys_openat(const uint32_t *arg);
long sys_mknod(const uint32_t *arg);
/* The start of a path relative to dirfd: NULL for AT_FDCWD, else the
 * directory behind the handle, whose object is held through *held until
 * the caller puts it. -EBADF, -ENOTDIR. */
struct object;
struct inode;
int dirfd_base(int dirfd, struct object **held, struct inode **base);
/* sysstat.c */
long sys_stat64(const uint32_t *arg);
long sys_lstat64(const uint32_t *arg);
long sys_access(const uint32_t *arg);
long sys_readlink(const uint32_t *arg);
long sys_truncate(const uint32_t *arg);
long sys_truncate64(const uint32_t *arg);
/* sysname.c */
long sys_link(const uint32_t *arg);
long sys_unlink(const uint32_t *arg);
long sys_mkdir(const uint32_t *arg);
long sys_rmdir(const uint32_t *arg);
long sys_rename(const uint32_t *arg);
long sys_symlink(const uint32_t *arg);
/* syscwd.c */
long sys_chdir(const uint32_t *arg);
long sys_getcwd(const uint32_t *arg);
long sys_umask(const uint32_t *arg);
long sys_sync(const uint32_t *arg);
/* sysstatfs.c */
long sys_statfs64(const uint32_t *arg);
long sys_fstatfs64(const uint32_t *arg);
/* sysutime.c */
long sys_utimensat(const uint32_t *arg);

#endif
