/* sort [-bcfnrsu] [-t SEP] [-k KEY]... [-o FILE] [file...]: sort the
 * lines of the files (or of standard input, or "-") as coreutils' sort
 * does in the C locale: bytes compared as unsigned, and lines that
 * compare equal by every key compared again whole, bytewise (the "last
 * resort"), unless -s (stable: equal lines keep their input order) or
 * -u (only the first of each run of equal lines is kept).
 *   -k F[.C][bfnr][,F[.C][bfnr]]  a key from field F (character C) to
 *       the end of field F (character C); without -t a field is a run
 *       of blanks and then non-blanks, with -t SEP fields are separated
 *       by SEP. A key with letters of its own ignores the global ones.
 *   -n numbers (optional '-', digits, optional fraction) compare by
 *       value, -f folds lower case to upper, -b skips leading blanks,
 *       -r reverses, -c only checks the order (status 1 when it is
 *       wrong), -o writes FILE (which may be an input) after reading.
 * The whole input is held in memory, so files as large as memory
 * allows; lines of any length. A merge sort keeps it stable. Errors
 * give status 2, as coreutils'. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

#define O_BLANK 1
#define O_FOLD 2
#define O_NUM 4
#define O_REV 8

struct key {
    int sfield, schar;         /* start: field and character, from 1 */
    int efield, echar;         /* end: field (0: end of line), character (0: end of field) */
    int opts;
    int sblank, eblank;        /* skip blanks before the start / before the end position */
};

struct line {
    const char *s;
    size_t len;
};

static struct key *keys;
static int nkeys, gopts, opt_stable, opt_unique, opt_check;
static int tab = -1;           /* the field separator, or -1 for blank runs */

_Noreturn static void fatal(const char *fmt, const char *arg)
{
    warnx(fmt, arg);
    exit(2);
}

static int is_blank(int c) { return c == ' ' || c == '\t'; }

/* From i, past n fields: with -t each field and the separator after
 * it (the last one's separator only when skip_last_sep), else each
 * run of blanks and the non-blanks after it. Never past the line. */
static size_t skip_fields(const struct line *l, size_t i, int n, int skip_last_sep)
{
    const char *s = l->s;
    size_t len = l->len;
    while (i < len && n-- > 0) {
        if (tab >= 0) {
            while (i < len && (unsigned char)s[i] != tab)
                i++;
            if (i < len && (n > 0 || skip_last_sep))
                i++;
        } else {
            while (i < len && is_blank(s[i]))
                i++;
            while (i < len && !is_blank(s[i]))
                i++;
        }
    }
    return i;
}

static size_t skip_blanks(const struct line *l, size_t i)
{
    while (i < l->len && is_blank(l->s[i]))
        i++;
    return i;
}

/* The part of the line key k looks at. As coreutils does it, character
 * offsets may run past their field, up to the end of the line. */
static void key_span(const struct line *l, const struct key *k, size_t *from, size_t *to)
{
    size_t a = skip_fields(l, 0, k->sfield - 1, 1);
    if (k->sblank)
        a = skip_blanks(l, a);
    a += (size_t)(k->schar - 1);
    if (a > l->len)
        a = l->len;
    size_t b = l->len;
    if (k->efield && k->echar == 0) {
        b = skip_fields(l, 0, k->efield, 0);
    } else if (k->efield) {
        b = skip_fields(l, 0, k->efield - 1, 1);
        if (k->eblank)
            b = skip_blanks(l, b);
        b += (size_t)k->echar;
        if (b > l->len)
            b = l->len;
    }
    *from = a;
    *to = b < a ? a : b;
}

/* A number's parts: sign, integer digits without leading zeros,
 * fraction digits without trailing zeros. */
struct num {
    int neg;
    const char *ip, *fp;
    size_t ilen, flen;
};

static void parse_num(const char *s, size_t n, struct num *v)
{
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    v->neg = i < n && s[i] == '-';
    i += (size_t)v->neg;
    while (i < n && s[i] == '0')
        i++;
    v->ip = s + i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    v->ilen = (size_t)(s + i - v->ip);
    v->fp = s + i;
    v->flen = 0;
    if (i < n && s[i] == '.') {
        v->fp = s + ++i;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
        v->flen = (size_t)(s + i - v->fp);
        while (v->flen && v->fp[v->flen - 1] == '0')
            v->flen--;
    }
    if (v->ilen == 0 && v->flen == 0)
        v->neg = 0;                            /* -0 is 0 */
}

