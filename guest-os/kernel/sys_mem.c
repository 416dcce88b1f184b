/*
 * sys_mem.c: the memory system calls: brk, mmap2 (anonymous private
 * mappings), munmap and mprotect, with Linux's argument rules.
 */
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"

#define PROT_READ 0x1u
#define PROT_WRITE 0x2u
#define PROT_EXEC 0x4u
#define MAP_SHARED 0x01u
#define MAP_PRIVATE 0x02u
#define MAP_TYPE 0x0Fu
#define MAP_FIXED 0x10u
#define MAP_ANONYMOUS 0x20u
#define MAP_KNOWN (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | 0x0100 /* GROWSDOWN */ | \
                   0x0800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */ | 0x2000 /* LOCKED */ | \
                   0x4000 /* NORESERVE */ | 0x8000 /* POPULATE */ | 0x20000 /* STACK */)

/* On x86 a page that can be written or executed can also be read. */
static unsigned prot_bits(uint32_t prot)
{
    if (prot & (PROT_WRITE | PROT_EXEC))
        prot |= PROT_READ;
    return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
           ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

static long sys_brk(const uint32_t *a)
{
    return as_set_brk(curproc()->as, a[0]);
}

static uint32_t place(struct aspace *as, uint32_t hint, uint32_t len)
{
    if (hint >= USER_LOW && hint % PAGE_SIZE == 0 && as_find_free(as, len, hint) == hint)
        return hint;
    uint32_t at = as_find_free(as, len, USER_MMAP_BASE);
    return at ? at : as_find_free(as, len, USER_LOW);
}

static long sys_mmap2(const uint32_t *a)
{
    uint32_t addr = a[0], len = a[1], prot = a[2], flags = a[3];
    struct aspace *as = curproc()->as;
    if (len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) || (flags & ~MAP_KNOWN))
        return -EINVAL;
    if ((flags & MAP_TYPE) != MAP_PRIVATE && (flags & MAP_TYPE) != MAP_SHARED)
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS))
        return -ENODEV;                /* file mappings: not yet */
    if ((flags & MAP_TYPE) == MAP_SHARED)
        return -EINVAL;                /* shared anonymous memory: not yet */
    if (len > USER_TOP - USER_LOW)
        return -ENOMEM;
    len = PAGE_ROUND_UP(len);
    if (flags & MAP_FIXED) {
        if (addr % PAGE_SIZE || addr < USER_LOW || addr >= USER_TOP || len > USER_TOP - addr)
            return -EINVAL;
        long r = as_unmap(as, addr, len);
        if (r < 0)
            return r;
    } else if (!(addr = place(as, addr, len))) {
        return -ENOMEM;
    }
    long r = as_map(as, addr, len, prot_bits(prot), VMA_ANON);
    return r < 0 ? r : (long)addr;
}

static long sys_munmap(const uint32_t *a)
{
    if (a[0] % PAGE_SIZE || a[1] == 0)
        return -EINVAL;
    return as_unmap(curproc()->as, a[0], a[1]);
}

static long sys_mprotect(const uint32_t *a)
{
    if (a[0] % PAGE_SIZE || (a[2] & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    if (a[1] == 0)
        return 0;
    return as_protect(curproc()->as, a[0], a[1], prot_bits(a[2]));
}

const struct syscall_def mem_syscalls[] = {
    SYSCALL_DEF(brk), SYSCALL_DEF(mmap2), SYSCALL_DEF(munmap), SYSCALL_DEF(mprotect),
    {0, NULL, NULL},
};
