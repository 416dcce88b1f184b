/*
 * fs.h: the file system as the rest of the kernel sees it. The root is an
 * ext2 file system (revision 1) on a disk, or an image in RAM handed
 * over by the boot loader as a Multiboot module (root= on the command
 * line chooses).
 *
 * Rules kept here:
 *  - Inodes are reference counted: every function that returns one returns
 *    a reference the caller must give back with inode_put().
 *  - Paths are kernel strings, resolved from the calling process's working
 *    directory (or the root when they start with '/').
 *  - Errors are negative errno values.
 */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include <stdint.h>

struct inode;
struct kstat;

/* Mounts the ext2 image at [image, image + size) as the root: 0, or a
 * negative errno after a console line saying what is wrong with it. */
int fs_init(void *image, uint32_t size);
/* The same with a block device (a disk or one of its partitions). */
struct blockdev;
int fs_mount(struct blockdev *dev);
struct inode *fs_root(void);
struct inode *inode_get(struct inode *ip);
void inode_put(struct inode *ip);
int fs_namei(const char *path, struct inode **out);
/* 0 when ip is a regular file the caller may execute, else -EACCES. */
int inode_exec_check(struct inode *ip);
/* Reads up to n bytes at off into a kernel buffer; the bytes read. */
long inode_read(struct inode *ip, void *kbuf, uint64_t off, uint32_t n);
void inode_stat(struct inode *ip, struct kstat *st);
/* Writes everything dirty back to the device, through its cache. */
void fs_sync(void);
/* Starts the kernel thread that does fs_sync every 5 s while anything
 * is dirty (fsapi.c). */
void fs_start_writeback(void);

#endif
