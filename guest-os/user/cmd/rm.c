/* rm [-rRfd] file...: remove files; -r (or -R) removes directories and
 * everything in them, -d empty directories. -f says nothing about
 * files that do not exist (and no operand is then no error). With -r,
 * "." and ".." and "/" are refused, as coreutils refuses them.
 * Symbolic links are removed, never followed. A failure is reported
 * and makes the status 1; the other operands are still removed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

static int opt_recursive, opt_force, opt_dir;

static int remove_path(const char *path);

/* Every name in directory path, read before any is removed (removing
 * while reading a directory could skip entries); a directory that cannot
 * be read whole is left alone. */
static int remove_contents(const char *path)
{
    char **names;
    int n = list_names(path, &names), status = 0;
    if (n < 0) {
        warn("cannot remove '%s'", path);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char *child = path_join(path, names[i]);
        status |= remove_path(child);
        free(child);
        free(names[i]);
    }
    free(names);
    return status;
}

static int remove_path(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (opt_force && errno == ENOENT)
            return 0;
        warn("cannot remove '%s'", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) == 0 || (opt_force && errno == ENOENT))
            return 0;
        warn("cannot remove '%s'", path);
        return 1;
    }
    if (!opt_recursive && !opt_dir) {
        errno = EISDIR;
        warn("cannot remove '%s'", path);
        return 1;
    }
    if (opt_recursive && remove_contents(path))
        return 1;
    if (rmdir(path) == 0)
        return 0;
    warn("cannot remove '%s'", path);
    return 1;
}

/* "." or ".." as the last component, perhaps with trailing slashes. */
static int is_dot_or_dotdot(const char *path)
{
    char *base = path_base(path);
    int r = !strcmp(base, ".") || !strcmp(base, "..");
    free(base);
    return r;
}

static int is_root(const char *path)
{
    struct stat st, root;
    return lstat(path, &st) == 0 && stat("/", &root) == 0 && st.st_dev == root.st_dev &&
           st.st_ino == root.st_ino;
}

int main(int argc, char **argv)
{
    prog = "rm";
    int c, status = 0;
    while ((c = getopt(argc, argv, "rRfd")) != -1) {
        switch (c) {
        case 'r':
        case 'R': opt_recursive = 1; break;
        case 'f': opt_force = 1; break;
        case 'd': opt_dir = 1; break;
        default: usage("[-rRfd] file...");
        }
    }
    if (optind >= argc) {
        if (opt_force)
            return 0;
        warnx("missing operand");
        usage("[-rRfd] file...");
    }
    for (int i = optind; i < argc; i++) {
        if (opt_recursive && is_dot_or_dotdot(argv[i])) {
            warnx("refusing to remove '.' or '..' directory: skipping '%s'", argv[i]);
            status = 1;
        } else if (opt_recursive && is_root(argv[i])) {
            warnx("it is dangerous to operate recursively on '%s'", argv[i]);
            warnx("use --no-preserve-root to override this failsafe");
            status = 1;
        } else {
            status |= remove_path(argv[i]);
        }
    }
    return status;
}
