/* util.c: messages, number parsing, memory, paths, directory listings,
 * mode strings and input for the tools. warn() appends the errno text; die() exits with status 1;
 * usage() prints the synopsis after a bad option and exits with status 1
 * (coreutils uses 1 too). Nothing here has a fixed size limit: buffers
 * grow as a line or a file needs. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';
    char *p = xmalloc(dl + (size_t)slash + nl + 1);
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + (size_t)slash, name, nl + 1);
    return p;
}

char *path_base(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        return xstrdup(".");
    if (n == 1 && path[0] == '/')
        return xstrdup("/");
    size_t b = n;
    while (b > 0 && path[b - 1] != '/')
        b--;
    char *p = xmalloc(n - b + 1);
    memcpy(p, path + b, n - b);
    p[n - b] = 0;
    return p;
}

void reader_init(struct reader *r, int fd)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
}

/* Room for at least 64 KiB more after the unread bytes, moved to the front. */
static void reader_make_room(struct reader *r)
{
    size_t left = r->end - r->start;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, left);
        r->start = 0;
        r->end = left;
    }
    if (r->cap - r->end < 65536) {
        r->cap = r->cap ? r->cap * 2 : 65536 * 2;
        r->buf = xrealloc(r->buf, r->cap);
    }
}

int reader_line(struct reader *r, char **line, size_t *len, int *nl)
{
    size_t scanned = 0;        /* bytes after start already known to hold no newline */
    for (;;) {
        char *p = r->buf ? memchr(r->buf + r->start + scanned, '\n',
                                  r->end - r->start - scanned) : NULL;
        if (p || (r->eof && r->end > r->start)) {
            size_t n = p ? (size_t)(p - (r->buf + r->start)) : r->end - r->start;
            *line = r->buf + r->start;
            *len = n;
            *nl = p != NULL;
            r->start += n + (p != NULL);
            return 1;
        }
        if (r->eof)
            return 0;
        scanned = r->end - r->start;
        reader_make_room(r);
        ssize_t k = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            r->eof = 1;
        r->end += (size_t)k;
    }
}

void reader_free(struct reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

int read_all(int fd, char **buf, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *b = xmalloc(cap);
    for (;;) {
        if (cap - n < 65536) {
            cap *= 2;
            b = xrealloc(b, cap);
        }
        ssize_t k = read(fd, b + n, cap - n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(b);
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int for_each_source(int n, char **ops, const char *usage_text,
                    int (*each)(const char *src, const char *dst))
{
    if (n == 0) {
        warnx("missing file operand");
        usage(usage_text);
    }
    if (n == 1) {
        warnx("missing destination file operand after '%s'", ops[0]);
        usage(usage_text);
    }
    const char *last = ops[n - 1];
    if (!is_dir(last)) {
        if (n > 2) {
            struct stat st;
            if (stat(last, &st) == 0)
                errno = ENOTDIR;
            die("target '%s': %s", last, strerror(errno));
        }
        return each(ops[0], last);
    }
    int status = 0;
    for (int i = 0; i < n - 1; i++) {
        char *base = path_base(ops[i]);
        char *dst = path_join(last, base);
        status |= each(ops[i], dst);
        free(dst);
        free(base);
    }
    return status;
}

int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int list_names(const char *path, char ***out)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            names = xrealloc(names, (size_t)cap * sizeof *names);
        }
        names[n++] = xstrdup(de->d_name);
    }
    int err = errno;
    closedir(d);
    if (err) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
        errno = err;
        return -1;
    }
    qsort(names, (size_t)n, sizeof *names, by_string);
    *out = names;
    return n;
}

void mode_string(unsigned m, char *s)
{
    const char *types = "?pc?d?b?-?l?s???";
    s[0] = types[(m >> 12) & 15];
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        s[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID)
        s[3] = (m & S_IXUSR) ? 's' : 'S';
    if (m & S_ISGID)
        s[6] = (m & S_IXGRP) ? 's' : 'S';
    if (m & S_ISVTX)
        s[9] = (m & S_IXOTH) ? 't' : 'T';
    s[10] = 0;
}
