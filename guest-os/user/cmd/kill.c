/* kill [-s NAME | -NAME | -NUM] pid...   kill -l [NUM...]
 * Send a signal (default TERM) to each pid; a negative pid is a process
 * group, given after "--" or as a separate word after the signal. -l
 * lists the signal names, or names the numbers given (also as exit
 * statuses above 128, as shells report them). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

static int list(int argc, char **argv, int i)
{
    char name[SIG2STR_MAX];
    if (i == argc) {
        for (int s = 1; s < 32; s++) {
            sig2str(s, name);
            printf("%2d) SIG%-8s%s", s, name, s % 5 == 0 || s == 31 ? "\n" : " ");
        }
        return 0;
    }
    int status = 0;
    for (; i < argc; i++) {
        long long v;
        int sig;
        if (parse_count(argv[i], &v) == 0) {
            sig = (int)(v > 128 ? v - 128 : v);
            if (v > 255 || sig2str(sig, name) < 0 || sig >= 32) {
                warnx("%s: invalid signal specification", argv[i]);
                status = 1;
                continue;
            }
            puts(name);
        } else if (str2sig(argv[i], &sig) == 0) {
            printf("%d\n", sig);
        } else {
            warnx("%s: invalid signal specification", argv[i]);
            status = 1;
        }
    }
    return status;
}

static int signal_of(const char *s)
{
    int sig;
    if (str2sig(s, &sig) < 0)
        die("%s: invalid signal specification", s);
    return sig;
}

int main(int argc, char **argv)
{
    prog = "kill";
    int sig = SIGTERM, i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0)
        return list(argc, argv, i + 1);
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 >= argc)
            usage("[-s NAME | -NAME | -NUM] pid...");
        sig = signal_of(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
        sig = signal_of(argv[i] + 1);
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i == argc)
        usage("[-s NAME | -NAME | -NUM] pid...");
    int status = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end) {
            warnx("%s: arguments must be process ids", argv[i]);
            status = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) < 0) {
            warn("(%ld)", pid);
            status = 1;
        }
    }
    return status;
}
