/* var.c: shell variables and positional parameters. Every variable from
 * the environment is exported; a new one is not until `export`. The
 * environment of a command is built fresh from the exported variables
 * plus the command's own NAME=value words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct var {
    char *name, *value;
    int exported;
    struct var *next;
};

static struct var *vars;
static char *zero;
static char **params;       /* $1..., NULL-terminated, malloc'd */
static int nparams;

int var_name_ok(const char *s, size_t n)
{
    if (n == 0 || !(s[0] == '_' || ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z')))
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!(c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z')))
            return 0;
    }
    return 1;
}

static struct var *find(const char *name)
{
    for (struct var *v = vars; v; v = v->next)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

const char *var_get(const char *name)
{
    struct var *v = find(name);
    return v ? v->value : NULL;
}

int var_set(const char *name, const char *value, int export)
{
    struct var *v = find(name);
    char *copy = strdup(value);
    if (!copy)
        return -1;
    if (!v) {
        v = calloc(1, sizeof *v);
        if (!v || !(v->name = strdup(name))) {
            free(v);
            free(copy);
            return -1;
        }
        v->next = vars;
        vars = v;
    }
    free(v->value);
    v->value = copy;
    if (export || v->exported == 2)
        v->exported = 1;
    return 0;
}

int var_unset(const char *name)
{
    for (struct var **p = &vars; *p; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            struct var *v = *p;
            *p = v->next;
            free(v->name);
            free(v->value);
            free(v);
            return 0;
        }
    }
    return 0;
}

void var_export(const char *name)
{
    struct var *v = find(name);
    if (v)
        v->exported = 1;
    else if (var_set(name, "", 1) == 0)
        find(name)->exported = 2;   /* exported but with no value yet */
}

void var_import(char **envp)
{
    for (char **e = envp; e && *e; e++) {
        char *eq = strchr(*e, '=');
        if (!eq || !var_name_ok(*e, (size_t)(eq - *e)))
            continue;
        char name[256];
        size_t n = (size_t)(eq - *e);
        if (n >= sizeof name)
            continue;
        memcpy(name, *e, n);
        name[n] = 0;
        var_set(name, eq + 1, 1);
    }
}

/* In the arena: the exported variables, overridden by extra (NAME=value). */
char **var_environ(char **extra, int nextra)
{
    int n = nextra;
    for (struct var *v = vars; v; v = v->next)
        n++;
    char **env = arena_alloc((size_t)(n + 1) * sizeof *env);
    int k = 0;
    for (int i = 0; i < nextra; i++)
        env[k++] = extra[i];
    for (struct var *v = vars; v; v = v->next) {
        if (v->exported != 1)
            continue;
        size_t nl = strlen(v->name);
        int shadowed = 0;
        for (int i = 0; i < nextra; i++)
            if (strncmp(extra[i], v->name, nl) == 0 && extra[i][nl] == '=')
                shadowed = 1;
        if (shadowed)
            continue;
        char *s = arena_alloc(nl + strlen(v->value) + 2);
        sprintf(s, "%s=%s", v->name, v->value);
        env[k++] = s;
    }
    env[k] = NULL;
    return env;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct var *const *)a)->name, (*(struct var *const *)b)->name);
}

static void print_quoted(const char *v)
{
    putchar('\'');
    for (const char *p = v; *p; p++)
        if (*p == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*p);
    putchar('\'');
}

static struct var **sorted(int exported_only, int *count)
{
    int n = 0;
    for (struct var *v = vars; v; v = v->next)
        n++;
    struct var **list = arena_alloc((size_t)(n ? n : 1) * sizeof *list);
    n = 0;
    for (struct var *v = vars; v; v = v->next)
        if (!exported_only || v->exported)
            list[n++] = v;
    qsort(list, (size_t)n, sizeof *list, by_name);
    *count = n;
    return list;
}

void var_print_all(void)
{
    int n;
    struct var **list = sorted(0, &n);
    for (int i = 0; i < n; i++) {
        if (list[i]->exported == 2)
            continue;
        printf("%s=", list[i]->name);
        print_quoted(list[i]->value);
        putchar('\n');
    }
    fflush(stdout);
}

void var_print_exports(void)
{
    int n;
    struct var **list = sorted(1, &n);
    for (int i = 0; i < n; i++) {
        printf("export %s", list[i]->name);
        if (list[i]->exported != 2) {
            putchar('=');
            print_quoted(list[i]->value);
        }
        putchar('\n');
    }
    fflush(stdout);
}

/* The strings are copied: `set --` passes words from the arena. */
void var_set_positional(char *name, int argc, char **argv)
{
    if (name)
        zero = name;
    for (int i = 0; params && params[i]; i++)
        free(params[i]);
    free(params);
    params = calloc((size_t)argc + 1, sizeof *params);
    if (!params) {
        nparams = 0;
        return;
    }
    for (int i = 0; i < argc; i++)
        if (!(params[i] = strdup(argv[i])))
            argc = i;
    nparams = argc;
}

int var_shift(int n)
{
    if (n < 0 || n > nparams)
        return -1;
    for (int i = 0; i < n; i++)
        free(params[i]);
    memmove(params, params + n, (size_t)(nparams - n + 1) * sizeof *params);
    nparams -= n;
    return 0;
}

const char *var_positional(int n)
{
    if (n == 0)
        return zero;
    if (n < 0)
        return NULL;
    return n <= nparams ? params[n - 1] : NULL;
}

int var_npositional(void)
{
    return nparams;
}

char **var_positionals(void)
{
    static char *none[1];
    return params ? params : none;
}
