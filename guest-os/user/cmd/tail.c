/* tail [-n [+]N | -N] [file...]: the last N lines (default 10) of each
 * file or of standard input; with +N, everything from line N on. The
 * input is read to its end, keeping only the last N lines in a ring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

static int tail_file(FILE *f, const char *name, long long n, int from_start)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long long lineno = 0;
    if (from_start) {
        while ((len = getline(&line, &cap, f)) >= 0)
            if (++lineno >= n)
                fwrite(line, 1, (size_t)len, stdout);
        free(line);
        return ferror(f) ? (warn("error reading '%s'", name), 1) : 0;
    }
    char **ring = NULL;
    long long ringcap = 0, count = 0;
    while (n > 0 && (len = getline(&line, &cap, f)) >= 0) {
        if (count < n && count == ringcap) {
            long long ncap = ringcap ? ringcap * 2 : 16;
            if (ncap > n)
                ncap = n;
            ring = realloc(ring, (size_t)ncap * sizeof *ring);
            if (!ring)
                die("out of memory");
            memset(ring + ringcap, 0, (size_t)(ncap - ringcap) * sizeof *ring);
            ringcap = ncap;
        }
        long long slot = count % n;
        free(ring[slot]);
        ring[slot] = line;
        line = NULL;
        cap = 0;
        count++;
    }
    long long first = count > n ? count - n : 0;
    for (long long i = first; i < count; i++)
        fputs(ring[i % n], stdout);
    for (long long i = 0; i < ringcap; i++)
        free(ring[i]);
    free(ring);
    free(line);
    if (ferror(f)) {
        warn("error reading '%s'", name);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    prog = "tail";
    long long n = 10;
    int from_start = 0, c;
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
        if (parse_count(argv[1] + 1, &n) < 0)
            die("invalid number of lines: '%s'", argv[1] + 1);
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    while ((c = getopt(argc, argv, "n:")) != -1) {
        if (c != 'n')
            usage("[-n [+]N] [file...]");
        const char *s = optarg;
        from_start = *s == '+';
        if (parse_count(s + from_start, &n) < 0)
            die("invalid number of lines: '%s'", optarg);
    }
    int nfiles = argc - optind, status = 0;
    if (nfiles == 0)
        return tail_file(stdin, "standard input", n, from_start);
    for (int i = optind; i < argc; i++) {
        int stdin_ = strcmp(argv[i], "-") == 0;
        FILE *f = stdin_ ? stdin : fopen(argv[i], "r");
        if (!f) {
            warn("cannot open '%s' for reading", argv[i]);
            status = 1;
            continue;
        }
        if (nfiles > 1)
            printf("%s==> %s <==\n", i > optind ? "\n" : "", stdin_ ? "standard input" : argv[i]);
        status |= tail_file(f, stdin_ ? "standard input" : argv[i], n, from_start);
        if (!stdin_)
            fclose(f);
    }
    if (fflush(stdout) != 0) {
        warn("write error");
        return 1;
    }
    return status;
}
