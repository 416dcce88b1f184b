/* parse.c: from text to the tree of sh.h. The grammar, a subset of the
 * POSIX shell's:
 *
 *     list     := andor ((';' | '&' | newline) andor)* [';' | '&']
 *     andor    := pipeline (('&&' | '||') newline* pipeline)*
 *     pipeline := ['!'] command ('|' newline* command)*
 *     command  := (NAME=value)* (word | redirection)+
 *     redirection := [digit] ('<' | '>' | '>>' | '>&' | '<&') word
 *
 * Words keep their quotes; expand.c removes them. Text that stops inside
 * quotes, after a trailing backslash or after | && || is not an error but
 * incomplete: the caller reads another line and tries again. */
#include <ctype.h>
#include <string.h>
#include "sh.h"

enum tok { T_WORD, T_NEWLINE, T_SEMI, T_AMP, T_PIPE, T_AND, T_OR, T_REDIR, T_END };

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
};

static int is_op_char(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '\n';
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
            for (s++; *s != '"'; s++) {
                if (!*s)
                    return NULL;
                if (*s == '\\' && s[1])
                    s++;
            }
            s++;
        } else if (*s == '$' && s[1] == '{') {
            const char *close = strchr(s, '}');
            if (!close)
                return NULL;
            s = close + 1;
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
        { "&&", T_AND, 0 }, { "||", T_OR, 0 }, { ">>", T_REDIR, R_APPEND },
        { ">&", T_REDIR, R_DUP_OUT }, { "<&", T_REDIR, R_DUP_IN },
        { "|", T_PIPE, 0 }, { "&", T_AMP, 0 }, { ";", T_SEMI, 0 },
        { "<", T_REDIR, R_IN }, { ">", T_REDIR, R_OUT }, { "\n", T_NEWLINE, 0 },
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

static struct cmd *command(struct parser *p)
{
    struct cmd *c = arena_alloc(sizeof *c);
    memset(c, 0, sizeof *c);
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
            p->pos++;
            if (peek(p)->type != T_WORD)
                return syntax_error(p), NULL;
            struct redir *r = arena_alloc(sizeof *r);
            r->fd = t->fd;
            r->type = t->rtype;
            r->word = arena_strndup(peek(p)->start, peek(p)->len);
            r->next = NULL;
            *rtail = r;
            rtail = &r->next;
            p->pos++;
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
    struct token *t = peek(p);
    if (t->type == T_WORD && t->len == 1 && t->start[0] == '!') {
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

enum parse_result parse(const char *text, struct item **out)
{
    struct parser p = { .text = text };
    enum parse_result r = tokenize(text, &p);
    if (r != PARSE_OK)
        return r;
    struct item *first = NULL, **tail = &first;
    for (;;) {
        skip_newlines(&p);
        if (peek(&p)->type == T_END)
            break;
        int start = p.pos;
        struct andor *a = andor(&p);
        if (!a)
            return p.incomplete ? PARSE_INCOMPLETE : PARSE_ERROR;
        struct item *it = arena_alloc(sizeof *it);
        it->andor = a;
        it->text = item_text(&p, start, p.pos);
        it->background = accept(&p, T_AMP);
        it->next = NULL;
        *tail = it;
        tail = &it->next;
        if (!it->background && !accept(&p, T_SEMI) && !accept(&p, T_NEWLINE) &&
            peek(&p)->type != T_END) {
            syntax_error(&p);
            return PARSE_ERROR;
        }
    }
    *out = first;
    return PARSE_OK;
}
