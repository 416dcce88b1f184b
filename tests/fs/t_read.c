/*
 * t_read.c: the image equals the tree it was made from. Every name,
 * type, permission, size, content (whole and at random offsets), link
 * target and directory entry type is compared with the host's copy; with
 * `strict`, link counts and modification times too (mke2fs -d keeps
 * them; a tree copied back from the image does not).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tfs.h"

/* a device number as the kernel encodes it (kstat.h) */
#define K_MKDEV(major, minor) (((major) << 8) | (minor))

static long host_read(const char *path, uint8_t **data)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc((size_t)n + 1);
    if (fread(*data, 1, (size_t)n, f) != (size_t)n)
        n = -1;
    fclose(f);
    return n;
}

static void compare_file(const char *host, const char *path, const struct tstat *st)
{
    uint8_t *want, *got;
    long n = host_read(host, &want);
    CHECK(n >= 0);
    if (n < 0)
        return;
    long r = read_file(path, &got);
    EQ(r, n);
    if (r == n && memcmp(got, want, (size_t)n) != 0) {
        printf("FAIL: %s differs from %s\n", path, host);
        failures++;
    }
    free(got);
    int fd = t_open(path, T_RDONLY, 0);
    CHECK(fd >= 0);
    uint8_t buf[9000];
    for (int i = 0; fd >= 0 && n > 0 && i < 16; i++) {
        uint64_t off = rnd() % (uint64_t)n;
        size_t len = rnd() % sizeof buf;
        long want_n = (long)(off + len <= (uint64_t)n ? len : (uint64_t)n - off);
        EQ(t_pread(fd, buf, len, off), want_n);
        CHECK(memcmp(buf, want + off, (size_t)want_n) == 0);
    }
    if (fd >= 0) {
        EQ(t_pread(fd, buf, 10, (uint64_t)n), 0);          /* at the end */
        EQ(t_pread(fd, buf, 10, (uint64_t)n + 12345), 0);  /* past it */
        t_close(fd);
    }
    /* a sparse file's holes take no blocks */
    if (strstr(path, "sparse"))
        CHECK(st->blocks * 512 < st->size / 2);
    free(want);
}

static void compare_link(const char *host, const char *path, const struct tstat *st)
{
    char want[4096], got[4096];
    ssize_t n = readlink(host, want, sizeof want);
    CHECK(n > 0);
    EQ(t_readlink(path, got, sizeof got), n);
    CHECK(n > 0 && memcmp(got, want, (size_t)n) == 0);
    EQ(st->size, n);
    /* fast symlinks (< 60 bytes) have no block, slow ones one */
    EQ(st->blocks, n < 60 ? 0 : fs_block_size() / 512);
    struct stat hs;
    struct tstat fst;
    if (stat(host, &hs) == 0 && !S_ISDIR(hs.st_mode))
        EQ(t_stat(path, &fst) == 0 ? (long long)fst.size : -1, hs.st_size);
}

static unsigned dtype_of(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return 8;
    case S_IFDIR: return 4;
    case S_IFLNK: return 10;
    case S_IFCHR: return 2;
    case S_IFBLK: return 6;
    case S_IFIFO: return 1;
    case S_IFSOCK: return 12;
    }
    return 0;
}

static void compare_entry(const char *host, const char *path, unsigned dtype, uint64_t dino,
                          bool strict);

static const char *const *root_skip;

/* Names the fs has at the root and the host tree does not. */
static bool skipped(const char *path, const char *name)
{
    if (strcmp(path, "/") != 0)
        return false;
    if (!strcmp(name, "lost+found"))
        return true;                    /* mke2fs's own */
    for (const char *const *s = root_skip; s && *s; s++)
        if (!strcmp(name, *s))
            return true;
    return false;
}

/* Every entry of the fs directory against the host one, through small
 * getdents buffers so that reading resumes across calls. */
