/*
 * t_write.c: changing the file system through its system calls and file
 * objects, checking each result as it comes, then leaving /w and /t in a
 * known state for the shell script to check with e2fsck and debugfs
 * (and for `verify` to read back after a fresh mount).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tfs.h"
#include "../../guest-os/include/isola/syscall.h"
#include "../../guest-os/kernel/object.h"
#include "../../guest-os/kernel/proc.h"

#define BIG_SIZE (20u << 20)
#define BIG_SEED 21

static uint32_t bs;

static void check_content(const char *path, const uint8_t *want, size_t n)
{
    uint8_t *got;
    long r = read_file(path, &got);
    EQ(r, (long)n);
    if (r == (long)n && memcmp(got, want, n) != 0) {
        printf("FAIL: %s has the wrong contents\n", path);
        failures++;
    }
    free(got);
}

static uint32_t blocks_of(const char *path)
{
    struct tstat st;
    return t_stat(path, &st) == 0 ? (uint32_t)(st.blocks / (bs / 512)) : 0xFFFFFFFF;
}

static void test_create(void)
{
    struct tstat st, w0, w1;
    EQ(t_umask(022), 0);
    EQ(t_umask(022), 022);
    EQ(t_stat("/", &w0), 0);
    EQ(t_mkdir("/w", 0777), 0);
    EQ(t_stat("/w", &st), 0);
    EQ(st.mode, S_IFDIR | 0755);
    EQ(st.nlink, 2);
    EQ(st.size, bs);
    EQ(t_stat("/", &w1), 0);
    EQ(w1.nlink, w0.nlink + 1);
    EQ(t_mkdir("/w", 0777), -EEXIST);
    EQ(t_mkdir("/w/", 0777), -EEXIST);
    EQ(t_mkdir("/nope/x", 0777), -ENOENT);

    shim_time += 100;
    int fd = t_open("/w/hello", T_WRONLY | T_CREAT | T_EXCL, 0666);
    CHECK(fd >= 0);
    EQ(t_write(fd, "hello, ", 7), 7);
    EQ(t_write(fd, "world\n", 6), 6);
    EQ(t_fstat(fd, &st), 0);
    EQ(st.mode, S_IFREG | 0644);
    EQ(st.size, 13);
    EQ(st.nlink, 1);
    EQ(st.mtime, shim_time);
    EQ(st.blocks, bs / 512);
    uint8_t buf[64];
    EQ(t_read(fd, buf, 5), -EBADF);               /* write-only */
    EQ(t_close(fd), 0);
    EQ(t_close(fd), -EBADF);
    check_content("/w/hello", (const uint8_t *)"hello, world\n", 13);
    EQ(t_open("/w/hello", T_WRONLY | T_CREAT | T_EXCL, 0666), -EEXIST);

    /* O_APPEND writes at the end whatever the offset */
    fd = t_open("/w/hello", T_RDWR | T_APPEND, 0);
    CHECK(fd >= 0);
    EQ(t_lseek(fd, 0, SEEK_SET), 0);
    EQ(t_write(fd, "again\n", 6), 6);
    EQ(t_lseek(fd, 0, SEEK_CUR), 19);
    EQ(t_pread(fd, buf, sizeof buf, 0), 19);
    CHECK(memcmp(buf, "hello, world\nagain\n", 19) == 0);
    EQ(t_close(fd), 0);

    /* O_TRUNC empties, creat too */
    EQ(write_file("/w/gone", "12345", 5, 0644), 0);
    fd = t_open("/w/gone", T_WRONLY | T_TRUNC, 0);
    CHECK(fd >= 0);
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, 0);
    EQ(st.blocks, 0);
    t_close(fd);
    fd = t_creat("/w/gone2", 0600);
    CHECK(fd >= 0);
    EQ(t_fstat(fd, &st), 0);
    EQ(st.mode, S_IFREG | 0600);
    EQ(t_read(fd, buf, 1), -EBADF);
    t_close(fd);
    EQ(t_unlink("/w/gone"), 0);
    EQ(t_unlink("/w/gone2"), 0);
    EQ(t_unlink("/w/gone2"), -ENOENT);

    /* a read-only open cannot write or truncate */
    fd = t_open("/w/hello", T_RDONLY, 0);
    EQ(t_write(fd, "x", 1), -EBADF);
    EQ(t_ftruncate(fd, 0), -EINVAL);
    EQ(t_getdents(fd, buf, sizeof buf), -ENOTDIR);
    EQ(t_lseek(fd, -1, SEEK_SET), -EINVAL);
    EQ(t_lseek(fd, -20, SEEK_END), -EINVAL);
    EQ(t_lseek(fd, -19, SEEK_END), 0);
    EQ(t_lseek(fd, 1000, SEEK_END), 1019);
    EQ(t_read(fd, buf, 10), 0);
    EQ(t_lseek(fd, 0, 7), -EINVAL);
    t_close(fd);
}

