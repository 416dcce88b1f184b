/* sleep NUMBER[smhd]...: pause for the sum of the times given. A number
 * may have a fraction (1.5): there is no floating point here, so the
 * fraction is read as decimal digits into nanoseconds. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include "util.h"

/* Parse "N[.F][smhd]" into seconds and nanoseconds. */
static int parse_time(const char *s, long long *sec, long *nsec)
{
    long long whole = 0;
    long frac = 0, scale = 100000000;
    const char *p = s;
    if (*p < '0' || *p > '9') {
        if (*p != '.' || p[1] < '0' || p[1] > '9')
            return -1;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (*p - '0');
        if (whole > 100000000LL * 86400)
            return -1;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    long long mult = 1;
    switch (*p) {
    case 0: break;
    case 's': p++; break;
    case 'm': mult = 60; p++; break;
    case 'h': mult = 3600; p++; break;
    case 'd': mult = 86400; p++; break;
    default: return -1;
    }
    if (*p)
        return -1;
    long long ns = (long long)frac * mult;
    *sec = whole * mult + ns / 1000000000;
    *nsec = (long)(ns % 1000000000);
    return 0;
}

int main(int argc, char **argv)
{
    prog = "sleep";
    if (argc < 2)
        usage("NUMBER[smhd]...");
    long long sec = 0, nsec = 0;
    for (int i = 1; i < argc; i++) {
        long long s;
        long ns;
        if (parse_time(argv[i], &s, &ns) < 0)
            die("invalid time interval '%s'", argv[i]);
        sec += s;
        nsec += ns;
    }
    sec += nsec / 1000000000;
    nsec %= 1000000000;
    struct timespec ts = { (time_t)(sec > 0x7fffffff ? 0x7fffffff : sec), (long)nsec };
    while (nanosleep(&ts, &ts) < 0) {
        if (errno != EINTR) {
            warn("nanosleep");
            return 1;
        }
    }
    return 0;
}
