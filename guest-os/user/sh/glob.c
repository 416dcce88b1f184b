/* glob.c: pathname expansion. A pattern is matched one path component at
 * a time against directory entries: * any string, ? any character,
 * [abc] [a-z] [!x] [^x] a set, \c the character c itself. A leading '.'
 * in a name is matched only by a '.' in the pattern. Matches are sorted;
 * none at all is 0 and the caller keeps the word as written. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "sh.h"

struct matches {
    char **v;
    int n, cap;
};

/* [set] at p (after the '['): does it hold c? *end is set past ']'. */
static int in_set(const char *p, char c, const char **end)
{
    int negate = *p == '!' || *p == '^', found = 0;
    if (negate)
        p++;
    const char *start = p;
    for (; *p && (*p != ']' || p == start); p++) {
        char lo = *p == '\\' && p[1] ? *++p : *p, hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hi = p[2] == '\\' && p[3] ? p[3] : p[2];
            p += p[2] == '\\' && p[3] ? 3 : 2;
        }
        if (c >= lo && c <= hi)
            found = 1;
    }
    if (*p != ']')
        return -1;              /* no closing bracket: '[' is literal */
    *end = p + 1;
    return found != negate;
}

int glob_match(const char *p, const char *s)
{
    for (; *p; p++, s++) {
        switch (*p) {
        case '*':
            while (p[1] == '*')
                p++;
            for (const char *t = s;; t++) {
                if (glob_match(p + 1, t))
                    return 1;
                if (!*t)
                    return 0;
            }
        case '?':
            if (!*s)
                return 0;
            break;
        case '[': {
            const char *end;
            int r = *s ? in_set(p + 1, *s, &end) : 0;
            if (r < 0) {
                if (*s != '[')
                    return 0;
                break;
            }
            if (!r)
                return 0;
            p = end - 1;
            break;
        }
        case '\\':
            if (p[1])
                p++;
            /* fall through */
        default:
            if (*p != *s)
                return 0;
        }
    }
    return *s == 0;
}

static int has_meta(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\')
            i++;
        else if (p[i] == '*' || p[i] == '?' || p[i] == '[')
            return 1;
    }
    return 0;
}

static void add(struct matches *m, const char *s)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        char **v = arena_alloc((size_t)m->cap * sizeof *v);
        if (m->n)
            memcpy(v, m->v, (size_t)m->n * sizeof *v);
        m->v = v;
    }
    m->v[m->n++] = arena_strdup(s);
}

/* base (empty, or ending in '/') is done; rest is what is left. */
static void walk(const char *base, const char *rest, struct matches *m)
{
    struct stat st;
    if (!*rest) {
        if (*base && lstat(base, &st) == 0)
            add(m, base);
        return;
    }
    const char *slash = strchr(rest, '/');
    size_t clen = slash ? (size_t)(slash - rest) : strlen(rest);
    const char *next = slash ? slash + 1 : "";
    size_t blen = strlen(base);
    if (!has_meta(rest, clen)) {
        char *nb = arena_alloc(blen + clen + 2), *q = nb + blen;
        memcpy(nb, base, blen);
        for (size_t i = 0; i < clen; i++) {
            if (rest[i] == '\\' && i + 1 < clen)
                i++;
            *q++ = rest[i];
        }
        if (slash)
            *q++ = '/';
        *q = 0;
        walk(nb, next, m);
        return;
    }
    char *comp = arena_strndup(rest, clen);
    DIR *d = opendir(*base ? base : ".");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && comp[0] != '.')
            continue;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            if (strcmp(comp, e->d_name) != 0)
                continue;
        if (!glob_match(comp, e->d_name))
            continue;
        size_t nl = strlen(e->d_name);
        char *nb = arena_alloc(blen + nl + 2);
        memcpy(nb, base, blen);
        memcpy(nb + blen, e->d_name, nl);
        nb[blen + nl] = slash ? '/' : 0;
        nb[blen + nl + 1] = 0;
        walk(nb, next, m);
    }
    closedir(d);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int glob_expand(const char *pattern, char ***out)
{
    struct matches m = { NULL, 0, 0 };
    if (pattern[0] == '/')
        walk("/", pattern + 1, &m);
    else
        walk("", pattern, &m);
    if (m.n)
        qsort(m.v, (size_t)m.n, sizeof *m.v, by_name);
    *out = m.v;
    return m.n;
}
