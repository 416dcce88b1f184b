/* builtin.c: the commands the shell runs itself, because they change
 * the shell (cd exit export unset wait) or are too small to fork for
 * (true false : pwd). Each takes argc/argv and returns a status. */
#include <errno.h>
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

static const struct {
    const char *name;
    builtin_fn fn;
} builtins[] = {
    { "cd", b_cd }, { "pwd", b_pwd }, { "exit", b_exit }, { "export", b_export },
    { "unset", b_unset }, { "wait", b_wait }, { "true", b_true }, { "false", b_false },
    { ":", b_true },
};

builtin_fn builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}
