/* parse.c: from text to the tree of sh.h. The grammar, a subset of the
 * POSIX shell's:
 *
 *     list     := andor ((';' | '&' | newline) andor)* [';' | '&']
 *     andor    := pipeline (('&&' | '||') newline* pipeline)*
 *     pipeline := ['!'] command ('|' newline* command)*
 *     command  := simple | compound redirection*
 *     simple   := (NAME=value)* (word | redirection)+
 *     compound := if list then list (elif list then list)* [else list] fi
 *               | while list do list done | until list do list done
 *               | for NAME [in word*] (';' | newline) do list done
 *               | '{' list '}' | '(' list ')'
 *               | case word in (['('] word ('|' word)* ')' [list] ';;')* esac
 *     redirection := [digits] ('<' | '>' | '>>' | '>&' | '<&') word
 *
 * Reserved words count only where a command starts. Words keep their
 * quotes; expand.c removes them. Text that stops inside quotes, a $( ),
 * after a trailing backslash, after | && || or inside a compound command
 * is not an error but incomplete: the caller reads another line and tries
 * again. */
#include <ctype.h>
#include <string.h>
#include "sh.h"

enum tok { T_WORD, T_NEWLINE, T_SEMI, T_DSEMI, T_AMP, T_PIPE, T_AND, T_OR, T_REDIR, T_LPAREN,
           T_RPAREN, T_END };

struct token {
    enum tok type;
    const char *start;      /* in the text */
    size_t len;
    int fd;                 /* T_REDIR */
    enum redir_type rtype;
};

struct parser {
    struct token *toks;
    int n, pos;
    const char *text;
    int incomplete;         /* ran out of tokens where more were needed */
    int depth;              /* compound commands open: bounded, so that
                             * hostile input cannot overflow the stack */
};

#define MAX_DEPTH 200

static int is_op_char(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '\n' || c == '(' ||
           c == ')';
}

const char *paren_end(const char *s);

/* s is at a '"': the text after the closing one. Inside, $( ) and ` `
 * may hold quotes of their own. NULL if the text ends first. */
static const char *dquote_end(const char *s)
{
    for (s++; *s != '"'; s++) {
        if (!*s)
            return NULL;
        if (*s == '\\' && s[1]) {
            s++;
        } else if (*s == '$' && s[1] == '(') {
            s = paren_end(s + 1);
            if (!s)
                return NULL;
            s--;
        } else if (*s == '`') {
            s = strchr(s + 1, '`');
            if (!s)
                return NULL;
        }
    }
    return s + 1;
}

/* s is at a '(': the text after its matching ')', skipping quoted
 * parentheses; NULL if the text ends first. */
const char *paren_end(const char *s)
{
    int depth = 0;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
        } else if (*s == '\'') {
            s = strchr(s + 1, '\'');
            if (!s)
                return NULL;
        } else if (*s == '"') {
            s = dquote_end(s);
            if (!s)
                return NULL;
            s--;
        } else if (*s == '(') {
            depth++;
        } else if (*s == ')' && --depth == 0) {
            return s + 1;
        }
    }
    return NULL;
}

/* The end of the word that starts at s, or NULL if the text ends inside
 * it; *cont is set when that is a trailing backslash. */
static const char *word_end(const char *s, int *cont)
{
    while (*s && *s != ' ' && *s != '\t' && !is_op_char(*s)) {
        if (*s == '\\') {
            if (!s[1] || (s[1] == '\n' && !s[2])) {
                *cont = 1;
                return NULL;
            }
            s += 2;
        } else if (*s == '\'') {
            s = strchr(s + 1, '\'');
            if (!s)
                return NULL;
            s++;
        } else if (*s == '"') {
            s = dquote_end(s);
            if (!s)
                return NULL;
        } else if (*s == '$' && s[1] == '{') {
            const char *close = strchr(s, '}');
            if (!close)
                return NULL;
            s = close + 1;
        } else if (*s == '$' && s[1] == '(') {
            s = paren_end(s + 1);
            if (!s)
                return NULL;
        } else if (*s == '`') {
            s = strchr(s + 1, '`');
            if (!s)
                return NULL;
            s++;
        } else {
            s++;
        }
    }
    return s;
}

