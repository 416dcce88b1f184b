/*
 * vm.h: address spaces. An address space is a set of regions (start, end,
 * rights) and the page tables that map the part of them in use. Pages
 * arrive on first touch: a region promises memory, the page fault
 * delivers it (zero-filled, or copied when it was shared copy-on-write).
 *
 * This is the one interface the rest of the kernel uses for user memory:
 * process creation, exec, the memory system calls, the page-fault handler
 * and uaccess.c. The isolation modes (ARCHITECTURE.md) differ only below
 * it.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdint.h>

#include "mmu.h"

#define VM_READ 0x1u
#define VM_WRITE 0x2u
#define VM_EXEC 0x4u

/* The user address space (isolation=paging): see guest-os/README.md. */
#define USER_LOW 0x00010000u          /* nothing is mapped below */
#define USER_PIE_BASE 0x00400000u     /* where a static PIE is loaded */
#define USER_MMAP_BASE 0x40000000u
#define USER_STACK_SIZE (8u << 20)
#define USER_STACK_TOP USER_TOP
/* The guard under the stack is a gap, not one page: a function whose
 * frame is bigger than the gap could step over it into whatever lies
 * below (a "stack clash"), and compilers do not probe large frames. */
#define USER_STACK_GAP (1u << 20)
#define USER_STACK_GUARD (USER_STACK_TOP - USER_STACK_SIZE - USER_STACK_GAP)

enum vma_kind {
    VMA_ANON,                         /* private memory, zero-filled on first touch */
    VMA_GUARD,                        /* reserved and never mapped: a stack guard */
};

struct vma {
    uint32_t start, end;              /* page-aligned, [start, end) */
    unsigned prot;                    /* VM_READ | VM_WRITE | VM_EXEC */
    enum vma_kind kind;
    struct vma *next;                 /* sorted by start */
};

struct aspace {
    uint32_t root;                    /* CR3 */
    struct vma *vmas;
    uint32_t heap_start, brk;
    unsigned resident;                /* frames mapped into it */
};

struct aspace *as_create(void);
void as_destroy(struct aspace *as);
/* A copy of src in which every page is shared copy-on-write. */
struct aspace *as_fork(struct aspace *src);
void as_activate(struct aspace *as);

/* Adds a region; it must not overlap one that exists (-EINVAL). */
int as_map(struct aspace *as, uint32_t start, uint32_t len, unsigned prot, enum vma_kind kind);
/* Removes the regions in the range, except guard regions: they stay,
 * so that nothing can be mapped in their place. */
int as_unmap(struct aspace *as, uint32_t start, uint32_t len);
/* -ENOMEM when part of the range is not mapped, as mprotect says. */
int as_protect(struct aspace *as, uint32_t start, uint32_t len, unsigned prot);
/* The lowest free range of len bytes at or above from; 0 if none. */
uint32_t as_find_free(struct aspace *as, uint32_t len, uint32_t from);
/* Moves the break; returns the break in effect afterwards (Linux brk). */
uint32_t as_set_brk(struct aspace *as, uint32_t brk);
/* Total bytes of the regions (for ps). */
uint32_t as_size(const struct aspace *as);

/* Makes va accessible as a user access of kind `access` (one VM_* bit)
 * would: fills a missing page, breaks copy-on-write. Returns 0 and the
 * frame in *pa, -EFAULT when the regions forbid the access, -ENOMEM when
 * no frame is left. */
int as_resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa);

/* The frame behind va, allocated (zeroed) if missing, whatever the
 * region's rights: for the kernel filling a new program's pages. */
int as_fill(struct aspace *as, uint32_t va, uint32_t *pa);

/* Why as_resolve refused, for the one-line fault report. */
const char *as_fault_reason(struct aspace *as, uint32_t va, unsigned access);

#endif
