/* file.c: streams: the three standard ones, fopen/fdopen/fclose, the
 * buffer (allocated on first use), flushing and seeking. stdout is line
 * buffered on a terminal, fully buffered otherwise; stderr unbuffered.
 * Every open stream is on one list so that exit() can flush them. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stdio_impl.h"

static char inbuf[BUFSIZ], outbuf[BUFSIZ];
static FILE std[3] = {
    { .fd = 0, .flags = F_READ | F_STATIC, .bufmode = _IOFBF, .buf = inbuf, .size = BUFSIZ,
      .ungot = EOF },
    { .fd = 1, .flags = F_WRITE | F_STATIC, .bufmode = _IOFBF, .buf = outbuf, .size = BUFSIZ,
      .ungot = EOF },
    { .fd = 2, .flags = F_WRITE | F_STATIC, .bufmode = _IONBF, .ungot = EOF },
};
FILE *stdin = &std[0], *stdout = &std[1], *stderr = &std[2];

static FILE *open_files;
static mutex_t list_lock;

void __stdio_init(void)
{
    if (isatty(1))
        stdout->bufmode = _IOLBF;
}

static int parse_mode(const char *mode, int *oflags, int *fflags)
{
    int acc;
    switch (*mode) {
    case 'r': acc = O_RDONLY; *fflags = F_READ; break;
    case 'w': acc = O_WRONLY | O_CREAT | O_TRUNC; *fflags = F_WRITE; break;
    case 'a': acc = O_WRONLY | O_CREAT | O_APPEND; *fflags = F_WRITE | F_APPEND; break;
    default: return -1;
    }
    for (const char *m = mode + 1; *m; m++) {
        if (*m == '+') {
            acc = (acc & ~O_ACCMODE) | O_RDWR;
            *fflags |= F_READ | F_WRITE;
        } else if (*m == 'x') {
            acc |= O_EXCL;
        } else if (*m == 'e') {
            acc |= O_CLOEXEC;
        } else if (*m != 'b') {
            return -1;
        }
    }
    *oflags = acc;
    return 0;
}

static FILE *new_file(int fd, int fflags)
{
    FILE *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fd = fd;
    f->flags = fflags;
    f->bufmode = _IOFBF;
    f->ungot = EOF;
    mutex_lock(&list_lock);
    f->next = open_files;
    open_files = f;
    mutex_unlock(&list_lock);
    return f;
}

FILE *fopen(const char *restrict path, const char *restrict mode)
{
    int oflags, fflags;
    if (parse_mode(mode, &oflags, &fflags) < 0) {
        errno = EINVAL;
        return NULL;
    }
    int fd = open(path, oflags, 0666);
    if (fd < 0)
        return NULL;
    FILE *f = new_file(fd, fflags);
    if (!f)
        close(fd);
    return f;
}

FILE *fdopen(int fd, const char *mode)
{
    int oflags, fflags;
    if (parse_mode(mode, &oflags, &fflags) < 0) {
        errno = EINVAL;
        return NULL;
    }
    return new_file(fd, fflags);
}

int fclose(FILE *f)
{
    mutex_lock(&f->lock);
    int r = __fflush(f);
    if (close(f->fd) < 0)
        r = EOF;
    f->fd = -1;
    mutex_unlock(&f->lock);
    if (f->flags & F_STATIC)
        return r;
    mutex_lock(&list_lock);
    for (FILE **p = &open_files; *p; p = &(*p)->next) {
        if (*p == f) {
            *p = f->next;
            break;
        }
    }
    mutex_unlock(&list_lock);
    if (f->flags & F_OWNBUF)
        free(f->buf);
    free(f);
    return r;
}

/* Send the write buffer; for a reading stream, give back what was read
 * ahead so the descriptor's offset is where the reader is. */
int __fflush(FILE *f)
{
    if (f->wpos) {
        size_t done = 0;
        while (done < f->wpos) {
            ssize_t n = write(f->fd, f->buf + done, f->wpos - done);
            if (n <= 0) {
                if (n < 0 && errno == EINTR)
                    continue;
                f->flags |= F_ERR;
                memmove(f->buf, f->buf + done, f->wpos - done);
                f->wpos -= done;
                return EOF;
            }
            done += (size_t)n;
        }
        f->wpos = 0;
    }
    if (f->rend > f->rpos || f->ungot != EOF) {
        off_t back = (off_t)(f->rend - f->rpos) + (f->ungot != EOF);
        if (lseek(f->fd, -back, SEEK_CUR) >= 0) {
            f->rpos = f->rend = 0;
            f->ungot = EOF;
        }
    }
    return 0;
}

