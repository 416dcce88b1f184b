/* df [-k] [-i] [file...]: the size of the file system and how much of
 * it is used and free, in 1 KiB blocks (-i: in inodes), from statfs().
 * The columns are coreutils': Filesystem, 1K-blocks, Used, Available,
 * Use% (used over used plus available, rounded up), Mounted on; each
 * as wide as its widest entry. There is no mount table: the system has
 * one file system, the root, reported as /dev/root mounted on /; a file
 * operand names the file system it lives on, which is that one. A file
 * that cannot be looked at makes the status 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "util.h"

#define NCOL 6

struct row {
    char *col[NCOL];
};

static int opt_inodes;
static struct row *rows;
static int nrows;

static char *str(const char *s) { return xstrdup(s); }

static char *num(unsigned long long v)
{
    char *s = xmalloc(24);
    snprintf(s, 24, "%llu", v);
    return s;
}

/* used * 100 / (used + avail), rounded up; "-" when both are 0. */
static char *percent(unsigned long long used, unsigned long long avail)
{
    unsigned long long total = used + avail;
    if (total == 0)
        return str("-");
    unsigned long long u100 = used * 100;
    char *s = xmalloc(24);
    snprintf(s, 24, "%llu%%", u100 / total + (u100 % total != 0));
    return s;
}

static void add_row(struct row r)
{
    rows = xrealloc(rows, (size_t)(nrows + 1) * sizeof *rows);
    rows[nrows++] = r;
}

/* Blocks of bsize bytes as 1 KiB blocks, rounded up. */
static unsigned long long kib(unsigned long long blocks, unsigned long bsize)
{
    return (blocks * bsize + 1023) / 1024;
}

static void add_fs(const struct statfs *s)
{
    struct row r;
    r.col[0] = str("/dev/root");
    if (opt_inodes) {
        unsigned long long used = s->f_files - s->f_ffree;
        r.col[1] = num(s->f_files);
        r.col[2] = num(used);
        r.col[3] = num(s->f_ffree);
        r.col[4] = percent(used, s->f_ffree);
    } else {
        unsigned long bs = s->f_frsize ? s->f_frsize : s->f_bsize;
        unsigned long long total = kib(s->f_blocks, bs), free_ = kib(s->f_bfree, bs);
        unsigned long long used = total - free_, avail = kib(s->f_bavail, bs);
        r.col[1] = num(total);
        r.col[2] = num(used);
        r.col[3] = num(avail);
        r.col[4] = percent(used, avail);
    }
    r.col[5] = str("/");
    add_row(r);
}

static void print_rows(void)
{
    int width[NCOL];
    for (int c = 0; c < NCOL; c++) {
        width[c] = c == 0 ? 14 : 0;
        for (int i = 0; i < nrows; i++)
            if ((int)strlen(rows[i].col[c]) > width[c])
                width[c] = (int)strlen(rows[i].col[c]);
    }
    for (int i = 0; i < nrows; i++) {
        printf("%-*s", width[0], rows[i].col[0]);
        for (int c = 1; c < NCOL - 1; c++)
            printf(" %*s", width[c], rows[i].col[c]);
        printf(" %s\n", rows[i].col[NCOL - 1]);
    }
}

int main(int argc, char **argv)
{
    prog = "df";
    int c, status = 0;
    while ((c = getopt(argc, argv, "ki")) != -1) {
        switch (c) {
        case 'k': break;
        case 'i': opt_inodes = 1; break;
        default: usage("[-k] [-i] [file...]");
        }
    }
    struct row head = { { str("Filesystem"), str(opt_inodes ? "Inodes" : "1K-blocks"),
                          str(opt_inodes ? "IUsed" : "Used"),
                          str(opt_inodes ? "IFree" : "Available"),
                          str(opt_inodes ? "IUse%" : "Use%"), str("Mounted on") } };
    add_row(head);
    char *root[] = { "/", NULL };
    char **files = optind < argc ? argv + optind : root;
    for (; *files; files++) {
        struct statfs s;
        if (statfs(*files, &s) < 0) {
            warn("%s", *files);
            status = 1;
            continue;
        }
        add_fs(&s);
    }
    if (nrows > 1)
        print_rows();
    if (fflush(stdout) != 0) {
        warn("write error");
        return 1;
    }
    return status;
}
