/* grep [-EFivcnlqxwhHs] [-e PATTERN]... [PATTERN] [file...]: print the
 * lines of the files (or of standard input, or "-") that match a
 * regular expression (re.h: basic syntax, -E extended, -F a plain
 * string; -e may be given several times, and a newline inside a
 * pattern separates patterns too). -i ignores case, -v selects the
 * lines that do not match, -x wants the whole line, -w a whole word;
 * -c prints a count of selected lines, -l the names of files with one,
 * -q nothing (and stops at the first); -n prefixes line numbers, and
 * with several files each line comes after its file's name (-h never,
 * -H always). -s keeps quiet about files that cannot be read.
 * Lines may be of any length. The status is coreutils grep's: 0 when a
 * line was selected, 1 when none was, 2 on an error (unless -q found a
 * line). Files are read as text: there is no "binary file matches". */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re.h"
#include "util.h"

static int opt_invert, opt_count, opt_number, opt_list, opt_quiet, opt_silent;
static int show_names;
static struct re *re;

/* Splits pattern text at newlines into the pattern list. */
static void add_patterns(const char *text, char ***pats, size_t **lens, int *n)
{
    for (;;) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);
        *pats = xrealloc(*pats, (size_t)(*n + 1) * sizeof **pats);
        *lens = xrealloc(*lens, (size_t)(*n + 1) * sizeof **lens);
        (*pats)[*n] = (char *)text;
        (*lens)[*n] = len;
        (*n)++;
        if (!nl)
            return;
        text = nl + 1;
    }
}

static void print_line(const char *name, long long num, const char *line, size_t len)
{
    if (show_names)
        printf("%s:", name);
    if (opt_number)
        printf("%lld:", num);
    fwrite(line, 1, len, stdout);
    putchar('\n');
}

/* 1 if a line was selected, 0 if none, -1 on a read error. */
static int grep_fd(int fd, const char *name)
{
    struct reader r;
    char *line;
    size_t len;
    int nl, got;
    long long num = 0, count = 0;
    reader_init(&r, fd);
    while ((got = reader_line(&r, &line, &len, &nl)) > 0) {
        num++;
        if (re_search(re, line, len) == opt_invert)
            continue;
        count++;
        if (opt_quiet)
            exit(0);
        if (opt_list)
            break;
        if (!opt_count)
            print_line(name, num, line, len);
    }
    if (got < 0 && !opt_silent)
        warn("%s", name);
    reader_free(&r);
    if (opt_count) {
        if (show_names)
            printf("%s:", name);
        printf("%lld\n", count);
    }
    if (opt_list && count)
        printf("%s\n", name);
    return got < 0 ? -1 : count > 0;
}

int main(int argc, char **argv)
{
    prog = "grep";
    const char *synopsis = "[-EFivcnlqxwhHs] [-e PATTERN]... [PATTERN] [file...]";
    char **pats = NULL;
    size_t *lens = NULL;
    int npats = 0, flags = 0, c, names = -1, given = 0;
    while ((c = getopt(argc, argv, "EFivcnlqxwhHse:")) != -1) {
        switch (c) {
        case 'E': flags |= RE_EXTENDED; break;
        case 'F': flags |= RE_LITERAL; break;
        case 'i': flags |= RE_ICASE; break;
        case 'x': flags |= RE_LINE; break;
        case 'w': flags |= RE_WORD; break;
        case 'v': opt_invert = 1; break;
        case 'c': opt_count = 1; break;
        case 'n': opt_number = 1; break;
        case 'l': opt_list = 1; break;
        case 'q': opt_quiet = 1; break;
        case 's': opt_silent = 1; break;
        case 'h': names = 0; break;
        case 'H': names = 1; break;
        case 'e': add_patterns(optarg, &pats, &lens, &npats); given = 1; break;
        default:
            fprintf(stderr, "usage: grep %s\n", synopsis);
            return 2;
        }
    }
    if (!given) {
        if (optind >= argc) {
            fprintf(stderr, "usage: grep %s\n", synopsis);
            return 2;
        }
        add_patterns(argv[optind++], &pats, &lens, &npats);
    }
    const char *err;
    if (!(re = re_compile(pats, lens, npats, flags, &err))) {
        warnx("%s", err);
        return 2;
    }
    int nfiles = argc - optind, selected = 0, error = 0;
    show_names = names >= 0 ? names : nfiles > 1;
    if (nfiles == 0) {
        int r = grep_fd(0, "(standard input)");
        selected = r > 0;
        error = r < 0;
    }
    for (int i = optind; i < argc; i++) {
        int stdin_ = strcmp(argv[i], "-") == 0;
        int fd = stdin_ ? 0 : open(argv[i], O_RDONLY);
        if (fd < 0) {
            if (!opt_silent)
                warn("%s", argv[i]);
            error = 1;
            continue;
        }
        int r = grep_fd(fd, stdin_ ? "(standard input)" : argv[i]);
        if (!stdin_)
            close(fd);
        selected |= r > 0;
        error |= r < 0;
    }
    if (fflush(stdout) != 0) {
        warn("write error");
        return 2;
    }
    return error ? 2 : selected ? 0 : 1;
}
