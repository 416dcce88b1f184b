/* printf.c: the printf family, each a thin front on __format. A stream's
 * lock is held over the whole call, so lines from two threads do not
 * interleave. */
#include <limits.h>
#include <unistd.h>
#include "stdio_impl.h"

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    struct sink s = { .f = f };
    mutex_lock(&f->lock);
    int err = f->flags & F_ERR;
    f->flags &= ~F_ERR;
    int n;
    if (f->bufmode == _IONBF && !f->buf) {
        /* Unbuffered (stderr): one write for the whole message. */
        char buf[256];
        f->buf = buf;
        f->size = sizeof buf;
        f->bufmode = _IOFBF;
        n = __format(&s, fmt, ap);
        __fflush(f);
        f->buf = NULL;
        f->size = 0;
        f->bufmode = _IONBF;
    } else {
        n = __format(&s, fmt, ap);
    }
    if (f->flags & F_ERR)
        n = -1;
    f->flags |= err;
    mutex_unlock(&f->lock);
    return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int vsnprintf(char *restrict buf, size_t n, const char *restrict fmt, va_list ap)
{
    struct sink s = { .buf = buf, .cap = n };
    return __format(&s, fmt, ap);
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return vsnprintf(buf, INT_MAX, fmt, ap);
}

/* Straight to the descriptor: through an unbuffered stream of its own. */
int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
    char buf[256];
    FILE f = { .fd = fd, .flags = F_WRITE, .bufmode = _IOFBF, .buf = buf,
               .size = sizeof buf, .ungot = EOF };
    struct sink s = { .f = &f };
    int n = __format(&s, fmt, ap);
    if (__fflush(&f) == EOF || (f.flags & F_ERR))
        return -1;
    return n;
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int dprintf(int fd, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
