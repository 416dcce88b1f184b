/*
 * tfs.c: the test driver's calls into the file system (tfs.h): system
 * calls through the fs_syscalls table with their arguments in fake user
 * memory, handle calls straight to the file object's ops (as the
 * kernel's sys_handle.c makes them), and the image file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tfs.h"
#include "../../guest-os/include/isola/syscall.h"
#include "../../guest-os/kernel/fs.h"
#include "../../guest-os/kernel/kstat.h"
#include "../../guest-os/kernel/object.h"
#include "../../guest-os/kernel/proc.h"
#include "../../guest-os/kernel/syscall.h"
#include "../../guest-os/kernel/fs/ext2fs.h"

int failures;
uint8_t *img;
size_t img_size;

#define STR_SLOTS 8
#define STR_SLOT_SIZE 8192
#define DATA_OFF (STR_SLOTS * STR_SLOT_SIZE)
#define DATA_SIZE (USER_SIZE - DATA_OFF)

void img_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(99);
    }
    fseek(f, 0, SEEK_END);
    img_size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    img = malloc(img_size);
    if (!img || fread(img, 1, img_size, f) != img_size) {
        perror(path);
        exit(99);
    }
    fclose(f);
}

void img_save(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(img, 1, img_size, f) != img_size || fclose(f) != 0) {
        perror(path);
        exit(99);
    }
}

int t_mount(void)
{
    return fs_init(img, (uint32_t)img_size);
}

uint32_t ustr(const char *s)
{
    static unsigned next;
    uint8_t *slot = shim_user_mem + (next++ % STR_SLOTS) * STR_SLOT_SIZE;
    size_t n = strlen(s) + 1;
    if (n > STR_SLOT_SIZE)
        n = STR_SLOT_SIZE;
    memcpy(slot, s, n);
    slot[STR_SLOT_SIZE - 1] = 0;
    return uaddr(slot);
}

bool fs_lock_held(void)
{
    return shim_fs_locked();
}

long t_sys(unsigned nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    for (const struct syscall_def *s = fs_syscalls; s->fn; s++) {
        if (s->nr == nr) {
            uint32_t arg[6] = {a, b, c, d, 0, 0};
            long r = s->fn(arg);
            if (fs_lock_held()) {
                printf("FAIL: %s returned with the fs lock held\n", s->name);
                failures++;
                shim_fs_force_unlock();
            }
            return r;
        }
    }
    printf("FAIL: system call %u is not in fs_syscalls\n", nr);
    failures++;
    return -ENOSYS;
}

static void after_op(const char *what)
{
    if (fs_lock_held()) {
        printf("FAIL: %s returned with the fs lock held\n", what);
        failures++;
        shim_fs_force_unlock();
    }
}

int t_open(const char *path, unsigned flags, unsigned mode)
{
    return (int)t_sys(SYS_open, ustr(path), flags, mode, 0);
}

int t_openat(int dirfd, const char *path, unsigned flags, unsigned mode)
{
    return (int)t_sys(SYS_openat, (uint32_t)dirfd, ustr(path), flags, mode);
}

int t_creat(const char *path, unsigned mode)
{
    return (int)t_sys(SYS_creat, ustr(path), mode, 0, 0);
}

int t_close(int fd)
{
    int r = handle_close(curproc(), fd);
    after_op("close");
    return r;
}

long t_read(int fd, void *buf, size_t n)
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    long total = o->ops->read ? 0 : -EINVAL;
    while (total >= 0 && (size_t)total < n) {
        uint32_t chunk = (uint32_t)(n - (size_t)total < DATA_SIZE ? n - (size_t)total : DATA_SIZE);
        long r = o->ops->read(o, USER_BASE + DATA_OFF, chunk);
        after_op("read");
        if (r < 0) {
            if (!total)
                total = r;
            break;
        }
        memcpy((uint8_t *)buf + total, shim_user_mem + DATA_OFF, (size_t)r);
        total += r;
        if ((uint32_t)r < chunk)
            break;
    }
    object_put(o);
    return total;
}

long t_write(int fd, const void *buf, size_t n)
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    long total = o->ops->write ? 0 : -EINVAL;
    while (total >= 0 && (size_t)total < n) {
        uint32_t chunk = (uint32_t)(n - (size_t)total < DATA_SIZE ? n - (size_t)total : DATA_SIZE);
        memcpy(shim_user_mem + DATA_OFF, (const uint8_t *)buf + total, chunk);
        long r = o->ops->write(o, USER_BASE + DATA_OFF, chunk);
        after_op("write");
        if (r < 0) {
            if (!total)
                total = r;
            break;
        }
        total += r;
        if ((uint32_t)r < chunk)
            break;
    }
    object_put(o);
    return total;
}

int64_t t_lseek(int fd, int64_t off, int whence)
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    int64_t pos = -1;
    long r = o->ops->lseek ? o->ops->lseek(o, off, whence, &pos) : -ESPIPE;
    after_op("lseek");
    object_put(o);
    return r < 0 ? r : pos;
}

long t_pread(int fd, void *buf, size_t n, uint64_t off)
{
    int64_t r = t_lseek(fd, (int64_t)off, SEEK_SET);
    return r < 0 ? (long)r : t_read(fd, buf, n);
}

long t_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
    int64_t r = t_lseek(fd, (int64_t)off, SEEK_SET);
    return r < 0 ? (long)r : t_write(fd, buf, n);
}

long t_getdents(int fd, void *buf, size_t n)
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    long r = o->ops->getdents ? o->ops->getdents(o, USER_BASE + DATA_OFF, (uint32_t)n) : -ENOTDIR;
    after_op("getdents");
    if (r > 0)
        memcpy(buf, shim_user_mem + DATA_OFF, (size_t)r);
    object_put(o);
    return r;
}

static void from_kstat(struct tstat *t, const struct kstat *k)
{
    *t = (struct tstat){k->dev, k->ino, k->mode, k->nlink, k->uid, k->gid, k->rdev,
                        k->blksize, k->atime, k->mtime, k->ctime, k->size, k->blocks};
}

int t_fstat(int fd, struct tstat *st)
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    struct kstat k;
    long r = o->ops->stat ? o->ops->stat(o, &k) : -EBADF;
    after_op("fstat");
    object_put(o);
    if (r == 0)
        from_kstat(st, &k);
    return (int)r;
}

int t_ftruncate(int fd, uint64_t len)
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    long r = o->ops->truncate ? o->ops->truncate(o, len) : -EINVAL;
    after_op("ftruncate");
    object_put(o);
    return (int)r;
}

int t_fsync(int fd)
{
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    long r = o->ops->sync ? o->ops->sync(o) : 0;
    after_op("fsync");
    object_put(o);
    return (int)r;
}

/* struct stat64 as kstat_copyout lays it out, read back as words */
static int stat_call(unsigned nr, const char *path, struct tstat *st)
{
    uint32_t u = USER_BASE + DATA_OFF;
    int r = (int)t_sys(nr, ustr(path), u, 0, 0);
    if (r == 0) {
        uint32_t w[24];
        memcpy(w, shim_user_mem + DATA_OFF, sizeof w);
        *st = (struct tstat){w[0], w[22], w[4], w[5], w[6], w[7], w[8], w[13], w[16], w[18],
                             w[20], w[11] | (uint64_t)w[12] << 32, w[14] | (uint64_t)w[15] << 32};
    }
    return r;
}

