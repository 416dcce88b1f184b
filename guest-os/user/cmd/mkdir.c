/* mkdir [-p] [-m MODE] dir...: make directories. -p makes missing
 * parents too and is content when a directory already exists; -m gives
 * the new directories MODE (octal) instead of 0777 less the umask
 * (parents made by -p always get 0777 less the umask, plus u+wx so that
 * the next one can be made inside them, as coreutils does). The modes
 * are computed here and the umask set to 0, since there is no chmod. A
 * directory that cannot be made is reported and the status is 1. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

static int parents;
static mode_t parent_mode;

/* 0 when path is a directory already (for -p). */
static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int make_one(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0)
        return 0;
    if (parents && errno == EEXIST && is_dir(path))
        return 0;
    warn("cannot create directory '%s'", path);
    return 1;
}

/* Each missing ancestor of path, from the top down, then path itself. */
static int make_parents(char *path, mode_t mode)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = 0;
        int err = 0;
        if (mkdir(path, parent_mode) < 0 && (errno != EEXIST || !is_dir(path)))
            err = errno == EEXIST ? ENOTDIR : errno;
        *p = '/';
        if (err) {
            *p = 0;
            errno = err;
            warn("cannot create directory '%s'", path);
            *p = '/';
            return 1;
        }
    }
    return make_one(path, mode);
}

static int parse_mode(const char *s, mode_t *mode)
{
    char *end;
    unsigned long v = strtoul(s, &end, 8);
    if (!*s || *end || v > 07777)
        return -1;
    *mode = (mode_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    prog = "mkdir";
    mode_t mode = 0777;
    int c, status = 0, explicit_mode = 0;
    while ((c = getopt(argc, argv, "pm:")) != -1) {
        switch (c) {
        case 'p': parents = 1; break;
        case 'm':
            if (parse_mode(optarg, &mode) < 0)
                die("invalid mode '%s'", optarg);
            explicit_mode = 1;
            break;
        default: usage("[-p] [-m MODE] dir...");
        }
    }
    if (optind >= argc) {
        warnx("missing operand");
        usage("[-p] [-m MODE] dir...");
    }
    mode_t mask = umask(0);
    parent_mode = (0777 & ~mask) | 0300;
    if (!explicit_mode)
        mode = 0777 & ~mask;
    for (int i = optind; i < argc; i++) {
        char *path = xstrdup(argv[i]);
        int r = parents ? make_parents(path, mode) : make_one(path, mode);
        status |= r;
        free(path);
    }
    return status;
}
