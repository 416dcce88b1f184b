/*
 * t_corrupt.c: damaged images. `mkcorrupt` damages one structure of a
 * good image (made from the staging tree of lib.sh); `corrupt` mounts the
 * result in a fresh process and checks that the damage is reported, as
 * -EIO or a refused mount with a console line, then uses everything on
 * the image, reading and writing, to show that nothing crashes (the
 * sanitizer build catches any stray access) and nothing is written where
 * it must not be.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tfs.h"
#include "../../guest-os/kernel/fs/ext2.h"

/* ---- the image's structures, straight from its bytes ---- */

static struct ext2_super *sb(uint8_t *im) { return (struct ext2_super *)(im + 1024); }
static uint32_t bsize(uint8_t *im) { return 1024u << sb(im)->s_log_block_size; }
static uint8_t *block(uint8_t *im, uint32_t b) { return im + (size_t)b * bsize(im); }

static struct ext2_group_desc *gd(uint8_t *im, uint32_t g)
{
    return (struct ext2_group_desc *)block(im, sb(im)->s_first_data_block + 1) + g;
}

static struct ext2_inode *inode(uint8_t *im, uint32_t ino)
{
    uint32_t ipg = sb(im)->s_inodes_per_group, isz = sb(im)->s_inode_size;
    if (sb(im)->s_rev_level == 0)
        isz = 128;
    struct ext2_group_desc *g = gd(im, (ino - 1) / ipg);
    return (struct ext2_inode *)(block(im, g->bg_inode_table) + ((ino - 1) % ipg) * isz);
}

static uint32_t ino_of(const char *path)
{
    struct tstat st;
    int r = t_lstat(path, &st);
    if (r) {
        printf("mkcorrupt: %s: error %d\n", path, r);
        exit(99);
    }
    return st.ino;
}

/* the n-th entry of a directory's first block */
static struct ext2_dirent *dirent(uint8_t *im, const char *dir, int n)
{
    uint8_t *b = block(im, inode(im, ino_of(dir))->i_block[0]);
    struct ext2_dirent *de = (struct ext2_dirent *)b;
    while (n--)
        de = (struct ext2_dirent *)((uint8_t *)de + de->rec_len);
    return de;
}

static void fill_block_with(uint8_t *im, uint32_t b, uint32_t value)
{
    uint32_t *p = (uint32_t *)block(im, b);
    for (uint32_t i = 0; i < bsize(im) / 4; i++)
        p[i] = value;
}

