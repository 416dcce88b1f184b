/*
 * tfs.h: the host test driver's view of the file system: the image in
 * memory, the system calls as a user program would make them (paths and
 * buffers in the fake user memory of shim.h), the handle calls the
 * kernel's sys_handle.c would make on the file objects, and checks that
 * count failures.
 */
#ifndef TESTS_FS_TFS_H
#define TESTS_FS_TFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shim.h"

extern int failures;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                    \
            failures++;                                                               \
        }                                                                             \
    } while (0)

#define EQ(got, want)                                                                 \
    do {                                                                              \
        long long g_ = (long long)(got), w_ = (long long)(want);                      \
        if (g_ != w_) {                                                               \
            printf("FAIL %s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got,    \
                   g_, w_);                                                           \
            failures++;                                                               \
        }                                                                             \
    } while (0)

#define EQS(got, want)                                                                \
    do {                                                                              \
        const char *g_ = (got), *w_ = (want);                                         \
        if (strcmp(g_, w_) != 0) {                                                    \
            printf("FAIL %s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__,      \
                   #got, g_, w_);                                                     \
            failures++;                                                               \
        }                                                                             \
    } while (0)

/* open() flags and modes as user programs pass them (Linux i386) */
#define T_RDONLY 0
#define T_WRONLY 1
#define T_RDWR 2
#define T_CREAT 0100
#define T_EXCL 0200
#define T_TRUNC 01000
#define T_APPEND 02000
#define T_DIRECTORY 0200000
#define T_NOFOLLOW 0400000
#define T_CLOEXEC 02000000
#define T_AT_FDCWD (-100)

/* the image */
extern uint8_t *img;
extern size_t img_size;
void img_load(const char *path);
void img_save(const char *path);
int t_mount(void);

struct tstat {
    uint32_t dev, ino, mode, nlink, uid, gid, rdev, blksize, atime, mtime, ctime;
    uint64_t size, blocks;
};

/* a path or string in user memory, valid until a few more are made */
uint32_t ustr(const char *s);
long t_sys(unsigned nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d);

int t_open(const char *path, unsigned flags, unsigned mode);
int t_openat(int dirfd, const char *path, unsigned flags, unsigned mode);
int t_creat(const char *path, unsigned mode);
int t_close(int fd);
long t_read(int fd, void *buf, size_t n);
long t_write(int fd, const void *buf, size_t n);
long t_pread(int fd, void *buf, size_t n, uint64_t off);
long t_pwrite(int fd, const void *buf, size_t n, uint64_t off);
int64_t t_lseek(int fd, int64_t off, int whence);
long t_getdents(int fd, void *buf, size_t n);
int t_fstat(int fd, struct tstat *st);
int t_ftruncate(int fd, uint64_t len);
int t_fsync(int fd);
int t_stat(const char *path, struct tstat *st);
int t_lstat(const char *path, struct tstat *st);
int t_mkdir(const char *path, unsigned mode);
int t_rmdir(const char *path);
int t_unlink(const char *path);
int t_link(const char *from, const char *to);
int t_symlink(const char *target, const char *path);
long t_readlink(const char *path, char *buf, size_t n);
int t_rename(const char *from, const char *to);
int t_chdir(const char *path);
long t_getcwd(char *buf, size_t n);
int t_access(const char *path, unsigned mode);
int t_truncate(const char *path, uint64_t len);
int t_mknod(const char *path, unsigned mode, unsigned dev);
unsigned t_umask(unsigned mask);
void t_sync(void);

/* whole files and directories */
long read_file(const char *path, uint8_t **data);      /* malloc'd; the length or -errno */
int write_file(const char *path, const void *data, size_t n, unsigned mode);
/* the names in a directory (not . and ..), sorted, malloc'd; count or -errno */
int list_dir(const char *path, char ***names);
void free_names(char **names, int n);

/* deterministic pseudo-random data */
uint32_t rnd(void);
void rnd_seed(uint32_t seed);
void fill_random(uint8_t *buf, size_t n, uint32_t seed);

/* the in-memory inodes and the fs lock, from kernel/fs/ext2fs.h */
unsigned inodes_in_memory(void);
bool fs_lock_held(void);
uint32_t free_blocks(void);
uint32_t free_inodes(void);
uint32_t fs_block_size(void);
bool fs_has_filetype(void);

/* scenarios */
/* skip: names at the root to leave out (NULL-terminated), or NULL */
void compare_tree(const char *host, const char *path, bool strict, const char *const *skip);
int scenario_read(const char *staging, const char *const *skip);
int scenario_write(const char *outdir);
int scenario_verify(const char *outdir);
int scenario_model(uint32_t seed);
int scenario_full(void);
int scenario_mkcorrupt(const char *kind, const char *out);
int scenario_statfs(void);
int scenario_statfs_verify(void);
int scenario_corrupt(const char *kind);

#endif
