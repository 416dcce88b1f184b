/* expand.c: from a raw word to the strings a command gets: quote
 * removal, ~ at the start, $NAME ${NAME} ${NAME:-word} ${NAME-word}
 * ${NAME:+word} ${#NAME} $? $$ $! $# $0..$9 $@ $*, and field splitting of
 * unquoted expansions at blanks (space, tab, newline). "$@" gives one
 * field per positional parameter. There is no globbing and no command
 * substitution. Results live in the arena. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "sh.h"

struct fields {
    char **v;
    int n, cap;
    char *buf;              /* the field being built */
    size_t len, bcap;
    int started;            /* a field exists even if empty ("" or '') */
    int split;              /* split unquoted expansions */
};

static void putc_field(struct fields *f, char c)
{
    if (f->len + 1 >= f->bcap) {
        size_t ncap = f->bcap ? f->bcap * 2 : 64;
        char *b = arena_alloc(ncap);
        if (f->len)
            memcpy(b, f->buf, f->len);
        f->buf = b;
        f->bcap = ncap;
    }
    f->buf[f->len++] = c;
    f->started = 1;
}

static void end_field(struct fields *f)
{
    if (!f->started)
        return;
    if (f->n + 1 >= f->cap) {
        int ncap = f->cap ? f->cap * 2 : 8;
        char **v = arena_alloc((size_t)ncap * sizeof *v);
        if (f->n)
            memcpy(v, f->v, (size_t)f->n * sizeof *v);
        f->v = v;
        f->cap = ncap;
    }
    f->v[f->n++] = arena_strndup(f->buf ? f->buf : "", f->len);
    f->len = 0;
    f->started = 0;
}

/* Add an expansion's value: split at blanks unless quoted. */
static void put_value(struct fields *f, const char *v, int quoted)
{
    if (!v)
        return;
    for (; *v; v++) {
        if (!quoted && f->split && (*v == ' ' || *v == '\t' || *v == '\n'))
            end_field(f);
        else
            putc_field(f, *v);
    }
}

static const char *special(char c, char *buf)
{
    switch (c) {
    case '?': sprintf(buf, "%d", last_status); return buf;
    case '$': sprintf(buf, "%d", (int)shell_pid); return buf;
    case '!':
        if (!last_bg_pid)
            return "";
        sprintf(buf, "%d", (int)last_bg_pid);
        return buf;
    case '#': sprintf(buf, "%d", var_npositional()); return buf;
    }
    if (c >= '0' && c <= '9')
        return var_positional(c - '0');
    return NULL;
}

static void expand_raw(struct fields *f, const char *s, int quoted);

/* $@ and $*: positional parameters; quoted $@ keeps one field each. */
static void positionals(struct fields *f, char which, int quoted)
{
    char **v = var_positionals();
    for (int i = 0; v[i]; i++) {
        if (i > 0) {
            if (quoted && which == '@')
                end_field(f);
            else if (quoted)
                putc_field(f, ' ');
            else
                end_field(f);
        }
        put_value(f, v[i], quoted);
    }
}

