/*
 * t_model.c: random operations checked against a model in host memory:
 * writes, appends and truncates of one file against a byte array (with
 * the blocks it must be using), then creations, links, renames and
 * removals of names in one directory against a table of names and
 * inodes. The shell script runs e2fsck on the image afterwards.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tfs.h"

#define MAX_FILE (6u << 20)

static uint32_t bs;

/* The blocks a file of this size uses at most: data and indirect ones. */
static uint64_t max_blocks(uint64_t size)
{
    uint64_t data = (size + bs - 1) / bs, per = bs / 4, ind = 0;
    if (data > 12)
        ind += 1;
    if (data > 12 + per)
        ind += 1 + (data - 12 - per + per - 1) / per;
    return data + ind;
}

static void model_file(void)
{
    uint8_t *model = calloc(1, MAX_FILE), *buf = malloc(MAX_FILE), *data = malloc(1 << 18);
    uint64_t size = 0;
    EQ(t_mkdir("/m", 0755), 0);
    int fd = t_open("/m/file", T_RDWR | T_CREAT, 0644);
    int afd = t_open("/m/file", T_WRONLY | T_APPEND, 0);
    uint32_t free0 = free_blocks();
    for (int op = 0; op < 3000; op++) {
        uint32_t kind = rnd() % 10;
        if (kind < 5) {                                  /* write somewhere */
            uint64_t off = rnd() % 4 == 0 ? size + rnd() % (4 * bs)
                                          : rnd() % (size + 1);
            if (rnd() % 4 == 0)
                off -= off % bs;                         /* on a block boundary */
            uint32_t n = rnd() % 3 == 0 ? rnd() % (1 << 18) : rnd() % (3 * bs);
            if (off + n > MAX_FILE)
                continue;
            fill_random(data, n, rnd());
            EQ(t_pwrite(fd, data, n, off), (long)n);
            memcpy(model + off, data, n);
            if (off + n > size)
                size = off + n;
        } else if (kind < 6) {                           /* append */
            uint32_t n = rnd() % (2 * bs);
            if (size + n > MAX_FILE)
                continue;
            fill_random(data, n, rnd());
            EQ(t_write(afd, data, n), (long)n);
            memcpy(model + size, data, n);
            size += n;
        } else if (kind < 8) {                           /* truncate */
            uint64_t to = rnd() % 3 == 0 ? rnd() % (size + 1) : rnd() % MAX_FILE;
            EQ(t_ftruncate(fd, to), 0);
            if (to < size)
                memset(model + to, 0, size - to);
            size = to;
        } else {                                         /* read somewhere */
            uint64_t off = rnd() % (size + 1);
            uint32_t n = rnd() % (1 << 17);
            long want = (long)(off + n <= size ? n : size - off);
            EQ(t_pread(fd, buf, n, off), want);
            CHECK(want <= 0 || memcmp(buf, model + off, (size_t)want) == 0);
        }
        if (op % 100 == 99 || op == 2999) {
            struct tstat st;
            EQ(t_fstat(fd, &st), 0);
            EQ(st.size, size);
            EQ(free0 - free_blocks(), st.blocks / (bs / 512));
            CHECK(st.blocks / (bs / 512) <= max_blocks(size));
            EQ(t_pread(fd, buf, MAX_FILE, 0), (long)size);
            if (memcmp(buf, model, size) != 0) {
                printf("FAIL: /m/file differs from its model after %d operations\n", op + 1);
                failures++;
                break;
            }
        }
    }
    t_close(fd);
    t_close(afd);
    free(model);
    free(buf);
    free(data);
}

/* ---- names ---- */

#define NSLOT 64
#define NINODE 256

enum { FREE, FILE_, DIR_, LINK };

struct minode {
    int type, nlink;
    uint32_t seed, len;
};

static struct minode inodes[NINODE];
static int slots[NSLOT];            /* an inode index, or -1 */
static int ndirs;

static void slot_path(int i, char *p, size_t n)
{
    snprintf(p, n, "/m/ns/name-%d%s", i, i % 3 ? "" : "-with-a-longer-name-for-the-slack");
}

static int new_inode(int type)
{
    for (int i = 0; i < NINODE; i++) {
        if (inodes[i].type == FREE) {
            inodes[i] = (struct minode){type, type == DIR_ ? 2 : 1, rnd(), rnd() % 5000};
            return i;
        }
    }
    return -1;
}

static void drop_link(int in)
{
    if (--inodes[in].nlink == 0 || inodes[in].type == DIR_)
        inodes[in].type = FREE;
}