/* An operator at s: its token type and length. */
static int operator(const char *s, struct token *t)
{
    static const struct { const char *text; enum tok type; enum redir_type r; } ops[] = {
        { "&&", T_AND, 0 }, { "||", T_OR, 0 }, { ">>", T_REDIR, R_APPEND }, { ";;", T_DSEMI, 0 },
        { ">&", T_REDIR, R_DUP_OUT }, { "<&", T_REDIR, R_DUP_IN },
        { "|", T_PIPE, 0 }, { "&", T_AMP, 0 }, { ";", T_SEMI, 0 },
        { "<", T_REDIR, R_IN }, { ">", T_REDIR, R_OUT }, { "\n", T_NEWLINE, 0 },
        { "(", T_LPAREN, 0 }, { ")", T_RPAREN, 0 },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(s, ops[i].text, n) == 0) {
            t->type = ops[i].type;
            t->rtype = ops[i].r;
            t->fd = ops[i].r == R_IN || ops[i].r == R_DUP_IN ? 0 : 1;
            return (int)n;
        }
    }
    return 0;
}

static enum parse_result tokenize(const char *s, struct parser *p)
{
    int cap = 16;
    p->toks = arena_alloc((size_t)cap * sizeof *p->toks);
    p->n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '#')
            while (*s && *s != '\n')
                s++;
        if (p->n + 1 >= cap) {
            struct token *t = arena_alloc((size_t)cap * 2 * sizeof *t);
            memcpy(t, p->toks, (size_t)cap * sizeof *t);
            p->toks = t;
            cap *= 2;
        }
        struct token *t = &p->toks[p->n++];
        t->start = s;
        if (!*s) {
            t->type = T_END;
            t->len = 0;
            return PARSE_OK;
        }
        int len = operator(s, t);
        if (len) {
            t->len = (size_t)len;
            s += len;
            continue;
        }
        int cont = 0;
        const char *end = word_end(s, &cont);
        if (!end)
            return cont ? PARSE_CONTINUE_LINE : PARSE_INCOMPLETE;
        t->type = T_WORD;
        t->len = (size_t)(end - s);
        /* digits right before < or > name the descriptor: 2>file */
        size_t k = 0;
        while (k < t->len && isdigit((unsigned char)s[k]))
            k++;
        if (k == t->len && k <= 2 && (*end == '<' || *end == '>')) {
            int olen = operator(end, t);
            t->fd = 0;
            for (size_t i = 0; i < k; i++)
                t->fd = t->fd * 10 + (s[i] - '0');
            t->len = (size_t)(end + olen - s);
            s = end + olen;
            continue;
        }
        s = end;
    }
}

static struct token *peek(struct parser *p)
{
    return &p->toks[p->pos];
}

static int accept(struct parser *p, enum tok type)
{
    if (peek(p)->type != type)
        return 0;
    p->pos++;
    return 1;
}

static void skip_newlines(struct parser *p)
{
    while (accept(p, T_NEWLINE))
        ;
}

static int syntax_error(struct parser *p)
{
    struct token *t = peek(p);
    if (t->type == T_END) {
        p->incomplete = 1;
        return -1;
    }
    if (t->type == T_NEWLINE)
        sh_error("syntax error near unexpected token `newline'");
    else
        sh_error("syntax error near unexpected token `%.*s'", (int)t->len, t->start);
    return -1;
}

static int is_assignment(const struct token *t)
{
    const char *eq = memchr(t->start, '=', t->len);
    return eq && eq > t->start && var_name_ok(t->start, (size_t)(eq - t->start));
}

static int is_word(const struct token *t, const char *w)
{
    return t->type == T_WORD && t->len == strlen(w) && memcmp(t->start, w, t->len) == 0;
}

