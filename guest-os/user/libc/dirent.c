/* dirent.c: directory streams over getdents64. The kernel's records
 * (u64 ino, s64 off, u16 reclen, u8 type, name) are copied one at a time
 * into the DIR's struct dirent, so a name is never read past its record. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct __dir {
    int fd;
    size_t pos, end;
    struct dirent ent;
    char buf[2048];
};

DIR *fdopendir(int fd)
{
    DIR *d = malloc(sizeof *d);
    if (!d)
        return NULL;
    d->fd = fd;
    d->pos = d->end = 0;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d)
        close(fd);
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->end) {
        int n = getdents64(d->fd, d->buf, sizeof d->buf);
        if (n <= 0)
            return NULL;
        d->pos = 0;
        d->end = (size_t)n;
    }
    const char *rec = d->buf + d->pos;
    unsigned short reclen;
    memcpy(&d->ent.d_ino, rec, 8);
    memcpy(&d->ent.d_off, rec + 8, 8);
    memcpy(&reclen, rec + 16, 2);
    if (reclen < 20 || d->pos + reclen > d->end) {
        d->pos = d->end;
        errno = EIO;
        return NULL;
    }
    d->ent.d_reclen = reclen;
    d->ent.d_type = (unsigned char)rec[18];
    size_t len = strnlen(rec + 19, reclen - 19);
    if (len > (sizeof d->ent.d_name - 1))
        len = (sizeof d->ent.d_name - 1);
    memcpy(d->ent.d_name, rec + 19, len);
    d->ent.d_name[len] = 0;
    d->pos += reclen;
    return &d->ent;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}

void rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->pos = d->end = 0;
}

int dirfd(DIR *d)
{
    return d->fd;
}
