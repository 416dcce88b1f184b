/* od [-bcdosxv] [-A d|o|x|n] [-t TYPE]... [-j SKIP] [-N COUNT] [file...]:
 * dump the files (or standard input, or "-"), one stream, as coreutils'
 * od prints it: 16 bytes a line, the offset first (octal unless -A says
 * decimal, hex or none), each TYPE on a line of its own, its columns
 * padded so that every type's line spans the same width. A line equal
 * to the one before is shown as "*" (not with -v); the last line is the
 * offset reached.
 *   TYPE: c (characters: escapes, else octal), and d u o x with a size
 *   of 1, 2, 4 or 8 bytes (or C S I L; none means 4), little-endian,
 *   several in one -t ("-t x1c"). -b is -t o1, -c -t c, -d -t u2,
 *   -o -t o2 (the default), -s -t d2, -x -t x2. There is no floating
 *   point (-t f is refused).
 * A file that cannot be read is reported and skipped (status 1). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

#define BLOCK 16

struct spec {
    char type;                 /* c d u o x */
    int size;                  /* bytes per field */
    int width;                 /* characters of a field, without padding */
    int pad;                   /* padding spread over a line's fields */
};

static struct spec *specs;
static int nspecs;
static char radix = 'o';
static int addr_width = 7;
static int opt_all;

/* Field widths: the longest value of each type and size. */
static int field_width(char type, int size)
{
    static const int dec[] = { 0, 4, 6, 0, 11, 0, 0, 0, 20 };  /* signed, with '-' */
    static const int udec[] = { 0, 3, 5, 0, 10, 0, 0, 0, 20 };
    static const int oct[] = { 0, 3, 6, 0, 11, 0, 0, 0, 22 };
    switch (type) {
    case 'c': return 3;
    case 'd': return dec[size];
    case 'u': return udec[size];
    case 'o': return oct[size];
    }
    return 2 * size;                            /* x */
}

static void add_spec(char type, int size)
{
    specs = xrealloc(specs, (size_t)(nspecs + 1) * sizeof *specs);
    specs[nspecs++] = (struct spec){ type, size, field_width(type, size), 0 };
}

/* One -t argument: one or more types. */
static void parse_types(const char *arg)
{
    const char *s = arg;
    while (*s) {
        char t = *s++;
        if (t == 'c') {
            add_spec('c', 1);
            continue;
        }
        if (t == 'f')
            die("floating point types are not supported");
        if (!strchr("duox", t))
            die("invalid character '%c' in type string '%s'", t, arg);
        int size = 4;
        if (*s == 'C' || *s == 'S' || *s == 'I' || *s == 'L') {
            size = *s == 'C' ? 1 : *s == 'S' ? 2 : 4;
            s++;
        } else if (*s >= '0' && *s <= '9') {
            char *end;
            long v = strtol(s, &end, 10);
            if (v != 1 && v != 2 && v != 4 && v != 8)
                die("invalid type string '%s': this system does not provide a %ld-byte "
                    "integral type", s - 1, v);
            size = (int)v;
            s = end;
        }
        add_spec(t, size);
    }
}

/* Every type's line as wide as the widest (coreutils' alignment). */
static void compute_padding(void)
{
    int widest = 0;
    for (int i = 0; i < nspecs; i++) {
        int w = (specs[i].width + 1) * (BLOCK / specs[i].size);
        if (w > widest)
            widest = w;
    }
    for (int i = 0; i < nspecs; i++)
        specs[i].pad = widest - specs[i].width * (BLOCK / specs[i].size);
}

static void char_text(unsigned char c, char *out)
{
    static const char esc[] = { '0', 0, 0, 0, 0, 0, 0, 'a', 'b', 't', 'n', 'v', 'f', 'r' };
    if (c < sizeof esc && esc[c])
        sprintf(out, "\\%c", esc[c]);
    else if (c >= 32 && c < 127)
        sprintf(out, "%c", c);
    else
        sprintf(out, "%03o", c);
}

