/* getopt.c: POSIX getopt. Options may be grouped (-ab), an argument may
 * be attached (-ofile) or separate (-o file); "--" ends the options, as
 * does the first non-option word (no permuting). Messages are glibc's
 * words; a leading ':' in optstring silences them and makes a missing
 * argument return ':'. Setting optind to 0 (or 1) starts over. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *optarg;
int optind = 1, opterr = 1, optopt;
static int pos;         /* index into argv[optind] of the next option letter */

int getopt(int argc, char *const argv[], const char *optstring)
{
    if (optind == 0) {
        optind = 1;
        pos = 0;
    }
    if (pos == 0 || optind >= argc || !argv[optind] || pos > (int)strlen(argv[optind]))
        pos = 0;
    if (pos == 0) {
        if (optind >= argc || !argv[optind] || argv[optind][0] != '-' || !argv[optind][1])
            return -1;
        if (strcmp(argv[optind], "--") == 0) {
            optind++;
            return -1;
        }
        pos = 1;
    }
    int quiet = optstring[0] == ':';
    char c = argv[optind][pos++];
    const char *spec = c == ':' ? NULL : strchr(optstring + quiet, c);
    int last = argv[optind][pos] == 0;
    optopt = (unsigned char)c;
    if (!spec) {
        if (last) {
            optind++;
            pos = 0;
        }
        if (opterr && !quiet)
            fprintf(stderr, "%s: invalid option -- '%c'\n", argv[0], c);
        return '?';
    }
    if (spec[1] != ':') {
        if (last) {
            optind++;
            pos = 0;
        }
        return (unsigned char)c;
    }
    if (!last) {
        optarg = argv[optind] + pos;
    } else if (optind + 1 < argc) {
        optarg = argv[++optind];
    } else {
        optind++;
        pos = 0;
        if (opterr && !quiet)
            fprintf(stderr, "%s: option requires an argument -- '%c'\n", argv[0], c);
        return quiet ? ':' : '?';
    }
    optind++;
    pos = 0;
    return (unsigned char)c;
}
