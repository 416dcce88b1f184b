/* time.h: clocks and sleeping. time_t is 32-bit, as the Linux i386
 * calls used here (time, clock_gettime, nanosleep) have it. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

struct timespec { time_t tv_sec; long tv_nsec; };
struct tm {
    int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCKS_PER_SEC 100L

time_t time(time_t *t);
int clock_gettime(clockid_t clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
struct tm *gmtime_r(const time_t *restrict t, struct tm *restrict tm);
struct tm *gmtime(const time_t *t);

#endif
