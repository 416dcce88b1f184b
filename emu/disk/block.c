/*
 * block.c: opening a disk image (format by content unless named), range
 * checks, the snapshot overlay, and the plumbing the drivers share.
 *
 * Rules kept here:
 *  - The format is what the first bytes say ("QFI\xfb" is qcow2, anything
 *    else raw) unless the caller names one; naming qcow2 for a file without
 *    the magic is an error, naming raw for a qcow2 file reads it as bytes.
 *  - Every request is checked against the virtual size and the read-only
 *    flag here, so drivers never see one that reaches past the end.
 *  - Snapshot mode opens the image read-only; writes land in an unlinked,
 *    sparse temporary file at the same offsets, and a bitmap of 512-byte
 *    sectors says which sectors the overlay holds. Reads prefer it. All of
 *    it disappears at close.
 *  - Errors are one line "FILE: problem", kept in b->err.
 *  - Backing files are regular files or block devices, at most
 *    BLK_MAX_CHAIN deep, each file at most once in a chain.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/blkdrv.h"
#include "disk/image.h"

#define SECTOR 512u
#define OVL_CHUNK_SECTORS 32768u   /* 16 MiB of disk per bitmap chunk */

struct overlay {
    int fd;
    uint64_t nchunks;
    uint8_t **chunk;               /* bitmaps, allocated on first write */
};

