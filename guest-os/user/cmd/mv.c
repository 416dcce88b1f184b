/* mv [-fn] source dest, mv [-fn] source... dir: rename files and
 * directories, within a directory or across directories; an existing
 * destination file is replaced (an empty directory by a directory).
 * When the last operand is a directory each source moves inside it.
 * -n leaves an existing destination alone; -f is accepted (mv never
 * asks). Everything is one file system here, so a move is always a
 * rename(); across file systems (EXDEV) mv reports the error rather
 * than copying. Messages and statuses are coreutils'. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

static int opt_noclobber;

static int move(const char *src, const char *dst)
{
    struct stat st, dt;
    if (lstat(src, &st) < 0) {
        warn("cannot stat '%s'", src);
        return 1;
    }
    int exists = lstat(dst, &dt) == 0;
    if (exists && st.st_dev == dt.st_dev && st.st_ino == dt.st_ino) {
        warnx("'%s' and '%s' are the same file", src, dst);
        return 1;
    }
    if (exists && opt_noclobber)
        return 0;
    if (exists && S_ISDIR(st.st_mode) && !S_ISDIR(dt.st_mode)) {
        warnx("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
        return 1;
    }
    if (exists && !S_ISDIR(st.st_mode) && S_ISDIR(dt.st_mode)) {
        warnx("cannot overwrite directory '%s' with non-directory", dst);
        return 1;
    }
    if (rename(src, dst) == 0)
        return 0;
    if (errno == EINVAL)
        warnx("cannot move '%s' to a subdirectory of itself, '%s'", src, dst);
    else
        warn("cannot move '%s' to '%s'", src, dst);
    return 1;
}

#define USAGE "[-fn] source dest | [-fn] source... dir"

int main(int argc, char **argv)
{
    prog = "mv";
    int c;
    while ((c = getopt(argc, argv, "fn")) != -1) {
        switch (c) {
        case 'f': opt_noclobber = 0; break;
        case 'n': opt_noclobber = 1; break;
        default: usage(USAGE);
        }
    }
    return for_each_source(argc - optind, argv + optind,
                           USAGE, move);
}
