/*
 * t_statfs.c: statfs64, fstatfs64 and utimensat through the system-call
 * table. The counts statfs reports are printed for the shell script to
 * compare with what dumpe2fs reads from the image; here they must move
 * by exactly the blocks and inodes a new file takes and give back. The
 * times utimensat sets must read back through stat64, a fresh mount and
 * (the script) debugfs; its bad arguments must fail as Linux's do.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "tfs.h"
#include "../../guest-os/include/isola/syscall.h"

#define STATFS_SIZE 84
/* the host's sys/stat.h has UTIME_NOW and UTIME_OMIT, with Linux's values */
#define AT_SYMLINK_NOFOLLOW 0x100

/* A scratch area at the end of the fake user memory. */
#define SCRATCH (USER_BASE + USER_SIZE - 4096)

struct counts {
    uint32_t type, bsize, frsize, namelen, flags;
    uint64_t blocks, bfree, bavail, files, ffree;
};

static uint64_t word64(const uint32_t *w) { return w[0] | (uint64_t)w[1] << 32; }

static void unpack(struct counts *c)
{
    uint32_t w[21];
    memcpy(w, uptr(SCRATCH), sizeof w);
    *c = (struct counts){ .type = w[0], .bsize = w[1], .blocks = word64(w + 2),
                          .bfree = word64(w + 4), .bavail = word64(w + 6),
                          .files = word64(w + 8), .ffree = word64(w + 10),
                          .namelen = w[14], .frsize = w[15], .flags = w[16] };
}

static int t_statfs(const char *path, struct counts *c)
{
    memset(uptr(SCRATCH), 0xAA, 4096);
    int r = (int)t_sys(SYS_statfs64, ustr(path), STATFS_SIZE, SCRATCH, 0);
    if (r == 0)
        unpack(c);
    return r;
}

static int t_fstatfs(int fd, struct counts *c)
{
    memset(uptr(SCRATCH), 0xAA, 4096);
    int r = (int)t_sys(SYS_fstatfs64, (uint32_t)fd, STATFS_SIZE, SCRATCH, 0);
    if (r == 0)
        unpack(c);
    return r;
}

/* utimensat with times (sec, nsec pairs) or NULL. */
static int t_utimens(int dirfd, const char *path, const int32_t *times, uint32_t flags)
{
    uint32_t ut = 0;
    if (times) {
        memcpy(uptr(SCRATCH), times, 4 * sizeof *times);
        ut = SCRATCH;
    }
    return (int)t_sys(SYS_utimensat, (uint32_t)dirfd, path ? ustr(path) : 0, ut, flags);
}

static void test_statfs(void)
{
    struct counts c, d;
    EQ(t_statfs("/", &c), 0);
    EQ(c.type, 0xEF53);
    EQ(c.bsize, fs_block_size());
    EQ(c.frsize, fs_block_size());
    EQ(c.namelen, 255);
    EQ(c.flags & 0x20, 0x20);                   /* ST_VALID */
    EQ(c.bfree, free_blocks());
    EQ(c.ffree, free_inodes());
    CHECK(c.bavail <= c.bfree && c.bfree < c.blocks && c.ffree < c.files);
    /* the numbers the script compares with dumpe2fs */
    printf("statfs: bsize %u blocks %llu bfree %llu bavail %llu files %llu ffree %llu\n",
           c.bsize, (unsigned long long)c.blocks, (unsigned long long)c.bfree,
           (unsigned long long)c.bavail, (unsigned long long)c.files,
           (unsigned long long)c.ffree);

    /* a file of 300 blocks takes them (and its indirect blocks), and one inode */
    static uint8_t data[300 * 4096];
    fill_random(data, sizeof data, 5);
    uint32_t n = 300 * fs_block_size();
    EQ(write_file("/grow", data, n, 0644), 0);
    struct tstat st;
    EQ(t_stat("/grow", &st), 0);
    EQ(t_statfs("/grow", &d), 0);
    EQ(d.bfree, c.bfree - st.blocks / (fs_block_size() / 512));
    EQ(d.ffree, c.ffree - 1);
    EQ(d.blocks, c.blocks);
    int fd = t_open("/grow", T_RDONLY, 0);
    CHECK(fd >= 0);
    EQ(t_fstatfs(fd, &d), 0);
    EQ(d.bfree, c.bfree - st.blocks / (fs_block_size() / 512));
    EQ(t_close(fd), 0);
    EQ(t_unlink("/grow"), 0);
    EQ(t_statfs("/", &d), 0);
    EQ(d.bfree, c.bfree);
    EQ(d.ffree, c.ffree);

    /* bad calls */
    EQ(t_statfs("/nope", &d), -ENOENT);
    EQ(t_sys(SYS_statfs64, ustr("/"), 64, SCRATCH, 0), -EINVAL);
    EQ(t_sys(SYS_statfs64, ustr("/"), STATFS_SIZE, 0x100, 0), -EFAULT);
    EQ(t_fstatfs(57, &d), -EBADF);
}

