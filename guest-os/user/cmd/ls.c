/* ls [-1adl] [path...]: list directories (getdents64) and files (lstat),
 * names sorted by byte order. Without -a, names starting with '.' are
 * left out. -l: mode, links, owner and group ids, size, modification
 * time (UTC) and name, with a symlink's target. -d lists a directory
 * itself. On a terminal the short form is in columns; elsewhere one name
 * a line. Several paths: files first, then each directory under a
 * "name:" heading. A path that cannot be read makes the status 2 for a
 * missing operand (as coreutils), 1 for an unreadable directory. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

struct entry {
    char *name;         /* as shown */
    char *path;         /* for lstat and readlink */
    struct stat st;
};

static int opt_all, opt_long, opt_dir, opt_one;
static int status;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int digits(long long v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void print_long(struct entry *e, int n)
{
    int wl = 1, wu = 1, wg = 1, ws = 1;
    for (int i = 0; i < n; i++) {
        struct stat *st = &e[i].st;
        if (digits(st->st_nlink) > wl) wl = digits(st->st_nlink);
        if (digits(st->st_uid) > wu) wu = digits(st->st_uid);
        if (digits(st->st_gid) > wg) wg = digits(st->st_gid);
        if (digits(st->st_size) > ws) ws = digits(st->st_size);
    }
    for (int i = 0; i < n; i++) {
        struct stat *st = &e[i].st;
        char mode[11];
        struct tm tm;
        time_t t = st->st_mtime;
        mode_string(st->st_mode, mode);
        gmtime_r(&t, &tm);
        printf("%s %*u %*u %*u %*lld %04d-%02d-%02d %02d:%02d %s", mode, wl, st->st_nlink,
               wu, st->st_uid, wg, st->st_gid, ws, st->st_size, tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, e[i].name);
        if (S_ISLNK(st->st_mode)) {
            char target[256];
            ssize_t k = readlink(e[i].path, target, sizeof target - 1);
            if (k >= 0) {
                target[k] = 0;
                printf(" -> %s", target);
            }
        }
        putchar('\n');
    }
}

/* Column-major, as many columns as fit in the terminal's width. */
static void print_columns(struct entry *e, int n)
{
    struct winsize ws;
    int width = 80;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        width = ws.ws_col;
    int colw = 1;
    for (int i = 0; i < n; i++)
        if ((int)strlen(e[i].name) + 2 > colw)
            colw = (int)strlen(e[i].name) + 2;
    int cols = width / colw;
    if (cols < 1)
        cols = 1;
    int rows = (n + cols - 1) / cols;
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            int i = c * rows + r;
            if (i >= n)
                break;
            int last = (c + 1) * rows + r >= n;
            if (last)
                fputs(e[i].name, stdout);
            else
                printf("%-*s", colw, e[i].name);
        }
        putchar('\n');
    }
}

static void print_entries(struct entry *e, int n)
{
    qsort(e, (size_t)n, sizeof *e, by_name);
    if (opt_long)
        print_long(e, n);
    else if (opt_one)
        for (int i = 0; i < n; i++)
            puts(e[i].name);
    else
        print_columns(e, n);
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 2);
    if (!p)
        die("out of memory");
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        warn("cannot open directory '%s'", path);
        status = status ? status : 1;
        return;
    }
    struct entry *e = NULL;
    int n = 0, cap = 0;
    struct dirent *de;
    for (;;) {
        errno = 0;
        if (!(de = readdir(d))) {
            if (errno) {
                warn("reading directory '%s'", path);
                status = status ? status : 1;
            }
            break;
        }
        if (!opt_all && de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            e = realloc(e, (size_t)cap * sizeof *e);
            if (!e)
                die("out of memory");
        }
        e[n].name = strdup(de->d_name);
        e[n].path = join(path, de->d_name);
        if (!e[n].name)
            die("out of memory");
        if (opt_long && lstat(e[n].path, &e[n].st) < 0) {
            warn("cannot access '%s'", e[n].path);
            status = 1;
            free(e[n].name);
            free(e[n].path);
            continue;
        }
        n++;
    }
    closedir(d);
    print_entries(e, n);
    for (int i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].path);
    }
    free(e);
}

int main(int argc, char **argv)
{
    prog = "ls";
    int c;
    opt_one = !isatty(1);
    while ((c = getopt(argc, argv, "1adl")) != -1) {
        switch (c) {
        case '1': opt_one = 1; break;
        case 'a': opt_all = 1; break;
        case 'd': opt_dir = 1; break;
        case 'l': opt_long = 1; break;
        default: usage("[-1adl] [path...]");
        }
    }
    char *dot[] = { ".", NULL };
    char **paths = optind < argc ? argv + optind : dot;
    int npaths = optind < argc ? argc - optind : 1;
    struct entry *files = calloc((size_t)npaths, sizeof *files);
    char **dirs = calloc((size_t)npaths, sizeof *dirs);
    int nfiles = 0, ndirs = 0;
    if (!files || !dirs)
        die("out of memory");
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (lstat(paths[i], &st) < 0) {
            warn("cannot access '%s'", paths[i]);
            status = 2;
            continue;
        }
        if (S_ISDIR(st.st_mode) && !opt_dir) {
            dirs[ndirs++] = paths[i];
        } else {
            files[nfiles].name = files[nfiles].path = paths[i];
            files[nfiles++].st = st;
        }
    }
    if (nfiles)
        print_entries(files, nfiles);
    qsort(dirs, (size_t)ndirs, sizeof *dirs, by_string);
    for (int i = 0; i < ndirs; i++) {
        if (npaths > 1)
            printf("%s%s:\n", nfiles || i ? "\n" : "", dirs[i]);
        list_dir(dirs[i]);
    }
    if (fflush(stdout) != 0) {
        warn("write error");
        return 2;
    }
    return status;
}