static void test_errors(void)
{
    struct tstat st;
    char longname[300], longpath[5000];
    memset(longname, 'n', 256);
    strcpy(longname, "/w/");
    memset(longname + 3, 'n', 256);
    longname[259] = 0;
    memset(longpath, 'p', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = 0;
    EQ(t_open("/nonexistent", T_RDONLY, 0), -ENOENT);
    EQ(t_open("", T_RDONLY, 0), -ENOENT);
    EQ(t_open("/w/hello/x", T_RDONLY, 0), -ENOTDIR);
    EQ(t_open("/w/hello/", T_RDONLY, 0), -ENOTDIR);
    EQ(t_open(longname, T_RDONLY | T_CREAT, 0644), -ENAMETOOLONG);
    EQ(t_open(longname, T_RDONLY, 0), -ENAMETOOLONG);
    EQ(t_open(longpath, T_RDONLY, 0), -ENAMETOOLONG);
    EQ(t_open("/w", T_WRONLY, 0), -EISDIR);
    EQ(t_open("/w", T_RDWR, 0), -EISDIR);
    EQ(t_open("/w", T_RDONLY | T_CREAT, 0644), -EISDIR);
    EQ(t_open("/w/newdir/", T_RDWR | T_CREAT, 0644), -EISDIR);
    EQ(t_open("/w/hello", T_RDONLY | T_DIRECTORY, 0), -ENOTDIR);
    EQ(t_open("/w/hello", 3, 0), -EINVAL);
    EQ(t_stat("/w/newdir", &st), -ENOENT);
    /* bad user pointers */
    EQ(t_sys(SYS_open, 0x1000, T_RDONLY, 0, 0), -EFAULT);
    EQ(t_sys(SYS_stat64, ustr("/w/hello"), 0x1000, 0, 0), -EFAULT);
    shim_user_mem[USER_SIZE - 1] = 'x';         /* a path that runs off the end */
    EQ(t_sys(SYS_mkdir, USER_BASE + USER_SIZE - 1, 0755, 0, 0), -EFAULT);
    int fd = t_open("/w/hello", T_RDWR, 0);
    struct object *o = handle_ref(curproc(), fd);
    EQ(o->ops->read(o, 0x1000, 10), -EFAULT);
    EQ(o->ops->write(o, 0x1000, 10), -EFAULT);
    EQ(o->ops->read(o, USER_BASE + USER_SIZE - 4, 10), -EFAULT);
    object_put(o);
    t_close(fd);
    fd = t_open("/w", T_RDONLY, 0);
    uint8_t buf[16];
    EQ(t_read(fd, buf, sizeof buf), -EISDIR);
    EQ(t_getdents(fd, buf, 10), -EINVAL);                    /* no record fits */
    t_close(fd);
    check_content("/w/hello", (const uint8_t *)"hello, world\nagain\n", 19);
}

/* Many MiB in odd-sized writes: double indirect blocks for any block size. */
static void test_big(uint8_t *big)
{
    uint32_t free0 = free_blocks();
    int fd = t_open("/w/big", T_RDWR | T_CREAT | T_TRUNC, 0644);
    CHECK(fd >= 0);
    for (size_t off = 0; off < BIG_SIZE;) {
        size_t n = 100003;
        if (n > BIG_SIZE - off)
            n = BIG_SIZE - off;
        EQ(t_write(fd, big + off, n), (long)n);
        off += n;
    }
    struct tstat st;
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, BIG_SIZE);
    uint64_t data = BIG_SIZE / bs, per = bs / 4;
    uint64_t ind = 1 + 1 + (data - 12 - per + per - 1) / per;   /* IND, DIND, its INDs */
    EQ(st.blocks, (data + ind) * (bs / 512));
    EQ(free0 - free_blocks(), data + ind);
    t_close(fd);
    check_content("/w/big", big, BIG_SIZE);
    /* a read into a buffer that ends in unmapped memory stops there */
    fd = t_open("/w/big", T_RDONLY, 0);
    struct object *o = handle_ref(curproc(), fd);
    EQ(o->ops->read(o, USER_BASE + USER_SIZE - bs - 10, 3 * bs), bs);
    CHECK(memcmp(shim_user_mem + USER_SIZE - bs - 10, big, bs) == 0);
    EQ(t_lseek(fd, 0, SEEK_CUR), bs);
    object_put(o);
    t_close(fd);
    /* reads at random offsets across block and indirect boundaries */
    fd = t_open("/w/big", T_RDONLY, 0);
    uint8_t *buf = malloc(70000);
    for (int i = 0; i < 200; i++) {
        uint64_t off = rnd() % BIG_SIZE;
        size_t n = rnd() % 70000;
        long want = (long)(off + n <= BIG_SIZE ? n : BIG_SIZE - off);
        EQ(t_pread(fd, buf, n, off), want);
        CHECK(memcmp(buf, big + off, (size_t)want) == 0);
    }
    free(buf);
    t_close(fd);
}

/* Holes, and blocks only where data was written. */
static void test_sparse(void)
{
    uint32_t free0 = free_blocks();
    int fd = t_open("/w/sparse", T_RDWR | T_CREAT, 0644);
    CHECK(fd >= 0);
    uint64_t mid = (1u << 20) + 17, tail = (7u << 20) - 4;
    EQ(t_pwrite(fd, "head", 4, 0), 4);
    EQ(t_pwrite(fd, "middle", 6, mid), 6);
    EQ(t_pwrite(fd, "tail", 4, tail), 4);
    struct tstat st;
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, 7u << 20);
    uint32_t used = free0 - free_blocks();
    EQ(st.blocks, used * (bs / 512));
    CHECK(used <= 9);     /* 3-4 data blocks and a few indirect ones */
    uint8_t *all = malloc(7u << 20), *want = calloc(1, 7u << 20);
    memcpy(want, "head", 4);
    memcpy(want + mid, "middle", 6);
    memcpy(want + tail, "tail", 4);
    EQ(t_pread(fd, all, 7u << 20, 0), 7u << 20);
    CHECK(memcmp(all, want, 7u << 20) == 0);
    t_close(fd);
    free(all);
    free(want);
}

