/* re.h: regular expressions for grep: POSIX basic (with GNU's \+ \? \|)
 * and extended syntax, bracket expressions with character classes,
 * anchors and word boundaries, matched by simulating the automaton
 * (Thompson's construction): time linear in the line's length, no
 * back-tracking, and so no back-references. */
#ifndef RE_H
#define RE_H

#include <stddef.h>

#define RE_EXTENDED 1          /* ERE: ( ) | + ? { } are operators */
#define RE_ICASE 2             /* letters match either case */
#define RE_LITERAL 4           /* the pattern is a plain string (grep -F) */
#define RE_LINE 8              /* the match must be the whole line (grep -x) */
#define RE_WORD 16             /* the match must be a whole word (grep -w) */

struct re;

/* Compiles n patterns (any of them may match); NULL with a message in
 * *err (a static string) for a bad one. */
struct re *re_compile(char *const *pats, const size_t *lens, int n, int flags,
                      const char **err);
/* 1 when s[0..n) holds a match, else 0. */
int re_search(struct re *re, const char *s, size_t n);
void re_free(struct re *re);

#endif
