/* re.c: regular expressions for grep (re.h). A pattern is parsed into a
 * tree, the tree compiled into a program for a non-deterministic
 * automaton, and the program run over a line keeping every live state at
 * once (Thompson's construction, as in Pike's and Cox's descriptions):
 * each byte of the line is looked at once per live state, so no pattern
 * takes exponential time, and there are no back-references.
 *
 * Rules kept here:
 *  - Syntax as GNU grep reads it in the C locale. Basic: \( \) \{ \}
 *    and GNU's \| \+ \?; '*' at the start of an expression (or after
 *    \( \| ^) is literal; '^' is an anchor only first and '$' only last
 *    (in the whole pattern or a group or an alternative). Extended: ( )
 *    | + ? { } are operators, a '{' that starts no valid interval and a
 *    ')' with no '(' are literal, and a repetition with nothing before
 *    it repeats nothing (with GNU's warning). Both: . [...] with ranges by byte value and [:class:],
 *    \w \W \s \S \b \B \< \> \` \', and any other escaped character is
 *    itself. Errors carry GNU's messages.
 *  - Bytes are unsigned; '.' and a negated bracket match any byte.
 *  - Repetition is expanded into copies: counts above RE_DUP_MAX and
 *    programs above PROG_MAX instructions are refused ("too big"), never
 *    cut short.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re.h"
#include "util.h"

#define RE_DUP_MAX 32767
#define PROG_MAX (1 << 22)

enum { N_CHAR, N_ANY, N_CLASS, N_ASSERT, N_CAT, N_ALT, N_REP, N_EMPTY };
enum { A_BOL, A_EOL, A_WORDB, A_NWORDB, A_WBEG, A_WEND, A_NOTWORD_BEFORE, A_NOTWORD_AFTER };
enum { I_CHAR, I_ANY, I_CLASS, I_ASSERT, I_SPLIT, I_JMP, I_MATCH };

struct node {
    int type;
    int a, b;                  /* CHAR: byte; CLASS: class; ASSERT: kind; CAT/ALT/REP: children */
    int min, max;              /* REP: counts, max -1 for no limit */
};

typedef uint8_t charset[32];

struct inst {
    uint8_t op;
    int x, y;
};

struct re {
    struct inst *prog;
    int n;
    charset *classes;
    int start_set_ok;          /* start_set holds every byte a match can begin with */
    charset start_set;
    int *list[2], *stack, *seen;
    unsigned gen;
};

struct parser {
    const unsigned char *p, *end;
    int flags;
    int depth;                 /* open groups */
    struct node *nodes;
    int nnodes, cap;
    charset *classes;
    int nclasses;
    const char *err;
};

static int set_has(const uint8_t *s, int c) { return s[c >> 3] >> (c & 7) & 1; }
static void set_add(uint8_t *s, int c) { s[c >> 3] |= (uint8_t)(1 << (c & 7)); }
static int is_word(int c) { return c == '_' || isalnum(c); }

static int node_new(struct parser *ps, int type, int a, int b)
{
    if (ps->nnodes == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 64;
        ps->nodes = xrealloc(ps->nodes, (size_t)ps->cap * sizeof *ps->nodes);
    }
    ps->nodes[ps->nnodes] = (struct node){ type, a, b, 0, 0 };
    return ps->nnodes++;
}

static int class_new(struct parser *ps, const uint8_t *set)
{
    ps->classes = xrealloc(ps->classes, (size_t)(ps->nclasses + 1) * sizeof *ps->classes);
    memcpy(ps->classes[ps->nclasses], set, sizeof(charset));
    return node_new(ps, N_CLASS, ps->nclasses++, 0);
}

static int fail(struct parser *ps, const char *msg)
{
    if (!ps->err)
        ps->err = msg;
    return -1;
}

/* With RE_ICASE, a letter in the set brings its other case along. */
static void fold_set(struct parser *ps, uint8_t *set)
{
    if (!(ps->flags & RE_ICASE))
        return;
    for (int c = 0; c < 256; c++)
        if (set_has(set, c) && isalpha(c)) {
            set_add(set, tolower(c));
            set_add(set, toupper(c));
        }
}

static int char_node(struct parser *ps, int c)
{
    if (!(ps->flags & RE_ICASE) || !isalpha(c))
        return node_new(ps, N_CHAR, c, 0);
    charset set = { 0 };
    set_add(set, c);
    fold_set(ps, set);
    return class_new(ps, set);
}

