/* subst.c: command substitution. The text runs in a forked shell with
 * its standard output on a pipe; what it writes, less trailing newlines,
 * is the value, and its status becomes $?. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sh.h"

int subst_status = -1;

static _Noreturn void run_text(const char *text)
{
    struct item *items;
    interactive = jobctl = 0;
    loop_depth = 0;
    enum parse_result r = parse(text, &items);
    if (r == PARSE_OK)
        sh_exit(run_items(items));
    if (r != PARSE_ERROR)
        sh_error("syntax error: unexpected end of file");
    sh_exit(2);
}

char *command_output(const char *text)
{
    int fds[2];
    if (pipe(fds) < 0) {
        sh_error("command substitution: pipe: %s", strerror(errno));
        expand_failed = 1;
        return "";
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        sh_error("fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        expand_failed = 1;
        return "";
    }
    if (pid == 0) {
        close(fds[0]);
        if (fds[1] != 1) {
            dup2(fds[1], 1);
            close(fds[1]);
        }
        run_text(text);
    }
    close(fds[1]);
    size_t len = 0, cap = 256;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = read(fds[0], buf + len, cap - len)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        len += (size_t)n;
        if (len == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b)
                break;
            buf = b;
        }
    }
    close(fds[0]);
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR) {
            ws = 0;
            break;
        }
    last_status = subst_status = status_of(ws);
    while (len > 0 && buf[len - 1] == '\n')
        len--;
    char *out = arena_strndup(buf ? buf : "", buf ? len : 0);
    free(buf);
    return out;
}
