/* time.c: clocks, sleeping, and UTC calendar conversion (there are no
 * time zones). sleep and usleep go through nanosleep. */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "libc.h"

time_t time(time_t *t)
{
    time_t now = SYS1(SYS_time, 0);
    if (t)
        *t = now;
    return now;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    return __sysret(SYS2(SYS_gettimeofday, tv, tz));
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    return __sysret(SYS2(SYS_clock_gettime, clk, ts));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return __sysret(SYS2(SYS_nanosleep, req, rem));
}

unsigned sleep(unsigned seconds)
{
    struct timespec ts = { (time_t)seconds, 0 }, rem;
    if (nanosleep(&ts, &rem) < 0)
        return errno == EINTR ? (unsigned)rem.tv_sec : seconds;
    return 0;
}

int usleep(useconds_t usec)
{
    struct timespec ts = { (time_t)(usec / 1000000), (long)(usec % 1000000) * 1000 };
    return nanosleep(&ts, 0);
}

static int leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

struct tm *gmtime_r(const time_t *restrict t, struct tm *restrict tm)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    long s = *t, days = s / 86400, rem = s % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    tm->tm_hour = rem / 3600;
    tm->tm_min = rem / 60 % 60;
    tm->tm_sec = rem % 60;
    tm->tm_wday = (int)(((days + 4) % 7 + 7) % 7);
    long y = 1970;
    while (days < 0) {
        y--;
        days += 365 + leap(y);
    }
    while (days >= 365 + leap(y)) {
        days -= 365 + leap(y);
        y++;
    }
    tm->tm_year = (int)(y - 1900);
    tm->tm_yday = (int)days;
    int m = 0;
    while (days >= mdays[m] + (m == 1 && leap(y))) {
        days -= mdays[m] + (m == 1 && leap(y));
        m++;
    }
    tm->tm_mon = m;
    tm->tm_mday = (int)days + 1;
    tm->tm_isdst = 0;
    return tm;
}

struct tm *gmtime(const time_t *t)
{
    static struct tm tm;
    return gmtime_r(t, &tm);
}