static int class_by_name(const char *name, size_t n, uint8_t *set)
{
    static const struct {
        const char *name;
        int (*fn)(int);
    } classes[] = {
        { "alpha", isalpha }, { "digit", isdigit }, { "alnum", isalnum }, { "upper", isupper },
        { "lower", islower }, { "space", isspace }, { "blank", isblank }, { "punct", ispunct },
        { "print", isprint }, { "graph", isgraph }, { "cntrl", iscntrl }, { "xdigit", isxdigit },
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        if (strlen(classes[i].name) != n || memcmp(classes[i].name, name, n) != 0)
            continue;
        for (int c = 0; c < 256; c++)
            if (classes[i].fn(c))
                set_add(set, c);
        return 0;
    }
    return -1;
}

/* \w \W \s \S as a class. */
static int escape_class(struct parser *ps, int c)
{
    charset set = { 0 };
    for (int b = 0; b < 256; b++) {
        int in = (c == 'w' || c == 'W') ? is_word(b) : isspace(b);
        if (in == (c == 'w' || c == 's'))
            set_add(set, b);
    }
    return class_new(ps, set);
}

/* One element of a bracket expression: a byte, or [.c.] / [=c=]. */
static int bracket_char(struct parser *ps)
{
    const unsigned char *p = ps->p;
    if (p + 1 < ps->end && p[0] == '[' && (p[1] == '.' || p[1] == '=')) {
        unsigned char kind = p[1];
        if (p + 4 < ps->end && p[3] == kind && p[4] == ']') {
            ps->p = p + 5;
            return p[2];
        }
        return fail(ps, "Invalid collation character");
    }
    ps->p++;
    return p[0];
}

/* After '[': up to and including the closing ']'. */
static int parse_bracket(struct parser *ps)
{
    static const char *unmatched = "Unmatched [, [^, [:, [., or [=";
    charset set = { 0 };
    int neg = ps->p < ps->end && *ps->p == '^';
    if (neg)
        ps->p++;
    for (int first = 1;; first = 0) {
        if (ps->p >= ps->end)
            return fail(ps, unmatched);
        if (*ps->p == ']' && !first) {
            ps->p++;
            break;
        }
        if (ps->p + 1 < ps->end && ps->p[0] == '[' && ps->p[1] == ':') {
            const unsigned char *name = ps->p + 2, *q = name;
            while (q + 1 < ps->end && !(q[0] == ':' && q[1] == ']'))
                q++;
            if (q + 1 >= ps->end)
                return fail(ps, unmatched);
            if (class_by_name((const char *)name, (size_t)(q - name), set) < 0)
                return fail(ps, "Invalid character class name");
            ps->p = q + 2;
            continue;
        }
        int lo = bracket_char(ps);
        if (lo < 0)
            return -1;
        int hi = lo;
        if (ps->p + 1 < ps->end && ps->p[0] == '-' && ps->p[1] != ']') {
            ps->p++;
            if ((hi = bracket_char(ps)) < 0)
                return -1;
            if (hi < lo)
                return fail(ps, "Invalid range end");
        }
        for (int c = lo; c <= hi; c++)
            set_add(set, c);
    }
    fold_set(ps, set);
    if (neg)
        for (int i = 0; i < 32; i++)
            set[i] = (uint8_t)~set[i];
    return class_new(ps, set);
}

static int parse_alt(struct parser *ps);

static int ere(const struct parser *ps) { return ps->flags & RE_EXTENDED; }

/* At the two-byte sequence '\' c (basic syntax's operators). */
static int at_esc(const struct parser *ps, int c)
{
    return ps->p + 1 < ps->end && ps->p[0] == '\\' && ps->p[1] == c;
}

static int at_alt(const struct parser *ps)
{
    return ere(ps) ? ps->p < ps->end && *ps->p == '|' : at_esc(ps, '|');
}

static int at_close(const struct parser *ps)
{
    if (ere(ps))
        return ps->depth > 0 && ps->p < ps->end && *ps->p == ')';
    return at_esc(ps, ')');
}

/* Where a basic '$' is an anchor: last in the pattern, a group or an
 * alternative. */
static int dollar_is_anchor(const struct parser *ps)
{
    const unsigned char *save = ps->p + 1;
    struct parser t = *ps;
    t.p = save;
    return save >= ps->end || at_esc(&t, ')') || at_esc(&t, '|');
}