/* Shrinking frees blocks, indirect ones too; growing is sparse and
 * shows zeros, never the old bytes. */
static void test_truncate(void)
{
    uint32_t free0 = free_blocks();
    size_t n = 300000;
    uint8_t *data = malloc(n), *buf = malloc(n);
    fill_random(data, n, 5);
    EQ(write_file("/w/trunc", data, n, 0644), 0);
    int fd = t_open("/w/trunc", T_RDWR, 0);
    EQ(t_ftruncate(fd, 5000), 0);
    struct tstat st;
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, 5000);
    uint32_t nb = (5000 + bs - 1) / bs;
    EQ(st.blocks, nb * (bs / 512));
    EQ(free0 - free_blocks(), nb);
    EQ(t_ftruncate(fd, 100000), 0);
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, 100000);
    EQ(st.blocks, nb * (bs / 512));
    EQ(t_pread(fd, buf, n, 0), 100000);
    CHECK(memcmp(buf, data, 5000) == 0);
    bool zero = true;
    for (size_t i = 5000; i < 100000; i++)
        zero &= buf[i] == 0;
    CHECK(zero);
    EQ(t_pwrite(fd, "!", 1, 99999), 1);
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, 100000);
    /* a write past the end leaves a hole, zeros before it */
    EQ(t_ftruncate(fd, 4097), 0);
    EQ(t_pwrite(fd, "@", 1, 20000), 1);
    EQ(t_pread(fd, buf, 20001, 0), 20001);
    CHECK(memcmp(buf, data, 4097) == 0);
    zero = true;
    for (size_t i = 4097; i < 20000; i++)
        zero &= buf[i] == 0;
    CHECK(zero);
    EQ(buf[20000], '@');
    t_close(fd);
    EQ(t_truncate("/w/trunc", 0), 0);
    EQ(blocks_of("/w/trunc"), 0);
    EQ(free_blocks(), free0);
    EQ(t_truncate("/w", 0), -EISDIR);
    EQ(t_sys(SYS_truncate, ustr("/w/trunc"), (uint32_t)-1, 0, 0), -EINVAL);
    EQ(t_truncate("/w/nothing", 0), -ENOENT);
    /* leave it as 100000 bytes: 5000 of data, zeros, a '!' */
    EQ(write_file("/w/trunc", data, 5000, 0644), 0);
    EQ(t_truncate("/w/trunc", 100000), 0);
    fd = t_open("/w/trunc", T_WRONLY, 0);
    EQ(t_pwrite(fd, "!", 1, 99999), 1);
    t_close(fd);
    free(data);
    free(buf);
}

/* Triple indirect blocks: a byte past what double indirection reaches. */
static void test_triple(void)
{
    uint64_t per = bs / 4;
    uint64_t off = (12 + per + per * per) * (uint64_t)bs + 12345;
    EQ(t_mkdir("/t", 0755), 0);
    uint32_t free0 = free_blocks();
    int fd = t_open("/t/triple", T_RDWR | T_CREAT, 0644);
    EQ(t_pwrite(fd, "TRIPLE", 6, off), 6);
    struct tstat st;
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, off + 6);
    EQ(free0 - free_blocks(), 4);       /* TIND, DIND, IND, data */
    EQ(st.blocks, 4 * (bs / 512));
    char buf[8];
    EQ(t_pread(fd, buf, 8, off - 2), 8);
    CHECK(memcmp(buf, "\0\0TRIPLE", 8) == 0);
    EQ(t_pread(fd, buf, 4, off / 2), 4);
    CHECK(memcmp(buf, "\0\0\0\0", 4) == 0);
    EQ(t_ftruncate(fd, off - 1000), 0);
    EQ(free_blocks(), free0);
    EQ(t_pwrite(fd, "TRIPLE", 6, off), 6);
    EQ(t_pwrite(fd, "triple", 6, off + bs), 6);
    EQ(free0 - free_blocks(), 5);
    t_close(fd);
}

