/* test.c: the test and [ builtin. Expressions: ! e, e -a e, e -o e,
 * ( e ), -n s, -z s, s, s = s, s != s, n -eq -ne -lt -le -gt -ge n, and
 * the file tests -e -f -d -r -w -x -s -L -h -p -c -b. Status 0 true, 1
 * false, 2 for a malformed expression (with a message). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

struct test {
    char **argv;
    int argc, pos;
    int error;
};

static const char *next(struct test *t)
{
    return t->pos < t->argc ? t->argv[t->pos] : NULL;
}

static int bad(struct test *t, const char *msg, const char *arg)
{
    if (!t->error)
        sh_error("test: %s%s%s", arg ? arg : "", arg ? ": " : "", msg);
    t->error = 1;
    return 0;
}

static int integer(struct test *t, const char *s, long *v)
{
    char *end;
    while (*s == ' ' || *s == '\t')
        s++;
    *v = strtol(s, &end, 10);
    if (!*s || *end)
        return bad(t, "integer expression expected", s);
    return 1;
}

static int file_test(char op, const char *path)
{
    struct stat st;
    if (op == 'L' || op == 'h')
        return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
    if (op == 'r' || op == 'w' || op == 'x')
        return access(path, op == 'r' ? R_OK : op == 'w' ? W_OK : X_OK) == 0;
    if (stat(path, &st) < 0)
        return 0;
    switch (op) {
    case 'e': return 1;
    case 'f': return S_ISREG(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 's': return st.st_size > 0;
    case 'p': return S_ISFIFO(st.st_mode);
    case 'c': return S_ISCHR(st.st_mode);
    case 'b': return S_ISBLK(st.st_mode);
    }
    return 0;
}

static int is_binary(const char *op)
{
    static const char *const ops[] = { "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge",
                                       NULL };
    for (int i = 0; op && ops[i]; i++)
        if (strcmp(op, ops[i]) == 0)
            return 1;
    return 0;
}

static int binary(struct test *t, const char *a, const char *op, const char *b)
{
    if (!strcmp(op, "=") || !strcmp(op, "=="))
        return strcmp(a, b) == 0;
    if (!strcmp(op, "!="))
        return strcmp(a, b) != 0;
    long x, y;
    if (!integer(t, a, &x) || !integer(t, b, &y))
        return 0;
    if (!strcmp(op, "-eq")) return x == y;
    if (!strcmp(op, "-ne")) return x != y;
    if (!strcmp(op, "-lt")) return x < y;
    if (!strcmp(op, "-le")) return x <= y;
    if (!strcmp(op, "-gt")) return x > y;
    return x >= y;
}

static int or_expr(struct test *t);

static int primary(struct test *t)
{
    const char *a = next(t);
    if (!a)
        return bad(t, "argument expected", NULL);
    t->pos++;
    if (!strcmp(a, "!"))
        return !primary(t);
    if (!strcmp(a, "(") && t->pos < t->argc) {
        int v = or_expr(t);
        if (!next(t) || strcmp(next(t), ")") != 0)
            return bad(t, "`)' expected", NULL);
        t->pos++;
        return v;
    }
    if (is_binary(next(t)) && t->pos + 1 < t->argc) {
        const char *op = next(t);
        t->pos += 2;
        return binary(t, a, op, t->argv[t->pos - 1]);
    }
    if (a[0] == '-' && a[1] && !a[2] && strchr("nzefdrwxsLhpcb", a[1]) && next(t)) {
        const char *arg = next(t);
        t->pos++;
        if (a[1] == 'n')
            return *arg != 0;
        if (a[1] == 'z')
            return *arg == 0;
        return file_test(a[1], arg);
    }
    return *a != 0;
}

static int and_expr(struct test *t)
{
    int v = primary(t);
    while (next(t) && !strcmp(next(t), "-a")) {
        t->pos++;
        v = primary(t) && v;
    }
    return v;
}

static int or_expr(struct test *t)
{
    int v = and_expr(t);
    while (next(t) && !strcmp(next(t), "-o")) {
        t->pos++;
        v = and_expr(t) || v;
    }
    return v;
}

int test_main(int argc, char **argv)
{
    if (!strcmp(argv[0], "[")) {
        if (strcmp(argv[argc - 1], "]") != 0) {
            sh_error("[: missing `]'");
            return 2;
        }
        argc--;
    }
    struct test t = { argv, argc, 1, 0 };
    if (argc == 1)
        return 1;
    int v = or_expr(&t);
    if (!t.error && t.pos < t.argc)
        bad(&t, "too many arguments", NULL);
    return t.error ? 2 : !v;
}