static int parse_escape(struct parser *ps)
{
    if (ps->p + 1 >= ps->end)
        return fail(ps, "Trailing backslash");
    int c = ps->p[1];
    ps->p += 2;
    switch (c) {
    case 'w': case 'W': case 's': case 'S': return escape_class(ps, c);
    case 'b': return node_new(ps, N_ASSERT, A_WORDB, 0);
    case 'B': return node_new(ps, N_ASSERT, A_NWORDB, 0);
    case '<': return node_new(ps, N_ASSERT, A_WBEG, 0);
    case '>': return node_new(ps, N_ASSERT, A_WEND, 0);
    case '`': return node_new(ps, N_ASSERT, A_BOL, 0);
    case '\'': return node_new(ps, N_ASSERT, A_EOL, 0);
    }
    if (c >= '1' && c <= '9')
        return fail(ps, "back-references are not supported");
    return char_node(ps, c);
}

static int parse_group(struct parser *ps)
{
    ps->depth++;
    int inner = parse_alt(ps);
    if (inner < 0)
        return -1;
    if (!at_close(ps))
        return fail(ps, "Unmatched ( or \\(");
    ps->p += ere(ps) ? 1 : 2;
    ps->depth--;
    return inner;
}

/* One atom; *start is set while nothing but '^' has been seen in this
 * sequence (a '*' there is literal). */
static int parse_atom(struct parser *ps, int *start)
{
    int c = *ps->p, was_start = *start;
    *start = 0;
    if (ere(ps)) {
        switch (c) {
        case '(': ps->p++; return parse_group(ps);
        case '^': ps->p++; return node_new(ps, N_ASSERT, A_BOL, 0);
        case '$': ps->p++; return node_new(ps, N_ASSERT, A_EOL, 0);
        }
    } else {
        if (at_esc(ps, '(')) {
            ps->p += 2;
            return parse_group(ps);
        }
        if (at_esc(ps, ')'))
            return fail(ps, "Unmatched ) or \\)");
        if (at_esc(ps, '{') && was_start) {
            ps->p += 2;
            return char_node(ps, '{');
        }
        if (c == '^' && was_start) {
            ps->p++;
            *start = 1;
            return node_new(ps, N_ASSERT, A_BOL, 0);
        }
        if (c == '$' && dollar_is_anchor(ps)) {
            ps->p++;
            return node_new(ps, N_ASSERT, A_EOL, 0);
        }
    }
    ps->p++;
    switch (c) {
    case '.': return node_new(ps, N_ANY, 0, 0);
    case '[': return parse_bracket(ps);
    case '\\': ps->p--; return parse_escape(ps);
    }
    return char_node(ps, c);
}

static int parse_number(struct parser *ps, int *v)
{
    if (ps->p >= ps->end || !isdigit(*ps->p))
        return 0;
    long n = 0;
    while (ps->p < ps->end && isdigit(*ps->p)) {
        n = n * 10 + (*ps->p++ - '0');
        if (n > RE_DUP_MAX + 1)
            n = RE_DUP_MAX + 1;
    }
    *v = (int)n;
    return 1;
}

/* After '{' or '\{': m}, m,}, ,n}, m,n}. 1 with the counts, 0 when the
 * text is no interval (extended syntax: then '{' is literal), -1 on an
 * error. */
static int parse_interval(struct parser *ps, int *min, int *max)
{
    const unsigned char *save = ps->p;
    int has_min = parse_number(ps, min), has_max = 0;
    *max = *min;
    if (!has_min)
        *min = 0;
    if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        has_max = parse_number(ps, max);
        if (!has_max)
            *max = -1;
    } else if (!has_min) {
        goto bad;
    }
    if (ere(ps) ? (ps->p < ps->end && *ps->p == '}') : at_esc(ps, '}')) {
        ps->p += ere(ps) ? 1 : 2;
        if (*min > RE_DUP_MAX || *max > RE_DUP_MAX)
            return fail(ps, "Regular expression too big");
        if (*max >= 0 && *max < *min)
            return fail(ps, "Invalid content of \\{\\}");
        return 1;
    }
bad:
    if (ere(ps)) {
        ps->p = save;
        return 0;
    }
    return fail(ps, ps->p >= ps->end ? "Unmatched \\{" : "Invalid content of \\{\\}");
}