int t_stat(const char *path, struct tstat *st) { return stat_call(SYS_stat64, path, st); }
int t_lstat(const char *path, struct tstat *st) { return stat_call(SYS_lstat64, path, st); }
int t_mkdir(const char *path, unsigned mode) { return (int)t_sys(SYS_mkdir, ustr(path), mode, 0, 0); }
int t_rmdir(const char *path) { return (int)t_sys(SYS_rmdir, ustr(path), 0, 0, 0); }
int t_unlink(const char *path) { return (int)t_sys(SYS_unlink, ustr(path), 0, 0, 0); }
int t_link(const char *a, const char *b) { return (int)t_sys(SYS_link, ustr(a), ustr(b), 0, 0); }
int t_symlink(const char *a, const char *b) { return (int)t_sys(SYS_symlink, ustr(a), ustr(b), 0, 0); }
int t_rename(const char *a, const char *b) { return (int)t_sys(SYS_rename, ustr(a), ustr(b), 0, 0); }
int t_chdir(const char *path) { return (int)t_sys(SYS_chdir, ustr(path), 0, 0, 0); }
int t_access(const char *path, unsigned mode) { return (int)t_sys(SYS_access, ustr(path), mode, 0, 0); }
unsigned t_umask(unsigned mask) { return (unsigned)t_sys(SYS_umask, mask, 0, 0, 0); }
void t_sync(void) { EQ(t_sys(SYS_sync, 0, 0, 0, 0), 0); }

