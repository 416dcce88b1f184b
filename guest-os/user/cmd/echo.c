/* echo [-neE] [string...]: the words separated by spaces, then a newline.
 * -n: no newline; -e: interpret \\ \a \b \c \e \f \n \r \t \v \0NNN;
 * -E: do not (the default). A word is taken as options only if it is
 * all of n, e and E after the '-', as coreutils does. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

static int is_options(const char *s)
{
    return s[0] == '-' && s[1] && strspn(s + 1, "neE") == strlen(s + 1);
}

/* Print s with escapes; returns 0 if \c said to stop everything. */
static int put_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) {
            putchar(*s);
            continue;
        }
        char c = *++s;
        switch (c) {
        case 'a': putchar('\a'); break;
        case 'b': putchar('\b'); break;
        case 'c': return 0;
        case 'e': putchar(033); break;
        case 'f': putchar('\f'); break;
        case 'n': putchar('\n'); break;
        case 'r': putchar('\r'); break;
        case 't': putchar('\t'); break;
        case 'v': putchar('\v'); break;
        case '\\': putchar('\\'); break;
        case '0': {
            int v = 0;
            for (int i = 0; i < 3 && s[1] >= '0' && s[1] <= '7'; i++)
                v = v * 8 + (*++s - '0');
            putchar(v);
            break;
        }
        default: putchar('\\'); putchar(c); break;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    prog = "echo";
    int newline = 1, escapes = 0, i = 1;
    for (; i < argc && is_options(argv[i]); i++) {
        for (const char *p = argv[i] + 1; *p; p++) {
            if (*p == 'n')
                newline = 0;
            else
                escapes = *p == 'e';
        }
    }
    for (; i < argc; i++) {
        if (escapes ? !put_escaped(argv[i]) : (fputs(argv[i], stdout), 0))
            return fflush(stdout) ? 1 : 0;
        if (i + 1 < argc)
            putchar(' ');
    }
    if (newline)
        putchar('\n');
    if (fflush(stdout) != 0) {
        warn("write error");
        return 1;
    }
    return 0;
}