int blk_fail(struct blockdev *b, const char *fmt, ...)
{
    int n = snprintf(b->err, sizeof b->err, "%s: ", b->path);
    va_list ap;

    if (n < 0 || (size_t)n >= sizeof b->err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->err + n, sizeof b->err - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

int blk_fail_as(struct blockdev *b, const struct blockdev *from)
{
    if (b != from)
        snprintf(b->err, sizeof b->err, "%s", from->err);
    return -1;
}

ssize_t file_read(int fd, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done,
                          (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

int file_write(int fd, const void *buf, size_t len, uint64_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
                           (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

uint64_t file_size(int fd)
{
    off_t end = lseek(fd, 0, SEEK_END);

    return end < 0 ? 0 : (uint64_t)end;
}

const char *blk_format_name(enum blk_format f)
{
    switch (f) {
    case BLK_RAW: return "raw";
    case BLK_QCOW2: return "qcow2";
    default: return "detect";
    }
}

bool blk_format_parse(const char *name, enum blk_format *f)
{
    if (strcmp(name, "raw") == 0)
        *f = BLK_RAW;
    else if (strcmp(name, "qcow2") == 0)
        *f = BLK_QCOW2;
    else
        return false;
    return true;
}

enum blk_format blk_format_of(const struct blockdev *b)
{
    return b->format;
}

/* ---- the snapshot overlay ---- */

static bool ovl_has(const struct overlay *v, uint64_t sector)
{
    const uint8_t *map = v->chunk[sector / OVL_CHUNK_SECTORS];
    unsigned bit = (unsigned)(sector % OVL_CHUNK_SECTORS);

    return map && (map[bit / 8] >> (bit % 8) & 1);
}

static int ovl_mark(struct overlay *v, uint64_t sector)
{
    uint8_t **map = &v->chunk[sector / OVL_CHUNK_SECTORS];
    unsigned bit = (unsigned)(sector % OVL_CHUNK_SECTORS);

    if (!*map && !(*map = calloc(OVL_CHUNK_SECTORS / 8, 1)))
        return -1;
    (*map)[bit / 8] |= (uint8_t)(1u << (bit % 8));
    return 0;
}

/* Sectors from `sector` on (at most max) that are all in the overlay, or
 * all not, as `in` says. */
static uint64_t ovl_run(const struct overlay *v, uint64_t sector,
                        uint64_t max, bool *in)
{
    uint64_t n = 1;

    *in = ovl_has(v, sector);
    while (n < max && ovl_has(v, sector + n) == *in)
        n++;
    return n;
}

static int ovl_open(struct blockdev *b)
{
    const char *dir = getenv("TMPDIR");
    char name[4096];
    struct overlay *v = calloc(1, sizeof *v);

    if (!v)
        return blk_fail(b, "out of memory for the snapshot overlay");
    v->nchunks = (b->size / SECTOR + OVL_CHUNK_SECTORS) / OVL_CHUNK_SECTORS;
    v->chunk = calloc(v->nchunks, sizeof *v->chunk);
    snprintf(name, sizeof name, "%s/isola-snapshot.XXXXXX",
             dir && *dir ? dir : "/var/tmp");
    v->fd = v->chunk ? mkstemp(name) : -1;
    if (v->fd < 0 && v->chunk && (!dir || !*dir)) {
        snprintf(name, sizeof name, "/tmp/isola-snapshot.XXXXXX");
        v->fd = mkstemp(name);
    }
    if (v->fd < 0) {
        int e = errno;
        free(v->chunk);
        free(v);
        return blk_fail(b, "cannot create the snapshot overlay: %s",
                        strerror(e));
    }
    unlink(name);
    b->overlay = v;
    return 0;
}

static void ovl_close(struct overlay *v)
{
    if (!v)
        return;
    for (uint64_t i = 0; i < v->nchunks; i++)
        free(v->chunk[i]);
    free(v->chunk);
    close(v->fd);
    free(v);
}

/* Reads whole sectors, each from the overlay if it holds it. */
static int ovl_read_sectors(struct blockdev *b, uint64_t sector,
                            uint8_t *buf, uint64_t count)
{
    while (count) {
        bool in;
        uint64_t n = ovl_run(b->overlay, sector, count, &in);
        size_t bytes = (size_t)(n * SECTOR);

        if (in) {
            if (file_read(b->overlay->fd, buf, bytes, sector * SECTOR) !=
                (ssize_t)bytes)
                return blk_fail(b, "snapshot overlay read failed: %s",
                                strerror(errno));
        } else if (b->drv->read(b, sector * SECTOR, buf, bytes) < 0) {
            return -1;
        }
        sector += n;
        count -= n;
        buf += bytes;
    }
    return 0;
}

static int ovl_write_sectors(struct blockdev *b, uint64_t sector,
                             const uint8_t *buf, uint64_t count)
{
    if (file_write(b->overlay->fd, buf, (size_t)(count * SECTOR),
                   sector * SECTOR) < 0)
        return blk_fail(b, "snapshot overlay write failed: %s",
                        strerror(errno));
    for (uint64_t i = 0; i < count; i++)
        if (ovl_mark(b->overlay, sector + i) < 0)
            return blk_fail(b, "out of memory for the snapshot overlay");
    return 0;
}

/* A part of one sector: read the sector, and for a write merge and store.
 * The sector may reach past the virtual size when the size is not a
 * multiple of 512; the missing bytes read as zeros. */
static int ovl_partial(struct blockdev *b, uint64_t off, uint8_t *rbuf,
                       const uint8_t *wbuf, size_t len)
{
    uint8_t sec[SECTOR];
    uint64_t sector = off / SECTOR;
    size_t in = (size_t)(off % SECTOR);
    uint64_t start = sector * SECTOR;
    size_t have = b->size - start < SECTOR ? (size_t)(b->size - start)
                                           : SECTOR;

    memset(sec, 0, sizeof sec);
    if (ovl_has(b->overlay, sector)) {
        if (file_read(b->overlay->fd, sec, SECTOR, start) < 0)
            return blk_fail(b, "snapshot overlay read failed: %s",
                            strerror(errno));
    } else if (b->drv->read(b, start, sec, have) < 0) {
        return -1;
    }
    if (rbuf) {
        memcpy(rbuf, sec + in, len);
        return 0;
    }
    memcpy(sec + in, wbuf, len);
    return ovl_write_sectors(b, sector, sec, 1);
}

/* Splits [off, off+len) into an unaligned head, whole sectors, and an
 * unaligned tail. Exactly one of rbuf, wbuf is set. */
static int ovl_access(struct blockdev *b, uint64_t off, uint8_t *rbuf,
                      const uint8_t *wbuf, size_t len)
{
    while (len) {
        size_t in = (size_t)(off % SECTOR);
        size_t n;
        int r;

        if (in || len < SECTOR) {
            n = SECTOR - in < len ? SECTOR - in : len;
            r = ovl_partial(b, off, rbuf, wbuf, n);
        } else {
            n = len - len % SECTOR;
            r = rbuf ? ovl_read_sectors(b, off / SECTOR, rbuf, n / SECTOR)
                     : ovl_write_sectors(b, off / SECTOR, wbuf, n / SECTOR);
        }
        if (r < 0)
            return -1;
        off += n;
        len -= n;
        if (rbuf)
            rbuf += n;
        else
            wbuf += n;
    }
    return 0;
}

/* ---- opening ---- */

static int open_file(struct blockdev *b, bool readonly)
{
    struct stat st;

    b->fd = open(b->path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (b->fd < 0)
        return blk_fail(b, "%s", strerror(errno));
    if (fstat(b->fd, &st) < 0)
        return blk_fail(b, "%s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return blk_fail(b, "is a directory");
    b->dev = st.st_dev;
    b->ino = st.st_ino;
    b->file_readonly = readonly;
    return 0;
}

static int detect_format(struct blockdev *b, enum blk_format want)
{
    uint8_t magic[4];
    ssize_t n = file_read(b->fd, magic, sizeof magic, 0);
    bool qcow2;

    if (n < 0)
        return blk_fail(b, "%s", strerror(errno));
    qcow2 = n == 4 && memcmp(magic, "QFI\xfb", 4) == 0;
    if (want == BLK_QCOW2 && !qcow2)
        return blk_fail(b, "not a qcow2 image (no QFI\\xfb magic)");
    b->format = want != BLK_DETECT ? want : qcow2 ? BLK_QCOW2 : BLK_RAW;
    return 0;
}

static struct blockdev *blk_new(const char *path)
{
    struct blockdev *b = calloc(1, sizeof *b);

    if (!b)
        return NULL;
    b->fd = -1;
    b->path = strdup(path);
    if (!b->path) {
        free(b);
        return NULL;
    }
    return b;
}

static int blk_start(struct blockdev *b, enum blk_format fmt, bool ro)
{
    if (open_file(b, ro) < 0 || detect_format(b, fmt) < 0)
        return -1;
    return b->format == BLK_QCOW2 ? qcow2_open(b) : raw_open(b);
}

struct blockdev *blk_open(const char *path, const struct blk_options *o,
                          char *err, size_t errlen)
{
    struct blk_options none = { BLK_DETECT, false, false };
    struct blockdev *b = blk_new(path);

    if (!o)
        o = &none;
    if (!b) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    b->readonly = o->readonly;
    if (blk_start(b, o->format, o->readonly || o->snapshot) < 0 ||
        (o->snapshot && ovl_open(b) < 0)) {
        snprintf(err, errlen, "%s", b->err);
        blk_close(b);
        return NULL;
    }
    return b;
}

/* A loop is a file that is already somewhere above in the chain. */
static const struct blockdev *chain_find(const struct blockdev *b,
                                         const struct stat *st)
{
    for (; b; b = b->above)
        if (b->dev == st->st_dev && b->ino == st->st_ino)
            return b;
    return NULL;
}

struct blockdev *blk_open_backing(struct blockdev *above, const char *path,
                                  enum blk_format fmt)
{
    struct stat st;
    const struct blockdev *seen;
    struct blockdev *b;

    if (above->depth + 1 > BLK_MAX_CHAIN) {
        blk_fail(above, "backing chain deeper than %d files", BLK_MAX_CHAIN);
        return NULL;
    }
    /* A device that blocks (a tty, a pipe) must not hang the open. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
        !S_ISBLK(st.st_mode)) {
        blk_fail(above, "backing file %s is not a regular file or a block "
                 "device", path);
        return NULL;
    }
    if (stat(path, &st) == 0 && (seen = chain_find(above, &st))) {
        if (strcmp(path, seen->path) == 0)
            blk_fail(above, "backing file loop: %s is already in the chain",
                     path);
        else
            blk_fail(above, "backing file loop: %s is already in the chain "
                     "(as %s)", path, seen->path);
        return NULL;
    }
    b = blk_new(path);
    if (!b) {
        blk_fail(above, "out of memory");
        return NULL;
    }
    b->above = above;
    b->depth = above->depth + 1;
    b->readonly = true;
    if (blk_start(b, fmt, true) < 0) {
        /* Name the top image and the file that is broken, not each file
         * in between: "top: backing file FILE: problem". */
        if (b->chain_err && strlen(b->err) > strlen(b->path) + 2)
            blk_fail(above, "%s", b->err + strlen(b->path) + 2);
        else
            blk_fail(above, "backing file %s", b->err);
        above->chain_err = true;
        blk_close(b);
        return NULL;
    }
    return b;
}

/* ---- requests ---- */

uint64_t blk_size(const struct blockdev *b)
{
    return b->size;
}

bool blk_readonly(const struct blockdev *b)
{
    return b->readonly;
}

const char *blk_error(const struct blockdev *b)
{
    return b->err;
}

static int check_range(struct blockdev *b, const char *what, uint64_t off,
                       size_t len)
{
    if (off > b->size || len > b->size - off)
        return blk_fail(b, "%s of %zu bytes at offset %llu is past the end "
                        "of the disk (%llu bytes)", what, len,
                        (unsigned long long)off,
                        (unsigned long long)b->size);
    return 0;
}

int blk_read(struct blockdev *b, uint64_t offset, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (check_range(b, "read", offset, len) < 0)
        return -1;
    if (b->overlay)
        return ovl_access(b, offset, buf, NULL, len);
    return b->drv->read(b, offset, buf, len);
}

int blk_write(struct blockdev *b, uint64_t offset, const void *buf,
              size_t len)
{
    if (b->readonly)
        return blk_fail(b, "write refused: the disk is read-only");
    if (len == 0)
        return 0;
    if (check_range(b, "write", offset, len) < 0)
        return -1;
    if (b->overlay)
        return ovl_access(b, offset, NULL, buf, len);
    return b->drv->write(b, offset, buf, len);
}

int blk_flush(struct blockdev *b)
{
    if (b->overlay || b->file_readonly)
        return 0;
    return b->drv->flush(b);
}

int blk_block_status(struct blockdev *b, uint64_t off, uint64_t len,
                     uint64_t *pnum)
{
    if (len == 0 || off >= b->size)
        return blk_fail(b, "block status past the end of the disk");
    if (len > b->size - off)
        len = b->size - off;
    if (b->overlay) {
        bool in;
        uint64_t first = off / SECTOR;
        uint64_t last = (off + len - 1) / SECTOR;
        uint64_t span = last - first + 1 < 65536 ? last - first + 1 : 65536;
        uint64_t n = ovl_run(b->overlay, first, span, &in);
        uint64_t end = (first + n) * SECTOR;

        if (end > off + len)
            end = off + len;
        if (in) {
            *pnum = end - off;
            return 1;
        }
        len = end - off;
    }
    return b->drv->status(b, off, len, pnum);
}

void blk_close(struct blockdev *b)
{
    if (!b)
        return;
    if (b->drv)
        b->drv->close(b);
    ovl_close(b->overlay);
    if (b->fd >= 0)
        close(b->fd);
    free(b->path);
    free(b);
}
