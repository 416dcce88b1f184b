/* stdio_impl.h: the FILE structure and what the stdio files share.
 *
 * A stream is reading or writing, never both at once: buf[rpos, rend) is
 * read data not yet consumed, buf[0, wpos) is written data not yet sent.
 * Switching direction flushes (writing -> reading) or gives the unread
 * data back with lseek (reading -> writing). Each public function holds
 * the stream's lock; the __-prefixed ones expect it held. */
#ifndef STDIO_IMPL_H
#define STDIO_IMPL_H

#include <isola.h>
#include <stdarg.h>
#include <stdio.h>
#include "libc.h"

#define F_READ 0x01     /* opened for reading */
#define F_WRITE 0x02    /* opened for writing */
#define F_APPEND 0x04
#define F_EOF 0x08
#define F_ERR 0x10
#define F_OWNBUF 0x20   /* buf came from malloc and is ours to free */
#define F_STATIC 0x40   /* stdin/stdout/stderr: never freed */

struct __file {
    int fd;
    int flags;
    int bufmode;        /* _IOFBF, _IOLBF, _IONBF */
    char *buf;
    size_t size;
    size_t rpos, rend, wpos;
    int ungot;          /* a pushed-back character, or EOF */
    mutex_t lock;
    struct __file *next;
};

HIDDEN int __fflush(FILE *f);
HIDDEN int __fputc(int c, FILE *f);
HIDDEN int __fgetc(FILE *f);
HIDDEN size_t __fwrite(const void *p, size_t n, FILE *f);
HIDDEN int __fill(FILE *f);
HIDDEN int __to_write(FILE *f);

/* Formatted output goes to a sink: a stream or a bounded buffer. */
struct sink {
    FILE *f;            /* if not NULL, write here */
    char *buf;          /* else into buf[0, cap), NUL kept in bounds */
    size_t cap, len;
    int count;          /* characters produced, as printf returns */
};
HIDDEN int __format(struct sink *s, const char *fmt, va_list ap);

/* Formatted input reads from a source: a stream or a string. */
struct source {
    FILE *f;
    const char *s;
    int count;          /* characters consumed, for %n */
};
HIDDEN int __scan(struct source *src, const char *fmt, va_list ap);

#endif
