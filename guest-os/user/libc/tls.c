/* tls.c: the thread control block of the main thread, installed with
 * set_thread_area so that %gs:0 points at it, and errno found through it.
 * If the kernel has no set_thread_area, errno lives in the main TCB and
 * thread_create refuses (ENOSYS): threads need their own TCBs. */
#include <errno.h>
#include <string.h>
#include "libc.h"

struct tcb __main_tcb = { &__main_tcb, 0, 0 };
int __tls_entry = -1;

void __tls_desc(struct user_desc *u, struct tcb *t)
{
    memset(u, 0, sizeof *u);    /* the kernel reads the bit-field word whole */
    u->entry_number = (unsigned)__tls_entry;
    u->base_addr = (unsigned)t;
    u->limit = 0xfffff;
    u->seg_32bit = 1;
    u->contents = 0;
    u->read_exec_only = 0;
    u->limit_in_pages = 1;
    u->seg_not_present = 0;
    u->useable = 1;
}

void __tls_init(void)
{
    struct user_desc u;
    __tls_desc(&u, &__main_tcb);
    long r = SYS1(SYS_set_thread_area, &u);
    if (r < 0)
        return;
    unsigned sel = u.entry_number * 8 + 3;
    __asm__ volatile("movw %w0, %%gs" : : "q"(sel));
    __tls_entry = (int)u.entry_number;
}

int *__errno_location(void)
{
    struct tcb *t;
    if (__tls_entry < 0)
        return &__main_tcb.err;
    __asm__("movl %%gs:0, %0" : "=r"(t));
    return &t->err;
}

long __sysret(long r)
{
    if (IS_ERR(r)) {
        errno = (int)-r;
        return -1;
    }
    return r;
}
