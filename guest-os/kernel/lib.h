/*
 * lib.h: what every kernel file uses: the string functions, printk and
 * panic, and a few arithmetic helpers.
 */
#ifndef KERNEL_LIB_H
#define KERNEL_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

#include "../lib/memstr.h"  /* mem* and str*, shared with the C library */

/* printk understands %d %i %u %x %X %p %s %c %% with width, '0' and '-'
 * flags and the 'l'/'ll' lengths. KERN_INFO lines are dropped under
 * `quiet`; everything else always reaches the console. */
#define KERN_INFO "\001"
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
int snprintk(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define ASSERT(c)                                                                  \
    do {                                                                           \
        if (!(c))                                                                  \
            panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__);         \
    } while (0)

#endif