int t_mknod(const char *path, unsigned mode, unsigned dev)
{
    return (int)t_sys(SYS_mknod, ustr(path), mode, dev, 0);
}

int t_truncate(const char *path, uint64_t len)
{
    return (int)t_sys(SYS_truncate64, ustr(path), (uint32_t)len, (uint32_t)(len >> 32), 0);
}

long t_readlink(const char *path, char *buf, size_t n)
{
    long r = t_sys(SYS_readlink, ustr(path), USER_BASE + DATA_OFF, (uint32_t)n, 0);
    if (r > 0)
        memcpy(buf, shim_user_mem + DATA_OFF, (size_t)r);
    return r;
}

long t_getcwd(char *buf, size_t n)
{
    long r = t_sys(SYS_getcwd, USER_BASE + DATA_OFF, (uint32_t)n, 0, 0);
    if (r > 0)
        memcpy(buf, shim_user_mem + DATA_OFF, (size_t)r);
    return r;
}

long read_file(const char *path, uint8_t **data)
{
    *data = NULL;
    int fd = t_open(path, T_RDONLY, 0);
    if (fd < 0)
        return fd;
    struct tstat st;
    long r = t_fstat(fd, &st);
    if (r == 0) {
        *data = malloc(st.size + 1);
        r = t_read(fd, *data, st.size + 1);    /* asks one more: must get exactly size */
    }
    t_close(fd);
    if (r < 0) {
        free(*data);
        *data = NULL;
    }
    return r;
}

int write_file(const char *path, const void *data, size_t n, unsigned mode)
{
    int fd = t_open(path, T_WRONLY | T_CREAT | T_TRUNC, mode);
    if (fd < 0)
        return fd;
    long r = t_write(fd, data, n);
    t_close(fd);
    return r < 0 ? (int)r : (size_t)r == n ? 0 : -EIO;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int list_dir(const char *path, char ***names)
{
    int fd = t_open(path, T_RDONLY | T_DIRECTORY, 0);
    if (fd < 0)
        return fd;
    int n = 0, cap = 16;
    char **v = malloc(cap * sizeof *v);
    uint8_t buf[1024];
    long r;
    while ((r = t_getdents(fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < r;) {
            uint16_t reclen;
            memcpy(&reclen, buf + off + 16, 2);
            const char *name = (const char *)buf + off + 19;
            if (strcmp(name, ".") && strcmp(name, "..")) {
                if (n == cap)
                    v = realloc(v, (cap *= 2) * sizeof *v);
                v[n++] = strdup(name);
            }
            off += reclen;
        }
    }
    t_close(fd);
    if (r < 0) {
        free_names(v, n);
        return (int)r;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_names);
    *names = v;
    return n;
}

void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static uint32_t rnd_state = 2463534242u;

void rnd_seed(uint32_t seed)
{
    rnd_state = seed ? seed : 1;
}

uint32_t rnd(void)
{
    uint32_t x = rnd_state;       /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rnd_state = x;
}

void fill_random(uint8_t *buf, size_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 24);
    }
}

unsigned inodes_in_memory(void)
{
    unsigned n = 0;
    for (struct inode *ip = fs.inodes; ip; ip = ip->next)
        n++;
    return n;
}

uint32_t free_blocks(void) { return fs.sb.s_free_blocks_count; }
uint32_t free_inodes(void) { return fs.sb.s_free_inodes_count; }
uint32_t fs_block_size(void) { return fs.bsize; }
bool fs_has_filetype(void) { return fs.filetype; }