int scenario_mkcorrupt(const char *kind, const char *out)
{
    uint8_t *im = malloc(img_size);
    memcpy(im, img, img_size);          /* damage a copy: the mount may cache */
    EQ(t_mount(), 0);
    uint32_t bs = bsize(im);
    struct ext2_inode *small = inode(im, ino_of("/small.txt"));
    struct ext2_inode *medium = inode(im, ino_of("/medium"));
    struct ext2_inode *big = inode(im, ino_of("/big"));
    struct ext2_inode *a = inode(im, ino_of("/a"));
    if (!strcmp(kind, "badmagic"))
        sb(im)->s_magic = 0x1234;
    else if (!strcmp(kind, "blocksize"))
        sb(im)->s_log_block_size = 6;
    else if (!strcmp(kind, "blockcount"))
        sb(im)->s_blocks_count += sb(im)->s_blocks_per_group;
    else if (!strcmp(kind, "inodecount"))
        sb(im)->s_inodes_count += 8;
    else if (!strcmp(kind, "gdt"))
        gd(im, 0)->bg_inode_table = sb(im)->s_blocks_count - 1;
    else if (!strcmp(kind, "rootfile"))
        inode(im, 2)->i_mode = S_IFREG | 0644;
    else if (!strcmp(kind, "blockpast"))
        small->i_block[0] = sb(im)->s_blocks_count + 100;
    else if (!strcmp(kind, "blockmeta"))
        small->i_block[0] = gd(im, 0)->bg_inode_table;
    else if (!strcmp(kind, "reclen0"))
        dirent(im, "/a", 0)->rec_len = 0;
    else if (!strcmp(kind, "reclenbig"))
        dirent(im, "/a", 1)->rec_len = (uint16_t)(bs + 100);
    else if (!strcmp(kind, "reclenodd"))
        dirent(im, "/a", 0)->rec_len = 14;
    else if (!strcmp(kind, "namelen"))
        dirent(im, "/a", 0)->name_len = 40;
    else if (!strcmp(kind, "badino"))
        dirent(im, "/a", 2)->inode = 0x0FFFFFF0;
    else if (!strcmp(kind, "reservedino"))
        dirent(im, "/a", 2)->inode = 7;
    else if (!strcmp(kind, "zerolinks"))
        small->i_links_count = 0;
    else if (!strcmp(kind, "badmode"))
        small->i_mode = 0;
    else if (!strcmp(kind, "indloop"))
        fill_block_with(im, medium->i_block[EXT2_IND_BLOCK], medium->i_block[EXT2_IND_BLOCK]);
    else if (!strcmp(kind, "dindloop"))
        fill_block_with(im, big->i_block[EXT2_DIND_BLOCK], big->i_block[EXT2_DIND_BLOCK]);
    else if (!strcmp(kind, "tindloop"))
        medium->i_block[EXT2_TIND_BLOCK] = medium->i_block[EXT2_IND_BLOCK];
    else if (!strcmp(kind, "shared"))
        inode(im, ino_of("/exec.sh"))->i_block[0] = small->i_block[0];
    else if (!strcmp(kind, "dirhole"))
        a->i_size = 3 * bs;
    else if (!strcmp(kind, "dirsize"))
        a->i_size = bs + 5;
    else if (!strcmp(kind, "hugesize"))
        small->i_size_high = 0xFFFFFFFF;
    else if (!strcmp(kind, "symlinklen"))
        inode(im, ino_of("/fastlink"))->i_size = 200;
    else if (!strcmp(kind, "extents"))
        small->i_flags |= EXT4_EXTENTS_FL;
    else if (!strcmp(kind, "bitmap")) {
        /* the bitmap calls the first inode-table block free */
        uint32_t g0 = sb(im)->s_first_data_block;
        uint32_t bit = gd(im, 0)->bg_inode_table - g0;
        block(im, gd(im, 0)->bg_block_bitmap)[bit / 8] &= (uint8_t)~(1u << (bit % 8));
    } else if (!strcmp(kind, "ibitmap")) {
        /* the inode bitmap calls the first inode after the reserved ones
         * (lost+found) free */
        uint32_t bit = sb(im)->s_first_ino - 1;
        block(im, gd(im, 0)->bg_inode_bitmap)[bit / 8] &= (uint8_t)~(1u << (bit % 8));
    } else if (!strcmp(kind, "short")) {
        img_size /= 2;                  /* the image ends before the fs does */
    } else {
        printf("mkcorrupt: unknown kind %s\n", kind);
        exit(99);
    }
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(im, 1, img_size, f) != img_size || fclose(f)) {
        perror(out);
        exit(99);
    }
    free(im);
    return 0;
}

/* ---- using a damaged image ---- */

#define PATTERN "\x5A\xA5wild-write-pattern\xA5\x5A"

static bool image_has_pattern(void)
{
    return memmem(img, img_size, PATTERN, sizeof PATTERN - 1) != NULL;
}

