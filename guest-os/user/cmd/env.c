/* env [-i] [-u NAME] [NAME=value...] [command [arg...]]: run a command
 * in a changed environment, or print the environment. As coreutils: 127
 * if the command is not found, 126 if it cannot be run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "env";
    int c;
    while ((c = getopt(argc, argv, "+iu:")) != -1) {
        switch (c) {
        case 'i': clearenv(); break;
        case 'u':
            if (unsetenv(optarg) < 0)
                die("cannot unset '%s': %s", optarg, strerror(errno));
            break;
        default: usage("[-i] [-u NAME] [NAME=value...] [command [arg...]]");
        }
    }
    int i = optind;
    if (i < argc && strcmp(argv[i], "-") == 0) {
        clearenv();
        i++;
    }
    for (; i < argc && strchr(argv[i], '='); i++) {
        if (argv[i][0] == '=' || putenv(argv[i]) < 0)
            die("cannot set '%s': %s", argv[i], strerror(EINVAL));
    }
    if (i == argc) {
        for (char **e = environ; e && *e; e++)
            puts(*e);
        return fflush(stdout) ? 1 : 0;
    }
    execvp(argv[i], argv + i);
    int err = errno;
    warnx("'%s': %s", argv[i], strerror(err));
    return err == ENOENT ? 127 : 126;
}
