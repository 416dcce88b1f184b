/* expand.c: from a raw word to the strings a command gets: quote
 * removal, ~ at the start, $NAME ${NAME} ${NAME:-word} ${NAME-word}
 * ${NAME:+word} ${NAME:=word} ${#NAME} ${NAME#pat} ${NAME##pat} ${NAME%pat}
 * ${NAME%%pat} $? $$ $! $# $0..$9 $@ $*, $(( ))
 * arithmetic, $( ) and `` command substitution, field splitting of
 * unquoted expansions at blanks (space, tab, newline), then pathname
 * expansion (* ? [...]) of fields with unquoted pattern characters; a
 * pattern that matches nothing stays as it is. "$@" gives one field per
 * positional parameter. Each field is built twice: as text, and as a
 * pattern in which quoted pattern characters are escaped with '\'.
 * Results live in the arena. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct fields {
    char **v;
    int n, cap;
    char *buf;              /* the field being built */
    char *pat;              /* the same as a glob pattern */
    size_t len, plen, bcap;
    int started;            /* a field exists even if empty ("" or '') */
    int split;              /* split unquoted expansions, expand patterns */
    int glob;               /* an unquoted * ? or [ is in the field */
};

int expand_failed;

static void putc_field(struct fields *f, char c, int quoted)
{
    if (f->plen + 2 >= f->bcap) {
        size_t ncap = f->bcap ? f->bcap * 2 : 64;
        char *b = arena_alloc(ncap), *p = arena_alloc(ncap);
        if (f->len)
            memcpy(b, f->buf, f->len);
        if (f->plen)
            memcpy(p, f->pat, f->plen);
        f->buf = b;
        f->pat = p;
        f->bcap = ncap;
    }
    f->buf[f->len++] = c;
    if (quoted && strchr("*?[\\", c))
        f->pat[f->plen++] = '\\';
    else if (!quoted && strchr("*?[", c))
        f->glob = 1;
    f->pat[f->plen++] = c;
    f->started = 1;
}

static void add_field(struct fields *f, char *s)
{
    if (f->n + 1 >= f->cap) {
        int ncap = f->cap ? f->cap * 2 : 8;
        char **v = arena_alloc((size_t)ncap * sizeof *v);
        if (f->n)
            memcpy(v, f->v, (size_t)f->n * sizeof *v);
        f->v = v;
        f->cap = ncap;
    }
    f->v[f->n++] = s;
}

static void end_field(struct fields *f)
{
    if (!f->started)
        return;
    char **matches;
    int n = 0;
    if (f->glob && f->split) {
        f->pat[f->plen] = 0;
        n = glob_expand(f->pat, &matches);
    }
    if (n > 0)
        for (int i = 0; i < n; i++)
            add_field(f, matches[i]);
    else
        add_field(f, arena_strndup(f->buf ? f->buf : "", f->len));
    f->len = f->plen = 0;
    f->started = f->glob = 0;
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
            putc_field(f, *v, quoted);
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
                putc_field(f, ' ', 1);
            else
                end_field(f);
        }
        put_value(f, v[i], quoted);
    }
}

/* ${NAME#pat} and friends: op is at the # or %, end at the brace. */
static const char *trim(const char *v, const char *op, const char *end)
{
    int longest = op[1] == op[0];
    char *pat = expand_one(arena_strndup(op + 1 + longest, (size_t)(end - op - 1 - longest)));
    size_t len = strlen(v);
    char *tmp = arena_strdup(v);
    if (*op == '#') {
        for (size_t k = 0; k <= len; k++) {
            size_t i = longest ? len - k : k;
            char c = tmp[i];
            tmp[i] = 0;
            int m = glob_match(pat, tmp);
            tmp[i] = c;
            if (m)
                return v + i;
        }
    } else {
        for (size_t k = 0; k <= len; k++) {
            size_t i = longest ? k : len - k;
            if (glob_match(pat, v + i))
                return arena_strndup(v, i);
        }
    }
    return v;
}

/* ${...}: s is after "${", end at the closing brace. */
static void braced(struct fields *f, const char *s, const char *end, int quoted)
{
    char name[128], buf[16];
    int length = *s == '#' && end - s > 1;
    if (length)
        s++;
    size_t n = 0;
    if (isdigit((unsigned char)*s))
        while (s + n < end && isdigit((unsigned char)s[n]))
            n++;
    else if (*s && strchr("?$!#@*", *s))
        n = 1;
    else
        while (s + n < end && (isalnum((unsigned char)s[n]) || s[n] == '_'))
            n++;
    if (n == 0 || n >= sizeof name) {
        sh_error("${%.*s}: bad substitution", (int)(end - s), s);
        expand_failed = 1;
        return;
    }
    memcpy(name, s, n);
    name[n] = 0;
    const char *value = isdigit((unsigned char)*name) ? var_positional(atoi(name))
                        : n == 1 && !isalpha((unsigned char)*name) && *name != '_'
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
    if (*op == '#' || *op == '%') {
        put_value(f, trim(value ? value : "", op, end), quoted);
        return;
    }
    int colon = *op == ':';
    char kind = op[colon];
    const char *word = op + colon + 1;
    int set = value && (!colon || *value);
    if (kind != '-' && kind != '+' && kind != '=') {
        sh_error("${%.*s}: bad substitution", (int)(end - s), s);
        expand_failed = 1;
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
    if (*s == '(') {
        const char *end = paren_end(s);
        if (!end) {
            putc_field(f, '$', quoted);
            return s;
        }
        if (s[1] == '(' && end[-2] == ')' && end - s >= 4) {
            long v;
            if (arith_eval(expand_one(arena_strndup(s + 2, (size_t)(end - s - 4))), &v) < 0) {
                expand_failed = 1;
                return end;
            }
            sprintf(buf, "%ld", v);
            put_value(f, buf, quoted);
            return end;
        }
        put_value(f, command_output(arena_strndup(s + 1, (size_t)(end - s - 2))), quoted);
        return end;
    }
    if (*s == '{') {
        const char *end = strchr(s, '}');
        if (!end) {
            putc_field(f, '$', quoted);
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
        putc_field(f, '$', quoted);
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
                putc_field(f, *s, 1);
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
                    putc_field(f, s[1], 1);
                s += s[1] ? 2 : 1;
            } else {
                putc_field(f, '\\', 1);
                s++;
            }
        } else if (c == '`') {
            const char *end = strchr(s + 1, '`');
            if (!end)
                end = s + strlen(s);
            put_value(f, command_output(arena_strndup(s + 1, (size_t)(end - s - 1))), dq);
            s = *end ? end + 1 : end;
        } else if (c == '$') {
            s = dollar(f, s, dq);
        } else {
            putc_field(f, c, dq);
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

char *expand_pattern(const char *raw)
{
    struct fields f;
    memset(&f, 0, sizeof f);
    expand_raw(&f, raw, 0);
    return arena_strndup(f.pat ? f.pat : "", f.plen);
}
