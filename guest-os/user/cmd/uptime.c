/* uptime: the time of day (UTC), how long the system has been up and
 * the load averages, from sysinfo, worded as procps words them. Loads
 * are fixed point (16 fraction bits) and printed without floating
 * point. */
#include <stdio.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

static void load(char *buf, unsigned long v)
{
    unsigned long hundredths = (v * 100 + (1UL << (SI_LOAD_SHIFT - 1))) >> SI_LOAD_SHIFT;
    sprintf(buf, "%lu.%02lu", hundredths / 100, hundredths % 100);
}

int main(int argc, char **argv)
{
    prog = "uptime";
    (void)argv;
    if (argc > 1)
        usage("(no options)");
    struct sysinfo si;
    if (sysinfo(&si) < 0) {
        warn("sysinfo");
        return 1;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    long up = si.uptime, days = up / 86400, hours = up / 3600 % 24, mins = up / 60 % 60;
    printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (days)
        printf("%ld day%s, ", days, days == 1 ? "" : "s");
    if (hours)
        printf("%2ld:%02ld, ", hours, mins);
    else
        printf("%ld min, ", mins);
    char a[16], b[16], c[16];
    load(a, si.loads[0]);
    load(b, si.loads[1]);
    load(c, si.loads[2]);
    printf(" load average: %s, %s, %s\n", a, b, c);
    return fflush(stdout) ? 1 : 0;
}
