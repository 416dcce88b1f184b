/*
 * ext2fs.h: the file system's own view of itself, shared by the files of
 * kernel/fs: the mounted file system, inodes in memory, and the
 * functions each file provides to the others.
 *
 * Rules kept here:
 *  - One file system is mounted (the root), described by `fs`.
 *  - One lock, fs_mutex, covers all of it: the buffer cache, the inodes
 *    in memory, every on-disk structure. Every entry point from outside
 *    (fs.h, the system calls, the file object's ops) takes it first and
 *    drops it last; nothing inside takes it. A thread may sleep holding
 *    it (disk I/O), so it is a sleeping mutex, not interrupts off.
 *  - An inode in memory exists while someone holds a reference; the
 *    last iput() writes it back and, when its link count is 0, frees it
 *    and its blocks: an unlinked file lives on while it is open.
 *  - Every value read from the device is checked before it is used as a
 *    block number, an inode number, a length or an offset. A bad one is
 *    -EIO and one console line (ext2_error); nothing is written outside
 *    the device, and nothing allocated is metadata.
 *  - Errors are negative errno values.
 */
#ifndef KERNEL_FS_EXT2FS_H
#define KERNEL_FS_EXT2FS_H

#include <stdbool.h>
#include <stdint.h>

#include "ext2.h"

struct blockdev;
struct buf;

struct fs {
    struct blockdev *dev;
    struct ext2_super sb;          /* the superblock, written back by ext2_sync */
    uint32_t bsize;                /* block size in bytes */
    uint32_t log_bsize;            /* log2(bsize) */
    uint32_t log_ptrs;             /* log2(block numbers per indirect block) */
    uint32_t ngroups;
    uint32_t gdt_first;            /* the first block of the group descriptors */
    uint32_t gdt_blocks;
    uint32_t inode_size;
    uint32_t itable_blocks;        /* inode-table blocks per group */
    uint32_t first_ino;            /* the first inode that is not reserved */
    bool filetype;                 /* directory entries carry the file type */
    bool readonly;                 /* features we cannot keep up to date */
    uint64_t max_size;             /* the largest file size */
    struct inode *root;
    struct inode *inodes;          /* every inode in memory */
};

extern struct fs fs;

/* fslock.c: the one lock */
void fs_lock(void);
void fs_unlock(void);

/* An inode in memory. */
struct inode {
    struct inode *next;            /* on fs.inodes */
    uint32_t ino;
    int refs;
    uint32_t last_lbn, last_pbn;   /* the last block mapped: the goal for the next */
    struct ext2_inode d;           /* the first 128 bytes of its record */
};

static inline bool inode_is_dir(const struct inode *ip) { return (ip->d.i_mode & 0170000) == 0040000; }
static inline bool inode_is_reg(const struct inode *ip) { return (ip->d.i_mode & 0170000) == 0100000; }
static inline bool inode_is_lnk(const struct inode *ip) { return (ip->d.i_mode & 0170000) == 0120000; }

/* super.c: mounting, the superblock, group descriptors, block checks */
int ext2_mount(struct blockdev *dev);
int ext2_sync(void);
/* Prints "ext2: <message>" on the console; returns -EIO. */
int ext2_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Group g's descriptor inside its held buffer *bp, or NULL (-EIO). */
struct ext2_group_desc *group_desc(uint32_t g, struct buf **bp);
uint32_t group_first_block(uint32_t g);
uint32_t group_nblocks(uint32_t g);
/* Whether group g keeps a copy of the superblock and descriptors. */
bool group_has_super(uint32_t g);
/* 0 when b may be a data or indirect block (of inode ino, when not 0),
 * else -EIO and a console line. */
int block_check(uint32_t b, uint32_t ino);

/* balloc.c: the block and inode bitmaps */
int block_alloc(uint32_t goal, uint32_t *out);
int block_free(uint32_t b);
int inode_alloc_bit(uint32_t near_group, bool dir, uint32_t *out);
int inode_free_bit(uint32_t ino, bool dir);