static unsigned long long field_value(const unsigned char *p, int size)
{
    unsigned long long v = 0;
    for (int i = size - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void print_field(const struct spec *s, const unsigned char *p, int width)
{
    unsigned long long v = field_value(p, s->size);
    char text[32];
    switch (s->type) {
    case 'c': char_text(*p, text); printf("%*s", width, text); return;
    case 'o': printf("%*.*llo", width, s->width, v); return;
    case 'x': printf("%*.*llx", width, s->width, v); return;
    case 'u': printf("%*llu", width, v); return;
    }
    int shift = 64 - 8 * s->size;                /* d: sign-extend */
    long long sv = (long long)(v << shift) >> shift;
    printf("%*lld", width, sv);
}

static void print_address(unsigned long long off)
{
    switch (radix) {
    case 'o': printf("%0*llo", addr_width, off); break;
    case 'd': printf("%0*llu", addr_width, off); break;
    case 'x': printf("%0*llx", addr_width, off); break;
    }
}

/* One block of n bytes (n <= BLOCK; the rest of buf is zero). */
static void print_block(unsigned long long off, const unsigned char *buf, int n)
{
    for (int i = 0; i < nspecs; i++) {
        const struct spec *s = &specs[i];
        if (i == 0)
            print_address(off);
        else
            printf("%*s", addr_width, "");
        int fields = BLOCK / s->size, shown = (n + s->size - 1) / s->size;
        int pad_left = s->pad;
        for (int f = 0; f < shown; f++) {
            int next = s->pad * (fields - f - 1) / fields;
            print_field(s, buf + f * s->size, pad_left - next + s->width);
            pad_left = next;
        }
        putchar('\n');
    }
}

/* The input: the files one after another. */
static char **inputs;
static int ninputs, cur = -1, fd = -1, status;

static int next_fd(void)
{
    while (++cur < ninputs) {
        const char *name = inputs[cur];
        if (strcmp(name, "-") == 0)
            return 0;
        int f = open(name, O_RDONLY);
        if (f >= 0)
            return f;
        warn("%s", name);
        status = 1;
    }
    return -1;
}

/* Up to n bytes into buf; fewer only at the end of the last input. */
static size_t read_input(unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        if (fd < 0 && (fd = next_fd()) < 0)
            break;
        ssize_t k = read(fd, buf + got, n - got);
        if (k > 0) {
            got += (size_t)k;
            continue;
        }
        if (k < 0) {
            warn("%s", inputs[cur]);
            status = 1;
        }
        if (fd > 0)
            close(fd);
        fd = -1;
    }
    return got;
}

static void skip_input(unsigned long long n)
{
    unsigned char buf[4096];
    while (n > 0) {
        size_t k = read_input(buf, n < sizeof buf ? (size_t)n : sizeof buf);
        if (k == 0)
            die("cannot skip past end of combined input");
        n -= k;
    }
}

static void dump(unsigned long long skip, long long limit)
{
    unsigned char buf[BLOCK], prev[BLOCK];
    unsigned long long off = skip;
    int have_prev = 0, starred = 0;
    skip_input(skip);
    for (;;) {
        size_t want = BLOCK;
        if (limit >= 0 && (unsigned long long)limit < off - skip + BLOCK)
            want = (size_t)(limit - (long long)(off - skip));
        memset(buf, 0, sizeof buf);
        size_t n = want ? read_input(buf, want) : 0;
        if (n == 0)
            break;
        if (!opt_all && have_prev && n == BLOCK && memcmp(buf, prev, BLOCK) == 0) {
            if (!starred)
                puts("*");
            starred = 1;
        } else {
            print_block(off, buf, (int)n);
            starred = 0;
        }
        memcpy(prev, buf, BLOCK);
        have_prev = n == BLOCK;
        off += n;
        if (n < BLOCK)
            break;
    }
    if (radix != 'n') {
        print_address(off);
        putchar('\n');
    }
}

static int parse_number(const char *s, unsigned long long *v)
{
    char *end;
    *v = strtoull(s, &end, 0);
    return *s && *s != '-' && !*end ? 0 : -1;
}

int main(int argc, char **argv)
{
    prog = "od";
    unsigned long long skip = 0, count;
    long long limit = -1;
    int c;
    while ((c = getopt(argc, argv, "A:t:j:N:bcdosxv")) != -1) {
        switch (c) {
        case 'A':
            if (!optarg[0] || optarg[1] || !strchr("doxn", optarg[0]))
                die("invalid output address radix '%s'; it must be one character from [doxn]",
                    optarg);
            radix = optarg[0];
            addr_width = radix == 'x' ? 6 : radix == 'n' ? 0 : 7;
            break;
        case 't': parse_types(optarg); break;
        case 'j':
            if (parse_number(optarg, &skip) < 0)
                die("invalid skip count '%s'", optarg);
            break;
        case 'N':
            if (parse_number(optarg, &count) < 0)
                die("invalid byte count '%s'", optarg);
            limit = (long long)count;
            break;
        case 'b': add_spec('o', 1); break;
        case 'c': add_spec('c', 1); break;
        case 'd': add_spec('u', 2); break;
        case 'o': add_spec('o', 2); break;
        case 's': add_spec('d', 2); break;
        case 'x': add_spec('x', 2); break;
        case 'v': opt_all = 1; break;
        default: usage("[-bcdosxv] [-A d|o|x|n] [-t TYPE]... [-j SKIP] [-N COUNT] [file...]");
        }
    }
    if (nspecs == 0)
        add_spec('o', 2);
    compute_padding();
    char *dash[] = { "-" };
    inputs = optind < argc ? argv + optind : dash;
    ninputs = optind < argc ? argc - optind : 1;
    dump(skip, limit);
    if (fflush(stdout) != 0) {
        warn("write error");
        return 1;
    }
    return status;
}