static int cmp_digits(const char *a, size_t an, const char *b, size_t bn)
{
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r)
        return r;
    return an < bn ? -1 : an > bn;
}

static int cmp_num(const char *a, size_t an, const char *b, size_t bn)
{
    struct num x, y;
    parse_num(a, an, &x);
    parse_num(b, bn, &y);
    if (x.neg != y.neg)
        return x.neg ? -1 : 1;
    int r = x.ilen != y.ilen ? (x.ilen < y.ilen ? -1 : 1) : memcmp(x.ip, y.ip, x.ilen);
    if (!r)
        r = cmp_digits(x.fp, x.flen, y.fp, y.flen);
    return x.neg ? -r : r;
}

static int cmp_text(const char *a, size_t an, const char *b, size_t bn, int fold)
{
    if (!fold) {
        int r = memcmp(a, b, an < bn ? an : bn);
        return r ? r : an < bn ? -1 : an > bn;
    }
    for (size_t i = 0; i < an && i < bn; i++) {
        int x = toupper((unsigned char)a[i]), y = toupper((unsigned char)b[i]);
        if (x != y)
            return x - y;
    }
    return an < bn ? -1 : an > bn;
}

static int cmp_span(const char *a, size_t an, const char *b, size_t bn, int opts)
{
    int r = (opts & O_NUM) ? cmp_num(a, an, b, bn) : cmp_text(a, an, b, bn, opts & O_FOLD);
    return (opts & O_REV) ? -r : r;
}

/* By the keys only (what -u calls equal). */
static int cmp_keys(const struct line *a, const struct line *b)
{
    if (nkeys == 0) {
        const char *as = a->s, *bs = b->s;
        size_t an = a->len, bn = b->len;
        if (gopts & O_BLANK) {
            for (; an && is_blank(*as); an--)
                as++;
            for (; bn && is_blank(*bs); bn--)
                bs++;
        }
        return cmp_span(as, an, bs, bn, gopts);
    }
    for (int i = 0; i < nkeys; i++) {
        size_t af, at, bf, bt;
        key_span(a, &keys[i], &af, &at);
        key_span(b, &keys[i], &bf, &bt);
        int r = cmp_span(a->s + af, at - af, b->s + bf, bt - bf, keys[i].opts);
        if (r)
            return r;
    }
    return 0;
}

static int cmp_lines(const struct line *a, const struct line *b)
{
    int r = cmp_keys(a, b);
    if (r || opt_stable || opt_unique)
        return r;
    if (nkeys == 0 && !(gopts & (O_BLANK | O_FOLD | O_NUM)))
        return 0;                              /* the keys were the whole line */
    r = cmp_text(a->s, a->len, b->s, b->len, 0);
    return (gopts & O_REV) ? -r : r;
}

/* Stable merge sort of v[0..n) using tmp (n entries). */
static void merge_sort(struct line *v, struct line *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(v, tmp, h);
    merge_sort(v + h, tmp, n - h);
    if (cmp_lines(&v[h - 1], &v[h]) <= 0)
        return;                                /* already in order */
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_lines(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    memcpy(v, tmp, k * sizeof *v);
}

/* "F[.C][opts]" at s; returns the letters' options (-1 for none). */
static const char *parse_pos(const char *s, const char *spec, int *field, int *chr, int *opts,
                             int *blank, int is_end)
{
    char *end;
    long f = strtol(s, &end, 10);
    if (end == s || f < 0)
        fatal("invalid number at field start: invalid count at start of '%s'", s);
    if (f == 0)
        fatal("field number is zero: invalid field specification '%s'", spec);
    *field = (int)f;
    *chr = is_end ? 0 : 1;
    s = end;
    if (*s == '.') {
        long c = strtol(s + 1, &end, 10);
        if (end == s + 1 || c < 0)
            fatal("invalid number after '.': invalid count at start of '%s'", s + 1);
        if (c == 0 && !is_end)
            fatal("character offset is zero: invalid field specification '%s'", spec);
        *chr = (int)c;
        s = end;
    }
    for (; *s && *s != ','; s++) {
        switch (*s) {
        case 'b': *blank = 1; *opts = (*opts < 0 ? 0 : *opts) | O_BLANK; break;
        case 'f': *opts = (*opts < 0 ? 0 : *opts) | O_FOLD; break;
        case 'n': *opts = (*opts < 0 ? 0 : *opts) | O_NUM; break;
        case 'r': *opts = (*opts < 0 ? 0 : *opts) | O_REV; break;
        default: fatal("stray character in field spec: invalid field specification '%s'", spec);
        }
    }
    return s;
}

static void add_key(const char *spec)
{
    struct key k = { 0 };
    int opts = -1;
    const char *s = parse_pos(spec, spec, &k.sfield, &k.schar, &opts, &k.sblank, 0);
    if (*s == ',')
        parse_pos(s + 1, spec, &k.efield, &k.echar, &opts, &k.eblank, 1);
    if (opts < 0) {                            /* no letters: the global options */
        k.opts = gopts;
        k.sblank = k.eblank = (gopts & O_BLANK) != 0;
    } else {
        k.opts = opts;
    }
    keys = xrealloc(keys, (size_t)(nkeys + 1) * sizeof *keys);
    keys[nkeys++] = k;
}

/* Appends the lines of one input to *v. */
static int read_input(const char *name, struct line **v, size_t *n, size_t *cap)
{
    int stdin_ = strcmp(name, "-") == 0;
    int fd = stdin_ ? 0 : open(name, O_RDONLY);
    char *buf;
    size_t len;
    if (fd < 0 || read_all(fd, &buf, &len) < 0) {
        warn("cannot read: %s", name);
        if (fd > 0)
            close(fd);
        return -1;
    }
    if (!stdin_)
        close(fd);
    for (size_t i = 0; i < len;) {
        char *nl = memchr(buf + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - buf) : len;
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 1024;
            *v = xrealloc(*v, *cap * sizeof **v);
        }
        (*v)[(*n)++] = (struct line){ buf + i, e - i };
        i = e + 1;
    }
    return 0;
}