static int is_reserved(const struct token *t)
{
    static const char *const words[] = { "if", "then", "elif", "else", "fi", "while", "until",
                                         "do", "done", "for", "{", "}", "case", "esac", NULL };
    for (int i = 0; words[i]; i++)
        if (is_word(t, words[i]))
            return 1;
    return 0;
}

static struct item *list(struct parser *p, const char *const *stops);

/* Expect the reserved word w next. */
static int expect_word(struct parser *p, const char *w)
{
    if (!is_word(peek(p), w))
        return syntax_error(p);
    p->pos++;
    return 0;
}

static int redirection(struct parser *p, struct redir ***tail)
{
    struct token *t = peek(p);
    p->pos++;
    if (peek(p)->type != T_WORD)
        return syntax_error(p);
    struct redir *r = arena_alloc(sizeof *r);
    r->fd = t->fd;
    r->type = t->rtype;
    r->word = arena_strndup(peek(p)->start, peek(p)->len);
    r->next = NULL;
    **tail = r;
    *tail = &r->next;
    p->pos++;
    return 0;
}

static struct cmd *new_cmd(enum cmd_kind kind)
{
    struct cmd *c = arena_alloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->kind = kind;
    return c;
}

/* After "if" or "elif": cond then body [elif ...| else ...] fi. */
static struct cmd *if_rest(struct parser *p)
{
    static const char *const then_[] = { "then", NULL };
    static const char *const after_then[] = { "elif", "else", "fi", NULL };
    static const char *const fi[] = { "fi", NULL };
    struct cmd *c = new_cmd(C_IF);
    if (!(c->cond = list(p, then_)) || expect_word(p, "then") < 0)
        return NULL;
    if (!(c->body = list(p, after_then)))
        return NULL;
    if (is_word(peek(p), "elif")) {
        p->pos++;
        struct cmd *e = if_rest(p);
        if (!e)
            return NULL;
        struct pipeline *pl = arena_alloc(sizeof *pl);
        memset(pl, 0, sizeof *pl);
        pl->cmds = e;
        pl->ncmds = 1;
        struct andor *a = arena_alloc(sizeof *a);
        memset(a, 0, sizeof *a);
        a->pipe = pl;
        struct item *it = arena_alloc(sizeof *it);
        memset(it, 0, sizeof *it);
        it->andor = a;
        it->text = "elif";
        c->orelse = it;
        return c;       /* the inner if took the "fi" */
    }
    if (is_word(peek(p), "else")) {
        p->pos++;
        if (!(c->orelse = list(p, fi)))
            return NULL;
    }
    return expect_word(p, "fi") < 0 ? NULL : c;
}

static struct cmd *loop(struct parser *p, enum cmd_kind kind)
{
    static const char *const do_[] = { "do", NULL };
    static const char *const done[] = { "done", NULL };
    struct cmd *c = new_cmd(kind);
    if (kind == C_FOR) {
        struct token *t = peek(p);
        if (t->type != T_WORD || !var_name_ok(t->start, t->len))
            return syntax_error(p), NULL;
        c->var = arena_strndup(t->start, t->len);
        p->pos++;
        skip_newlines(p);
        if (is_word(peek(p), "in")) {
            p->pos++;
            c->has_in = 1;
            c->words = arena_alloc((size_t)(p->n + 1) * sizeof(char *));
            while (peek(p)->type == T_WORD) {
                c->words[c->nwords++] = arena_strndup(peek(p)->start, peek(p)->len);
                p->pos++;
            }
            c->words[c->nwords] = NULL;
            if (!accept(p, T_SEMI) && !accept(p, T_NEWLINE))
                return syntax_error(p), NULL;
        } else {
            accept(p, T_SEMI);
        }
        skip_newlines(p);
    } else if (!(c->cond = list(p, do_))) {
        return NULL;
    }
    if (expect_word(p, "do") < 0 || !(c->body = list(p, done)) || expect_word(p, "done") < 0)
        return NULL;
    return c;
}

