/*
 * sys_mem.c: the memory system calls: brk, mmap2, munmap and mprotect,
 * with Linux's argument rules. mmap2 makes private anonymous memory,
 * shared anonymous memory (an unnamed shared-memory object that fork
 * passes on), and maps shared-memory handles (shm.h) with MAP_SHARED:
 * PROT_WRITE only through a handle opened for writing (EACCES), and
 * only within the object (EINVAL; Linux would map the rest and raise
 * SIGBUS there). Files cannot be mapped yet (ENODEV). mem_stat (isola's)
 * reports memory, swap and paging, and the isolation mode. With
 * isolation=seg or none, MAP_SHARED, mprotect and the exchange heap are
 * ENOSYS (vm_ops.h).
 */
#include "cmdline.h"
#include "errno.h"
#include "lib.h"
#include "kalloc.h"
#include "object.h"
#include "pageout.h"
#include "proc.h"
#include "shm.h"
#include "swap.h"
#include "syscall.h"
#include "uaccess.h"
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
    if (hint >= user_layout.low && hint % PAGE_SIZE == 0 && as_find_free(as, len, hint) == hint)
        return hint;
    uint32_t at = as_find_free(as, len, user_layout.mmap_base);
    return at ? at : as_find_free(as, len, user_layout.low);
}

/* The shared-memory object a MAP_SHARED mapping shows (a reference of
 * the caller's own) and the most its rights allow. */
static long shared_object(uint32_t flags, int fd, uint32_t len, uint32_t pgoff, unsigned prot,
                          struct shm **out, unsigned *maxprot)
{
    *maxprot = VM_READ | VM_WRITE | VM_EXEC;
    if (flags & MAP_ANONYMOUS) {
        *out = shm_anon(len / PAGE_SIZE);
        return *out ? 0 : -ENOMEM;
    }
    struct object *o = handle_ref(curproc(), fd);
    if (!o)
        return -EBADF;
    struct shm *s = shm_of(o);
    if (s && !object_writable(o))
        *maxprot &= ~VM_WRITE;
    object_put(o);
    if (!s)
        return -ENODEV;                /* file mappings: not yet */
    long r = 0;
    if (prot & ~*maxprot)
        r = -EACCES;
    else if (pgoff > shm_npages(s) || len / PAGE_SIZE > shm_npages(s) - pgoff)
        r = -EINVAL;
    if (r < 0)
        shm_drop(s);
    else
        *out = s;
    return r;
}

static long sys_mmap2(const uint32_t *a)
{
    uint32_t addr = a[0], len = a[1], prot = a[2], flags = a[3], pgoff = a[5];
    struct aspace *as = curproc()->as;
    if (len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) || (flags & ~MAP_KNOWN))
        return -EINVAL;
    bool shared = (flags & MAP_TYPE) == MAP_SHARED;
    if ((flags & MAP_TYPE) != MAP_PRIVATE && !shared)
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS) && !shared)
        return -ENODEV;                /* private file mappings: not yet */
    uint32_t low = user_layout.low, top = user_layout.top;
    if (len > top - low)
        return -ENOMEM;
    len = PAGE_ROUND_UP(len);
    if ((flags & MAP_FIXED) && (addr % PAGE_SIZE || addr < low || addr >= top || len > top - addr))
        return -EINVAL;
    struct shm *s = NULL;
    unsigned maxprot;
    long r = shared ? shared_object(flags, (int)a[4], len, pgoff, prot_bits(prot), &s, &maxprot) : 0;
    if (r == 0 && (flags & MAP_FIXED))
        r = as_unmap(as, addr, len);
    else if (r == 0 && !(addr = place(as, addr, len)))
        r = -ENOMEM;
    if (r == 0)
        r = s ? as_map_shared(as, addr, len, prot_bits(prot), maxprot, s, pgoff)
              : as_map(as, addr, len, prot_bits(prot), VMA_ANON);
    if (s)
        shm_drop(s);
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

static long sys_mem_stat(const uint32_t *a)
{
    const struct pageout_stats *s = &pageout_stats;
    struct isola_memstat m = {
        .pages_total = pages_total(), .pages_free = pages_free(), .reserve = s->reserve,
        .swap_total = swap_total(), .swap_free = swap_free_slots(), .pageouts = s->pageouts,
        .pageins = s->pageins, .zero_drops = s->zero_drops, .cancelled = s->cancelled,
        .oom_kills = s->oom_kills, .isolation = boot_options.isolation,
        .region_size = boot_options.isolation == ISOLATION_PAGING ? 0 : boot_options.segsize,
    };
    return copyout(a[0], &m, sizeof m) < 0 ? -EFAULT : 0;
}

const struct syscall_def mem_syscalls[] = {
    SYSCALL_DEF(brk), SYSCALL_DEF(mmap2), SYSCALL_DEF(munmap), SYSCALL_DEF(mprotect),
    SYSCALL_DEF(mem_stat),
    {0, NULL, NULL},
};
