/* format.c: the printf engine. Flags - + space # 0, width and precision
 * (numbers or *), lengths hh h l ll z j t L, conversions d i u o x X c s
 * p n %. There is no floating point in this system (no FPU): %f %e %g %a
 * consume their double and print "?". Output goes to a sink; the count
 * returned is what would have been produced, as C requires of snprintf. */
#include <stdint.h>
#include <string.h>
#include "stdio_impl.h"

enum { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX, L_PTRDIFF, L_LDOUBLE };

struct spec {
    int left, plus, space, alt, zero;
    int width, prec;        /* prec < 0: none given */
    int len;
    char conv;
};

static void emit(struct sink *s, const char *p, size_t n)
{
    s->count += (int)n;
    if (s->f) {
        __fwrite(p, n, s->f);
        return;
    }
    for (size_t i = 0; i < n; i++, s->len++)
        if (s->len + 1 < s->cap)
            s->buf[s->len] = p[i];
}

static void pad(struct sink *s, char c, int n)
{
    char chunk[16];
    memset(chunk, c, sizeof chunk);
    for (; n > 0; n -= 16)
        emit(s, chunk, n < 16 ? (size_t)n : 16);
}

/* Emit body (with its prefix) padded to the width, as the flags say. */
static void field(struct sink *s, struct spec *sp, const char *prefix, int zeros,
                  const char *body, int blen)
{
    int plen = (int)strlen(prefix);
    int total = plen + zeros + blen;
    int gap = sp->width > total ? sp->width - total : 0;
    if (!sp->left && !sp->zero)
        pad(s, ' ', gap);
    emit(s, prefix, (size_t)plen);
    if (!sp->left && sp->zero)
        pad(s, '0', gap);
    pad(s, '0', zeros);
    emit(s, body, (size_t)blen);
    if (sp->left)
        pad(s, ' ', gap);
}

static void integer(struct sink *s, struct spec *sp, unsigned long long v, int neg)
{
    char digits[24];
    const char *set = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p') ? 16 : 10;
    int n = 0;
    for (unsigned long long x = v; x; x /= base)
        digits[sizeof digits - 1 - n++] = set[x % base];
    char *body = digits + sizeof digits - n;
    int prec = sp->prec;
    if (prec >= 0)
        sp->zero = 0;
    else
        prec = 1;
    int zeros = prec > n ? prec - n : 0;
    const char *prefix = "";
    if (sp->conv == 'd' || sp->conv == 'i')
        prefix = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    else if (sp->conv == 'p' || (sp->alt && v && sp->conv == 'x'))
        prefix = "0x";
    else if (sp->alt && v && sp->conv == 'X')
        prefix = "0X";
    else if (sp->alt && sp->conv == 'o' && zeros == 0 && (n == 0 || body[0] != '0'))
        zeros = 1;
    field(s, sp, prefix, zeros, body, n);
}

static unsigned long long get_unsigned(va_list *ap, int len)
{
    switch (len) {
    case L_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case L_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case L_LLONG:
    case L_MAX: return va_arg(*ap, unsigned long long);
    case L_LONG: return va_arg(*ap, unsigned long);
    case L_SIZE: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned);
    }
}