static void compare_dir(const char *host, const char *path, bool strict)
{
    DIR *d = opendir(host);
    CHECK(d != NULL);
    if (!d)
        return;
    int hn = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !skipped(path, e->d_name))
            hn++;
    closedir(d);
    int fd = t_open(path, T_RDONLY | T_DIRECTORY, 0);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    uint8_t buf[600];
    long r;
    int seen = 0, dots = 0;
    while ((r = t_getdents(fd, buf, 300 + rnd() % 300)) > 0) {
        for (long off = 0; off < r;) {
            uint64_t ino;
            uint16_t reclen;
            memcpy(&ino, buf + off, 8);
            memcpy(&reclen, buf + off + 16, 2);
            CHECK(reclen % 8 == 0 && reclen >= 24 && off + reclen <= r);
            if (reclen < 24 || off + reclen > r)
                break;
            const char *name = (const char *)buf + off + 19;
            CHECK(strlen(name) < reclen - 19u);
            if (!strcmp(name, ".") || !strcmp(name, "..")) {
                dots++;
            } else if (skipped(path, name)) {
                /* not in the host tree */
            } else {
                char h[4096], p[4096];
                snprintf(h, sizeof h, "%s/%s", host, name);
                snprintf(p, sizeof p, "%s%s%s", path, strcmp(path, "/") ? "/" : "", name);
                compare_entry(h, p, buf[off + 18], ino, strict);
                seen++;
            }
            off += reclen;
        }
    }
    EQ(r, 0);
    EQ(dots, 2);
    EQ(seen, hn);
    t_close(fd);
}

static void compare_entry(const char *host, const char *path, unsigned dtype, uint64_t dino,
                          bool strict)
{
    struct stat hs;
    struct tstat st;
    int before = failures;
    CHECK(lstat(host, &hs) == 0);
    int r = t_lstat(path, &st);
    EQ(r, 0);
    if (r != 0) {
        printf("  (%s)\n", path);
        return;
    }
    EQ(st.mode & S_IFMT, hs.st_mode & S_IFMT);
    EQ(st.mode & 07777, hs.st_mode & 07777);
    EQ(dtype, fs_has_filetype() ? dtype_of(st.mode) : 0);
    EQ(dino, st.ino);
    if (strict) {
        EQ(st.mtime, hs.st_mtime);
        if (!S_ISDIR(hs.st_mode))
            EQ(st.nlink, hs.st_nlink);
    }
    if (S_ISREG(hs.st_mode)) {
        EQ(st.size, hs.st_size);
        compare_file(host, path, &st);
    } else if (S_ISLNK(hs.st_mode)) {
        compare_link(host, path, &st);
    } else if (S_ISDIR(hs.st_mode)) {
        EQ(st.size % fs_block_size(), 0);
        compare_dir(host, path, strict);
    } else if (S_ISFIFO(hs.st_mode)) {
        unsigned before = shim_fifo_opens;
        int fd = t_open(path, T_RDONLY, 0);
        CHECK(fd >= 0);
        EQ(shim_fifo_opens, before + 1);
        EQ(shim_last_fifo_ino, st.ino);
        if (fd >= 0)
            t_close(fd);
    } else if (S_ISCHR(hs.st_mode)) {
        unsigned before = shim_device_opens;
        int fd = t_open(path, T_RDWR, 0);
        CHECK(fd >= 0);
        EQ(shim_device_opens, before + 1);
        EQ(shim_last_rdev, K_MKDEV(major(hs.st_rdev), minor(hs.st_rdev)));
        EQ(st.rdev, K_MKDEV(major(hs.st_rdev), minor(hs.st_rdev)));
        if (fd >= 0)
            t_close(fd);
    }
    if (failures != before)
        printf("  (at %s)\n", path);
}

void compare_tree(const char *host, const char *path, bool strict, const char *const *skip)
{
    root_skip = skip;
    struct stat hs;
    struct tstat st;
    CHECK(stat(host, &hs) == 0);
    EQ(t_stat(path, &st), 0);
    EQ(st.mode & S_IFMT, S_IFDIR);
    compare_dir(host, path, strict);
}

int scenario_read(const char *staging, const char *const *skip)
{
    int r = t_mount();
    EQ(r, 0);
    if (r)
        return 1;
    long kmallocs = shim_kmallocs;
    unsigned lines = shim_printk_lines;
    rnd_seed(12345);
    compare_tree(staging, "/", true, skip);
    struct tstat st;
    EQ(t_stat("/lost+found", &st), 0);
    EQ(st.mode & S_IFMT, S_IFDIR);
    EQ(t_stat("/", &st), 0);
    EQ(st.ino, 2);
    /* '..' of the root is the root */
    struct tstat up;
    EQ(t_stat("/..", &up), 0);
    EQ(up.ino, 2);
    EQ(t_stat("/../../.", &up), 0);
    EQ(up.ino, 2);
    /* nothing held, nothing leaked, nothing complained about */
    EQ(inodes_in_memory(), 1);
    EQ(shim_kmallocs, kmallocs);
    EQ(shim_printk_lines, lines);
    return 0;
}