static void test_many(void)
{
    char path[300];
    struct tstat st;
    EQ(t_mkdir("/w/many", 0755), 0);
    for (int i = 0; i < 500; i++) {
        snprintf(path, sizeof path, "/w/many/entry-%03d-%.*s", i, i % 50,
                 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
        int fd = t_open(path, T_WRONLY | T_CREAT | T_EXCL, 0644);
        CHECK(fd >= 0);
        EQ(t_write(fd, path, strlen(path)), (long)strlen(path));
        t_close(fd);
    }
    char **names;
    EQ(list_dir("/w/many", &names), 500);
    free_names(names, 500);
    EQ(t_stat("/w/many", &st), 0);
    CHECK(st.size > bs);
    EQ(st.size % bs, 0);
    uint64_t size0 = st.size;
    for (int i = 0; i < 500; i += 2) {
        snprintf(path, sizeof path, "/w/many/entry-%03d-%.*s", i, i % 50,
                 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
        EQ(t_unlink(path), 0);
        EQ(t_stat(path, &st), -ENOENT);
    }
    EQ(list_dir("/w/many", &names), 250);
    free_names(names, 250);
    /* new names fill the room the removed ones left */
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof path, "/w/many/new-%d", i);
        EQ(write_file(path, path, strlen(path), 0644), 0);
    }
    EQ(t_stat("/w/many", &st), 0);
    EQ(st.size, size0);
    EQ(list_dir("/w/many", &names), 350);
    for (int i = 0; i < 350; i++) {
        uint8_t *data;
        snprintf(path, sizeof path, "/w/many/%s", names[i]);
        long n = read_file(path, &data);
        EQ(n, (long)strlen(path));
        CHECK(n > 0 && memcmp(data, path, (size_t)n) == 0);
        free(data);
    }
    free_names(names, 350);
    EQ(t_rmdir("/w/many"), -ENOTEMPTY);

    /* hundreds of subdirectories: the parent's link count follows */
    EQ(t_mkdir("/w/subdirs", 0755), 0);
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, "/w/subdirs/d%d/", i);
        EQ(t_mkdir(path, 0755), 0);
    }
    EQ(t_stat("/w/subdirs", &st), 0);
    EQ(st.nlink, 302);
    for (int i = 0; i < 300; i += 3) {
        snprintf(path, sizeof path, "/w/subdirs/d%d", i);
        EQ(t_rmdir(path), 0);
    }
    EQ(t_stat("/w/subdirs", &st), 0);
    EQ(st.nlink, 202);

}

static void test_getdents_resume(void)
{
    int fd = t_open("/w/subdirs", T_RDONLY | T_DIRECTORY, 0);
    uint8_t a[8192], b[8192];
    long r = t_getdents(fd, a, sizeof a);
    CHECK(r > 200);
    /* the second record, read again after seeking to the first's d_off */
    uint16_t len1, len2;
    int64_t off1;
    memcpy(&len1, a + 16, 2);
    memcpy(&off1, a + 8, 8);
    memcpy(&len2, a + len1 + 16, 2);
    EQ(t_lseek(fd, off1, SEEK_SET), off1);
    EQ(t_getdents(fd, b, len2), len2);
    CHECK(memcmp(a + len1, b, len2) == 0);
    /* an offset inside a record resumes at the next one */
    EQ(t_lseek(fd, off1 - 1, SEEK_SET), off1 - 1);
    EQ(t_getdents(fd, b, len2), len2);
    CHECK(memcmp(a + len1, b, len2) == 0);
    /* the end is 0, past the end too */
    EQ(t_lseek(fd, 1 << 30, SEEK_SET), 1 << 30);
    EQ(t_getdents(fd, b, sizeof b), 0);
    t_close(fd);
}

static void test_links(void)
{
    struct tstat st, st2;
    EQ(write_file("/w/linked", "two names\n", 10, 0644), 0);
    EQ(t_link("/w/linked", "/w/linked2"), 0);
    EQ(t_stat("/w/linked", &st), 0);
    EQ(t_stat("/w/linked2", &st2), 0);
    EQ(st.nlink, 2);
    EQ(st.ino, st2.ino);
    EQ(t_link("/w/linked", "/w/hello"), -EEXIST);
    EQ(t_link("/w/many", "/w/manylink"), -EPERM);
    EQ(t_link("/w/none", "/w/x"), -ENOENT);
    EQ(t_link("/w/linked", "/w/x/"), -ENOENT);
    EQ(t_link("/w/linked", "/w/linked3"), 0);
    EQ(t_unlink("/w/linked3"), 0);
    EQ(t_stat("/w/linked", &st), 0);
    EQ(st.nlink, 2);
    check_content("/w/linked2", (const uint8_t *)"two names\n", 10);
}

