/* sh.h: what the shell's files share.
 *
 * A line of input is parsed into a tree allocated in an arena that is
 * emptied after the line has run, so parsing and expansion never free
 * anything one piece at a time. Words stay raw (quotes and $ included)
 * until the moment they run, so `A=1; echo $A` sees the new value. */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <sys/types.h>

/* ---- arena (main.c) ---- */
void *arena_alloc(size_t n);
char *arena_strndup(const char *s, size_t n);
char *arena_strdup(const char *s);
void arena_reset(void);

/* ---- the tree (parse.c) ---- */
enum redir_type { R_IN, R_OUT, R_APPEND, R_DUP_OUT, R_DUP_IN };

struct redir {
    int fd;                 /* the descriptor redirected */
    enum redir_type type;
    char *word;             /* raw: file name, or the fd for R_DUP_* */
    struct redir *next;
};

enum cmd_kind { C_SIMPLE, C_IF, C_WHILE, C_UNTIL, C_FOR, C_GROUP, C_SUBSHELL, C_CASE };

/* One "pattern|pattern) list ;;" of a case command. */
struct case_clause {
    char **patterns;        /* raw, NULL-terminated */
    struct item *body;      /* may be empty (NULL) */
    struct case_clause *next;
};

struct item;

struct cmd {
    enum cmd_kind kind;
    char **words;           /* simple: raw words, NULL-terminated; for: the list */
    int nwords;
    char **assigns;         /* simple: raw NAME=value words, NULL-terminated */
    int nassigns;
    struct item *cond;      /* if, while, until: the condition */
    struct item *body;      /* if: then-part; loops, { }, ( ): the body */
    struct item *orelse;    /* if: the else-part (an elif is an if in it) */
    char *var;              /* for: the variable; case: the word */
    struct case_clause *clauses;    /* case */
    int has_in;             /* for: "in words" given (else "$@") */
    struct redir *redirs;
    struct cmd *next;       /* the next command of the pipeline */
};

struct pipeline {
    struct cmd *cmds;
    int ncmds;
    int negate;             /* ! pipeline */
};

enum andor_op { OP_FIRST, OP_AND, OP_OR };

struct andor {
    enum andor_op op;       /* how this pipeline joins the one before */
    struct pipeline *pipe;
    struct andor *next;
};

struct item {
    struct andor *andor;
    int background;
    char *text;             /* the source text, for job messages */
    struct item *next;
};

enum parse_result { PARSE_OK, PARSE_INCOMPLETE, PARSE_CONTINUE_LINE, PARSE_ERROR };
enum parse_result parse(const char *text, struct item **out);
const char *paren_end(const char *s);

/* ---- expansion (expand.c, glob.c, arith.c) ---- */
char **expand_words(char **raw, int *count);   /* with splitting and globbing */
char *expand_one(const char *raw);             /* neither (assignments) */
char *expand_pattern(const char *raw);         /* for case: quoted characters escaped */
extern int expand_failed;   /* an expansion went wrong: do not run the command */
int glob_expand(const char *pattern, char ***out);
int glob_match(const char *pattern, const char *s);
int arith_eval(const char *text, long *result);
char *command_output(const char *text);
extern int subst_status;    /* of the last command substitution, or -1 */

/* ---- variables (var.c) ---- */
void var_import(char **envp);
const char *var_get(const char *name);
int var_set(const char *name, const char *value, int export);
int var_unset(const char *name);
void var_export(const char *name);
char **var_environ(char **extra, int nextra);
void var_print_exports(void);
void var_print_all(void);
int var_name_ok(const char *s, size_t n);
void var_set_positional(char *zero, int argc, char **argv);
int var_shift(int n);
const char *var_positional(int n);
int var_npositional(void);
char **var_positionals(void);

/* ---- running (exec.c, builtin.c, jobs.c) ---- */
extern int last_status;
extern int interactive;     /* a terminal on stdin, no script: prompts */
extern int jobctl;          /* interactive, and the terminal took our group */
extern pid_t shell_pgid;
extern pid_t shell_pid;      /* $$: the shell's, in subshells too */
extern pid_t last_bg_pid;

int run_items(struct item *items);
extern int loop_depth, breaking, continuing;
int test_main(int argc, char **argv);
int source_file(const char *path);
extern int keep_redirs;     /* set by a bare `exec`: redirections stay */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_find(const char *name);
int apply_redirs(struct redir *r, int save[10]);
void restore_redirs(int save[10]);

void job_add(pid_t pid, const char *text);
void job_done(pid_t pid, int status);
int job_wait(pid_t pid, int *status);
int job_wait_all(void);
void jobs_reap(void);
int status_of(int wstatus);
void report_signal(int wstatus);

_Noreturn void sh_exit(int status);
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
