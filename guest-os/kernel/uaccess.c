/*
 * uaccess.c: copying between the kernel and user memory (see uaccess.h).
 * Each page of the range goes through as_resolve, the same check and the
 * same page-in a user access would get, and is then copied through the
 * kernel's direct map of RAM.
 */
#include "uaccess.h"
#include "errno.h"
#include "lib.h"
#include "pageout.h"
#include "proc.h"
#include "vm.h"

static bool range_ok(uint32_t va, size_t n)
{
    return va < user_layout.top && n <= user_layout.top - va;
}

/* as_resolve; when the caller's own memory cannot be had for lack of
 * RAM and swap, the caller is killed, as for a fault of its own. */
static int resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa)
{
    int r = as_resolve(as, va, access, pa);
    if (r == -ENOMEM && as == curproc()->as)
        oom_kill(curproc());
    return r;
}

/* Calls fn on each page-sized piece of [va, va + n) with its kernel view. */
static int each_piece(struct aspace *as, uint32_t va, size_t n, unsigned access,
                      void (*fn)(void *user, void *kernel, size_t len), char *kbuf)
{
    if (!range_ok(va, n))
        return -EFAULT;
    while (n) {
        uint32_t pa;
        if (resolve(as, va, access, &pa) < 0)
            return -EFAULT;
        size_t off = va % PAGE_SIZE, len = MIN(n, PAGE_SIZE - off);
        fn((char *)P2V(pa) + off, kbuf, len);
        va += len;
        kbuf += len;
        n -= len;
    }
    return 0;
}

static void to_kernel(void *user, void *kernel, size_t len) { memcpy(kernel, user, len); }
static void to_user(void *user, void *kernel, size_t len) { memcpy(user, kernel, len); }

int as_copyin(struct aspace *as, void *dst, uint32_t usrc, size_t n)
{
    return each_piece(as, usrc, n, VM_READ, to_kernel, dst);
}

int as_copyout(struct aspace *as, uint32_t udst, const void *src, size_t n)
{
    return each_piece(as, udst, n, VM_WRITE, to_user, (char *)src);
}

int as_copyinstr(struct aspace *as, char *dst, uint32_t usrc, size_t max)
{
    size_t done = 0;
    if (max == 0)
        return -ENAMETOOLONG;
    while (done < max) {
        uint32_t pa, va = usrc + (uint32_t)done;
        if (va < usrc || !range_ok(va, 1) || resolve(as, va, VM_READ, &pa) < 0)
            return -EFAULT;
        const char *page = (const char *)P2V(pa) + va % PAGE_SIZE;
        size_t len = MIN(max - done, PAGE_SIZE - va % PAGE_SIZE);
        for (size_t i = 0; i < len; i++) {
            dst[done + i] = page[i];
            if (!page[i])
                return (int)(done + i);
        }
        done += len;
    }
    dst[max - 1] = 0;
    return -ENAMETOOLONG;
}

int copyin(void *dst, uint32_t usrc, size_t n) { return as_copyin(curproc()->as, dst, usrc, n); }
int copyout(uint32_t udst, const void *src, size_t n) { return as_copyout(curproc()->as, udst, src, n); }
int copyinstr(char *dst, uint32_t usrc, size_t max) { return as_copyinstr(curproc()->as, dst, usrc, max); }
