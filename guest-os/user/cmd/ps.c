/* ps: one line per process, from isola's proc_list call: pid, parent,
 * state (R running, r ready, S blocked, Z zombie), threads, resident
 * pages, pages in swap, CPU time (minutes:seconds from 10 ms ticks) and name. Linux has
 * no proc_list, so there ps says so and fails. */
#include <errno.h>
#include <isola.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "ps";
    (void)argv;
    if (argc > 1)
        usage("(no options)");
    unsigned cap = 64;
    struct isola_procinfo *p = NULL;
    int n;
    for (;;) {
        p = realloc(p, cap * sizeof *p);
        if (!p)
            die("out of memory");
        n = proc_list(p, cap);
        if (n < 0) {
            if (errno == ENOSYS)
                die("proc_list: %s (ps needs the isola kernel's process list)",
                    "Function not implemented");
            warn("proc_list");
            return 1;
        }
        if ((unsigned)n <= cap)
            break;
        cap = (unsigned)n + 16;
    }
    printf("  PID  PPID STATE THR PAGES  SWAP   TIME CMD\n");
    for (int i = 0; i < n; i++) {
        unsigned secs = p[i].ticks / 100;
        p[i].name[ISOLA_PROC_NAME - 1] = 0;
        printf("%5d %5d %-5c %3u %5u %5u %3u:%02u %s\n", p[i].pid, p[i].ppid,
               p[i].state ? p[i].state : '?', p[i].threads, p[i].pages, p[i].swap_pages,
               secs / 60, secs % 60, p[i].name);
    }
    return fflush(stdout) ? 1 : 0;
}
