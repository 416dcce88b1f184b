/* util.h: what the tools share: error messages that name the program
 * (as coreutils prints them), and careful number parsing. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>

/* Each tool sets this to its own name before printing anything. */
extern const char *prog;

void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void usage(const char *text);
int parse_count(const char *s, long long *out);
int write_all(int fd, const void *buf, size_t n);

#endif
