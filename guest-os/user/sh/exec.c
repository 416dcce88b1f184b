/* exec.c: running the tree. A pipeline of one builtin, one compound
 * command or only assignments runs in the shell itself, its redirections
 * undone after; anything else is forked. With job control (an interactive shell
 * whose terminal accepted it as foreground process group) each
 * foreground job gets a process group of its own and the terminal, so the
 * kernel's Ctrl-C reaches it and not the shell; failures of those calls
 * are ignored (a kernel may not have them yet). A background item runs in
 * a forked copy of the shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sh.h"

static void child_signals(int background)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
    signal(SIGTTIN, SIG_DFL);
    signal(SIGTTOU, SIG_DFL);
    if (background && !jobctl) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
    }
}

static int open_redir(struct redir *r, const char *name)
{
    if (r->type == R_DUP_OUT || r->type == R_DUP_IN) {
        if (strcmp(name, "-") == 0)
            return -2;
        char *end;
        long fd = strtol(name, &end, 10);
        if (!*name || *end || fd < 0 || fd > 255) {
            sh_error("%s: ambiguous redirect", name);
            return -1;
        }
        return (int)fd;
    }
    int flags = r->type == R_IN ? O_RDONLY
              : r->type == R_OUT ? O_WRONLY | O_CREAT | O_TRUNC
                                 : O_WRONLY | O_CREAT | O_APPEND;
    int fd = open(name, flags, 0666);
    if (fd < 0)
        sh_error("%s: %s", name, strerror(errno));
    return fd;
}

/* Apply the redirections in order. If save is given, the descriptors
 * replaced (0-9) are kept there for restore_redirs. */
int apply_redirs(struct redir *r, int save[10])
{
    for (; r; r = r->next) {
        int n;
        char *raw[2] = { r->word, NULL };
        char **w = expand_words(raw, &n);
        if (expand_failed) {
            expand_failed = 0;
            return -1;
        }
        if (n != 1) {
            sh_error("%s: ambiguous redirect", r->word);
            return -1;
        }
        int fd = open_redir(r, w[0]);
        if (fd == -1)
            return -1;
        if (save && r->fd < 10 && save[r->fd] == -1) {
            save[r->fd] = dup(r->fd);
            if (save[r->fd] < 0)
                save[r->fd] = -2;   /* was closed: close it again after */
            else
                fcntl(save[r->fd], F_SETFD, FD_CLOEXEC);
        }
        if (fd == -2) {
            close(r->fd);
            continue;
        }
        if (fd != r->fd) {
            if (dup2(fd, r->fd) < 0) {
                sh_error("%d: %s", r->fd, strerror(errno));
                if (r->type != R_DUP_OUT && r->type != R_DUP_IN)
                    close(fd);
                return -1;
            }
            if (r->type != R_DUP_OUT && r->type != R_DUP_IN)
                close(fd);
        }
    }
    return 0;
}

void restore_redirs(int save[10])
{
    fflush(stdout);
    for (int fd = 0; fd < 10; fd++) {
        if (save[fd] == -2) {
            close(fd);
        } else if (save[fd] >= 0) {
            dup2(save[fd], fd);
            close(save[fd]);
        }
        save[fd] = -1;
    }
}

int loop_depth, breaking, continuing;

static int run_compound(struct cmd *c);

/* In a child: run one command and never return. argv, if given, is the
 * command's words already expanded (expansions run once: $(cmd) too). */
static _Noreturn void exec_command(struct cmd *c, char **argv, int argc)
{
    if (c->kind != C_SIMPLE) {
        if (apply_redirs(c->redirs, NULL) < 0)
            sh_exit(1);
        sh_exit(run_compound(c));
    }
    if (!argv)
        argv = expand_words(c->words, &argc);
    if (expand_failed)
        sh_exit(1);
    char **assigns = arena_alloc((size_t)(c->nassigns + 1) * sizeof(char *));
    for (int i = 0; i < c->nassigns; i++) {
        char *eq = strchr(c->assigns[i], '=');
        char *value = expand_one(eq + 1);
        assigns[i] = arena_alloc((size_t)(eq - c->assigns[i]) + strlen(value) + 2);
        sprintf(assigns[i], "%.*s=%s", (int)(eq - c->assigns[i]), c->assigns[i], value);
    }
    if (apply_redirs(c->redirs, NULL) < 0)
        sh_exit(1);
    if (argc == 0)
        sh_exit(0);
    builtin_fn b = builtin_find(argv[0]);
    if (b) {
        int st = b(argc, argv);
        sh_exit(st);
    }
    execvpe(argv[0], argv, var_environ(assigns, c->nassigns));
    int err = errno;
    if (err == ENOENT && !strchr(argv[0], '/')) {
        sh_error("%s: not found", argv[0]);
        sh_exit(127);
    }
    sh_error("%s: %s", argv[0], strerror(err));
    sh_exit(err == ENOENT ? 127 : 126);
}

