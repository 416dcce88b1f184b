/* env.c: the environment. environ starts as the kernel's array; the
 * first change copies it to the heap, so later changes can grow it.
 * Strings made by setenv are never freed (another pointer to them may
 * still be in use, as with every libc); putenv's strings are the
 * caller's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char **owned;    /* environ, once it is our own heap array */

static size_t env_count(void)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    return n;
}

static int name_ok(const char *name)
{
    return name && *name && !strchr(name, '=');
}

static char **find(const char *name, size_t len)
{
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
            return e;
    return NULL;
}

char *getenv(const char *name)
{
    size_t len = strlen(name);
    char **e = find(name, len);
    return e ? *e + len + 1 : NULL;
}

/* Put s in the environment, replacing the entry for the same name. */
static int env_put(char *s, size_t namelen)
{
    char **e = find(s, namelen);
    if (e) {
        *e = s;
        return 0;
    }
    size_t n = env_count();
    char **grown = malloc((n + 2) * sizeof(char *));
    if (!grown)
        return -1;
    if (n)
        memcpy(grown, environ, n * sizeof(char *));
    grown[n] = s;
    grown[n + 1] = NULL;
    free(owned);
    environ = owned = grown;
    return 0;
}

int setenv(const char *name, const char *value, int overwrite)
{
    if (!name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    size_t nl = strlen(name), vl = strlen(value);
    if (!overwrite && find(name, nl))
        return 0;
    char *s = malloc(nl + vl + 2);
    if (!s)
        return -1;
    memcpy(s, name, nl);
    s[nl] = '=';
    memcpy(s + nl + 1, value, vl + 1);
    return env_put(s, nl);
}

int putenv(char *string)
{
    char *eq = strchr(string, '=');
    if (!eq || eq == string) {
        errno = EINVAL;
        return -1;
    }
    return env_put(string, (size_t)(eq - string));
}

int unsetenv(const char *name)
{
    if (!name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    size_t len = strlen(name);
    char **e;
    while ((e = find(name, len)))
        do
            e[0] = e[1];
        while (*e++);
    return 0;
}

int clearenv(void)
{
    free(owned);
    owned = NULL;
    environ = NULL;
    return 0;
}
