/* cat [-nu] [file...]: copy the files (or "-" or no name: standard input)
 * to standard output. -n numbers the lines; -u is accepted and ignored
 * (output is never held back). A file that cannot be read is reported
 * and skipped; the exit status is then 1. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

static int number;
static long long line = 1;
static int at_line_start = 1;

static int emit(const char *buf, size_t n)
{
    if (!number)
        return write_all(1, buf, n);
    char out[8192 + 64];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (at_line_start) {
            k += (size_t)snprintf(out + k, 32, "%6lld\t", line++);
            at_line_start = 0;
        }
        out[k++] = buf[i];
        if (buf[i] == '\n')
            at_line_start = 1;
        if (k > 8192 && write_all(1, out, k) < 0)
            return -1;
        if (k > 8192)
            k = 0;
    }
    return write_all(1, out, k);
}

static int cat_fd(int fd, const char *name)
{
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (emit(buf, (size_t)n) < 0) {
            warn("write error");
            return -1;
        }
    }
    if (n < 0) {
        warn("%s", name);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    prog = "cat";
    int c, status = 0;
    while ((c = getopt(argc, argv, "nu")) != -1) {
        if (c == 'n')
            number = 1;
        else if (c != 'u')
            usage("[-nu] [file...]");
    }
    if (optind == argc)
        return cat_fd(0, "-") < 0;
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            status |= cat_fd(0, "-") < 0;
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            warn("%s", argv[i]);
            status = 1;
            continue;
        }
        status |= cat_fd(fd, argv[i]) < 0;
        close(fd);
    }
    return status;
}