/* inode.c: inodes in memory */
int iget(uint32_t ino, struct inode **out);
struct inode *idup(struct inode *ip);
void iput(struct inode *ip);
int iupdate(struct inode *ip);
/* A new inode of the given mode (type and permissions) and link count,
 * near directory dp. */
int ialloc(struct inode *dp, uint16_t mode, uint16_t links, struct inode **out);
uint64_t isize(const struct inode *ip);
void iset_size(struct inode *ip, uint64_t size);
bool inode_is_fast_symlink(const struct inode *ip);
uint32_t inode_rdev(const struct inode *ip);
void inode_touch(struct inode *ip, bool modified);

/* bmap.c: file blocks to device blocks */
int bmap(struct inode *ip, uint32_t lbn, bool alloc, uint32_t *out);

/* itrunc.c: freeing blocks */
int itrunc(struct inode *ip, uint64_t size);
int inode_release_blocks(struct inode *ip);
/* Zeroes the bytes from size to the end of the block holding it. */
int inode_zero_tail(struct inode *ip, uint64_t size);

/* rw.c: file contents; a transfer is to or from kernel or user memory */
struct xfer {
    bool user;
    char *kaddr;
    uint32_t uaddr;
};
long readi(struct inode *ip, struct xfer *x, uint64_t off, uint32_t n);
long writei(struct inode *ip, struct xfer *x, uint64_t off, uint32_t n);

/* dir.c: directory entries */
int dir_lookup(struct inode *dp, const char *name, uint32_t len, uint32_t *ino);
int dir_add(struct inode *dp, const char *name, uint32_t len, uint32_t ino, uint16_t mode);
int dir_remove(struct inode *dp, const char *name, uint32_t len);
int dir_retarget(struct inode *dp, const char *name, uint32_t len, uint32_t ino, uint16_t mode);
int dir_is_empty(struct inode *dp);
int dir_make(struct inode *dp, uint32_t parent);
int dir_name_of(struct inode *dp, uint32_t ino, char *name);
/* Calls fn on each entry in use at or after offset *pos, advancing *pos
 * past each entry fn accepts (returns 0 for); stops when fn returns
 * non-zero. 0 at the end, fn's positive value, or -errno. */
typedef int (*dir_fn)(void *arg, const struct ext2_dirent *de, uint64_t next_off);
int dir_iterate(struct inode *dp, uint64_t *pos, dir_fn fn, void *arg);
uint8_t dirent_type(const struct ext2_dirent *de);
uint32_t dirent_name_len(const struct ext2_dirent *de);

/* namei.c: path names */
#define NAMEI_FOLLOW 1             /* follow a symbolic link in the last component */
int namei(struct inode *base, const char *path, int flags, struct inode **out);
/* The directory holding the last component and that component, copied
 * to name (EXT2_NAME_LEN + 1 bytes); an empty name when the path names
 * the root. *slash is set when the path ended in '/'. */
int nameiparent(struct inode *base, const char *path, struct inode **dirp, char *name,
                bool *slash);
int inode_readlink(struct inode *ip, char *buf, uint32_t size);

/* create.c, remove.c, rename.c: changes to the name space */
int fs_create(struct inode *dp, const char *name, uint16_t mode, struct inode **out);
int fs_mkdir(struct inode *dp, const char *name, uint16_t mode);
int fs_symlink(struct inode *dp, const char *name, const char *target);
int fs_link(struct inode *ip, struct inode *dp, const char *name);
int fs_unlink(struct inode *dp, const char *name);
int fs_rmdir(struct inode *dp, const char *name);
int fs_rename(struct inode *odp, const char *oname, struct inode *ndp, const char *nname,
              bool must_dir);

/* file.c: open files */
struct object;
int file_open(struct inode *ip, unsigned flags, struct object **out);
/* The inode of an open file (held by the file), or NULL. */
struct inode *file_inode(struct object *o);
int inode_truncate(struct inode *ip, uint64_t len);

/* readdir.c */
long dir_getdents(struct inode *dp, uint64_t *pos, uint32_t ubuf, uint32_t n);

#endif