static long long get_signed(va_list *ap, int len)
{
    switch (len) {
    case L_CHAR: return (signed char)va_arg(*ap, int);
    case L_SHORT: return (short)va_arg(*ap, int);
    case L_LLONG:
    case L_MAX: return va_arg(*ap, long long);
    case L_LONG: return va_arg(*ap, long);
    case L_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static void store_count(va_list *ap, int len, int count)
{
    switch (len) {
    case L_CHAR: *va_arg(*ap, signed char *) = (signed char)count; break;
    case L_SHORT: *va_arg(*ap, short *) = (short)count; break;
    case L_LLONG:
    case L_MAX: *va_arg(*ap, long long *) = count; break;
    default: *va_arg(*ap, int *) = count; break;
    }
}

static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
    memset(sp, 0, sizeof *sp);
    sp->prec = -1;
    for (;; p++) {
        if (*p == '-') sp->left = 1;
        else if (*p == '+') sp->plus = 1;
        else if (*p == ' ') sp->space = 1;
        else if (*p == '#') sp->alt = 1;
        else if (*p == '0') sp->zero = 1;
        else break;
    }
    if (*p == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = 1;
            sp->width = -sp->width;
        }
        p++;
    } else {
        while (*p >= '0' && *p <= '9' && sp->width < 100000)
            sp->width = sp->width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        sp->prec = 0;
        if (*p == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            p++;
        } else {
            while (*p >= '0' && *p <= '9' && sp->prec < 100000)
                sp->prec = sp->prec * 10 + (*p++ - '0');
        }
    }
    if (sp->left)
        sp->zero = 0;
    switch (*p) {
    case 'h': sp->len = p[1] == 'h' ? (p++, L_CHAR) : L_SHORT; p++; break;
    case 'l': sp->len = p[1] == 'l' ? (p++, L_LLONG) : L_LONG; p++; break;
    case 'q': sp->len = L_LLONG; p++; break;
    case 'z': sp->len = L_SIZE; p++; break;
    case 'j': sp->len = L_MAX; p++; break;
    case 't': sp->len = L_PTRDIFF; p++; break;
    case 'L': sp->len = L_LDOUBLE; p++; break;
    }
    sp->conv = *p;
    return p;
}

static void string(struct sink *s, struct spec *sp, const char *str)
{
    if (!str)
        str = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
    int n = (int)(sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str));
    sp->zero = 0;
    field(s, sp, "", 0, str, n);
}

/* Floating point: skip the argument (a double is 8 bytes on the stack, a
 * long double 12) and show that nothing could be printed. */
static void no_float(struct sink *s, struct spec *sp, va_list *ap)
{
    if (sp->len == L_LDOUBLE) {
        (void)va_arg(*ap, unsigned long long);
        (void)va_arg(*ap, unsigned);
    } else {
        (void)va_arg(*ap, unsigned long long);
    }
    sp->zero = 0;
    field(s, sp, "", 0, "?", 1);
}

int __format(struct sink *s, const char *fmt, va_list ap0)
{
    va_list ap;
    va_copy(ap, ap0);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            emit(s, p, n);
            p += n - 1;
            continue;
        }
        struct spec sp;
        const char *start = p;
        p = parse_spec(p + 1, &sp, &ap);
        char c;
        long long v;
        switch (sp.conv) {
        case 'd':
        case 'i':
            v = get_signed(&ap, sp.len);
            integer(s, &sp, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);
            break;
        case 'u':
        case 'o':
        case 'x':
        case 'X':
            integer(s, &sp, get_unsigned(&ap, sp.len), 0);
            break;
        case 'p': {
            void *ptr = va_arg(ap, void *);
            if (ptr)
                integer(s, &sp, (uintptr_t)ptr, 0);
            else
                string(s, &(struct spec){ .width = sp.width, .left = sp.left, .prec = -1 }, "(nil)");
            break;
        }
        case 'c':
            c = (char)va_arg(ap, int);
            sp.zero = 0;
            field(s, &sp, "", 0, &c, 1);
            break;
        case 's':
            string(s, &sp, va_arg(ap, const char *));
            break;
        case 'n':
            store_count(&ap, sp.len, s->count);
            break;
        case '%':
            emit(s, "%", 1);
            break;
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
            no_float(s, &sp, &ap);
            break;
        case 0:
            emit(s, start, (size_t)(p - start));
            p--;
            break;
        default:
            emit(s, start, (size_t)(p - start + 1));
            break;
        }
    }
    va_end(ap);
    if (!s->f && s->cap)
        s->buf[s->len < s->cap ? s->len : s->cap - 1] = 0;
    return s->count;
}
