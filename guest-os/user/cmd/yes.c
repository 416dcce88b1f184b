/* yes [string...]: print the words (or "y") on a line, again and again,
 * until the output is closed. Lines are written many at a time. */
#include <stdlib.h>
#include <string.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "yes";
    static char buf[8192];
    size_t len = 0;
    if (argc < 2) {
        strcpy(buf, "y\n");
        len = 2;
    }
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (len + n + 1 > sizeof buf / 2)
            die("arguments too long");
        memcpy(buf + len, argv[i], n);
        len += n;
        buf[len++] = i + 1 < argc ? ' ' : '\n';
    }
    size_t total = len;
    while (total + len <= sizeof buf) {
        memcpy(buf + total, buf, len);
        total += len;
    }
    for (;;) {
        if (write_all(1, buf, total) < 0) {
            warn("standard output");
            return 1;
        }
    }
}