int fflush(FILE *f)
{
    if (!f) {
        int r = fflush(stdout) | fflush(stderr);
        mutex_lock(&list_lock);
        for (FILE *p = open_files; p; p = p->next)
            if (p->flags & F_WRITE)
                r |= fflush(p);
        mutex_unlock(&list_lock);
        return r ? EOF : 0;
    }
    mutex_lock(&f->lock);
    int r = __fflush(f);
    mutex_unlock(&f->lock);
    return r;
}

void __stdio_exit(void)
{
    fflush(NULL);
}

static int get_buffer(FILE *f)
{
    if (f->buf || f->bufmode == _IONBF)
        return 0;
    f->buf = malloc(BUFSIZ);
    if (!f->buf) {
        f->bufmode = _IONBF;
        return 0;
    }
    f->size = BUFSIZ;
    f->flags |= F_OWNBUF;
    return 0;
}

/* Get ready to write: drop read-ahead (seeking back over it). */
int __to_write(FILE *f)
{
    if (!(f->flags & F_WRITE)) {
        f->flags |= F_ERR;
        errno = EBADF;
        return EOF;
    }
    if (f->rend > f->rpos || f->ungot != EOF)
        __fflush(f);
    f->rpos = f->rend = 0;
    f->ungot = EOF;
    return get_buffer(f);
}

/* Refill the read buffer. Returns the number of bytes now there, 0 at
 * end of file, EOF on error. A line-buffered stdout is flushed first, so
 * a prompt shows before the program waits for its answer. */
int __fill(FILE *f)
{
    if (!(f->flags & F_READ)) {
        f->flags |= F_ERR;
        errno = EBADF;
        return EOF;
    }
    if (f->wpos && __fflush(f) == EOF)
        return EOF;
    if (f == stdin && stdout->bufmode == _IOLBF)
        fflush(stdout);
    get_buffer(f);
    char one;
    char *buf = f->buf ? f->buf : &one;
    size_t size = f->buf ? f->size : 1;
    ssize_t n;
    do
        n = read(f->fd, buf, size);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        f->flags |= n == 0 ? F_EOF : F_ERR;
        return n == 0 ? 0 : EOF;
    }
    if (!f->buf) {
        f->ungot = (unsigned char)one;
        return 1;
    }
    f->rpos = 0;
    f->rend = (size_t)n;
    return (int)n;
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
    if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
        return -1;
    mutex_lock(&f->lock);
    __fflush(f);
    if (f->flags & F_OWNBUF)
        free(f->buf);
    f->flags &= ~F_OWNBUF;
    f->bufmode = mode;
    f->buf = NULL;
    f->size = 0;
    if (mode != _IONBF && buf && size) {
        f->buf = buf;
        f->size = size;
    } else if (mode != _IONBF) {
        f->buf = malloc(size ? size : BUFSIZ);
        f->size = f->buf ? (size ? size : BUFSIZ) : 0;
        if (f->buf)
            f->flags |= F_OWNBUF;
        else
            f->bufmode = _IONBF;
    }
    f->rpos = f->rend = f->wpos = 0;
    mutex_unlock(&f->lock);
    return 0;
}

void setbuf(FILE *restrict f, char *restrict buf)
{
    setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

int fseeko(FILE *f, off_t off, int whence)
{
    mutex_lock(&f->lock);
    int r = 0;
    if (__fflush(f) == EOF)
        r = -1;
    if (whence == SEEK_CUR)
        off -= (off_t)(f->rend - f->rpos) + (f->ungot != EOF);
    f->rpos = f->rend = 0;
    f->ungot = EOF;
    if (r == 0 && lseek(f->fd, off, whence) < 0)
        r = -1;
    if (r == 0)
        f->flags &= ~F_EOF;
    mutex_unlock(&f->lock);
    return r;
}

int fseek(FILE *f, long off, int whence)
{
    return fseeko(f, off, whence);
}

off_t ftello(FILE *f)
{
    mutex_lock(&f->lock);
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos >= 0)
        pos += (off_t)f->wpos - (off_t)(f->rend - f->rpos) - (f->ungot != EOF);
    mutex_unlock(&f->lock);
    return pos;
}

long ftell(FILE *f)
{
    off_t pos = ftello(f);
    if (pos > 0x7fffffff) {
        errno = EOVERFLOW;
        return -1;
    }
    return (long)pos;
}

void rewind(FILE *f)
{
    fseeko(f, 0, SEEK_SET);
    clearerr(f);
}
