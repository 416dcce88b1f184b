/* touch [-acm] [-r ref | -t STAMP] file...: set files' access and
 * modification times to now (or to ref's, or to STAMP), creating a
 * file that does not exist (not with -c). -a or -m changes only that
 * one time. STAMP is [[CC]YY]MMDDhhmm[.ss], read as UTC: the system
 * has no time zones. Messages and statuses are coreutils'. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

static int opt_nocreate;
static struct timespec times[2];

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n decimal digits at s; -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* [[CC]YY]MMDDhhmm[.ss] as seconds since the epoch (UTC). */
static int parse_stamp(const char *s, time_t *out)
{
    const char *dot = strchr(s, '.');
    size_t n = dot ? (size_t)(dot - s) : strlen(s);
    int sec = 0;
    if (dot && (strlen(dot) != 3 || (sec = digits(dot + 1, 2)) < 0 || sec > 60))
        return -1;
    if (n != 8 && n != 10 && n != 12)
        return -1;
    long long year;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (n == 12) {
        year = digits(s, 4);
    } else if (n == 10) {
        int yy = digits(s, 2);
        year = yy < 0 ? -1 : yy < 69 ? 2000 + yy : 1900 + yy;
    } else {
        struct tm tm;
        time_t t = now.tv_sec;
        gmtime_r(&t, &tm);
        year = tm.tm_year + 1900;
    }
    const char *p = s + n - 8;
    int mon = digits(p, 2), day = digits(p + 2, 2), hour = digits(p + 4, 2),
        min = digits(p + 6, 2);
    if (year < 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
        min < 0 || min > 59)
        return -1;
    long long t = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
    if (t != (time_t)t)
        return -1;
    *out = (time_t)t;
    return 0;
}

static int touch_one(const char *path)
{
    if (utimensat(AT_FDCWD, path, times, 0) == 0)
        return 0;
    if (errno != ENOENT) {
        warn("setting times of '%s'", path);
        return 1;
    }
    if (opt_nocreate)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_NOCTTY, 0666);
    if (fd < 0) {
        warn("cannot touch '%s'", path);
        return 1;
    }
    int r = futimens(fd, times);
    int err = errno;
    close(fd);
    if (r < 0) {
        errno = err;
        warn("setting times of '%s'", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    prog = "touch";
    int c, only_a = 0, only_m = 0, status = 0;
    const char *ref = NULL, *stamp = NULL;
    while ((c = getopt(argc, argv, "acmr:t:")) != -1) {
        switch (c) {
        case 'a': only_a = 1; break;
        case 'c': opt_nocreate = 1; break;
        case 'm': only_m = 1; break;
        case 'r': ref = optarg; break;
        case 't': stamp = optarg; break;
        default: usage("[-acm] [-r ref | -t [[CC]YY]MMDDhhmm[.ss]] file...");
        }
    }
    if (optind >= argc) {
        warnx("missing file operand");
        usage("[-acm] [-r ref | -t [[CC]YY]MMDDhhmm[.ss]] file...");
    }
    times[0].tv_nsec = times[1].tv_nsec = UTIME_NOW;
    if (ref && stamp)
        die("cannot specify times from more than one source");
    if (ref) {
        struct stat st;
        if (stat(ref, &st) < 0)
            die("failed to get attributes of '%s': %s", ref, strerror(errno));
        times[0] = (struct timespec){ st.st_atime, (long)st.st_atime_nsec };
        times[1] = (struct timespec){ st.st_mtime, (long)st.st_mtime_nsec };
    } else if (stamp) {
        if (parse_stamp(stamp, &times[0].tv_sec) < 0)
            die("invalid date format '%s'", stamp);
        times[0].tv_nsec = 0;
        times[1] = times[0];
    }
    if (only_a && !only_m)
        times[1].tv_nsec = UTIME_OMIT;
    if (only_m && !only_a)
        times[0].tv_nsec = UTIME_OMIT;
    for (int i = optind; i < argc; i++)
        status |= touch_one(argv[i]);
    return status;
}