/* Reads, lists and follows everything below path, ignoring the errors. */
static void read_all(const char *path, int depth)
{
    struct tstat st;
    if (depth > 8 || t_lstat(path, &st) != 0)
        return;
    if ((st.mode & S_IFMT) == S_IFDIR) {
        char **names;
        int n = list_dir(path, &names);
        for (int i = 0; i < n; i++) {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", strcmp(path, "/") ? path : "", names[i]);
            read_all(p, depth + 1);
        }
        if (n >= 0)
            free_names(names, n);
        int fd = t_open(path, T_RDONLY, 0);
        uint8_t buf[512];
        while (fd >= 0 && t_getdents(fd, buf, sizeof buf) > 0)
            ;
        if (fd >= 0)
            t_close(fd);
    } else if ((st.mode & S_IFMT) == S_IFLNK) {
        char buf[4096];
        t_readlink(path, buf, sizeof buf);
        t_stat(path, &st);
    } else if ((st.mode & S_IFMT) == S_IFREG) {
        int fd = t_open(path, T_RDONLY, 0);
        uint8_t *buf = malloc(1 << 20);
        for (int i = 0; fd >= 0 && i < 64 && t_read(fd, buf, 1 << 20) > 0; i++)
            ;
        if (fd >= 0) {
            t_pread(fd, buf, 1000, st.size / 2);
            t_close(fd);
        }
        free(buf);
    }
}

/* Writes, truncates, creates, renames and removes everything below path. */
static void change_all(const char *path, int depth)
{
    struct tstat st;
    char p[4096], q[4096];
    if (depth > 8 || t_lstat(path, &st) != 0)
        return;
    if ((st.mode & S_IFMT) == S_IFDIR) {
        char **names;
        int n = list_dir(path, &names);
        const char *sep = strcmp(path, "/") ? "/" : "";
        for (int i = 0; i < n; i++) {
            snprintf(p, sizeof p, "%s%s%s", path, sep, names[i]);
            change_all(p, depth + 1);
            snprintf(q, sizeof q, "%s%s%s.moved", path, sep, names[i]);
            t_rename(p, q);
            t_unlink(q);
            t_rmdir(q);
        }
        if (n >= 0)
            free_names(names, n);
        snprintf(p, sizeof p, "%s%snew-file", path, sep);
        write_file(p, PATTERN, sizeof PATTERN - 1, 0644);
        snprintf(q, sizeof q, "%s%snew-dir", path, sep);
        t_mkdir(q, 0755);
        t_link(p, q);
        t_symlink(p, q);
        t_chdir(path);
        char cwd[4096];
        t_getcwd(cwd, sizeof cwd);
        t_chdir("/");
    } else if ((st.mode & S_IFMT) == S_IFREG) {
        int fd = t_open(path, T_RDWR | T_APPEND, 0);
        if (fd >= 0) {
            t_write(fd, PATTERN, sizeof PATTERN - 1);
            t_pwrite(fd, PATTERN, sizeof PATTERN - 1, st.size / 3);
            t_ftruncate(fd, st.size / 2);
            t_ftruncate(fd, st.size * 2 + 12345);
            t_fsync(fd);
            t_close(fd);
        }
        t_truncate(path, 1);
    }
}

struct expect {
    const char *kind;
    bool mounts;
    const char *message;            /* in the console line it must print */
};

static const struct expect expects[] = {
    {"badmagic", false, "magic"},
    {"blocksize", false, "block size"},
    {"blockcount", false, "inode count"},
    {"short", false, "shorter"},
    {"inodecount", false, "inode count"},
    {"gdt", false, "bad descriptor"},
    {"rootfile", false, "not a directory"},
    {"journal", false, "journal recovery"},
    {"ext4", false, "extents"},
    {"rocompat", true, "read-only"},
    {"blockpast", true, "outside the file system"},
    {"blockmeta", true, "bitmap or inode table"},
    {"reclen0", true, "bad entry"},
    {"reclenbig", true, "bad entry"},
    {"reclenodd", true, "bad entry"},
    {"namelen", true, "bad entry"},
    {"badino", true, "bad entry"},
    {"reservedino", true, "bad inode number"},
    {"zerolinks", true, "not in use"},
    {"badmode", true, "bad mode"},
    {"indloop", true, NULL},
    {"dindloop", true, NULL},
    {"tindloop", true, NULL},
    {"shared", true, NULL},
    {"dirhole", true, "hole"},
    {"dirsize", true, "whole blocks"},
    {"hugesize", true, NULL},
    {"symlinklen", true, "bad length"},
    {"extents", true, "extents"},
    {"bitmap", true, "bitmap or inode table"},
    {"ibitmap", true, "in use"},
};