static void test_utimens(void)
{
    struct tstat st;
    EQ(t_mkdir("/u", 0755), 0);
    EQ(write_file("/u/times", "t\n", 2, 0644), 0);
    EQ(t_symlink("times", "/u/link"), 0);

    shim_time = 1800000000;
    const int32_t set[4] = { 1000000000, 5, 1100000000, 999999999 };
    EQ(t_utimens(T_AT_FDCWD, "/u/times", set, 0), 0);
    EQ(t_stat("/u/times", &st), 0);
    EQ(st.atime, 1000000000);
    EQ(st.mtime, 1100000000);
    EQ(st.ctime, 1800000000);

    /* UTIME_OMIT keeps one, UTIME_NOW is now */
    shim_time = 1800000100;
    const int32_t omit_now[4] = { 0, (int32_t)UTIME_OMIT, 0, (int32_t)UTIME_NOW };
    EQ(t_utimens(T_AT_FDCWD, "/u/times", omit_now, 0), 0);
    EQ(t_stat("/u/times", &st), 0);
    EQ(st.atime, 1000000000);
    EQ(st.mtime, 1800000100);
    EQ(st.ctime, 1800000100);

    /* both omitted: nothing changes, not even the change time */
    shim_time = 1800000200;
    const int32_t omit[4] = { 7, (int32_t)UTIME_OMIT, 7, (int32_t)UTIME_OMIT };
    EQ(t_utimens(T_AT_FDCWD, "/u/times", omit, 0), 0);
    EQ(t_stat("/u/times", &st), 0);
    EQ(st.ctime, 1800000100);

    /* NULL: both now; relative to a directory handle; through a link */
    int dfd = t_open("/u", T_RDONLY | T_DIRECTORY, 0);
    CHECK(dfd >= 0);
    EQ(t_utimens(dfd, "link", NULL, 0), 0);
    EQ(t_stat("/u/times", &st), 0);
    EQ(st.atime, 1800000200);
    EQ(st.mtime, 1800000200);

    /* the link itself */
    const int32_t old[4] = { 1200000000, 0, 1300000000, 0 };
    EQ(t_utimens(dfd, "link", old, AT_SYMLINK_NOFOLLOW), 0);
    EQ(t_lstat("/u/link", &st), 0);
    EQ(st.mtime, 1300000000);
    EQ(t_stat("/u/link", &st), 0);
    EQ(st.mtime, 1800000200);

    /* by handle (futimens): the times the script finds with debugfs */
    int fd = t_open("/u/times", T_RDONLY, 0);
    CHECK(fd >= 0);
    const int32_t last[4] = { 1234567890, 0, 1234567899, 0 };
    EQ(t_utimens(fd, NULL, last, 0), 0);
    EQ(t_stat("/u/times", &st), 0);
    EQ(st.atime, 1234567890);
    EQ(st.mtime, 1234567899);

    /* bad calls */
    const int32_t bad[4] = { 0, 1000000000, 0, 0 };
    EQ(t_utimens(T_AT_FDCWD, "/u/times", bad, 0), -EINVAL);
    const int32_t neg[4] = { 0, 0, 0, -1 };
    EQ(t_utimens(T_AT_FDCWD, "/u/times", neg, 0), -EINVAL);
    EQ(t_utimens(T_AT_FDCWD, "/u/times", NULL, 0x200), -EINVAL);
    EQ(t_utimens(fd, NULL, NULL, AT_SYMLINK_NOFOLLOW), -EINVAL);
    EQ(t_utimens(T_AT_FDCWD, "/u/nope", NULL, 0), -ENOENT);
    EQ(t_utimens(57, NULL, NULL, 0), -EBADF);
    EQ(t_utimens(fd, "x", NULL, 0), -ENOTDIR);
    EQ(t_sys(SYS_utimensat, (uint32_t)T_AT_FDCWD, ustr("/u/times"), 0x100, 0), -EFAULT);
    EQ(t_close(fd), 0);
    EQ(t_close(dfd), 0);
    t_sync();
}

int scenario_statfs(void)
{
    EQ(t_mount(), 0);
    test_statfs();
    test_utimens();
    return failures;
}

/* After a fresh mount: the times set above were written to the inode. */
int scenario_statfs_verify(void)
{
    struct tstat st;
    EQ(t_mount(), 0);
    EQ(t_stat("/u/times", &st), 0);
    EQ(st.atime, 1234567890);
    EQ(st.mtime, 1234567899);
    EQ(t_lstat("/u/link", &st), 0);
    EQ(st.atime, 1200000000);
    EQ(st.mtime, 1300000000);
    return failures;
}