/* A repetition operator after an atom: 1 with its counts, 0 if none. */
static int parse_postfix(struct parser *ps, int *min, int *max)
{
    if (ps->p >= ps->end)
        return 0;
    int c = *ps->p;
    if (c == '*') {
        ps->p++;
        *min = 0, *max = -1;
        return 1;
    }
    if (ere(ps) ? (c == '+' || c == '?') : (at_esc(ps, '+') || at_esc(ps, '?'))) {
        int op = ere(ps) ? c : ps->p[1];
        ps->p += ere(ps) ? 1 : 2;
        *min = op == '+';
        *max = op == '+' ? -1 : 1;
        return 1;
    }
    if (ere(ps) ? c == '{' : at_esc(ps, '{')) {
        const unsigned char *save = ps->p;
        ps->p += ere(ps) ? 1 : 2;
        int r = parse_interval(ps, min, max);
        if (r == 0)
            ps->p = save;
        return r;
    }
    return 0;
}

static void warn_start(const unsigned char *op)
{
    warnx("warning: %s at start of expression", *op == '{' ? "{...}" : *op == '*' ? "*"
                                                 : *op == '+' ? "+" : "?");
}

/* Extended syntax, a repetition with nothing to repeat: GNU repeats the
 * empty expression (with a warning). 1 when one was skipped. */
static int skip_lone_repetition(struct parser *ps)
{
    const unsigned char *op = ps->p;
    int min, max, r = parse_postfix(ps, &min, &max);
    if (r > 0)
        warn_start(op);
    return r;
}

static int parse_seq(struct parser *ps)
{
    int seq = -1, start = 1;
    while (ps->p < ps->end && !at_alt(ps) && !at_close(ps)) {
        int atom, r;
        if (ere(ps) && start && (r = skip_lone_repetition(ps)) != 0) {
            if (r < 0)
                return -1;
            continue;
        }
        /* basic syntax: a '*' with nothing before it is an ordinary character */
        if (start && *ps->p == '*') {
            atom = char_node(ps, *ps->p++);
            start = 0;
        } else if ((atom = parse_atom(ps, &start)) < 0) {
            return -1;
        }
        int min, max;
        const unsigned char *op = ps->p;
        while (!start && (r = parse_postfix(ps, &min, &max)) != 0) {
            if (r < 0)
                return -1;
            if (seq < 0 && ps->nodes[atom].type == N_ASSERT && ps->nodes[atom].a == A_BOL)
                warn_start(op);
            op = ps->p;
            atom = node_new(ps, N_REP, atom, 0);
            ps->nodes[atom].min = min;
            ps->nodes[atom].max = max;
        }
        seq = seq < 0 ? atom : node_new(ps, N_CAT, seq, atom);
    }
    return seq < 0 ? node_new(ps, N_EMPTY, 0, 0) : seq;
}

static int parse_alt(struct parser *ps)
{
    int left = parse_seq(ps);
    while (left >= 0 && at_alt(ps)) {
        ps->p += ere(ps) ? 1 : 2;
        int right = parse_seq(ps);
        if (right < 0)
            return -1;
        left = node_new(ps, N_ALT, left, right);
    }
    return left;
}

static int parse_literal(struct parser *ps)
{
    int seq = -1;
    while (ps->p < ps->end) {
        int c = char_node(ps, *ps->p++);
        seq = seq < 0 ? c : node_new(ps, N_CAT, seq, c);
    }
    return seq < 0 ? node_new(ps, N_EMPTY, 0, 0) : seq;
}

static int parse_one(struct parser *ps, const char *pat, size_t len)
{
    ps->p = (const unsigned char *)pat;
    ps->end = ps->p + len;
    ps->depth = 0;
    if (ps->flags & RE_LITERAL)
        return parse_literal(ps);
    int n = parse_alt(ps);
    if (n >= 0 && ps->p < ps->end)          /* only a stray close can stop the parse early */
        return fail(ps, "Unmatched ) or \\)");
    return n;
}

/* The size of a node's code, saturating past PROG_MAX. */
static long long code_size(const struct parser *ps, int n)
{
    const struct node *nd = &ps->nodes[n];
    long long a, s;
    switch (nd->type) {
    case N_EMPTY: return 0;
    case N_CAT: s = code_size(ps, nd->a) + code_size(ps, nd->b); break;
    case N_ALT: s = code_size(ps, nd->a) + code_size(ps, nd->b) + 2; break;
    case N_REP:
        a = code_size(ps, nd->a);
        s = nd->min * a + (nd->max < 0 ? a + 2 : (long long)(nd->max - nd->min) * (a + 1));
        break;
    default: return 1;
    }
    return s > PROG_MAX ? PROG_MAX + 1 : s;
}

