/* scan.c: the scanf engine and its fronts. Conversions d i u o x X p c s
 * [...] n and %%, widths, * to skip assigning, lengths hh h l ll z j t.
 * A stream source can push back one character, so "0x" followed by a
 * non-hex character loses the "x" (C allows this). The result is the
 * number of assignments, or EOF if input ended before the first one. */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stdio_impl.h"

enum { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX, L_PTRDIFF };

static int get(struct source *src)
{
    int c;
    if (src->f)
        c = __fgetc(src->f);
    else
        c = *src->s ? (unsigned char)*src->s++ : EOF;
    if (c != EOF)
        src->count++;
    return c;
}

static void unget(struct source *src, int c)
{
    if (c == EOF)
        return;
    src->count--;
    if (!src->f) {
        src->s--;
        return;
    }
    FILE *f = src->f;
    if (f->rpos > 0 && f->buf && f->ungot == EOF)
        f->buf[--f->rpos] = (char)c;
    else
        f->ungot = c;
}

static int skip_space(struct source *src)
{
    int c;
    while ((c = get(src)) != EOF && isspace(c))
        ;
    unget(src, c);
    return c;
}

static int digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (isxdigit(c))
        return tolower(c) - 'a' + 10;
    return 99;
}

/* Read an integer's text into buf (at most width chars); 0 if none. */
static int read_number(struct source *src, int base, int width, char *buf, size_t cap)
{
    size_t n = 0;
    int c = get(src);
    if ((c == '+' || c == '-') && width > 0) {
        buf[n++] = (char)c;
        width--;
        c = get(src);
    }
    if (c == '0' && width > 0 && (base == 0 || base == 16)) {
        buf[n++] = '0';
        width--;
        c = get(src);
        if ((c | 32) == 'x' && width > 0) {
            int next = get(src);
            if (digit_value(next) < 16 && width > 1) {
                buf[n++] = 'x';
                width--;
                base = 16;
                c = next;
            } else {
                unget(src, next);
                c = EOF;    /* the 'x' is consumed; "0" is the number */
            }
        } else if (base == 0) {
            base = 8;
        }
    }
    if (base == 0)
        base = 10;
    while (c != EOF && width > 0 && digit_value(c) < base && n + 1 < cap) {
        buf[n++] = (char)c;
        width--;
        c = get(src);
    }
    unget(src, c);
    buf[n] = 0;
    return n > 0 && isxdigit((unsigned char)buf[n - 1]);
}

static void store_int(void *p, int len, unsigned long long v)
{
    switch (len) {
    case L_CHAR: *(unsigned char *)p = (unsigned char)v; break;
    case L_SHORT: *(unsigned short *)p = (unsigned short)v; break;
    case L_LLONG:
    case L_MAX: *(unsigned long long *)p = v; break;
    default: *(unsigned *)p = (unsigned)v; break;
    }
}

/* Parse a scanset after '['; returns the format after the closing ']'. */
static const char *scanset(const char *p, unsigned char set[256])
{
    int invert = 0;
    memset(set, 0, 256);
    if (*p == '^') {
        invert = 1;
        p++;
    }
    if (*p == ']')
        set[(unsigned char)*p++] = 1;
    for (; *p && *p != ']'; p++) {
        if (p[1] == '-' && p[2] && p[2] != ']') {
            for (int c = (unsigned char)p[0]; c <= (unsigned char)p[2]; c++)
                set[c] = 1;
            p += 2;
        } else {
            set[(unsigned char)*p] = 1;
        }
    }
    if (invert)
        for (int i = 0; i < 256; i++)
            set[i] = !set[i];
    return *p ? p + 1 : p;
}

static const char *parse_len(const char *p, int *len)
{
    *len = L_INT;
    switch (*p) {
    case 'h': *len = p[1] == 'h' ? (p++, L_CHAR) : L_SHORT; return p + 1;
    case 'l': *len = p[1] == 'l' ? (p++, L_LLONG) : L_LONG; return p + 1;
    case 'L':
    case 'q': *len = L_LLONG; return p + 1;
    case 'z': *len = L_SIZE; return p + 1;
    case 'j': *len = L_MAX; return p + 1;
    case 't': *len = L_PTRDIFF; return p + 1;
    }
    return p;
}

