/* rmdir [-p] dir...: remove empty directories. -p then removes each
 * parent named in the path too ("a/b/c": a/b/c, a/b, a), stopping at
 * the first that cannot be removed. A failure is reported and the
 * status is 1. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

static int remove_one(const char *path)
{
    if (rmdir(path) == 0)
        return 0;
    warn("failed to remove '%s'", path);
    return 1;
}

/* path, then its parents, by cutting components off the end. */
static int remove_parents(char *path)
{
    for (;;) {
        if (remove_one(path))
            return 1;
        char *slash = strrchr(path, '/');
        while (slash && slash > path && slash[-1] == '/')
            slash--;
        if (!slash || slash == path)
            return 0;
        *slash = 0;
    }
}

int main(int argc, char **argv)
{
    prog = "rmdir";
    int c, parents = 0, status = 0;
    while ((c = getopt(argc, argv, "p")) != -1) {
        if (c != 'p')
            usage("[-p] dir...");
        parents = 1;
    }
    if (optind >= argc) {
        warnx("missing operand");
        usage("[-p] dir...");
    }
    for (int i = optind; i < argc; i++) {
        char *path = xstrdup(argv[i]);
        size_t n = strlen(path);
        while (parents && n > 1 && path[n - 1] == '/')
            path[--n] = 0;
        status |= parents ? remove_parents(path) : remove_one(path);
        free(path);
    }
    return status;
}
