/* sys/statfs.h: what statfs() and fstatfs() report about the file
 * system holding a file, laid out as Linux's i386 struct statfs64,
 * which the statfs64/fstatfs64 calls fill in. Counts are in f_bsize
 * blocks; f_bavail is what a user other than root may still use. */
#ifndef _SYS_STATFS_H
#define _SYS_STATFS_H

#include <sys/types.h>

typedef unsigned long long fsblkcnt_t;
typedef unsigned long long fsfilcnt_t;
typedef struct { int __val[2]; } fsid_t;

struct statfs {
    unsigned long f_type;
    unsigned long f_bsize;
    fsblkcnt_t f_blocks;
    fsblkcnt_t f_bfree;
    fsblkcnt_t f_bavail;
    fsfilcnt_t f_files;
    fsfilcnt_t f_ffree;
    fsid_t f_fsid;
    unsigned long f_namelen;
    unsigned long f_frsize;
    unsigned long f_flags;
    unsigned long f_spare[4];
};

#define ST_RDONLY 0x0001
#define ST_VALID 0x0020
#define EXT2_SUPER_MAGIC 0xEF53

int statfs(const char *path, struct statfs *buf);
int fstatfs(int fd, struct statfs *buf);

#endif