/* Characters: %c (exactly width), %s (up to space), %[ (in the set). */
static int chars(struct source *src, char conv, int width, const unsigned char *set, char *out)
{
    int n = 0, c = EOF;
    while (n < width && (c = get(src)) != EOF) {
        if ((conv == 's' && isspace(c)) || (conv == '[' && !set[c]))
            break;
        if (out)
            out[n] = (char)c;
        n++;
        c = EOF;
    }
    unget(src, c);
    if (out && conv != 'c' && n > 0)
        out[n] = 0;
    return conv == 'c' ? n == width : n > 0;
}

int __scan(struct source *src, const char *fmt, va_list ap0)
{
    va_list ap;
    va_copy(ap, ap0);
    int assigned = 0, seen_input = 0;
    for (const char *p = fmt; *p; p++) {
        if (isspace((unsigned char)*p)) {
            skip_space(src);
            continue;
        }
        if (*p != '%' || p[1] == '%') {
            if (*p == '%')
                p++;
            if (*p == '%')
                skip_space(src);
            int c = get(src);
            if (c != (unsigned char)*p) {
                unget(src, c);
                if (c == EOF && !seen_input)
                    assigned = EOF;
                break;
            }
            seen_input = 1;
            continue;
        }
        p++;
        int noassign = 0, width = 0, len;
        if (*p == '*') {
            noassign = 1;
            p++;
        }
        while (isdigit((unsigned char)*p))
            width = width * 10 + (*p++ - '0');
        p = parse_len(p, &len);
        char conv = *p;
        if (!conv)
            break;
        if (conv == 'n') {
            if (!noassign)
                store_int(va_arg(ap, void *), len, (unsigned long long)src->count);
            continue;
        }
        if (conv != 'c' && conv != '[')
            skip_space(src);
        int c = get(src);
        if (c == EOF) {
            if (!seen_input)
                assigned = EOF;
            break;
        }
        unget(src, c);
        seen_input = 1;
        unsigned char set[256];
        if (conv == 'c' || conv == 's' || conv == '[') {
            if (conv == '[')
                p = scanset(p + 1, set) - 1;
            if (!width)
                width = conv == 'c' ? 1 : INT_MAX;
            char *out = noassign ? NULL : va_arg(ap, char *);
            if (!chars(src, conv, width, set, out))
                break;
            assigned += !noassign;
            continue;
        }
        int base;
        switch (conv) {
        case 'd': case 'u': base = 10; break;
        case 'i': base = 0; break;
        case 'o': base = 8; break;
        case 'x': case 'X': case 'p': base = 16; break;
        default: goto done;
        }
        char buf[80];
        if (!read_number(src, base, width ? width : INT_MAX, buf, sizeof buf))
            break;
        if (!noassign) {
            unsigned long long v;
            if (conv == 'd' || conv == 'i')
                v = (unsigned long long)strtoll(buf, NULL, base);
            else
                v = strtoull(buf, NULL, base);
            store_int(va_arg(ap, void *), conv == 'p' ? L_INT : len, v);
            assigned++;
        }
    }
done:
    va_end(ap);
    return assigned;
}

int vfscanf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    struct source src = { .f = f };
    mutex_lock(&f->lock);
    int n = __scan(&src, fmt, ap);
    mutex_unlock(&f->lock);
    return n;
}

int vscanf(const char *restrict fmt, va_list ap)
{
    return vfscanf(stdin, fmt, ap);
}

int vsscanf(const char *restrict s, const char *restrict fmt, va_list ap)
{
    struct source src = { .s = s };
    return __scan(&src, fmt, ap);
}

int scanf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfscanf(stdin, fmt, ap);
    va_end(ap);
    return n;
}

int fscanf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfscanf(f, fmt, ap);
    va_end(ap);
    return n;
}

int sscanf(const char *restrict s, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsscanf(s, fmt, ap);
    va_end(ap);
    return n;
}
