/* uname [-asnrvm]: system name (the default), node name, release,
 * version, machine; -a all five, in that order. */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "uname";
    enum { S = 1, N = 2, R = 4, V = 8, M = 16 };
    int want = 0, c;
    while ((c = getopt(argc, argv, "asnrvm")) != -1) {
        switch (c) {
        case 'a': want = S | N | R | V | M; break;
        case 's': want |= S; break;
        case 'n': want |= N; break;
        case 'r': want |= R; break;
        case 'v': want |= V; break;
        case 'm': want |= M; break;
        default: usage("[-asnrvm]");
        }
    }
    if (optind < argc) {
        warnx("extra operand '%s'", argv[optind]);
        usage("[-asnrvm]");
    }
    if (!want)
        want = S;
    struct utsname u;
    if (uname(&u) < 0) {
        warn("cannot get system name");
        return 1;
    }
    const char *field[5] = { u.sysname, u.nodename, u.release, u.version, u.machine };
    const char *sep = "";
    for (int i = 0; i < 5; i++) {
        if (want & (1 << i)) {
            printf("%s%s", sep, field[i]);
            sep = " ";
        }
    }
    putchar('\n');
    return fflush(stdout) ? 1 : 0;
}
