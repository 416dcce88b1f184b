/* thread.c: threads as Linux makes them: clone sharing memory, files and
 * signal handlers, with a TLS segment of their own (CLONE_SETTLS on the
 * main thread's GDT entry), the kernel writing the new tid into
 * t->tid (PARENT_SETTID) and clearing it with a futex wake when the
 * thread ends (CHILD_CLEARTID): that is what thread_join waits for.
 *
 * One mmap holds, from the bottom: a PROT_NONE guard page (an overflow
 * faults instead of scribbling), the stack, then the struct thread with
 * the thread's TCB. thread_join unmaps it all. */
#include <errno.h>
#include <isola.h>
#include <string.h>
#include <sys/mman.h>
#include "libc.h"

#define STACK_SIZE (256 * 1024)

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000

struct thread {
    int tid;                    /* 0 once the thread has ended */
    void *(*fn)(void *);
    void *arg;
    void *ret;
    void *map;
    size_t maplen;
    struct tcb tcb;
    struct user_desc desc;
};

static int thread_main(void *p)
{
    struct thread *t = p;
    t->ret = t->fn(t->arg);
    return 0;
}

int thread_create(thread_t *out, void *(*fn)(void *), void *arg)
{
    if (__tls_entry < 0) {
        errno = ENOSYS;
        return -1;
    }
    size_t guard = __page_size;
    size_t len = guard + STACK_SIZE + ((sizeof(struct thread) + __page_size - 1) & -__page_size);
    char *map = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    /* ENOSYS: a kernel without paging (isolation=seg or none) has no
     * page rights, so the thread's stack goes without a guard */
    if (mprotect(map, guard, PROT_NONE) < 0 && errno != ENOSYS) {
        munmap(map, len);
        return -1;
    }
    struct thread *t = (struct thread *)(map + guard + STACK_SIZE);
    memset(t, 0, sizeof *t);
    t->fn = fn;
    t->arg = arg;
    t->map = map;
    t->maplen = len;
    t->tcb.self = &t->tcb;
    t->tcb.thread = t;
    __tls_desc(&t->desc, &t->tcb);
    unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                          CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
                          CLONE_CHILD_CLEARTID;
    int r = __clone(thread_main, t, flags, t, &t->tid, &t->desc, &t->tid);
    if (r < 0) {
        munmap(map, len);
        errno = -r;
        return -1;
    }
    *out = t;
    return 0;
}

int thread_join(thread_t t, void **ret)
{
    for (;;) {
        int tid = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE);
        if (tid == 0)
            break;
        SYS4(SYS_futex, &t->tid, 0 /* FUTEX_WAIT */, tid, 0);
    }
    if (ret)
        *ret = t->ret;
    munmap(t->map, t->maplen);
    return 0;
}