/* After "case": word in clauses esac. */
static struct cmd *case_rest(struct parser *p)
{
    static const char *const clause_end[] = { ";;", "esac", NULL };
    struct cmd *c = new_cmd(C_CASE);
    if (peek(p)->type != T_WORD)
        return syntax_error(p), NULL;
    c->var = arena_strndup(peek(p)->start, peek(p)->len);
    p->pos++;
    skip_newlines(p);
    if (expect_word(p, "in") < 0)
        return NULL;
    struct case_clause **tail = &c->clauses;
    for (;;) {
        skip_newlines(p);
        if (is_word(peek(p), "esac")) {
            p->pos++;
            return c;
        }
        struct case_clause *cl = arena_alloc(sizeof *cl);
        memset(cl, 0, sizeof *cl);
        cl->patterns = arena_alloc((size_t)(p->n + 1) * sizeof(char *));
        int n = 0;
        accept(p, T_LPAREN);
        do {
            if (peek(p)->type != T_WORD)
                return syntax_error(p), NULL;
            cl->patterns[n++] = arena_strndup(peek(p)->start, peek(p)->len);
            p->pos++;
        } while (accept(p, T_PIPE));
        cl->patterns[n] = NULL;
        if (!accept(p, T_RPAREN))
            return syntax_error(p), NULL;
        skip_newlines(p);
        if (peek(p)->type != T_DSEMI && !is_word(peek(p), "esac")) {
            cl->body = list(p, clause_end);
            if (!cl->body)
                return NULL;
        }
        *tail = cl;
        tail = &cl->next;
        if (!accept(p, T_DSEMI) && !is_word(peek(p), "esac"))
            return syntax_error(p), NULL;
    }
}

static struct cmd *compound(struct parser *p)
{
    static const char *const brace[] = { "}", NULL };
    static const char *const paren[] = { ")", NULL };
    struct token *t = peek(p);
    struct cmd *c;
    if (++p->depth > MAX_DEPTH) {
        sh_error("syntax error: commands nested too deeply");
        return NULL;
    }
    p->pos++;
    if (t->type == T_LPAREN) {
        c = new_cmd(C_SUBSHELL);
        if (!(c->body = list(p, paren)))
            return NULL;
        if (!accept(p, T_RPAREN))
            return syntax_error(p), NULL;
    } else if (is_word(t, "if")) {
        c = if_rest(p);
    } else if (is_word(t, "while")) {
        c = loop(p, C_WHILE);
    } else if (is_word(t, "until")) {
        c = loop(p, C_UNTIL);
    } else if (is_word(t, "for")) {
        c = loop(p, C_FOR);
    } else if (is_word(t, "case")) {
        c = case_rest(p);
    } else if (is_word(t, "{")) {
        c = new_cmd(C_GROUP);
        if (!(c->body = list(p, brace)) || expect_word(p, "}") < 0)
            return NULL;
    } else {
        p->pos--;
        return syntax_error(p), NULL;
    }
    if (!c)
        return NULL;
    p->depth--;
    struct redir **rtail = &c->redirs;
    while (peek(p)->type == T_REDIR)
        if (redirection(p, &rtail) < 0)
            return NULL;
    return c;
}

static struct cmd *command(struct parser *p)
{
    struct token *first = peek(p);
    if (first->type == T_LPAREN || is_reserved(first))
        return compound(p);
    struct cmd *c = new_cmd(C_SIMPLE);
    int nt = 0;
    struct redir **rtail = &c->redirs;
    char **words = arena_alloc((size_t)(p->n + 1) * sizeof(char *));
    char **assigns = arena_alloc((size_t)(p->n + 1) * sizeof(char *));
    for (;; nt++) {
        struct token *t = peek(p);
        if (t->type == T_WORD) {
            char *w = arena_strndup(t->start, t->len);
            if (c->nwords == 0 && is_assignment(t))
                assigns[c->nassigns++] = w;
            else
                words[c->nwords++] = w;
            p->pos++;
        } else if (t->type == T_REDIR) {
            if (redirection(p, &rtail) < 0)
                return NULL;
        } else {
            break;
        }
    }
    if (nt == 0)
        return syntax_error(p), NULL;
    words[c->nwords] = NULL;
    assigns[c->nassigns] = NULL;
    c->words = words;
    c->assigns = assigns;
    return c;
}