static void emit(struct re *re, const struct parser *ps, int n);

static int emit_inst(struct re *re, int op, int x, int y)
{
    re->prog[re->n] = (struct inst){ (uint8_t)op, x, y };
    return re->n++;
}

static void emit_rep(struct re *re, const struct parser *ps, const struct node *nd)
{
    for (int i = 0; i < nd->min; i++)
        emit(re, ps, nd->a);
    if (nd->max < 0) {
        int split = emit_inst(re, I_SPLIT, 0, 0);
        re->prog[split].x = re->n;
        emit(re, ps, nd->a);
        emit_inst(re, I_JMP, split, 0);
        re->prog[split].y = re->n;
        return;
    }
    int count = nd->max - nd->min;
    int *splits = xmalloc((size_t)count * sizeof *splits);
    for (int i = 0; i < count; i++) {
        splits[i] = emit_inst(re, I_SPLIT, 0, 0);
        re->prog[splits[i]].x = re->n;
        emit(re, ps, nd->a);
    }
    for (int i = 0; i < count; i++)           /* every skip goes past the last copy */
        re->prog[splits[i]].y = re->n;
    free(splits);
}

static void emit(struct re *re, const struct parser *ps, int n)
{
    const struct node *nd = &ps->nodes[n];
    switch (nd->type) {
    case N_EMPTY: break;
    case N_CHAR: emit_inst(re, I_CHAR, nd->a, 0); break;
    case N_ANY: emit_inst(re, I_ANY, 0, 0); break;
    case N_CLASS: emit_inst(re, I_CLASS, nd->a, 0); break;
    case N_ASSERT: emit_inst(re, I_ASSERT, nd->a, 0); break;
    case N_CAT: emit(re, ps, nd->a); emit(re, ps, nd->b); break;
    case N_ALT: {
        int split = emit_inst(re, I_SPLIT, 0, 0);
        re->prog[split].x = re->n;
        emit(re, ps, nd->a);
        int jmp = emit_inst(re, I_JMP, 0, 0);
        re->prog[split].y = re->n;
        emit(re, ps, nd->b);
        re->prog[jmp].x = re->n;
        break;
    }
    case N_REP: emit_rep(re, ps, nd); break;
    }
}

static int assert_holds(int kind, const unsigned char *s, size_t n, size_t i)
{
    int before = i > 0 && is_word(s[i - 1]), after = i < n && is_word(s[i]);
    switch (kind) {
    case A_BOL: return i == 0;
    case A_EOL: return i == n;
    case A_WORDB: return before != after;
    case A_NWORDB: return before == after;
    case A_WBEG: return !before && after;
    case A_WEND: return before && !after;
    case A_NOTWORD_BEFORE: return !before;
    case A_NOTWORD_AFTER: return !after;
    }
    return 0;
}

/* Adds pc and everything reachable from it without reading a byte to
 * list (*count entries); 1 if that reaches MATCH. */
static int add_state(struct re *re, int *list, int *count, int pc, const unsigned char *s,
                     size_t n, size_t i)
{
    int sp = 0, matched = 0;
    re->stack[sp++] = pc;
    while (sp > 0) {
        pc = re->stack[--sp];
        if (re->seen[pc] == (int)re->gen)
            continue;
        re->seen[pc] = (int)re->gen;
        const struct inst *in = &re->prog[pc];
        switch (in->op) {
        case I_JMP: re->stack[sp++] = in->x; break;
        case I_SPLIT: re->stack[sp++] = in->y; re->stack[sp++] = in->x; break;
        case I_ASSERT:
            if (assert_holds(in->x, s, n, i))
                re->stack[sp++] = pc + 1;
            break;
        case I_MATCH: matched = 1; break;
        default: list[(*count)++] = pc;
        }
    }
    return matched;
}

static int consumes(const struct re *re, const struct inst *in, int c)
{
    switch (in->op) {
    case I_CHAR: return in->x == c;
    case I_ANY: return 1;
    case I_CLASS: return set_has(re->classes[in->x], c);
    }
    return 0;
}

