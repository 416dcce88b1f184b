/* strtol.c: string to integer. One scanner does the work for all four
 * functions: leading space, a sign, 0x/0 prefixes when base is 16 or 0,
 * then digits; on overflow the result is clamped and errno is ERANGE; if
 * no digits are seen, *end is the start of the string. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

static int digit(int c)
{
    if (isdigit(c))
        return c - '0';
    if (isalpha(c))
        return tolower(c) - 'a' + 10;
    return 99;
}

/* The magnitude, clamped to `limit`; *neg tells the sign. */
static unsigned long long scan(const char *s, char **end, int base, unsigned long long limit,
                               int *neg, int *over)
{
    const char *p = s;
    *neg = 0;
    *over = 0;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' &&
        digit((unsigned char)p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    const char *digits = p;
    unsigned long long v = 0;
    for (int d; (d = digit((unsigned char)*p)) < base; p++) {
        if (v > (limit - (unsigned)d) / (unsigned)base)
            *over = 1;
        else
            v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)(p == digits ? s : p);
    return *over ? limit : v;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    int neg, over;
    unsigned long long v = scan(s, end, base, (unsigned long long)LLONG_MAX + 1, &neg, &over);
    if (over || (!neg && v > LLONG_MAX)) {
        errno = ERANGE;
        return neg ? LLONG_MIN : LLONG_MAX;
    }
    return neg ? (long long)(0 - v) : (long long)v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    int neg, over;
    unsigned long long v = scan(s, end, base, (unsigned long long)LONG_MAX + 1, &neg, &over);
    if (over || (!neg && v > LONG_MAX)) {
        errno = ERANGE;
        return neg ? LONG_MIN : LONG_MAX;
    }
    return neg ? (long)(0 - v) : (long)v;
}

/* As C says, a '-' negates the unsigned value: "-1" is ULLONG_MAX. */
unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
    int neg, over;
    unsigned long long v = scan(s, end, base, ULLONG_MAX, &neg, &over);
    if (over) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return neg ? 0 - v : v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    int neg, over;
    unsigned long long v = scan(s, end, base, ULONG_MAX, &neg, &over);
    if (over) {
        errno = ERANGE;
        return ULONG_MAX;
    }
    return neg ? (unsigned long)(0 - v) : (unsigned long)v;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}