static void test_symlinks(void)
{
    struct tstat st;
    char buf[4096], target[400];
    EQ(t_symlink("hello", "/w/fast"), 0);
    EQ(t_lstat("/w/fast", &st), 0);
    EQ(st.mode, S_IFLNK | 0777);
    EQ(st.size, 5);
    EQ(st.blocks, 0);
    EQ(t_readlink("/w/fast", buf, sizeof buf), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    EQ(t_readlink("/w/fast", buf, 2), 2);
    EQ(t_readlink("/w/fast", buf, 0), -EINVAL);
    EQ(t_readlink("/w/hello", buf, sizeof buf), -EINVAL);
    EQ(t_stat("/w/fast", &st), 0);
    EQ(st.size, 19);
    check_content("/w/fast", (const uint8_t *)"hello, world\nagain\n", 19);
    /* a slow link: the target takes a block */
    strcpy(target, "many");
    for (int i = 0; i < 60; i++)
        strcat(target, "/.");
    strcat(target, "/../hello");
    EQ(t_symlink(target, "/w/slow"), 0);
    EQ(t_lstat("/w/slow", &st), 0);
    EQ(st.size, strlen(target));
    EQ(st.blocks, bs / 512);
    EQ(t_readlink("/w/slow", buf, sizeof buf), (long)strlen(target));
    CHECK(memcmp(buf, target, strlen(target)) == 0);
    check_content("/w/slow", (const uint8_t *)"hello, world\nagain\n", 19);
    /* the longest a fast one can be, and one more */
    memset(target, 'x', 59);
    target[59] = 0;
    EQ(t_symlink(target, "/w/x59"), 0);
    EQ(t_lstat("/w/x59", &st), 0);
    EQ(st.blocks, 0);
    strcat(target, "y");
    EQ(t_symlink(target, "/w/x60"), 0);
    EQ(t_lstat("/w/x60", &st), 0);
    EQ(st.blocks, bs / 512);
    EQ(t_readlink("/w/x60", buf, sizeof buf), 60);
    EQ(t_unlink("/w/x59"), 0);
    EQ(t_unlink("/w/x60"), 0);
    /* to a directory, through it, with a trailing slash */
    EQ(t_symlink("many", "/w/dirlink"), 0);
    EQ(t_stat("/w/dirlink/new-5", &st), 0);
    EQ(t_stat("/w/dirlink/", &st), 0);
    EQ(st.mode & S_IFMT, S_IFDIR);
    int fd = t_open("/w/dirlink", T_RDONLY | T_DIRECTORY, 0);
    CHECK(fd >= 0);
    t_close(fd);
    EQ(t_open("/w/dirlink", T_RDONLY | T_NOFOLLOW, 0), -ELOOP);
    EQ(t_open("/w/fast", T_RDONLY | T_NOFOLLOW, 0), -ELOOP);
    EQ(t_rmdir("/w/dirlink"), -ENOTDIR);
    EQ(t_unlink("/w/dirlink/"), -EISDIR);
    /* dangling, loops, chains */
    EQ(t_symlink("nowhere", "/w/dangling"), 0);
    EQ(t_stat("/w/dangling", &st), -ENOENT);
    EQ(t_lstat("/w/dangling", &st), 0);
    EQ(t_open("/w/dangling", T_RDONLY | T_CREAT | T_EXCL, 0644), -EEXIST);
    EQ(t_symlink("loop2", "/w/loop1"), 0);
    EQ(t_symlink("loop1", "/w/loop2"), 0);
    EQ(t_open("/w/loop1", T_RDONLY, 0), -ELOOP);
    EQ(t_stat("/w/loop1/x", &st), -ELOOP);
    EQ(t_symlink("/w/hello", "/w/chain0"), 0);
    for (int i = 1; i <= 9; i++) {
        char from[32], to[32];
        snprintf(from, sizeof from, "chain%d", i - 1);
        snprintf(to, sizeof to, "/w/chain%d", i);
        EQ(t_symlink(from, to), 0);
    }
    EQ(t_stat("/w/chain7", &st), 0);       /* 8 links */
    EQ(st.size, 19);
    EQ(t_stat("/w/chain9", &st), -ELOOP);  /* 10 */
    EQ(t_symlink("", "/w/empty"), -ENOENT);
    EQ(t_symlink("x", "/w/fast"), -EEXIST);
    memset(target, 'z', sizeof target);
    char *huge = malloc(bs + 1);
    memset(huge, 'h', bs);
    huge[bs] = 0;
    EQ(t_symlink(huge, "/w/huge"), -ENAMETOOLONG);
    free(huge);
    for (int i = 0; i <= 9; i++) {
        snprintf(buf, sizeof buf, "/w/chain%d", i);
        EQ(t_unlink(buf), 0);
    }
    EQ(t_unlink("/w/loop1"), 0);
    EQ(t_unlink("/w/loop2"), 0);
}

static void test_rename(void)
{
    struct tstat st, a, b;
    uint32_t inodes0 = free_inodes();
    EQ(write_file("/w/r1", "one", 3, 0644), 0);
    EQ(t_rename("/w/r1", "/w/renamed"), 0);
    EQ(t_stat("/w/r1", &st), -ENOENT);
    check_content("/w/renamed", (const uint8_t *)"one", 3);
    /* replacing a file frees the old one */
    EQ(write_file("/w/r2", "two", 3, 0644), 0);
    EQ(free_inodes(), inodes0 - 2);
    EQ(t_rename("/w/r2", "/w/renamed"), 0);
    EQ(free_inodes(), inodes0 - 1);
    check_content("/w/renamed", (const uint8_t *)"two", 3);
    /* two names of one inode: nothing happens */
    EQ(t_rename("/w/linked", "/w/linked2"), 0);
    EQ(t_stat("/w/linked", &st), 0);
    EQ(st.nlink, 2);
    EQ(t_rename("/w/renamed", "/w/renamed"), 0);
    /* a directory to another parent: '..' and link counts follow */
    EQ(t_mkdir("/w/src", 0755), 0);
    EQ(t_mkdir("/w/dst", 0755), 0);
    EQ(t_mkdir("/w/src/moving", 0755), 0);
    EQ(write_file("/w/src/moving/inner", "inner\n", 6, 0644), 0);
    EQ(t_stat("/w/src", &a), 0);
    EQ(a.nlink, 3);
    EQ(t_rename("/w/src/moving", "/w/src/moving/sub"), -EINVAL);
    EQ(t_rename("/w/src", "/w/src/moving/sub"), -EINVAL);
    EQ(t_rename("/w/src/moving", "/w/dst/moved"), 0);
    EQ(t_stat("/w/src", &a), 0);
    EQ(t_stat("/w/dst", &b), 0);
    EQ(a.nlink, 2);
    EQ(b.nlink, 3);
    EQ(t_stat("/w/dst/moved/..", &st), 0);
    EQ(st.ino, b.ino);
    check_content("/w/dst/moved/inner", (const uint8_t *)"inner\n", 6);
    /* what may replace what */
    EQ(t_mkdir("/w/dst/empty", 0755), 0);
    EQ(t_rename("/w/hello", "/w/dst/empty"), -EISDIR);
    EQ(t_rename("/w/dst/empty", "/w/hello"), -ENOTDIR);
    EQ(t_rename("/w/src", "/w/dst"), -ENOTEMPTY);
    EQ(t_rename("/w/renamed/", "/w/x"), -ENOTDIR);
    EQ(t_rename("/w/nothing", "/w/x"), -ENOENT);
    EQ(t_rename("/w/.", "/w/x"), -EBUSY);
    EQ(t_rename("/w/src", "/w/dst/.."), -EBUSY);
    EQ(t_rename("/", "/w/x"), -EBUSY);
    /* a directory replaces an empty one across parents */
    EQ(t_stat("/w/dst", &b), 0);
    EQ(t_rename("/w/src", "/w/dst/empty/"), 0);
    EQ(t_stat("/w/dst", &st), 0);
    EQ(st.nlink, b.nlink);
    EQ(t_stat("/w/dst/empty/..", &st), 0);
    EQ(st.ino, b.ino);
    EQ(t_stat("/w", &st), 0);
    EQ(t_rename("/w/dst", "/w/moved"), 0);
    EQ(t_stat("/w/moved/empty/..", &a), 0);
    EQ(t_stat("/w/moved", &b), 0);
    EQ(a.ino, b.ino);
    EQ(b.nlink, 4);
}

static void test_unlink_open(void)
{
    uint32_t inodes0 = free_inodes(), blocks0 = free_blocks();
    uint8_t data[100000], buf[100000];
    fill_random(data, sizeof data, 9);
    EQ(write_file("/w/ghost", data, sizeof data, 0644), 0);
    int fd = t_open("/w/ghost", T_RDWR, 0);
    int fd2 = t_open("/w/ghost", T_RDONLY, 0);
    EQ(t_unlink("/w/ghost"), 0);
    struct tstat st;
    EQ(t_stat("/w/ghost", &st), -ENOENT);
    EQ(t_fstat(fd, &st), 0);
    EQ(st.nlink, 0);
    EQ(t_pread(fd, buf, sizeof buf, 0), (long)sizeof data);
    CHECK(memcmp(buf, data, sizeof data) == 0);
    EQ(t_pwrite(fd, "still here", 10, 200000), 10);
    EQ(free_inodes(), inodes0 - 1);
    EQ(t_link("/w/hello", "/w/ghost"), 0);   /* the name is free again */
    EQ(t_unlink("/w/ghost"), 0);
    t_close(fd);
    EQ(free_inodes(), inodes0 - 1);           /* fd2 still holds it */
    EQ(t_pread(fd2, buf, 10, 200000), 10);
    CHECK(memcmp(buf, "still here", 10) == 0);
    t_close(fd2);
    EQ(free_inodes(), inodes0);
    EQ(free_blocks(), blocks0);
}

static void test_dirs(void)
{
    struct tstat st, w;
    EQ(t_stat("/w", &w), 0);
    EQ(t_mkdir("/w/d", 0700), 0);
    EQ(t_stat("/w/d", &st), 0);
    EQ(st.mode, S_IFDIR | 0700);
    EQ(t_stat("/w", &st), 0);
    EQ(st.nlink, w.nlink + 1);
    EQ(write_file("/w/d/f", "f", 1, 0644), 0);
    EQ(t_rmdir("/w/d"), -ENOTEMPTY);
    EQ(t_rmdir("/w/d/f"), -ENOTDIR);
    EQ(t_rmdir("/w/d/."), -EINVAL);
    EQ(t_rmdir("/w/d/.."), -ENOTEMPTY);
    EQ(t_rmdir("/"), -EBUSY);
    EQ(t_unlink("/w/d"), -EISDIR);
    EQ(t_unlink("/w/d/."), -EISDIR);
    EQ(t_unlink("/w/d/f/"), -ENOTDIR);
    EQ(t_mkdir("/w/d/f/x", 0755), -ENOTDIR);
    EQ(t_mkdir("/", 0755), -EEXIST);
    EQ(t_mkdir("/w/d/.", 0755), -EEXIST);
    EQ(t_unlink("/w/d/f"), 0);
    uint32_t inodes0 = free_inodes();
    EQ(t_rmdir("/w/d/"), 0);
    EQ(free_inodes(), inodes0 + 1);
    EQ(t_stat("/w", &st), 0);
    EQ(st.nlink, w.nlink);
    EQ(t_stat("/w/d", &st), -ENOENT);
    /* a FIFO is an inode that open() hands to the pipe layer */
    EQ(t_mknod("/w/fifo", S_IFIFO | 0644, 0), 0);
    EQ(t_lstat("/w/fifo", &st), 0);
    EQ(st.mode, S_IFIFO | 0644);
    unsigned fifo_opens = shim_fifo_opens;
    int ffd = t_open("/w/fifo", T_RDONLY, 0);
    CHECK(ffd >= 0);
    EQ(shim_fifo_opens, fifo_opens + 1);
    EQ(shim_last_fifo_ino, st.ino);
    if (ffd >= 0)
        t_close(ffd);
    EQ(t_open("/w/fifo", T_RDONLY | T_DIRECTORY, 0), -ENOTDIR);
    EQ(t_mknod("/w/fifo", S_IFIFO | 0644, 0), -EEXIST);
    EQ(t_mknod("/w/chr", S_IFCHR | 0644, 0x103), -EPERM);
    EQ(t_mknod("/w/bad", 0170000 | 0644, 0), -EINVAL);
    EQ(t_mknod("/w/plain", 0644, 0), 0);
    EQ(t_stat("/w/plain", &st), 0);
    EQ(st.mode, S_IFREG | 0644);
    EQ(t_unlink("/w/fifo"), 0);
    EQ(t_unlink("/w/plain"), 0);
}

static void test_cwd(void)
{
    char buf[256];
    struct tstat st;
    EQ(t_chdir("/w/many"), 0);
    EQ(t_getcwd(buf, sizeof buf), 8);
    EQS(buf, "/w/many");
    EQ(t_getcwd(buf, 8), 8);
    EQ(t_getcwd(buf, 7), -ERANGE);
    EQ(t_stat("new-7", &st), 0);
    EQ(write_file("relative", "rel", 3, 0644), 0);
    EQ(t_stat("/w/many/relative", &st), 0);
    EQ(t_chdir(".."), 0);
    EQ(t_getcwd(buf, sizeof buf), 3);
    EQS(buf, "/w");
    EQ(t_chdir("hello"), -ENOTDIR);
    EQ(t_chdir("nothing"), -ENOENT);
    EQ(t_chdir("dirlink"), 0);                  /* through a symlink */
    EQ(t_getcwd(buf, sizeof buf), 8);
    EQS(buf, "/w/many");
    EQ(t_unlink("relative"), 0);
    EQ(t_mkdir("/w/cwd", 0755), 0);
    EQ(t_chdir("/w/cwd"), 0);
    EQ(t_rmdir("/w/cwd"), 0);                  /* while it is our cwd */
    EQ(t_getcwd(buf, sizeof buf), -ENOENT);
    EQ(t_open("x", T_WRONLY | T_CREAT, 0644), -ENOENT);
    EQ(t_mkdir("y", 0755), -ENOENT);
    EQ(t_stat(".", &st), -ENOENT);
    EQ(t_chdir("/"), 0);
    EQ(t_getcwd(buf, sizeof buf), 2);
    EQS(buf, "/");
    EQ(t_stat("w/hello", &st), 0);
}

static void test_access_openat(void)
{
    EQ(t_access("/w/hello", 0), 0);
    EQ(t_access("/w/hello", 4 | 2), 0);
    EQ(t_access("/w/hello", 1), -EACCES);
    EQ(t_access("/w", 1), 0);
    EQ(t_access("/w/nothing", 0), -ENOENT);
    EQ(t_access("/w/hello", 8), -EINVAL);
    EQ(write_file("/w/exec", "#!", 2, 0755), 0);
    EQ(t_access("/w/exec", 1), 0);
    EQ(t_unlink("/w/exec"), 0);

    int dfd = t_open("/w/many", T_RDONLY | T_DIRECTORY, 0);
    CHECK(dfd >= 0);
    EQ(t_mkdir("/w/atdir", 0755), 0);
    int adir = t_open("/w/atdir", T_RDONLY, 0);
    int fd = t_openat(adir, "rel", T_WRONLY | T_CREAT | T_CLOEXEC, 0644);
    CHECK(fd >= 0);
    EQ(curproc()->handles[fd].flags, FD_CLOEXEC);
    EQ(t_write(fd, "at\n", 3), 3);
    t_close(fd);
    check_content("/w/atdir/rel", (const uint8_t *)"at\n", 3);
    fd = t_openat(adir, "/w/hello", T_RDONLY, 0);       /* absolute: dirfd unused */
    CHECK(fd >= 0);
    EQ(curproc()->handles[fd].flags, 0);
    t_close(fd);
    fd = t_openat(T_AT_FDCWD, "w/hello", T_RDONLY, 0);
    CHECK(fd >= 0);
    t_close(fd);
    fd = t_open("/w/hello", T_RDONLY, 0);
    EQ(t_openat(fd, "x", T_RDONLY, 0), -ENOTDIR);
    t_close(fd);
    EQ(t_openat(63, "x", T_RDONLY, 0), -EBADF);
    EQ(t_openat(-5, "x", T_RDONLY, 0), -EBADF);
    t_close(adir);
    t_close(dfd);
}

/* dup and fork share the object, hence the offset. */
static void test_shared_offset(void)
{
    int fd = t_open("/w/hello", T_RDONLY, 0);
    struct object *o = handle_ref(curproc(), fd);
    int fd2 = handle_install(curproc(), o, 0, 0);
    char buf[8];
    EQ(t_read(fd, buf, 6), 6);
    EQ(t_lseek(fd2, 0, SEEK_CUR), 6);
    EQ(t_read(fd2, buf, 7), 7);
    CHECK(memcmp(buf, " world\n", 7) == 0);
    EQ(t_lseek(fd, 0, SEEK_CUR), 13);
    t_close(fd);
    t_close(fd2);
}

static void test_times(void)
{
    struct tstat st;
    shim_time += 1000;
    int fd = t_open("/w/hello", T_RDONLY, 0);
    uint8_t buf[4];
    EQ(t_fstat(fd, &st), 0);
    CHECK(st.atime < shim_time);
    EQ(t_read(fd, buf, 4), 4);
    EQ(t_fstat(fd, &st), 0);
    EQ(st.atime, shim_time);                  /* older than the change: updated */
    t_close(fd);
    shim_time += 10;
    EQ(t_rename("/w/renamed", "/w/renamed2"), 0);
    EQ(t_stat("/w/renamed2", &st), 0);
    EQ(st.ctime, shim_time);
    EQ(t_stat("/w", &st), 0);
    EQ(st.mtime, shim_time);
    shim_time += 10;
    EQ(t_truncate("/w/renamed2", 1), 0);
    EQ(t_stat("/w/renamed2", &st), 0);
    EQ(st.mtime, shim_time);
    EQ(st.size, 1);
    fd = t_open("/w/renamed2", T_RDONLY, 0);
    EQ(t_fsync(fd), 0);
    t_close(fd);
}

/* Copies /w of the file system to host directory `dir`. */
static void dump_tree(const char *path, const char *dir)
{
    char **names;
    int n = list_dir(path, &names);
    CHECK(n >= 0);
    CHECK(mkdir(dir, 0755) == 0);
    for (int i = 0; i < n; i++) {
        char p[4096], h[4096];
        struct tstat st;
        snprintf(p, sizeof p, "%s/%s", path, names[i]);
        snprintf(h, sizeof h, "%s/%s", dir, names[i]);
        EQ(t_lstat(p, &st), 0);
        if ((st.mode & S_IFMT) == S_IFDIR) {
            dump_tree(p, h);
        } else if ((st.mode & S_IFMT) == S_IFLNK) {
            char target[4096] = {0};
            CHECK(t_readlink(p, target, sizeof target - 1) > 0);
            CHECK(symlink(target, h) == 0);
        } else {
            uint8_t *data;
            long len = read_file(p, &data);
            CHECK(len >= 0);
            FILE *f = fopen(h, "wb");
            CHECK(f && fwrite(data, 1, (size_t)len, f) == (size_t)len);
            if (f)
                fclose(f);
            chmod(h, st.mode & 07777);
            free(data);
        }
    }
    free_names(names, n);
}

int scenario_write(const char *outdir)
{
    int r = t_mount();
    EQ(r, 0);
    if (r)
        return 1;
    bs = fs_block_size();
    long kmallocs = shim_kmallocs;
    rnd_seed(777);
    uint8_t *big = malloc(BIG_SIZE);
    fill_random(big, BIG_SIZE, BIG_SEED);
    test_create();
    test_errors();
    test_big(big);
    test_sparse();
    test_truncate();
    test_triple();
    test_many();
    test_getdents_resume();
    test_links();
    test_symlinks();
    test_rename();
    test_unlink_open();
    test_dirs();
    test_cwd();
    test_access_openat();
    test_shared_offset();
    test_times();
    free(big);
    /* the htree directory of a dir_index image, changed: no more index */
    struct tstat st;
    if (t_stat("/many", &st) == 0) {
        EQ(write_file("/many/added-by-test", "x", 1, 0644), 0);
        EQ(t_unlink("/many/file-0-0"), 0);
        EQ(t_rename("/many/file-1-0", "/many/file-1-renamed"), 0);
        char **names;
        EQ(list_dir("/many", &names), 300);
        free_names(names, 300);
    }
    EQ(inodes_in_memory(), 1);              /* the root, also our cwd */
    EQ(shim_kmallocs, kmallocs);
    t_sync();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tree", outdir);
    dump_tree("/w", dir);
    return 0;
}

int scenario_verify(const char *outdir)
{
    int r = t_mount();
    EQ(r, 0);
    if (r)
        return 1;
    bs = fs_block_size();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tree", outdir);
    compare_tree(dir, "/w", false, NULL);
    struct tstat st;
    EQ(t_stat("/w/linked", &st), 0);
    EQ(st.nlink, 2);
    EQ(t_stat("/w/subdirs", &st), 0);
    EQ(st.nlink, 202);
    uint8_t *big = malloc(BIG_SIZE);
    fill_random(big, BIG_SIZE, BIG_SEED);
    check_content("/w/big", big, BIG_SIZE);
    free(big);
    uint64_t per = bs / 4, off = (12 + per + per * per) * (uint64_t)bs + 12345;
    EQ(t_stat("/t/triple", &st), 0);
    EQ(st.size, off + bs + 6);
    EQ(st.blocks, 5 * (bs / 512));
    int fd = t_open("/t/triple", T_RDONLY, 0);
    char buf[6];
    EQ(t_pread(fd, buf, 6, off), 6);
    CHECK(memcmp(buf, "TRIPLE", 6) == 0);
    EQ(t_pread(fd, buf, 6, off + bs), 6);
    CHECK(memcmp(buf, "triple", 6) == 0);
    t_close(fd);
    return 0;
}
