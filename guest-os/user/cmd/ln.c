/* ln [-sf] target [link], ln [-sf] target... dir: make hard links (or,
 * with -s, symbolic links holding the target's text). With one operand
 * the link goes in the current directory under the target's last
 * component; when the last operand is a directory each link goes
 * inside it under the target's name. -f removes an existing
 * destination first. A hard link to a directory is refused, as on
 * Linux. Messages and statuses are coreutils'. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

static int opt_sym, opt_force;

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int make_link(const char *target, const char *dest)
{
    if (!opt_sym) {
        struct stat st;
        if (lstat(target, &st) < 0) {
            warn("failed to access '%s'", target);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            warnx("%s: hard link not allowed for directory", target);
            return 1;
        }
    }
    if (opt_force && unlink(dest) < 0 && errno != ENOENT) {
        warn("cannot remove '%s'", dest);
        return 1;
    }
    int r = opt_sym ? symlink(target, dest) : link(target, dest);
    if (r == 0)
        return 0;
    warn("failed to create %s link '%s'", opt_sym ? "symbolic" : "hard", dest);
    return 1;
}

static int link_into(const char *target, const char *dir)
{
    char *base = path_base(target);
    char *dest = path_join(dir, base);
    int r = make_link(target, dest);
    free(dest);
    free(base);
    return r;
}

int main(int argc, char **argv)
{
    prog = "ln";
    int c, status = 0;
    while ((c = getopt(argc, argv, "sf")) != -1) {
        switch (c) {
        case 's': opt_sym = 1; break;
        case 'f': opt_force = 1; break;
        default: usage("[-sf] target [link] | [-sf] target... dir");
        }
    }
    int n = argc - optind;
    char **ops = argv + optind;
    if (n == 0) {
        warnx("missing file operand");
        usage("[-sf] target [link] | [-sf] target... dir");
    }
    if (n == 1)
        return link_into(ops[0], ".");
    const char *last = ops[n - 1];
    if (is_dir(last)) {
        for (int i = 0; i < n - 1; i++)
            status |= link_into(ops[i], last);
        return status;
    }
    if (n > 2) {
        struct stat st;
        if (stat(last, &st) == 0)
            errno = ENOTDIR;
        die("target '%s': %s", last, strerror(errno));
    }
    return make_link(ops[0], last);
}
