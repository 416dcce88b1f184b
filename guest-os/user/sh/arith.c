/* arith.c: $(( )) arithmetic on longs, by recursive descent with C's
 * precedence: || && | ^ & == != < <= > >= << >> + - * / % and unary
 * + - ! ~, parentheses, numbers (10, 0x1f, 017) and variable names (an
 * unset or empty one is 0). Division by zero and bad syntax are errors. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct arith {
    const char *p;
    const char *err;
    int depth;              /* of parentheses and unary operators */
};

#define MAX_DEPTH 1000

static void skip(struct arith *a)
{
    while (isspace((unsigned char)*a->p))
        a->p++;
}

static int op(struct arith *a, const char *o)
{
    skip(a);
    size_t n = strlen(o);
    if (strncmp(a->p, o, n) != 0)
        return 0;
    /* "<" must not take the first half of "<<" or "<=", and so on */
    if (n == 1 && a->p[1] && strchr("<>&|=", o[0]) && (a->p[1] == o[0] || a->p[1] == '='))
        return 0;
    if (n == 1 && o[0] == '!' && a->p[1] == '=')
        return 0;
    a->p += n;
    return 1;
}

static long expr(struct arith *a);

static long unary(struct arith *a);

static long primary(struct arith *a)
{
    if (++a->depth > MAX_DEPTH) {
        a->err = "expression nested too deeply";
        a->p += strlen(a->p);
        return 0;
    }
    long v = unary(a);
    a->depth--;
    return v;
}

static long unary(struct arith *a)
{
    skip(a);
    if (op(a, "(")) {
        long v = expr(a);
        if (!op(a, ")"))
            a->err = "missing `)'";
        return v;
    }
    if (op(a, "-"))
        return -primary(a);
    if (op(a, "+"))
        return primary(a);
    if (op(a, "!"))
        return !primary(a);
    if (op(a, "~"))
        return ~primary(a);
    if (isdigit((unsigned char)*a->p)) {
        char *end;
        long v = strtol(a->p, &end, 0);
        if (isalnum((unsigned char)*end))
            a->err = "value too great for base";
        a->p = end;
        return v;
    }
    if (isalpha((unsigned char)*a->p) || *a->p == '_') {
        const char *s = a->p;
        while (isalnum((unsigned char)*a->p) || *a->p == '_')
            a->p++;
        const char *v = var_get(arena_strndup(s, (size_t)(a->p - s)));
        return v && *v ? strtol(v, NULL, 0) : 0;
    }
    a->err = *a->p ? "syntax error: operand expected" : "syntax error: operand expected";
    return 0;
}

static long mul(struct arith *a)
{
    long v = primary(a);
    for (;;) {
        int o = op(a, "*") ? '*' : op(a, "/") ? '/' : op(a, "%") ? '%' : 0;
        if (!o)
            return v;
        long r = primary(a);
        if (o == '*') {
            v *= r;
        } else if (r == 0) {
            a->err = "division by 0";
            return 0;
        } else if (v == (long)0x80000000 && r == -1) {
            v = o == '/' ? v : 0;
        } else {
            v = o == '/' ? v / r : v % r;
        }
    }
}

static long add(struct arith *a)
{
    long v = mul(a);
    for (;;) {
        if (op(a, "+"))
            v += mul(a);
        else if (op(a, "-"))
            v -= mul(a);
        else
            return v;
    }
}

static long shift(struct arith *a)
{
    long v = add(a);
    for (;;) {
        if (op(a, "<<"))
            v = (long)((unsigned long)v << (add(a) & 31));
        else if (op(a, ">>"))
            v >>= add(a) & 31;
        else
            return v;
    }
}

static long compare(struct arith *a)
{
    long v = shift(a);
    for (;;) {
        if (op(a, "<="))
            v = v <= shift(a);
        else if (op(a, ">="))
            v = v >= shift(a);
        else if (op(a, "<"))
            v = v < shift(a);
        else if (op(a, ">"))
            v = v > shift(a);
        else
            return v;
    }
}

static long equal(struct arith *a)
{
    long v = compare(a);
    for (;;) {
        if (op(a, "=="))
            v = v == compare(a);
        else if (op(a, "!="))
            v = v != compare(a);
        else
            return v;
    }
}

static long bitand(struct arith *a)
{
    long v = equal(a);
    while (op(a, "&"))
        v &= equal(a);
    return v;
}

static long bitxor(struct arith *a)
{
    long v = bitand(a);
    while (op(a, "^"))
        v ^= bitand(a);
    return v;
}

static long bitor(struct arith *a)
{
    long v = bitxor(a);
    while (op(a, "|"))
        v |= bitxor(a);
    return v;
}

static long logand(struct arith *a)
{
    long v = bitor(a);
    while (op(a, "&&")) {
        long r = bitor(a);
        v = v && r;
    }
    return v;
}

static long expr(struct arith *a)
{
    long v = logand(a);
    while (op(a, "||")) {
        long r = logand(a);
        v = v || r;
    }
    return v;
}

int arith_eval(const char *text, long *result)
{
    struct arith a = { text, NULL, 0 };
    long v = expr(&a);
    skip(&a);
    if (!a.err && *a.p)
        a.err = "syntax error in expression";
    if (a.err) {
        sh_error("%s: %s", text, a.err);
        return -1;
    }
    *result = v;
    return 0;
}
