/* util.c: messages and number parsing for the tools. warn() appends the
 * errno text; die() exits with status 1; usage() prints the synopsis
 * after a bad option and exits with status 1 (coreutils uses 1 too). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

const char *prog = "?";

static void vmsg(const char *fmt, va_list ap, int err)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%s: ", prog);
    n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    if (n < (int)sizeof buf && err)
        n += snprintf(buf + n, sizeof buf - (size_t)n, ": %s", strerror(err));
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    fflush(stdout);
    write_all(2, buf, (size_t)n);
}

void warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap, 0);
    va_end(ap);
}

void warn(const char *fmt, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap, err);
    va_end(ap);
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap, 0);
    va_end(ap);
    exit(1);
}

void usage(const char *text)
{
    fprintf(stderr, "usage: %s %s\n", prog, text);
    exit(1);
}

/* A non-negative decimal count: digits only, no overflow. */
int parse_count(const char *s, long long *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}