static struct pipeline *pipeline(struct parser *p)
{
    struct pipeline *pl = arena_alloc(sizeof *pl);
    memset(pl, 0, sizeof *pl);
    if (is_word(peek(p), "!")) {
        pl->negate = 1;
        p->pos++;
    }
    struct cmd **tail = &pl->cmds;
    do {
        skip_newlines(p);
        struct cmd *c = command(p);
        if (!c)
            return NULL;
        *tail = c;
        tail = &c->next;
        pl->ncmds++;
    } while (accept(p, T_PIPE));
    return pl;
}

static struct andor *andor(struct parser *p)
{
    struct andor *first = NULL, **tail = &first;
    enum andor_op op = OP_FIRST;
    for (;;) {
        if (op != OP_FIRST)
            skip_newlines(p);
        struct andor *a = arena_alloc(sizeof *a);
        a->op = op;
        a->next = NULL;
        a->pipe = pipeline(p);
        if (!a->pipe)
            return NULL;
        *tail = a;
        tail = &a->next;
        if (accept(p, T_AND))
            op = OP_AND;
        else if (accept(p, T_OR))
            op = OP_OR;
        else
            return first;
    }
}

static char *item_text(struct parser *p, int from, int to)
{
    const char *s = p->toks[from].start;
    const char *e = p->toks[to - 1].start + p->toks[to - 1].len;
    return arena_strndup(s, (size_t)(e - s));
}

/* Is the next token one that ends this list? */
static int at_stop(struct parser *p, const char *const *stops)
{
    for (int i = 0; stops && stops[i]; i++) {
        if (strcmp(stops[i], ")") == 0 ? peek(p)->type == T_RPAREN
            : strcmp(stops[i], ";;") == 0 ? peek(p)->type == T_DSEMI
                                          : is_word(peek(p), stops[i]))
            return 1;
    }
    return 0;
}

/* Items up to one of the stop words (not taken), or to the end of the
 * text when stops is NULL. A list inside a compound may not be empty. */
static struct item *list(struct parser *p, const char *const *stops)
{
    struct item *first = NULL, **tail = &first;
    for (;;) {
        skip_newlines(p);
        if (peek(p)->type == T_END) {
            if (stops) {
                p->incomplete = 1;
                return NULL;
            }
            break;
        }
        if (at_stop(p, stops))
            break;
        int start = p->pos;
        struct andor *a = andor(p);
        if (!a)
            return NULL;
        struct item *it = arena_alloc(sizeof *it);
        it->andor = a;
        it->text = item_text(p, start, p->pos);
        it->background = accept(p, T_AMP);
        it->next = NULL;
        *tail = it;
        tail = &it->next;
        if (!it->background && !accept(p, T_SEMI) && !accept(p, T_NEWLINE) &&
            peek(p)->type != T_END && !at_stop(p, stops)) {
            syntax_error(p);
            return NULL;
        }
    }
    if (stops && !first) {
        syntax_error(p);
        return NULL;
    }
    return first;
}

enum parse_result parse(const char *text, struct item **out)
{
    struct parser p = { .text = text };
    enum parse_result r = tokenize(text, &p);
    if (r != PARSE_OK)
        return r;
    struct item *items = list(&p, NULL);
    if (p.incomplete)
        return PARSE_INCOMPLETE;
    if (!items && peek(&p)->type != T_END)
        return PARSE_ERROR;
    if (peek(&p)->type != T_END) {
        syntax_error(&p);
        return PARSE_ERROR;
    }
    *out = items;
    return PARSE_OK;
}