static void expect_line(const char *what)
{
    if (!what)
        return;
    if (!strstr(shim_last_line, what)) {
        printf("FAIL: the console line \"%s\" does not say \"%s\"\n", shim_last_line, what);
        failures++;
    }
}

/* What each damage must do when it is met. */
static void check_kind(const struct expect *e)
{
    struct tstat st;
    uint8_t buf[4096];
    const char *k = e->kind;
    unsigned lines = shim_printk_lines;
    if (!strcmp(k, "rocompat")) {
        uint8_t *before = malloc(img_size);
        memcpy(before, img, img_size);
        read_all("/", 0);
        EQ(t_open("/small.txt", T_WRONLY, 0), -EROFS);
        EQ(t_open("/small.txt", T_RDONLY | T_TRUNC, 0), -EROFS);
        EQ(t_open("/new", T_WRONLY | T_CREAT, 0644), -EROFS);
        EQ(t_mkdir("/new", 0755), -EROFS);
        EQ(t_mkdir("/a", 0755), -EEXIST);
        EQ(t_unlink("/small.txt"), -EROFS);
        EQ(t_rmdir("/private"), -EROFS);
        EQ(t_rename("/small.txt", "/x"), -EROFS);
        EQ(t_link("/small.txt", "/x"), -EROFS);
        EQ(t_symlink("/small.txt", "/x"), -EROFS);
        EQ(t_truncate("/small.txt", 0), -EROFS);
        EQ(t_access("/small.txt", 2), -EROFS);
        EQ(t_access("/small.txt", 4), 0);
        change_all("/", 0);
        t_sync();
        CHECK(memcmp(before, img, img_size) == 0);    /* nothing written */
        free(before);
    } else if (!strcmp(k, "blockpast") || !strcmp(k, "blockmeta")) {
        int fd = t_open("/small.txt", T_RDWR, 0);
        CHECK(fd >= 0);
        EQ(t_read(fd, buf, sizeof buf), -EIO);
        expect_line(e->message);
        EQ(t_pwrite(fd, PATTERN, sizeof PATTERN - 1, 0), -EIO);
        EQ(t_fstat(fd, &st), 0);
        EQ(st.size, 12);
        t_close(fd);
        EQ(t_stat("/hardlink", &st), 0);
    } else if (!strcmp(k, "reclen0") || !strcmp(k, "reclenbig") || !strcmp(k, "reclenodd") ||
               !strcmp(k, "namelen") || !strcmp(k, "badino")) {
        int fd = t_open("/a", T_RDONLY, 0);
        CHECK(fd >= 0);
        EQ(t_getdents(fd, buf, sizeof buf), -EIO);
        expect_line(e->message);
        t_close(fd);
        EQ(t_stat("/a/b", &st), -EIO);
        EQ(t_stat("/a/b/c/d/deep", &st), -EIO);
        EQ(t_mkdir("/a/x", 0755), -EIO);
        EQ(t_open("/a/f", T_WRONLY | T_CREAT, 0644), -EIO);
        EQ(t_rmdir("/a"), -EIO);
        EQ(t_rename("/small.txt", "/a/x"), -EIO);
        EQ(t_stat("/small.txt", &st), 0);
        EQ(t_chdir("/a/b"), -EIO);
    } else if (!strcmp(k, "reservedino")) {
        EQ(t_stat("/a/b", &st), -EIO);
        expect_line(e->message);
        char **names;
        int n = list_dir("/a", &names);
        EQ(n, 1);                          /* the name is listed... */
        if (n > 0)
            free_names(names, n);
        EQ(t_rmdir("/a/b"), -EIO);         /* ...but never reaches inode 7 */
        EQ(t_unlink("/a/b"), -EIO);
    } else if (!strcmp(k, "zerolinks") || !strcmp(k, "badmode") || !strcmp(k, "extents")) {
        EQ(t_open("/small.txt", T_RDONLY, 0), -EIO);
        expect_line(e->message);
        EQ(t_stat("/small.txt", &st), -EIO);
        EQ(t_unlink("/small.txt"), -EIO);
        EQ(t_rename("/empty", "/small.txt"), -EIO);
    } else if (!strcmp(k, "dirhole") || !strcmp(k, "dirsize")) {
        EQ(t_stat("/a/nothing", &st), -EIO);
        expect_line(e->message);
        EQ(t_mkdir("/a/x", 0755), -EIO);
    } else if (!strcmp(k, "symlinklen")) {
        EQ(t_readlink("/fastlink", (char *)buf, sizeof buf), -EIO);
        expect_line(e->message);
        EQ(t_stat("/fastlink", &st), -EIO);
        EQ(t_lstat("/fastlink", &st), 0);
    } else if (!strcmp(k, "hugesize")) {
        int fd = t_open("/small.txt", T_RDONLY, 0);
        EQ(t_read(fd, buf, 100), 100);
        CHECK(memcmp(buf, "hello, ext2\n", 12) == 0);
        EQ(t_pread(fd, buf, 100, 1ull << 50), 0);
        t_close(fd);
        EQ(t_truncate("/small.txt", 3), 0);
        EQ(t_stat("/small.txt", &st), 0);
        EQ(st.size, 3);
    } else if (!strcmp(k, "indloop") || !strcmp(k, "tindloop")) {
        /* the loop is followed no deeper than three levels; freeing it
         * meets a block freed already */
        read_all("/medium", 0);
        lines = shim_printk_lines;
        EQ(t_truncate("/medium", 0), -EIO);
        CHECK(shim_printk_lines > lines);
    } else if (!strcmp(k, "dindloop")) {
        read_all("/big", 0);
        lines = shim_printk_lines;
        EQ(t_truncate("/big", 0), -EIO);
        CHECK(shim_printk_lines > lines);
        expect_line("free already");
    } else if (!strcmp(k, "shared")) {
        EQ(t_unlink("/exec.sh"), 0);
        EQ(t_unlink("/small.txt"), 0);
        EQ(t_unlink("/hardlink"), 0);      /* its block was freed with exec.sh */
        CHECK(shim_printk_lines > lines);
        expect_line("free already");
    } else if (!strcmp(k, "ibitmap")) {
        EQ(t_stat("/lost+found", &st), 0);
        uint32_t ino = st.ino;
        EQ(write_file("/new", "x", 1, 0644), -EIO);   /* near the root: group 0 */
        expect_line(e->message);
        EQ(t_stat("/lost+found", &st), 0);
        EQ(st.ino, ino);
        EQ(st.mode & S_IFMT, S_IFDIR);
        EQ(write_file("/new", "x", 1, 0644), 0);      /* the next inode is fine */
    } else if (!strcmp(k, "bitmap")) {
        EQ(write_file("/new", PATTERN, sizeof PATTERN - 1, 0644), -EIO);
        expect_line(e->message);
        t_sync();
        CHECK(!image_has_pattern());
    }
    if (!strcmp(k, "blockmeta") || !strcmp(k, "bitmap")) {
        /* whatever is written after, the damaged spots stay unwritten */
        t_sync();
        CHECK(!image_has_pattern());
    }
}

int scenario_corrupt(const char *kind)
{
    const struct expect *e = NULL;
    for (size_t i = 0; i < sizeof expects / sizeof *expects; i++)
        if (!strcmp(expects[i].kind, kind))
            e = &expects[i];
    if (!e) {
        printf("corrupt: unknown kind %s\n", kind);
        exit(99);
    }
    unsigned lines = shim_printk_lines;
    int r = t_mount();
    if (!e->mounts) {
        CHECK(r < 0);
        EQ(shim_printk_lines, lines + 1);
        expect_line(e->message);
        return 0;
    }
    EQ(r, 0);
    if (r)
        return 1;
    if (!strcmp(kind, "rocompat"))
        expect_line(e->message);
    check_kind(e);
    read_all("/", 0);
    change_all("/", 0);
    read_all("/", 0);
    t_sync();
    EQ(inodes_in_memory(), 1);
    return 0;
}