static int check_order(const struct line *v, size_t n, const char *name)
{
    for (size_t i = 1; i < n; i++) {
        int r = cmp_lines(&v[i - 1], &v[i]);
        if (r > 0 || (opt_unique && r == 0)) {
            fprintf(stderr, "sort: %s:%lu: disorder: %.*s\n", name, (unsigned long)(i + 1),
                    (int)v[i].len, v[i].s);
            return 1;
        }
    }
    return 0;
}

static int write_lines(const struct line *v, size_t n, const char *out)
{
    FILE *f = stdout;
    if (out && !(f = fopen(out, "w")))
        fatal("open failed: %s", out);
    for (size_t i = 0; i < n; i++) {
        if (opt_unique && i > 0 && cmp_keys(&v[i - 1], &v[i]) == 0)
            continue;
        fwrite(v[i].s, 1, v[i].len, f);
        fputc('\n', f);
    }
    if (fflush(f) != 0 || (out && fclose(f) != 0))
        fatal("write failed: %s", out ? out : "standard output");
    return 0;
}

int main(int argc, char **argv)
{
    prog = "sort";
    const char *out = NULL;
    char **kspecs = NULL;
    int c, nspecs = 0;
    while ((c = getopt(argc, argv, "bcfnrsuk:t:o:")) != -1) {
        switch (c) {
        case 'b': gopts |= O_BLANK; break;
        case 'f': gopts |= O_FOLD; break;
        case 'n': gopts |= O_NUM; break;
        case 'r': gopts |= O_REV; break;
        case 'c': opt_check = 1; break;
        case 's': opt_stable = 1; break;
        case 'u': opt_unique = 1; break;
        case 'o': out = optarg; break;
        case 'k':
            kspecs = xrealloc(kspecs, (size_t)(nspecs + 1) * sizeof *kspecs);
            kspecs[nspecs++] = optarg;
            break;
        case 't':
            if (optarg[0] && optarg[1])
                fatal("multi-character tab '%s'", optarg);
            if (!optarg[0])
                fatal("empty tab%s", "");
            tab = (unsigned char)optarg[0];
            break;
        default:
            fprintf(stderr, "usage: sort [-bcfnrsu] [-t SEP] [-k KEY]... [-o FILE] [file...]\n");
            return 2;
        }
    }
    for (int i = 0; i < nspecs; i++)            /* after all options: keys inherit them */
        add_key(kspecs[i]);
    struct line *v = NULL;
    size_t n = 0, cap = 0;
    char *dash[] = { "-", NULL };
    char **files = optind < argc ? argv + optind : dash;
    for (; *files; files++)
        if (read_input(*files, &v, &n, &cap) < 0)
            return 2;
    if (opt_check)
        return check_order(v, n, optind < argc ? argv[optind] : "-");
    struct line *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    merge_sort(v, tmp, n);
    return write_lines(v, n, out);
}
