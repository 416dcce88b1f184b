/* util.h: what the tools share: error messages that name the program
 * (as coreutils prints them), careful number parsing, memory that is
 * there or the program dies saying so, path names, directory listings,
 * mode strings, and reading input
 * of any size (whole, or a line at a time, with no limit on a line). */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>

/* Each tool sets this to its own name before printing anything. */
extern const char *prog;

void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void usage(const char *text);
int parse_count(const char *s, long long *out);
int write_all(int fd, const void *buf, size_t n);

/* malloc, realloc and strdup that die with "out of memory" rather than
 * return NULL. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* dir + "/" + name, malloc'd (no doubled slash after a dir ending in /). */
char *path_join(const char *dir, const char *name);
/* The last component of path, without trailing slashes, malloc'd
 * ("/" for "/", "." for ""). */
char *path_base(const char *path);

/* The operands of cp and mv, after the options: "source dest", or
 * "source... dir" where each source goes into dir under its own name.
 * Calls each(source, destination) for every source and returns the OR
 * of the results; dies with usage_text when operands are missing, or
 * when several sources are given and the last operand is not a
 * directory. */
int for_each_source(int n, char **ops, const char *usage_text,
                    int (*each)(const char *src, const char *dst));

/* qsort's comparison for an array of strings. */
int by_string(const void *a, const void *b);
/* The names in directory path other than . and .., sorted, malloc'd
 * (each name and the array); their number, or -1 (errno) if the
 * directory cannot be opened or read whole. */
int list_names(const char *path, char ***out);
/* ls -l's "drwxr-xr-x" for mode m, with setuid, setgid and sticky
 * bits, in s (11 bytes). */
void mode_string(unsigned m, char *s);

/* Reading lines of any length from a descriptor. */
struct reader {
    int fd;
    char *buf;
    size_t cap, start, end;
    int eof;
};
void reader_init(struct reader *r, int fd);
/* The next line, without its newline, in *line (valid until the next
 * call) and its length in *len; *nl says whether a newline ended it.
 * 1 for a line, 0 at the end, -1 on a read error (errno). */
int reader_line(struct reader *r, char **line, size_t *len, int *nl);
void reader_free(struct reader *r);

/* Reads all of fd into a malloc'd buffer (*len bytes, plus a NUL
 * after them); 0, or -1 on a read error (errno). */
int read_all(int fd, char **buf, size_t *len);

#endif
