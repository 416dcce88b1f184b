/* head [-n N | -N] [file...]: the first N lines (default 10) of each
 * file or of standard input ("-"). With several files each gets a
 * "==> name <==" heading, as coreutils prints. Input read past the last
 * line is given back when the input can seek, so that a script read by
 * the shell from a file goes on after `head -n 1`. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

static int head_fd(int fd, const char *name, long long lines)
{
    char buf[4096];
    while (lines > 0) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            warn("error reading '%s'", name);
            return 1;
        }
        if (n == 0)
            break;
        ssize_t k = 0;
        while (k < n && lines > 0)
            if (buf[k++] == '\n')
                lines--;
        if (write_all(1, buf, (size_t)k) < 0) {
            warn("write error");
            return 1;
        }
        if (k < n)
            lseek(fd, k - n, SEEK_CUR);     /* leave the rest to the next reader */
    }
    return 0;
}

int main(int argc, char **argv)
{
    prog = "head";
    long long lines = 10;
    int c;
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
        if (parse_count(argv[1] + 1, &lines) < 0)
            die("invalid number of lines: '%s'", argv[1] + 1);
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    while ((c = getopt(argc, argv, "n:")) != -1) {
        if (c != 'n')
            usage("[-n N] [file...]");
        if (parse_count(optarg, &lines) < 0)
            die("invalid number of lines: '%s'", optarg);
    }
    int nfiles = argc - optind, status = 0;
    if (nfiles == 0)
        return head_fd(0, "standard input", lines);
    for (int i = optind; i < argc; i++) {
        int stdin_ = strcmp(argv[i], "-") == 0;
        int fd = stdin_ ? 0 : open(argv[i], O_RDONLY);
        if (fd < 0) {
            warn("cannot open '%s' for reading", argv[i]);
            status = 1;
            continue;
        }
        if (nfiles > 1) {
            char hdr[300];
            int n = snprintf(hdr, sizeof hdr, "%s==> %s <==\n", i > optind ? "\n" : "",
                             stdin_ ? "standard input" : argv[i]);
            write_all(1, hdr, (size_t)n);
        }
        status |= head_fd(fd, stdin_ ? "standard input" : argv[i], lines);
        if (!stdin_)
            close(fd);
    }
    return status;
}
