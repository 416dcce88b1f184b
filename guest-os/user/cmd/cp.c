/* cp [-rRfp] source dest, cp [-rRfp] source... dir: copy files. With
 * -r (or -R) directories are copied with everything in them, and
 * symbolic links are copied as links (as coreutils' -R does); without
 * it a directory is skipped with a message and links are followed. -f
 * removes a destination that cannot be opened and tries again; -p keeps
 * the modes (exactly: the umask is set aside) and the access and
 * modification times. A new file gets the source's permissions less
 * the umask. Files of any size are copied in 64 KiB pieces. Messages
 * and statuses are coreutils'; a failure on one file does not stop the
 * rest, and makes the status 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

static int opt_recursive, opt_force, opt_preserve;
static char *buf;
#define BUFSIZE 65536

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int copy(const char *src, const char *dst, int top);

static void keep_times(const char *dst, const struct stat *st)
{
    struct timespec t[2] = { { st->st_atime, (long)st->st_atime_nsec },
                             { st->st_mtime, (long)st->st_mtime_nsec } };
    if (opt_preserve && utimensat(AT_FDCWD, dst, t, AT_SYMLINK_NOFOLLOW) < 0)
        warn("preserving times for '%s'", dst);
}

static int copy_data(int in, int out, const char *src, const char *dst)
{
    for (;;) {
        ssize_t n = read(in, buf, BUFSIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            warn("error reading '%s'", src);
            return 1;
        }
        if (n == 0)
            return 0;
        if (write_all(out, buf, (size_t)n) < 0) {
            warn("error writing '%s'", dst);
            return 1;
        }
    }
}

static int open_dest(const char *dst, mode_t mode)
{
    int fd = open(dst, O_WRONLY | O_TRUNC | O_CREAT, mode);
    if (fd < 0 && opt_force && errno != ENOENT && unlink(dst) == 0)
        fd = open(dst, O_WRONLY | O_TRUNC | O_CREAT, mode);
    return fd;
}

static int copy_file(const char *src, const char *dst, const struct stat *st)
{
    int in = open(src, O_RDONLY);
    if (in < 0) {
        warn("cannot open '%s' for reading", src);
        return 1;
    }
    int out = open_dest(dst, st->st_mode & 07777);
    if (out < 0) {
        warn("cannot create regular file '%s'", dst);
        close(in);
        return 1;
    }
    int r = copy_data(in, out, src, dst);
    close(in);
    if (close(out) < 0 && !r) {
        warn("error writing '%s'", dst);
        r = 1;
    }
    if (!r)
        keep_times(dst, st);
    return r;
}

static int copy_link(const char *src, const char *dst, const struct stat *st)
{
    size_t cap = (size_t)st->st_size + 1;
    char *target = xmalloc(cap);
    ssize_t n = readlink(src, target, cap);
    int r = 1;
    if (n < 0 || (size_t)n >= cap) {
        warn("cannot read symbolic link '%s'", src);
    } else {
        target[n] = 0;
        struct stat dt;
        if (lstat(dst, &dt) == 0 && !S_ISDIR(dt.st_mode))
            unlink(dst);
        if (symlink(target, dst) < 0)
            warn("cannot create symbolic link '%s'", dst);
        else
            r = 0;
    }
    free(target);
    return r;
}

/* Whether directory dst (or, when it does not exist yet, its parent) is
 * src or lies inside it: walk up from it through "..". */
static int inside(const struct stat *src, const char *dst)
{
    struct stat st, prev;
    memset(&prev, 0, sizeof prev);
    char *p = xstrdup(dst);
    if (stat(p, &st) < 0) {                    /* its parent, by name */
        char *slash = strrchr(p, '/');
        while (slash && slash > p && slash[1] == 0) {   /* "dir/" */
            *slash = 0;
            slash = strrchr(p, '/');
        }
        if (!slash)
            strcpy(p, ".");
        else
            slash[slash == p] = 0;
    }
    int found = 0, first = 1;
    while (stat(p, &st) == 0) {
        if (same_file(&st, src)) {
            found = 1;
            break;
        }
        if (!first && same_file(&st, &prev))
            break;                              /* the root is its own parent */
        prev = st;
        first = 0;
        char *up = path_join(p, "..");
        free(p);
        p = up;
    }
    free(p);
    return found;
}

static int copy_dir(const char *src, const char *dst, const struct stat *st)
{
    struct stat dt;
    if (inside(st, dst)) {
        warnx("cannot copy a directory, '%s', into itself, '%s'", src, dst);
        return 1;
    }
    if (stat(dst, &dt) == 0) {
        if (!S_ISDIR(dt.st_mode)) {
            warnx("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
            return 1;
        }
    } else if (mkdir(dst, st->st_mode & 07777) < 0) {
        warn("cannot create directory '%s'", dst);
        return 1;
    }
    char **names;
    int n = list_names(src, &names), status = 0;
    if (n < 0) {
        warn("cannot access '%s'", src);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char *s = path_join(src, names[i]), *d = path_join(dst, names[i]);
        status |= copy(s, d, 0);
        free(s);
        free(d);
        free(names[i]);
    }
    free(names);
    keep_times(dst, st);
    return status;
}

static int copy(const char *src, const char *dst, int top)
{
    struct stat st, dt;
    if ((opt_recursive ? lstat(src, &st) : stat(src, &st)) < 0) {
        warn("cannot stat '%s'", src);
        return 1;
    }
    if (top && stat(dst, &dt) == 0 && same_file(&st, &dt)) {
        warnx("'%s' and '%s' are the same file", src, dst);
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!opt_recursive) {
            warnx("-r not specified; omitting directory '%s'", src);
            return 1;
        }
        return copy_dir(src, dst, &st);
    }
    if (S_ISLNK(st.st_mode))
        return copy_link(src, dst, &st);
    if (opt_recursive && S_ISFIFO(st.st_mode)) {
        if (mknod(dst, st.st_mode, 0) < 0) {
            warn("cannot create fifo '%s'", dst);
            return 1;
        }
        return 0;
    }
    return copy_file(src, dst, &st);
}

static int copy_operand(const char *src, const char *dst)
{
    return copy(src, dst, 1);
}

#define USAGE "[-rRfp] source dest | [-rRfp] source... dir"

int main(int argc, char **argv)
{
    prog = "cp";
    int c;
    while ((c = getopt(argc, argv, "rRfp")) != -1) {
        switch (c) {
        case 'r':
        case 'R': opt_recursive = 1; break;
        case 'f': opt_force = 1; break;
        case 'p': opt_preserve = 1; break;
        default: usage(USAGE);
        }
    }
    if (opt_preserve)
        umask(0);
    buf = xmalloc(BUFSIZE);
    return for_each_source(argc - optind, argv + optind,
                           USAGE, copy_operand);
}