/* Assignments alone set shell variables; x=$(cmd) has cmd's status. */
static int run_assignments(struct cmd *c)
{
    for (int i = 0; i < c->nassigns; i++) {
        char *eq = strchr(c->assigns[i], '=');
        char *name = arena_strndup(c->assigns[i], (size_t)(eq - c->assigns[i]));
        char *value = expand_one(eq + 1);
        if (expand_failed) {
            expand_failed = 0;
            return 1;
        }
        if (var_set(name, value, 0) < 0) {
            sh_error("out of memory");
            return 1;
        }
    }
    return subst_status >= 0 ? subst_status : 0;
}

/* One command in the shell itself: a builtin, a compound command, or
 * only assignments. Otherwise *handled is 0 and *argvp, *argcp are the
 * expanded words, for the child to run. */
static int run_here(struct cmd *c, int *handled, char ***argvp, int *argcp)
{
    int argc = 0;
    char **argv = NULL;
    builtin_fn b = NULL;
    subst_status = -1;
    if (c->kind == C_SIMPLE) {
        argv = *argvp = expand_words(c->words, &argc);
        *argcp = argc;
        if (expand_failed) {
            expand_failed = 0;
            *handled = 1;
            return 1;
        }
        b = argc ? builtin_find(argv[0]) : NULL;
    }
    *handled = c->kind != C_SIMPLE || argc == 0 || b != NULL;
    if (!*handled)
        return 0;
    int save[10];
    for (int i = 0; i < 10; i++)
        save[i] = -1;
    int st;
    if (apply_redirs(c->redirs, save) < 0)
        st = 1;
    else if (c->kind != C_SIMPLE)
        st = run_compound(c);
    else if (argc == 0)
        st = run_assignments(c);
    else
        st = b(argc, argv);
    if (keep_redirs) {
        keep_redirs = 0;
        for (int i = 0; i < 10; i++)
            if (save[i] >= 0)
                close(save[i]);
    } else {
        restore_redirs(save);
    }
    return st;
}

/* After a loop body: should the loop stop? */
static int loop_stops(void)
{
    if (breaking) {
        breaking--;
        return 1;
    }
    if (continuing)
        return --continuing > 0;
    return 0;
}

static int run_loop(struct cmd *c)
{
    int st = 0;
    loop_depth++;
    if (c->kind == C_FOR) {
        int n;
        char **words = c->has_in ? expand_words(c->words, &n) : var_positionals();
        for (int i = 0; words[i] && !expand_failed; i++) {
            var_set(c->var, words[i], 0);
            st = run_items(c->body);
            if (loop_stops())
                break;
        }
        expand_failed = 0;
    } else {
        for (;;) {
            int ok = run_items(c->cond) == 0;
            if (breaking || continuing) {
                if (loop_stops())
                    break;
                continue;
            }
            if (ok != (c->kind == C_WHILE))
                break;
            st = run_items(c->body);
            if (loop_stops())
                break;
        }
    }
    loop_depth--;
    return st;
}

static int run_case(struct cmd *c)
{
    char *word = expand_one(c->var);
    for (struct case_clause *cl = c->clauses; cl && !expand_failed; cl = cl->next)
        for (int i = 0; cl->patterns[i]; i++)
            if (glob_match(expand_pattern(cl->patterns[i]), word))
                return cl->body ? run_items(cl->body) : 0;
    expand_failed = 0;
    return 0;
}

static int run_compound(struct cmd *c)
{
    switch (c->kind) {
    case C_CASE:
        return run_case(c);
    case C_IF:
        if (run_items(c->cond) == 0 && !breaking && !continuing)
            return run_items(c->body);
        if (c->orelse && !breaking && !continuing)
            return run_items(c->orelse);
        return 0;
    case C_WHILE:
    case C_UNTIL:
    case C_FOR:
        return run_loop(c);
    case C_GROUP:
        return run_items(c->body);
    case C_SUBSHELL: {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            sh_error("fork: %s", strerror(errno));
            return 1;
        }
        if (pid == 0) {
            interactive = jobctl = 0;
            loop_depth = 0;
            sh_exit(run_items(c->body));
        }
        int ws;
        while (waitpid(pid, &ws, 0) < 0)
            if (errno != EINTR)
                return 1;
        if (WIFSIGNALED(ws))
            report_signal(ws);
        return status_of(ws);
    }
    default:
        return 0;
    }
}

