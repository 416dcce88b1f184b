/* exec.c: execv and the PATH-searching execvp/execvpe. A name with a
 * slash is used as it is; otherwise each PATH entry is tried in order (an
 * empty entry is the current directory). A file that is not a valid
 * executable (ENOEXEC) is run as a script by /bin/sh, as POSIX says. The
 * error reported is EACCES if some candidate existed but was refused,
 * otherwise the last one seen. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

static void exec_script(const char *path, char *const argv[], char *const envp[])
{
    int n = 0;
    while (argv[n])
        n++;
    char **nargv = malloc((n + 2) * sizeof(char *));
    if (!nargv)
        return;
    nargv[0] = "sh";
    nargv[1] = (char *)path;
    for (int i = 1; i <= n; i++)
        nargv[i + 1] = argv[i];
    execve("/bin/sh", nargv, envp);
    free(nargv);
    errno = ENOEXEC;
}

static void try_exec(const char *path, char *const argv[], char *const envp[])
{
    execve(path, argv, envp);
    if (errno == ENOEXEC)
        exec_script(path, argv, envp);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
    if (!*file) {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/')) {
        try_exec(file, argv, envp);
        return -1;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin:/sbin:/usr/bin";
    size_t flen = strlen(file);
    int denied = 0;
    char buf[PATH_MAX];
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t dlen = end ? (size_t)(end - p) : strlen(p);
        if (dlen + flen + 2 <= sizeof buf) {
            memcpy(buf, p, dlen);
            size_t k = dlen;
            if (k)
                buf[k++] = '/';
            memcpy(buf + k, file, flen + 1);
            try_exec(buf, argv, envp);
            if (errno == EACCES)
                denied = 1;
            else if (errno != ENOENT && errno != ENOTDIR)
                return -1;
        }
        if (!end)
            break;
        p = end;
    }
    errno = denied ? EACCES : ENOENT;
    return -1;
}

int execvp(const char *file, char *const argv[])
{
    return execvpe(file, argv, environ);
}