int re_search(struct re *re, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    int *clist = re->list[0], *nlist = re->list[1], nc = 0;
    for (size_t i = 0;; i++) {
        if (nc == 0 && re->start_set_ok) {     /* no match under way: skip to a start */
            while (i < n && !set_has(re->start_set, s[i]))
                i++;
            if (i == n)
                return 0;
        }
        re->gen++;
        /* the states reached at i are marked with this generation already
         * (below); adding the start joins them */
        for (int k = 0; k < nc; k++)
            re->seen[clist[k]] = (int)re->gen;
        if (add_state(re, clist, &nc, 0, s, n, i))
            return 1;
        if (i == n)
            return 0;
        int nn = 0, matched = 0;
        re->gen++;
        for (int k = 0; k < nc; k++)
            if (consumes(re, &re->prog[clist[k]], s[i]))
                matched |= add_state(re, nlist, &nn, clist[k] + 1, s, n, i + 1);
        if (matched)
            return 1;
        int *t = clist;
        clist = nlist;
        nlist = t;
        nc = nn;
    }
}

/* The bytes a match can begin with, when the start's closure holds only
 * states that read a byte (no assertion, no empty match). */
static void find_start_set(struct re *re)
{
    re->gen++;
    int sp = 0;
    re->stack[sp++] = 0;
    re->start_set_ok = 1;
    memset(re->start_set, 0, sizeof re->start_set);
    while (sp > 0) {
        int pc = re->stack[--sp];
        if (re->seen[pc] == (int)re->gen)
            continue;
        re->seen[pc] = (int)re->gen;
        const struct inst *in = &re->prog[pc];
        switch (in->op) {
        case I_JMP: re->stack[sp++] = in->x; break;
        case I_SPLIT: re->stack[sp++] = in->y; re->stack[sp++] = in->x; break;
        case I_ASSERT:
        case I_MATCH: re->start_set_ok = 0; break;
        default:
            for (int c = 0; c < 256; c++)
                if (consumes(re, in, c))
                    set_add(re->start_set, c);
        }
    }
}

static int wrap(struct parser *ps, int root, int before, int after)
{
    int a = node_new(ps, N_ASSERT, before, 0), b = node_new(ps, N_ASSERT, after, 0);
    return node_new(ps, N_CAT, node_new(ps, N_CAT, a, root), b);
}

struct re *re_compile(char *const *pats, const size_t *lens, int n, int flags,
                      const char **err)
{
    struct parser ps = { .flags = flags };
    int root = -1;
    for (int i = 0; i < n && !ps.err; i++) {
        int one = parse_one(&ps, pats[i], lens[i]);
        if (one >= 0)
            root = root < 0 ? one : node_new(&ps, N_ALT, root, one);
    }
    if (root < 0 && !ps.err)
        root = node_new(&ps, N_EMPTY, 0, 0);
    if (!ps.err && (flags & RE_LINE))
        root = wrap(&ps, root, A_BOL, A_EOL);
    else if (!ps.err && (flags & RE_WORD))
        root = wrap(&ps, root, A_NOTWORD_BEFORE, A_NOTWORD_AFTER);
    long long size = ps.err ? 0 : code_size(&ps, root) + 1;
    if (size > PROG_MAX)
        ps.err = "Regular expression too big";
    if (ps.err) {
        *err = ps.err;
        free(ps.nodes);
        free(ps.classes);
        return NULL;
    }
    struct re *re = xmalloc(sizeof *re);
    memset(re, 0, sizeof *re);
    re->prog = xmalloc((size_t)size * sizeof *re->prog);
    emit(re, &ps, root);
    emit_inst(re, I_MATCH, 0, 0);
    re->classes = ps.classes;
    free(ps.nodes);
    for (int i = 0; i < 2; i++)
        re->list[i] = xmalloc((size_t)re->n * sizeof(int));
    re->stack = xmalloc((size_t)(2 * re->n + 2) * sizeof(int));
    re->seen = xmalloc((size_t)re->n * sizeof(int));
    memset(re->seen, 0xff, (size_t)re->n * sizeof(int));
    find_start_set(re);
    return re;
}

void re_free(struct re *re)
{
    free(re->prog);
    free(re->classes);
    free(re->list[0]);
    free(re->list[1]);
    free(re->stack);
    free(re->seen);
    free(re);
}