static void give_terminal(pid_t pgid)
{
    if (jobctl)
        tcsetpgrp(0, pgid);
}

static int wait_pipeline(pid_t *pids, int n)
{
    int status = 0, reported = 0;
    for (int i = 0; i < n; i++) {
        int ws;
        if (pids[i] <= 0)
            continue;
        while (waitpid(pids[i], &ws, 0) < 0) {
            if (errno != EINTR) {
                ws = 0;
                break;
            }
        }
        if (!reported && WIFSIGNALED(ws) && WTERMSIG(ws) != SIGPIPE) {
            report_signal(ws);
            reported = 1;
        }
        if (i == n - 1)
            status = status_of(ws);
    }
    return status;
}

static int run_pipeline(struct pipeline *pl, int background)
{
    char **pre = NULL;
    int prec = 0;
    if (pl->ncmds == 1 && !background) {
        int handled;
        int st = run_here(pl->cmds, &handled, &pre, &prec);
        if (handled)
            return st;
    }
    pid_t *pids = arena_alloc((size_t)pl->ncmds * sizeof *pids);
    pid_t pgid = 0;
    int in = -1, i = 0, st = 0;
    fflush(stdout);
    for (struct cmd *c = pl->cmds; c; c = c->next, i++) {
        int fds[2] = { -1, -1 };
        pids[i] = -1;
        if (c->next && pipe(fds) < 0) {
            if (errno == ENOSYS)
                sh_error("pipe: %s (this kernel has no pipes yet)", strerror(errno));
            else
                sh_error("pipe: %s", strerror(errno));
            st = 1;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            sh_error("fork: %s", strerror(errno));
            close(fds[0]);
            close(fds[1]);
            st = 1;
            break;
        }
        if (pid == 0) {
            if (jobctl) {
                setpgid(0, pgid);
                if (!background)
                    give_terminal(pgid ? pgid : getpid());
            }
            child_signals(background);
            interactive = jobctl = 0;
            loop_depth = 0;
            if (in >= 0) {
                dup2(in, 0);
                close(in);
            }
            if (fds[1] >= 0) {
                dup2(fds[1], 1);
                close(fds[1]);
                close(fds[0]);
            }
            exec_command(c, pre, prec);
        }
        pids[i] = pid;
        if (!pgid)
            pgid = pid;
        if (jobctl)
            setpgid(pid, pgid);
        if (in >= 0)
            close(in);
        if (fds[1] >= 0)
            close(fds[1]);
        in = fds[0];
    }
    if (in >= 0)
        close(in);
    if (background)
        return 0;
    if (pgid)
        give_terminal(pgid);
    int status = wait_pipeline(pids, i);
    give_terminal(shell_pgid);
    return st ? st : status;
}

static int run_andor(struct andor *a, int background)
{
    int st = 0;
    for (; a && !breaking && !continuing; a = a->next) {
        if ((a->op == OP_AND && st != 0) || (a->op == OP_OR && st == 0))
            continue;
        st = run_pipeline(a->pipe, background);
        if (a->pipe->negate)
            st = !st;
        last_status = st;
    }
    return st;
}

/* A background item: a forked shell runs the whole and-or list. */
static void run_background(struct item *it)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        sh_error("fork: %s", strerror(errno));
        last_status = 1;
        return;
    }
    if (pid == 0) {
        if (jobctl)
            setpgid(0, 0);
        child_signals(1);
        if (!jobctl) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd > 0) {
                dup2(fd, 0);
                close(fd);
            }
        }
        interactive = jobctl = 0;
        struct andor *a = it->andor;
        loop_depth = 0;
        if (!a->next && a->pipe->ncmds == 1 && !a->pipe->negate)
            exec_command(a->pipe->cmds, NULL, 0);
        sh_exit(run_andor(a, 0));
    }
    if (jobctl)
        setpgid(pid, pid);
    if (interactive)
        fprintf(stderr, "[%d]\n", (int)pid);
    last_bg_pid = pid;
    job_add(pid, it->text);
    last_status = 0;
}

int run_items(struct item *items)
{
    for (struct item *it = items; it && !breaking && !continuing; it = it->next) {
        if (it->background)
            run_background(it);
        else
            run_andor(it->andor, 0);
    }
    return last_status;
}
