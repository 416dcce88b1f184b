/* builtin.c: the commands the shell runs itself, because they change
 * the shell (cd exit export unset wait break continue exec read shift set
 * .), are too small to fork for (true false : pwd test [ echo), or need
 * the shell's own rights (kill). Each takes argc/argv and returns a
 * status. */
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

static int b_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : var_get("HOME");
    if (argc > 2) {
        sh_error("cd: too many arguments");
        return 1;
    }
    if (!dir) {
        sh_error("cd: HOME not set");
        return 1;
    }
    if (strcmp(dir, "-") == 0) {
        dir = var_get("OLDPWD");
        if (!dir) {
            sh_error("cd: OLDPWD not set");
            return 1;
        }
        printf("%s\n", dir);
    }
    char old[PATH_MAX];
    if (!getcwd(old, sizeof old))
        old[0] = 0;
    if (chdir(dir) < 0) {
        sh_error("cd: %s: %s", dir, strerror(errno));
        return 1;
    }
    char now[PATH_MAX];
    if (old[0])
        var_set("OLDPWD", old, 0);
    if (getcwd(now, sizeof now))
        var_set("PWD", now, 0);
    return 0;
}

static int b_pwd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) {
        sh_error("pwd: %s", strerror(errno));
        return 1;
    }
    printf("%s\n", buf);
    return 0;
}

static int b_exit(int argc, char **argv)
{
    int st = last_status;
    if (argc > 1) {
        char *end;
        long v = strtol(argv[1], &end, 10);
        if (!*argv[1] || *end) {
            sh_error("exit: %s: numeric argument required", argv[1]);
            st = 2;
        } else {
            st = (int)(v & 255);
        }
    }
    sh_exit(st);
}

static int b_export(int argc, char **argv)
{
    if (argc == 1) {
        var_print_exports();
        return 0;
    }
    int st = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-p") == 0) {
            var_print_exports();
            continue;
        }
        char *eq = strchr(argv[i], '=');
        size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (!var_name_ok(argv[i], n)) {
            sh_error("export: `%s': not a valid identifier", argv[i]);
            st = 1;
            continue;
        }
        if (eq) {
            *eq = 0;
            var_set(argv[i], eq + 1, 1);
            *eq = '=';
        } else {
            var_export(argv[i]);
        }
    }
    return st;
}

static int b_unset(int argc, char **argv)
{
    int st = 0;
    for (int i = 1; i < argc; i++) {
        if (!var_name_ok(argv[i], strlen(argv[i]))) {
            sh_error("unset: `%s': not a valid identifier", argv[i]);
            st = 1;
            continue;
        }
        var_unset(argv[i]);
    }
    return st;
}

static int b_wait(int argc, char **argv)
{
    if (argc == 1)
        return job_wait_all();
    int st = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end || pid <= 0) {
            sh_error("wait: `%s': not a pid or valid job spec", argv[i]);
            st = 2;
            continue;
        }
        int ws;
        if (job_wait((pid_t)pid, &ws) < 0) {
            sh_error("wait: pid %ld is not a child of this shell", pid);
            st = 127;
            continue;
        }
        st = status_of(ws);
    }
    return st;
}

/* kill [-s NAME | -NAME | -NUM] pid...: a builtin, as in other shells,
 * and here for a reason of the OS's own: a process may signal only what
 * it started (or its own group), so it is the shell, the parent of its
 * jobs, that can end them; /bin/kill run as a child could not. A negative
 * pid is a process group. `kill -l` is left to /bin/kill. */
static int b_kill(int argc, char **argv)
{
    int sig = SIGTERM, i = 1;
    if (i < argc && strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
        if (str2sig(argv[i + 1], &sig) < 0) {
            sh_error("kill: %s: invalid signal specification", argv[i + 1]);
            return 1;
        }
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
        if (str2sig(argv[i] + 1, &sig) < 0) {
            sh_error("kill: %s: invalid signal specification", argv[i] + 1);
            return 1;
        }
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i == argc) {
        sh_error("kill: usage: kill [-s NAME | -NAME | -NUM] pid...");
        return 2;
    }
    int st = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end) {
            sh_error("kill: %s: arguments must be process ids", argv[i]);
            st = 1;
        } else if (kill((pid_t)pid, sig) < 0) {
            sh_error("kill: (%ld): %s", pid, strerror(errno));
            st = 1;
        }
    }
    return st;
}

