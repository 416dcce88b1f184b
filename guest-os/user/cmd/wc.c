/* wc [-lwc] [file...]: count lines, words (runs of non-space) and bytes
 * of each file or of standard input, with a total line for several
 * files. The columns are as wide as coreutils makes them: one digit more
 * than needed for the largest regular file, 7 when a pipe is counted,
 * and bare numbers for one count of one input. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

struct counts {
    long long lines, words, bytes;
};

static int show_l, show_w, show_c;

static int count_fd(int fd, const char *name, struct counts *c)
{
    char buf[8192];
    ssize_t n;
    int inword = 0;
    memset(c, 0, sizeof *c);
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        c->bytes += n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)buf[i];
            if (ch == '\n')
                c->lines++;
            if (isspace(ch)) {
                inword = 0;
            } else if (!inword) {
                inword = 1;
                c->words++;
            }
        }
    }
    if (n < 0) {
        warn("%s", name);
        return 1;
    }
    return 0;
}

static void print(const struct counts *c, int width, const char *name)
{
    const char *sep = "";
    if (show_l) {
        printf("%*lld", width, c->lines);
        sep = " ";
    }
    if (show_w) {
        printf("%s%*lld", sep, width, c->words);
        sep = " ";
    }
    if (show_c)
        printf("%s%*lld", sep, width, c->bytes);
    if (name)
        printf(" %s", name);
    putchar('\n');
}

static int width_for(char **names, int n)
{
    long long total = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(names[i], "-") == 0 || stat(names[i], &st) < 0 || !S_ISREG(st.st_mode))
            return 7;
        total += st.st_size;
    }
    int w = 1;
    for (; total >= 10; total /= 10)
        w++;
    return w;
}

int main(int argc, char **argv)
{
    prog = "wc";
    int c;
    while ((c = getopt(argc, argv, "lwc")) != -1) {
        switch (c) {
        case 'l': show_l = 1; break;
        case 'w': show_w = 1; break;
        case 'c': show_c = 1; break;
        default: usage("[-lwc] [file...]");
        }
    }
    if (!show_l && !show_w && !show_c)
        show_l = show_w = show_c = 1;
    int nfiles = argc - optind, status = 0;
    int one = show_l + show_w + show_c == 1 && nfiles <= 1;
    struct counts cnt, total = { 0, 0, 0 };
    if (nfiles == 0) {
        struct stat st;
        int w = one ? 1 : fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? 1 : 7;
        status = count_fd(0, "standard input", &cnt);
        if (w == 1 && !one) {
            for (long long t = cnt.bytes; t >= 10; t /= 10)
                w++;
        }
        print(&cnt, w, NULL);
        return status;
    }
    int width = one ? 1 : width_for(argv + optind, nfiles);
    for (int i = optind; i < argc; i++) {
        int stdin_ = strcmp(argv[i], "-") == 0;
        int fd = stdin_ ? 0 : open(argv[i], O_RDONLY);
        if (fd < 0) {
            warn("%s", argv[i]);
            status = 1;
            continue;
        }
        status |= count_fd(fd, argv[i], &cnt);
        if (!stdin_)
            close(fd);
        print(&cnt, width, argv[i]);
        total.lines += cnt.lines;
        total.words += cnt.words;
        total.bytes += cnt.bytes;
    }
    if (nfiles > 1)
        print(&total, width, "total");
    if (fflush(stdout) != 0) {
        warn("write error");
        return 1;
    }
    return status;
}
