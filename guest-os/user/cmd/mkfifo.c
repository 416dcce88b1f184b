/* mkfifo [-m MODE] NAME...: make named pipes (FIFOs), mode 0666 less the
 * umask unless -m gives an octal mode (which the umask does not touch,
 * as coreutils does it). Every name is tried; the status is 1 if any
 * failed. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "mkfifo";
    int c, status = 0;
    long mode = -1;
    while ((c = getopt(argc, argv, "m:")) != -1) {
        char *end;
        if (c != 'm')
            usage("[-m MODE] NAME...");
        mode = strtol(optarg, &end, 8);
        if (!*optarg || *end || mode < 0 || mode > 07777)
            die("invalid mode '%s'", optarg);
    }
    if (optind == argc)
        usage("[-m MODE] NAME...");
    mode_t old = mode >= 0 ? umask(0) : 0;
    for (int i = optind; i < argc; i++) {
        if (mkfifo(argv[i], mode >= 0 ? (mode_t)mode : 0666) < 0) {
            warn("cannot create fifo '%s'", argv[i]);
            status = 1;
        }
    }
    if (mode >= 0)
        umask(old);
    return status;
}
