/*
 * vm_ops.h: what an isolation mode supplies below vm.h. vm.c keeps an
 * address space's regions (struct vma) and the rules of the memory
 * system calls for every mode; these operations give the regions memory.
 * A NULL operation is something the mode cannot do: the call that needs
 * it fails with -ENOSYS.
 */
#ifndef KERNEL_VM_OPS_H
#define KERNEL_VM_OPS_H

#include "vm.h"

struct as_ops {
    const char *name;
    int (*create)(struct aspace *as);             /* -ENOMEM */
    void (*unload)(struct aspace *as);            /* as is about to go: stop using it */
    void (*destroy)(struct aspace *as);           /* after every region is gone */
    void (*activate)(struct aspace *as);          /* NULL as: the kernel's own */
    /* A private region [start, end) was added or grew (brk). */
    void (*populate)(struct aspace *as, uint32_t start, uint32_t end);
    /* [start, end) is no longer mapped: let its memory go. */
    void (*release)(struct aspace *as, uint32_t start, uint32_t end);
    /* as_resolve and as_fill below the check of va against the layout. */
    int (*resolve)(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa);
    int (*fill)(struct aspace *as, uint32_t va, uint32_t *pa);
    /* fork: give dst (which has the same regions) src's contents of v. */
    int (*copy)(struct aspace *dst, struct aspace *src, const struct vma *v);
    /* mprotect changed v's rights. */
    void (*reprotect)(struct aspace *as, const struct vma *v);
    bool shared_memory, exchange_heap;            /* VMA_SHARED, VMA_XHEAP possible */
};

extern const struct as_ops paging_ops, region_ops;

/* For the modes (vm.c). */
struct vma *vma_find(const struct aspace *as, uint32_t va);
bool vma_allows(const struct vma *v, unsigned access);

#endif