static int b_true(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int b_false(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}

/* break [n], continue [n]: leave (or go on with) the n-th enclosing loop. */
static int loop_control(int argc, char **argv, int *flag)
{
    long n = 1;
    if (argc > 1) {
        char *end;
        n = strtol(argv[1], &end, 10);
        if (!*argv[1] || *end || n < 1) {
            sh_error("%s: %s: loop count out of range", argv[0], argv[1]);
            return 1;
        }
    }
    if (loop_depth == 0) {
        sh_error("%s: only meaningful in a `for', `while', or `until' loop", argv[0]);
        return 0;
    }
    *flag = n > loop_depth ? loop_depth : (int)n;
    return 0;
}

static int b_break(int argc, char **argv)
{
    return loop_control(argc, argv, &breaking);
}

static int b_continue(int argc, char **argv)
{
    return loop_control(argc, argv, &continuing);
}

/* exec cmd...: become the command. exec alone: keep the redirections. */
int keep_redirs;

static int b_exec(int argc, char **argv)
{
    if (argc == 1) {
        keep_redirs = 1;
        return 0;
    }
    fflush(stdout);
    execvpe(argv[1], argv + 1, var_environ(NULL, 0));
    int err = errno;
    sh_error("%s: %s", argv[1], err == ENOENT ? "not found" : strerror(err));
    return err == ENOENT ? 127 : 126;
}

/* read [-r] [NAME...]: one line from standard input, a byte at a time
 * (what follows stays for the next reader), split at blanks; the last
 * name takes the rest of the line. Status 1 at end of input. */
static int b_read(int argc, char **argv)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "-r") == 0)
        i++;
    size_t len = 0, cap = 128;
    char *line = arena_alloc(cap);
    char c;
    ssize_t n;
    while ((n = read(0, &c, 1)) == 1 && c != '\n') {
        if (len + 1 == cap) {
            char *bigger = arena_alloc(cap * 2);
            memcpy(bigger, line, len);
            line = bigger;
            cap *= 2;
        }
        line[len++] = c;
    }
    line[len] = 0;
    if (n <= 0 && len == 0)
        return 1;
    char *names_default[] = { "REPLY", NULL };
    char **names = i < argc ? argv + i : names_default;
    char *p = line;
    for (int k = 0; names[k]; k++) {
        if (!var_name_ok(names[k], strlen(names[k]))) {
            sh_error("read: `%s': not a valid identifier", names[k]);
            return 2;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        char *start = p;
        if (names[k + 1]) {
            while (*p && *p != ' ' && *p != '\t')
                p++;
            if (*p)
                *p++ = 0;
        } else {
            char *end = p + strlen(p);
            while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
                *--end = 0;
        }
        var_set(names[k], start, 0);
    }
    return 0;
}

static int b_shift(int argc, char **argv)
{
    long n = 1;
    if (argc > 1) {
        char *end;
        n = strtol(argv[1], &end, 10);
        if (!*argv[1] || *end || n < 0) {
            sh_error("shift: %s: numeric argument required", argv[1]);
            return 1;
        }
    }
    if (var_shift((int)n) < 0) {
        sh_error("shift: shift count out of range");
        return 1;
    }
    return 0;
}

/* set -- ARGS: new positional parameters. set alone: the variables. */
static int b_set(int argc, char **argv)
{
    if (argc == 1) {
        var_print_all();
        return 0;
    }
    if (strcmp(argv[1], "--") != 0) {
        sh_error("set: %s: only `set -- args' is supported", argv[1]);
        return 2;
    }
    var_set_positional(NULL, argc - 2, argv + 2);
    return 0;
}

static int b_source(int argc, char **argv)
{
    if (argc < 2) {
        sh_error(".: filename argument required");
        return 2;
    }
    return source_file(argv[1]);
}

/* echo [-neE] words: as /bin/echo, without the fork and exec that cost
 * most in an emulator. */
static int b_echo(int argc, char **argv)
{
    int newline = 1, escapes = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] &&
           strspn(argv[i] + 1, "neE") == strlen(argv[i] + 1); i++)
        for (const char *p = argv[i] + 1; *p; p++)
            if (*p == 'n')
                newline = 0;
            else
                escapes = *p == 'e';
    for (; i < argc; i++) {
        for (const char *s = argv[i]; *s; s++) {
            if (!escapes || *s != '\\' || !s[1]) {
                putchar(*s);
                continue;
            }
            static const char from[] = "abefnrtv\\", to[] = "\a\b\033\f\n\r\t\v\\";
            const char *k = strchr(from, *++s);
            if (*s == 'c') {
                fflush(stdout);
                return 0;
            } else if (*s == '0') {
                int v = 0;
                for (int d = 0; d < 3 && s[1] >= '0' && s[1] <= '7'; d++)
                    v = v * 8 + (*++s - '0');
                putchar(v);
            } else if (k) {
                putchar(to[k - from]);
            } else {
                putchar('\\');
                putchar(*s);
            }
        }
        if (i + 1 < argc)
            putchar(' ');
    }
    if (newline)
        putchar('\n');
    return fflush(stdout) == 0 ? 0 : 1;
}

static const struct {
    const char *name;
    builtin_fn fn;
} builtins[] = {
    { "cd", b_cd }, { "pwd", b_pwd }, { "exit", b_exit }, { "export", b_export },
    { "unset", b_unset }, { "wait", b_wait }, { "true", b_true }, { "false", b_false },
    { ":", b_true }, { "break", b_break }, { "continue", b_continue }, { "exec", b_exec },
    { "read", b_read }, { "test", test_main }, { "[", test_main }, { "shift", b_shift },
    { "set", b_set }, { ".", b_source }, { "echo", b_echo }, { "kill", b_kill },
};

builtin_fn builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}