static void op_create(int i, char *p)
{
    if (slots[i] >= 0) {
        EQ(t_open(p, T_WRONLY | T_CREAT | T_EXCL, 0644), -EEXIST);
        return;
    }
    int in = new_inode(FILE_);
    if (in < 0)
        return;
    uint8_t data[5000];
    fill_random(data, inodes[in].len, inodes[in].seed);
    EQ(write_file(p, data, inodes[in].len, 0644), 0);
    slots[i] = in;
}

static void op_mkdir(int i, char *p)
{
    if (slots[i] >= 0) {
        EQ(t_mkdir(p, 0755), -EEXIST);
        return;
    }
    int in = new_inode(DIR_);
    if (in < 0)
        return;
    EQ(t_mkdir(p, 0755), 0);
    slots[i] = in;
    ndirs++;
}

static void op_symlink(int i, char *p)
{
    if (slots[i] >= 0) {
        EQ(t_symlink("target", p), -EEXIST);
        return;
    }
    int in = new_inode(LINK);
    if (in < 0)
        return;
    char target[300];
    memset(target, 't', sizeof target);
    inodes[in].len = 1 + inodes[in].seed % 200;     /* fast and slow ones */
    target[inodes[in].len] = 0;
    EQ(t_symlink(target, p), 0);
    slots[i] = in;
}

static void op_unlink(int i, char *p)
{
    int in = slots[i];
    if (in < 0) {
        EQ(t_unlink(p), -ENOENT);
    } else if (inodes[in].type == DIR_) {
        EQ(t_unlink(p), -EISDIR);
        EQ(t_rmdir(p), 0);
        drop_link(in);
        slots[i] = -1;
        ndirs--;
    } else {
        EQ(t_unlink(p), 0);
        EQ(t_rmdir(p), -ENOENT);
        drop_link(in);
        slots[i] = -1;
    }
}

static void op_link(int i, int j, char *p, char *q)
{
    int in = slots[i];
    if (in < 0)
        EQ(t_link(p, q), -ENOENT);
    else if (inodes[in].type == DIR_)
        EQ(t_link(p, q), -EPERM);
    else if (slots[j] >= 0)
        EQ(t_link(p, q), -EEXIST);
    else {
        EQ(t_link(p, q), 0);
        inodes[in].nlink++;
        slots[j] = in;
    }
}

static void op_rename(int i, int j, char *p, char *q)
{
    int a = slots[i], b = slots[j];
    if (a < 0) {
        EQ(t_rename(p, q), -ENOENT);
    } else if (a == b) {
        EQ(t_rename(p, q), 0);                       /* one inode: nothing */
    } else if (b >= 0 && inodes[a].type == DIR_ && inodes[b].type != DIR_) {
        EQ(t_rename(p, q), -ENOTDIR);
    } else if (b >= 0 && inodes[a].type != DIR_ && inodes[b].type == DIR_) {
        EQ(t_rename(p, q), -EISDIR);
    } else {
        EQ(t_rename(p, q), 0);
        if (b >= 0) {
            if (inodes[b].type == DIR_)
                ndirs--;
            drop_link(b);
        }
        slots[j] = a;
        slots[i] = -1;
    }
}

static void check_names(void)
{
    char **names;
    int n = list_dir("/m/ns", &names), want = 0;
    for (int i = 0; i < NSLOT; i++) {
        char p[128];
        struct tstat st;
        slot_path(i, p, sizeof p);
        int in = slots[i];
        if (in < 0) {
            EQ(t_lstat(p, &st), -ENOENT);
            continue;
        }
        want++;
        EQ(t_lstat(p, &st), 0);
        const unsigned type[] = {0, S_IFREG, S_IFDIR, S_IFLNK};
        EQ(st.mode & S_IFMT, type[inodes[in].type]);
        EQ(st.nlink, inodes[in].nlink);
        if (inodes[in].type == FILE_) {
            uint8_t want_data[5000], *got;
            fill_random(want_data, inodes[in].len, inodes[in].seed);
            EQ(read_file(p, &got), inodes[in].len);
            CHECK(got && memcmp(got, want_data, inodes[in].len) == 0);
            free(got);
        } else if (inodes[in].type == LINK) {
            EQ(st.size, inodes[in].len);
        }
    }
    EQ(n, want);
    if (n >= 0)
        free_names(names, n);
    struct tstat st;
    EQ(t_stat("/m/ns", &st), 0);
    EQ(st.nlink, 2 + ndirs);
}

