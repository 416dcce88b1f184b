/* io.c: character, line and block I/O on streams. Output is buffered
 * per the stream's mode: _IOLBF sends at each newline, _IONBF at once
 * (one write per call, not per byte). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stdio_impl.h"

int __fgetc(FILE *f)
{
    if (f->ungot != EOF) {
        int c = f->ungot;
        f->ungot = EOF;
        return c;
    }
    if (f->rpos == f->rend) {
        if (__fill(f) <= 0)
            return EOF;
        if (f->ungot != EOF)
            return __fgetc(f);
    }
    return (unsigned char)f->buf[f->rpos++];
}

int fgetc(FILE *f)
{
    mutex_lock(&f->lock);
    int c = __fgetc(f);
    mutex_unlock(&f->lock);
    return c;
}

int getc(FILE *f)
{
    return fgetc(f);
}

int getchar(void)
{
    return fgetc(stdin);
}

int ungetc(int c, FILE *f)
{
    if (c == EOF)
        return EOF;
    mutex_lock(&f->lock);
    int r = EOF;
    if (f->rpos > 0 && f->ungot == EOF && f->buf) {
        f->buf[--f->rpos] = (char)c;
        r = (unsigned char)c;
    } else if (f->ungot == EOF) {
        f->ungot = (unsigned char)c;
        r = f->ungot;
    }
    if (r != EOF)
        f->flags &= ~F_EOF;
    mutex_unlock(&f->lock);
    return r;
}

/* Write n bytes through the buffer. */
size_t __fwrite(const void *p, size_t n, FILE *f)
{
    const char *s = p;
    if (__to_write(f) == EOF)
        return 0;
    if (f->bufmode == _IONBF || !f->buf || n >= f->size) {
        if (__fflush(f) == EOF)
            return 0;
        size_t done = 0;
        while (done < n) {
            ssize_t k = write(f->fd, s + done, n - done);
            if (k <= 0) {
                if (k < 0 && errno == EINTR)
                    continue;
                f->flags |= F_ERR;
                return done;
            }
            done += (size_t)k;
        }
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        if (f->wpos == f->size && __fflush(f) == EOF)
            return i;
        f->buf[f->wpos++] = s[i];
        if (s[i] == '\n' && f->bufmode == _IOLBF && __fflush(f) == EOF)
            return i + 1;
    }
    return n;
}

int __fputc(int c, FILE *f)
{
    unsigned char ch = (unsigned char)c;
    return __fwrite(&ch, 1, f) == 1 ? ch : EOF;
}

int fputc(int c, FILE *f)
{
    mutex_lock(&f->lock);
    int r = __fputc(c, f);
    mutex_unlock(&f->lock);
    return r;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    if (!size || !n)
        return 0;
    if (n > (size_t)-1 / size) {
        f->flags |= F_ERR;
        errno = EOVERFLOW;
        return 0;
    }
    mutex_lock(&f->lock);
    size_t done = __fwrite(p, size * n, f);
    mutex_unlock(&f->lock);
    return done / size;
}

int fputs(const char *restrict s, FILE *restrict f)
{
    size_t n = strlen(s);
    mutex_lock(&f->lock);
    size_t done = __fwrite(s, n, f);
    mutex_unlock(&f->lock);
    return done == n ? 0 : EOF;
}

int puts(const char *s)
{
    mutex_lock(&stdout->lock);
    size_t n = strlen(s);
    int r = __fwrite(s, n, stdout) == n && __fputc('\n', stdout) != EOF ? 0 : EOF;
    mutex_unlock(&stdout->lock);
    return r;
}

size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
    if (!size || !n)
        return 0;
    if (n > (size_t)-1 / size) {
        errno = EOVERFLOW;
        return 0;
    }
    char *d = p;
    size_t want = size * n, got = 0;
    mutex_lock(&f->lock);
    while (got < want) {
        if (f->ungot == EOF && f->rpos < f->rend) {
            size_t k = f->rend - f->rpos;
            if (k > want - got)
                k = want - got;
            memcpy(d + got, f->buf + f->rpos, k);
            f->rpos += k;
            got += k;
            continue;
        }
        int c = __fgetc(f);
        if (c == EOF)
            break;
        d[got++] = (char)c;
    }
    mutex_unlock(&f->lock);
    return got / size;
}

char *fgets(char *restrict s, int n, FILE *restrict f)
{
    if (n <= 0)
        return NULL;
    int i = 0;
    mutex_lock(&f->lock);
    while (i < n - 1) {
        int c = __fgetc(f);
        if (c == EOF)
            break;
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    mutex_unlock(&f->lock);
    if (i == 0)
        return NULL;
    s[i] = 0;
    return s;
}

ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f)
{
    size_t len = 0;
    if (!*line)
        *cap = 0;
    mutex_lock(&f->lock);
    for (;;) {
        int c = __fgetc(f);
        if (c == EOF)
            break;
        if (len + 2 > *cap) {
            size_t ncap = *cap ? *cap * 2 : 128;
            char *p = realloc(*line, ncap);
            if (!p) {
                f->flags |= F_ERR;
                mutex_unlock(&f->lock);
                return -1;
            }
            *line = p;
            *cap = ncap;
        }
        (*line)[len++] = (char)c;
        if (c == delim)
            break;
    }
    mutex_unlock(&f->lock);
    if (len == 0)
        return -1;
    (*line)[len] = 0;
    return (ssize_t)len;
}

ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f)
{
    return getdelim(line, cap, '\n', f);
}

int feof(FILE *f)
{
    return (f->flags & F_EOF) != 0;
}

int ferror(FILE *f)
{
    return (f->flags & F_ERR) != 0;
}

void clearerr(FILE *f)
{
    f->flags &= ~(F_EOF | F_ERR);
}

int fileno(FILE *f)
{
    if (f->fd < 0) {
        errno = EBADF;
        return -1;
    }
    return f->fd;
}