/* ${...}: s is after "${", end at the closing brace. */
static void braced(struct fields *f, const char *s, const char *end, int quoted)
{
    char name[128], buf[16];
    int length = *s == '#' && end - s > 1;
    if (length)
        s++;
    size_t n = 0;
    if (*s && strchr("?$!#@*0123456789", *s))
        n = 1;
    else
        while (s + n < end && (isalnum((unsigned char)s[n]) || s[n] == '_'))
            n++;
    if (n == 0 || n >= sizeof name) {
        sh_error("${%.*s}: bad substitution", (int)(end - s), s);
        return;
    }
    memcpy(name, s, n);
    name[n] = 0;
    const char *value = n == 1 && !isalpha((unsigned char)*name) && *name != '_'
                            ? special(*name, buf) : var_get(name);
    const char *op = s + n;
    if (length) {
        sprintf(buf, "%d", value ? (int)strlen(value) : 0);
        put_value(f, buf, 1);
        return;
    }
    if (op == end) {
        if (n == 1 && (*name == '@' || *name == '*'))
            positionals(f, *name, quoted);
        else
            put_value(f, value, quoted);
        return;
    }
    int colon = *op == ':';
    char kind = op[colon];
    const char *word = op + colon + 1;
    int set = value && (!colon || *value);
    if (kind != '-' && kind != '+' && kind != '=') {
        sh_error("${%.*s}: bad substitution", (int)(end - s), s);
        return;
    }
    if ((kind == '-' || kind == '=') && !set) {
        char *w = arena_strndup(word, (size_t)(end - word));
        if (kind == '=')
            var_set(name, expand_one(w), 0);
        expand_raw(f, w, quoted);
    } else if (kind == '+' && set) {
        expand_raw(f, arena_strndup(word, (size_t)(end - word)), quoted);
    } else if (kind != '+') {
        put_value(f, value, quoted);
    }
}

/* A $ at s: expand it, return the text after it. */
static const char *dollar(struct fields *f, const char *s, int quoted)
{
    char buf[16];
    s++;
    if (*s == '{') {
        const char *end = strchr(s, '}');
        if (!end) {
            putc_field(f, '$');
            return s;
        }
        braced(f, s + 1, end, quoted);
        return end + 1;
    }
    if (*s == '@' || *s == '*') {
        positionals(f, *s, quoted);
        return s + 1;
    }
    if (*s && strchr("?$!#0123456789", *s)) {
        put_value(f, special(*s, buf), quoted);
        return s + 1;
    }
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    if (n == 0 || isdigit((unsigned char)*s)) {
        putc_field(f, '$');
        return s;
    }
    char *name = arena_strndup(s, n);
    put_value(f, var_get(name), quoted);
    return s + n;
}

static void expand_raw(struct fields *f, const char *s, int quoted)
{
    if (!quoted && s[0] == '~' && (s[1] == 0 || s[1] == '/')) {
        const char *home = var_get("HOME");
        put_value(f, home ? home : "~", 1);
        s++;
    }
    int dq = quoted;
    while (*s) {
        char c = *s;
        if (c == '\'' && !dq) {
            const char *end = strchr(s + 1, '\'');
            if (!end)
                end = s + strlen(s);
            f->started = 1;
            for (s++; s < end; s++)
                putc_field(f, *s);
            if (*s)
                s++;
        } else if (c == '"' && !quoted) {
            dq = !dq;
            f->started = 1;
            s++;
        } else if (c == '\\') {
            if (s[1] == '\n') {
                s += 2;
            } else if (!dq || (s[1] && strchr("$`\"\\", s[1]))) {
                if (s[1])
                    putc_field(f, s[1]);
                s += s[1] ? 2 : 1;
            } else {
                putc_field(f, '\\');
                s++;
            }
        } else if (c == '$') {
            s = dollar(f, s, dq);
        } else {
            putc_field(f, c);
            s++;
        }
    }
}

char **expand_words(char **raw, int *count)
{
    struct fields f;
    memset(&f, 0, sizeof f);
    f.split = 1;
    for (int i = 0; raw[i]; i++) {
        expand_raw(&f, raw[i], 0);
        end_field(&f);
    }
    end_field(&f);
    if (f.n + 1 >= f.cap) {
        char **v = arena_alloc((size_t)(f.n + 1) * sizeof *v);
        if (f.n)
            memcpy(v, f.v, (size_t)f.n * sizeof *v);
        f.v = v;
    }
    f.v[f.n] = NULL;
    *count = f.n;
    return f.v;
}

char *expand_one(const char *raw)
{
    struct fields f;
    memset(&f, 0, sizeof f);
    expand_raw(&f, raw, 0);
    f.started = 1;
    end_field(&f);
    return f.v[0];
}
