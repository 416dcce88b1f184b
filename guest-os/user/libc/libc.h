/* libc.h: what the C library's files share and programs never see: the
 * raw system call, errno conversion, the thread control block, and the
 * stdio and exit hooks. */
#ifndef LIBC_H
#define LIBC_H

#include <stddef.h>
#include <stdint.h>
#include <isola/syscall.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* The raw call: a result in [-4095, -1] is -errno, anything else is a
 * value (mmap's addresses above 2 GiB are "negative" and still values). */
HIDDEN long __syscall(long n, long a, long b, long c, long d, long e, long f);
HIDDEN long __sysret(long r);
#define SYS0(n) __syscall((n), 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) __syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b) __syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c) __syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) __syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYS5(n, a, b, c, d, e) \
    __syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define SYS6(n, a, b, c, d, e, f) \
    __syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define IS_ERR(r) ((unsigned long)(r) >= (unsigned long)-4095)

/* The thread control block: %gs:0 points at it (self). */
struct thread;
struct tcb {
    struct tcb *self;
    int err;
    struct thread *thread;
};

/* Linux's struct user_desc for set_thread_area and CLONE_SETTLS. */
struct user_desc {
    unsigned entry_number;
    unsigned base_addr;
    unsigned limit;
    unsigned seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
        seg_not_present : 1, useable : 1;
};

HIDDEN extern int __tls_entry;          /* GDT entry of the TLS segment, -1 if none */
HIDDEN extern struct tcb __main_tcb;
HIDDEN void __tls_init(void);
HIDDEN void __tls_desc(struct user_desc *u, struct tcb *t);

HIDDEN extern size_t __page_size;
HIDDEN void __stdio_exit(void);
HIDDEN void __stdio_init(void);
HIDDEN extern char **__auxv_environ;

HIDDEN int __clone(int (*fn)(void *), void *stack, unsigned long flags, void *arg,
                   int *ptid, void *tls, int *ctid);
HIDDEN void __restore(void);
HIDDEN void __restore_rt(void);

#endif
