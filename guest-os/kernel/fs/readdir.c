/*
 * readdir.c: getdents64: a directory's entries as Linux's struct
 * linux_dirent64 records (u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type,
 * NUL-terminated d_name, padded to 8 bytes).
 *
 * Rules kept here:
 *  - The file offset is a byte offset in the directory; each record's
 *    d_off is the offset of the entry after it, so lseek(fd, d_off)
 *    resumes there, and an offset inside a record resumes at the next.
 *  - As many whole records as fit are returned; a buffer too small for
 *    even the first is -EINVAL.
 *  - d_type comes from the entry's file type (DT_UNKNOWN without the
 *    filetype feature).
 */
#include "ext2fs.h"
#include "../errno.h"
#include "../lib.h"
#include "../uaccess.h"

#define DIRENT64_HEADER 19       /* offsetof(struct linux_dirent64, d_name) */

struct fill {
    uint32_t ubuf, size, done;
    int err;
};

static int emit(void *arg, const struct ext2_dirent *de, uint64_t next)
{
    struct fill *f = arg;
    uint32_t len = dirent_name_len(de);
    uint32_t reclen = (DIRENT64_HEADER + len + 1 + 7) & ~7u;
    uint8_t rec[(DIRENT64_HEADER + EXT2_NAME_LEN + 1 + 7) & ~7u];
    if (reclen > f->size - f->done) {
        if (!f->done)
            f->err = -EINVAL;
        return 1;
    }
    uint64_t ino = de->inode;
    int64_t off = (int64_t)next;
    uint16_t rl = (uint16_t)reclen;
    memset(rec, 0, reclen);
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &off, 8);
    memcpy(rec + 16, &rl, 2);
    rec[18] = dirent_type(de);
    memcpy(rec + DIRENT64_HEADER, de->name, len);
    if (copyout(f->ubuf + f->done, rec, reclen)) {
        f->err = -EFAULT;
        return 1;
    }
    f->done += reclen;
    return 0;
}

long dir_getdents(struct inode *dp, uint64_t *pos, uint32_t ubuf, uint32_t n)
{
    struct fill f = {.ubuf = ubuf, .size = n};
    int r = dir_iterate(dp, pos, emit, &f);
    if (f.done)
        return f.done;
    return r < 0 ? r : f.err;
}
