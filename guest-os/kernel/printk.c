/*
 * printk.c: formatted output for the kernel. One formatter writes into a
 * sink; snprintk's sink is a buffer, printk's the console. printk formats
 * a line into a stack buffer first so that it reaches the console in one
 * piece even if an interrupt handler prints in between.
 */
#include "lib.h"
#include "console.h"
#include "cmdline.h"

struct sink {
    char *buf;
    size_t size, len;
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

/* Right-aligned in `width` unless `left`: the caller pads on the right. */
static void put_number(struct sink *s, unsigned long long v, unsigned base, bool upper,
                       bool negative, int width, char pad, bool left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (negative && pad == '0') {
        put(s, '-');
        width--;
    } else if (negative) {
        tmp[n++] = '-';
    }
    for (int i = n; !left && i < width; i++)
        put(s, pad);
    while (n)
        put(s, tmp[--n]);
}

static void put_string(struct sink *s, const char *str, int width, bool left)
{
    int len = (int)strlen(str);
    for (int i = len; !left && i < width; i++)
        put(s, ' ');
    while (*str)
        put(s, *str++);
    for (int i = len; left && i < width; i++)
        put(s, ' ');
}

static unsigned long long next_unsigned(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, unsigned long long);
    return longs ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
}

static long long next_signed(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, long long);
    return longs ? va_arg(*ap, long) : va_arg(*ap, int);
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(s, *fmt);
            continue;
        }
        bool left = false;
        char pad = ' ';
        int width = 0, longs = 0;
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-')
                left = true;
            else
                pad = '0';
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l'; fmt++)
            longs++;
        if (left)
            pad = ' ';
        size_t start = s->len;
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = next_signed(&ap, longs);
            put_number(s, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, false, v < 0,
                       width, pad, left);
            break;
        }
        case 'u': put_number(s, next_unsigned(&ap, longs), 10, false, false, width, pad, left); break;
        case 'x': put_number(s, next_unsigned(&ap, longs), 16, false, false, width, pad, left); break;
        case 'X': put_number(s, next_unsigned(&ap, longs), 16, true, false, width, pad, left); break;
        case 'p':
            put(s, '0');
            put(s, 'x');
            put_number(s, (uint32_t)va_arg(ap, void *), 16, false, false, 8, '0', false);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            put_string(s, str ? str : "(null)", width, left);
            break;
        }
        case 'c': put(s, (char)va_arg(ap, int)); break;
        case '%': put(s, '%'); break;
        case 0: return;
        default:
            put(s, '%');
            put(s, *fmt);
        }
        for (size_t i = s->len - start; left && *fmt != 's' && (int)i < width; i++)
            put(s, ' ');
    }
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {buf, size, 0};
    format(&s, fmt, ap);
    if (size)
        buf[s.len < size ? s.len : size - 1] = 0;
    return (int)s.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintk(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintk(const char *fmt, va_list ap)
{
    char line[256];
    if (fmt[0] == KERN_INFO[0]) {
        if (boot_options.quiet)
            return 0;
        fmt++;
    }
    int n = vsnprintk(line, sizeof line, fmt, ap);
    console_write_kernel(line, MIN((size_t)n, sizeof line - 1));
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}
