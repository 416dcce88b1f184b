/* main.c: the shell's start and its read-parse-run loop.
 *
 *     sh                  commands from standard input (a prompt "$ " on
 *                         standard error when that is a terminal)
 *     sh -c CMD [NAME [ARG...]]   run CMD; $0 is NAME
 *     sh FILE [ARG...]    run the script FILE
 *
 * A line that ends inside quotes, after a backslash or after | && || is
 * continued on the next line (prompt "> "). At end of input the shell
 * exits with the status of the last command. Also the arena: memory for
 * one line's tree and words, emptied when the line has run. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "input.h"
#include "sh.h"

int last_status;
int interactive;
int jobctl;
pid_t shell_pgid;
pid_t shell_pid;

/* ---- arena ---- */

struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
};
static struct chunk *chunks;

void *arena_alloc(size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!chunks || chunks->used + n > chunks->size) {
        size_t size = n > 8192 ? n : 8192;
        struct chunk *c = malloc(sizeof *c + size);
        if (!c) {
            sh_error("out of memory");
            sh_exit(2);
        }
        c->next = chunks;
        c->used = 0;
        c->size = size;
        chunks = c;
    }
    void *p = chunks->data + chunks->used;
    chunks->used += n;
    return p;
}

char *arena_strndup(const char *s, size_t n)
{
    char *p = arena_alloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(const char *s)
{
    return arena_strndup(s, strlen(s));
}

void arena_reset(void)
{
    while (chunks) {
        struct chunk *next = chunks->next;
        free(chunks);
        chunks = next;
    }
}

/* ---- messages and exit ---- */

void sh_error(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(buf, sizeof buf, "sh: ");
    n += vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    fflush(stdout);
    write(2, buf, (size_t)n);
}

void sh_exit(int status)
{
    fflush(stdout);
    _exit(status);
}

/* ---- the loop ---- */

static void prompt(const char *p)
{
    if (interactive)
        write(2, p, strlen(p));
}

static char *append(char *text, const char *line, int drop_backslash)
{
    size_t tl = text ? strlen(text) : 0;
    if (drop_backslash && tl >= 2)
        tl -= 2;            /* the backslash and its newline */
    char *p = realloc(text, tl + strlen(line) + 1);
    if (!p) {
        sh_error("out of memory");
        sh_exit(2);
    }
    strcpy(p + tl, line);
    return p;
}

static void run_input(struct input *in)
{
    char *text = NULL;
    int more = 0;
    for (;;) {
        if (interactive && !more)
            jobs_reap();
        prompt(more ? "> " : "$ ");
        char *line = input_line(in);
        if (!line) {
            if (text) {
                sh_error("syntax error: unexpected end of file");
                last_status = 2;
            }
            if (interactive)
                write(2, "\n", 1);
            return;
        }
        text = append(text, line, more == PARSE_CONTINUE_LINE);
        free(line);
        struct item *items;
        enum parse_result r = parse(text, &items);
        if (r == PARSE_INCOMPLETE || r == PARSE_CONTINUE_LINE) {
            more = r;
            continue;
        }
        more = 0;
        free(text);
        text = NULL;
        if (r == PARSE_OK)
            run_items(items);
        else if (!interactive)
            sh_exit(2);
        else
            last_status = 2;
        arena_reset();
    }
}

/* `. FILE`: the whole file is read and parsed first, then run; its tree
 * stays in the arena with the line that sourced it. */
int source_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sh_error("%s: %s", path, strerror(errno));
        return 1;
    }
    struct input in;
    input_from_fd(&in, fd, 1);
    char *text = NULL, *line;
    while ((line = input_line(&in))) {
        text = append(text, line, 0);
        free(line);
    }
    close(fd);
    if (!text)
        return 0;
    struct item *items;
    enum parse_result r = parse(text, &items);
    free(text);
    if (r == PARSE_OK)
        return run_items(items);
    if (r != PARSE_ERROR)
        sh_error("%s: syntax error: unexpected end of file", path);
    return 2;
}

static void set_signals(void)
{
    if (interactive) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
        signal(SIGTTIN, SIG_IGN);
        signal(SIGTTOU, SIG_IGN);
        /* Job control only if the terminal takes our group as its
         * foreground: a job moved to a group the terminal never hears of
         * would miss Ctrl-C. (A session leader's setpgid fails: it is in
         * its own group already.) */
        shell_pgid = getpid();
        setpgid(0, shell_pgid);
        jobctl = getpgrp() == shell_pgid && tcsetpgrp(0, shell_pgid) == 0;
        if (!jobctl)
            shell_pgid = getpgrp();
    }
}

int main(int argc, char **argv, char **envp)
{
    shell_pid = getpid();
    var_import(envp);
    struct input in;
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i < argc && strcmp(argv[i], "-c") == 0) {
        if (i + 1 >= argc) {
            sh_error("-c: option requires an argument");
            return 2;
        }
        input_from_string(&in, argv[i + 1]);
        i += 2;
        var_set_positional(i < argc ? argv[i] : argv[0], i < argc ? argc - i - 1 : 0,
                           argv + i + 1);
    } else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
        sh_error("%s: invalid option", argv[i]);
        fprintf(stderr, "usage: sh [-c command [name [arg...]] | file [arg...]]\n");
        return 2;
    } else if (i < argc) {
        int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            sh_error("%s: %s", argv[i], strerror(errno));
            return 127;
        }
        input_from_fd(&in, fd, 1);
        var_set_positional(argv[i], argc - i - 1, argv + i + 1);
    } else {
        input_from_fd(&in, 0, 0);
        interactive = isatty(0) && isatty(2);
        var_set_positional(argv[0], 0, argv + argc);
    }
    set_signals();
    run_input(&in);
    sh_exit(last_status);
}