static void model_names(void)
{
    EQ(t_mkdir("/m/ns", 0755), 0);
    for (int i = 0; i < NSLOT; i++)
        slots[i] = -1;
    uint32_t inodes0 = free_inodes();
    for (int op = 0; op < 4000; op++) {
        int i = (int)(rnd() % NSLOT), j = (int)(rnd() % NSLOT);
        char p[128], q[128];
        slot_path(i, p, sizeof p);
        slot_path(j, q, sizeof q);
        switch (rnd() % 7) {
        case 0: case 1: op_create(i, p); break;
        case 2: op_mkdir(i, p); break;
        case 3: op_symlink(i, p); break;
        case 4: op_unlink(i, p); break;
        case 5: op_link(i, j, p, q); break;
        case 6: op_rename(i, j, p, q); break;
        }
        if (op % 250 == 249) {
            check_names();
            int live = 0;
            for (int k = 0; k < NINODE; k++)
                live += inodes[k].type != FREE;
            EQ(inodes0 - free_inodes(), live);
        }
    }
}

/* A file system that fills up: a short write, then -ENOSPC; no inode
 * left, then -ENOSPC on create; and everything back after removal. */
int scenario_full(void)
{
    int r = t_mount();
    EQ(r, 0);
    if (r)
        return 1;
    bs = fs_block_size();
    uint32_t blocks0 = free_blocks(), inodes0 = free_inodes();
    uint8_t *chunk = malloc(1 << 20);
    fill_random(chunk, 1 << 20, 3);
    int fd = t_open("/fill", T_WRONLY | T_CREAT, 0644);
    long r2, total = 0;
    while ((r2 = t_write(fd, chunk, 1 << 20)) == 1 << 20)
        total += r2;
    CHECK(r2 > 0 && r2 < 1 << 20);             /* the last write is short */
    total += r2 > 0 ? r2 : 0;
    EQ(t_write(fd, chunk, 1000), -ENOSPC);
    EQ(free_blocks(), 0);
    struct tstat st;
    EQ(t_fstat(fd, &st), 0);
    EQ(st.size, total);
    EQ(st.blocks, (uint64_t)blocks0 * (bs / 512));
    t_close(fd);
    EQ(t_mkdir("/d", 0755), -ENOSPC);           /* a directory needs a block */
    int n = 0;
    char p[64];
    for (;; n++) {
        snprintf(p, sizeof p, "/e%d", n);
        fd = t_open(p, T_WRONLY | T_CREAT, 0644);  /* empty files need no block... */
        if (fd < 0)
            break;
        t_close(fd);
    }
    CHECK(fd == -ENOSPC);   /* ...until inodes or root-directory blocks run out */
    EQ(t_unlink("/fill"), 0);
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof p, "/e%d", i);
        EQ(t_unlink(p), 0);
    }
    EQ(free_inodes(), inodes0);
    CHECK(free_blocks() >= blocks0 - 2);        /* the root may have grown */
    EQ(write_file("/after", chunk, 5000, 0644), 0);
    free(chunk);
    t_sync();
    return 0;
}

/* Out of memory: errors, and nothing half done on the disk. */
static void no_memory(void)
{
    uint32_t inodes0 = free_inodes(), blocks0 = free_blocks();
    struct tstat st;
    shim_fail_alloc = SHIM_FAIL_PAGES;
    EQ(t_open("/m/file", T_RDONLY, 0), -ENOMEM);   /* no page for the path */
    shim_fail_alloc = SHIM_FAIL_KMALLOC;
    EQ(t_open("/m/nomem", T_WRONLY | T_CREAT, 0644), -ENOMEM);
    EQ(t_mkdir("/m/nomem", 0755), -ENOMEM);
    EQ(t_rename("/m/file", "/m/x"), -ENOMEM);
    shim_fail_alloc = 0;
    EQ(t_stat("/m/nomem", &st), -ENOENT);
    EQ(free_inodes(), inodes0);
    EQ(free_blocks(), blocks0);
}

int scenario_model(uint32_t seed)
{
    int r = t_mount();
    EQ(r, 0);
    if (r)
        return 1;
    bs = fs_block_size();
    rnd_seed(seed);
    long kmallocs = shim_kmallocs;
    model_file();
    model_names();
    no_memory();
    EQ(inodes_in_memory(), 1);
    EQ(shim_kmallocs, kmallocs);
    t_sync();
    return 0;
}
