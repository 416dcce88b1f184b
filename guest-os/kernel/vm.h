/*
 * vm.h: address spaces. An address space is a set of regions (start, end,
 * rights) and the page tables that map the part of them in use. Pages
 * arrive on first touch: a region promises memory, the page fault
 * delivers it (zero-filled, copied when it was shared copy-on-write, or
 * the frame a shared-memory object holds for that page).
 *
 * This is the one interface the rest of the kernel uses for user memory:
 * process creation, exec, the memory system calls, the page-fault handler
 * and uaccess.c. The isolation modes (ARCHITECTURE.md) differ only below
 * it: vm.c keeps the regions for all of them, and a table of operations
 * chosen at boot (vm_ops.h) gives them memory: page tables for
 * isolation=paging (vm.c), one contiguous region behind segments for seg
 * and none (vm_region.c), where the regions only tell the kernel what a
 * system call may touch. What a mode cannot do (shared memory, the
 * exchange heap, mprotect) is -ENOSYS there.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
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
#define USER_XHEAP_BASE 0x80000000u   /* where received exchange-heap blocks go first */

/* Where things go in a user address space, chosen at boot by the mode:
 * the constants above for paging; for seg and none, offsets in a region
 * of segsize bytes (vm_region.c). */
struct as_layout {
    uint32_t low;                     /* nothing is mapped below */
    uint32_t pie_base;                /* where a static PIE is loaded */
    uint32_t mmap_base;               /* where mmap looks first */
    uint32_t xheap_base;
    uint32_t stack_top, stack_size, stack_gap;
    uint32_t top;                     /* the end of user addresses */
};
extern struct as_layout user_layout;

/* Chooses the operations and the layout (at boot, before any process). */
void vm_init(enum isolation mode, uint32_t segsize);

enum vma_kind {
    VMA_ANON,                         /* private memory, zero-filled on first touch,
                                         copy-on-write after fork */
    VMA_GUARD,                        /* reserved and never mapped: a stack guard */
    VMA_SHARED,                       /* a window on a shared-memory object (shm.h): its
                                         frames, never copy-on-write, kept across fork */
    VMA_XHEAP,                        /* an exchange-heap block: frames with one owner,
                                         moved by channels, not inherited by fork */
};

struct shm;

struct vma {
    uint32_t start, end;              /* page-aligned, [start, end) */
    unsigned prot;                    /* VM_READ | VM_WRITE | VM_EXEC */
    unsigned maxprot;                 /* the most mprotect may grant */
    enum vma_kind kind;
    struct shm *shm;                  /* VMA_SHARED: the object, a reference held */
    uint32_t pgoff;                   /* VMA_SHARED: the object's page at start */
    struct vma *next;                 /* sorted by start */
};

struct aspace {
    uint32_t root;                    /* CR3 */
    struct vma *vmas;
    uint32_t heap_start, brk;
    unsigned resident;                /* frames mapped into it */
    unsigned swapped;                 /* its entries that name a swap slot */
    uint32_t id;                      /* never 0, never reused (in 2^32 address spaces):
                                         how the pageout daemon finds it again */
    uint32_t base, size;              /* seg, none: the region (physical); size 0 with paging */
};

struct aspace *as_create(void);
void as_destroy(struct aspace *as);
/* A copy of src in which every private page is shared copy-on-write,
 * shared regions show the same frames, and exchange-heap blocks are
 * left out (they have one holder). */
struct aspace *as_fork(struct aspace *src);
void as_activate(struct aspace *as);

/* Adds a region (VMA_ANON or VMA_GUARD); it must not overlap one that
 * exists (-EINVAL). */
int as_map(struct aspace *as, uint32_t start, uint32_t len, unsigned prot, enum vma_kind kind);
/* Adds a VMA_SHARED region showing pages pgoff... of s, with rights prot
 * now and never more than maxprot; it takes a reference to s. */
int as_map_shared(struct aspace *as, uint32_t start, uint32_t len, unsigned prot,
                  unsigned maxprot, struct shm *s, uint32_t pgoff);
/* Removes the regions in the range, except guard regions: they stay,
 * so that nothing can be mapped in their place. */
int as_unmap(struct aspace *as, uint32_t start, uint32_t len);
/* -ENOMEM when part of the range is not mapped, as mprotect says; -EACCES
 * when prot is more than a region's maxprot. */
int as_protect(struct aspace *as, uint32_t start, uint32_t len, unsigned prot);
/* The lowest free range of len bytes at or above from; 0 if none. */
uint32_t as_find_free(struct aspace *as, uint32_t len, uint32_t from);
/* Moves the break; returns the break in effect afterwards (Linux brk). */
uint32_t as_set_brk(struct aspace *as, uint32_t brk);
/* Total bytes of the regions (for ps). */
uint32_t as_size(const struct aspace *as);

/* Makes va accessible as a user access of kind `access` (one VM_* bit)
 * would: fills a missing page, breaks copy-on-write, reads a page back
 * from swap. Returns 0 and the frame in *pa, -EFAULT when the regions
 * forbid the access, -ENOMEM when no frame is left (RAM and swap full),
 * -EIO when the swap area could not be read. May sleep (the disk, the
 * pageout daemon); the frame stays mapped until the caller next sleeps. */
int as_resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa);

/* The frame behind va, allocated (zeroed) if missing, whatever the
 * region's rights: for the kernel filling a new program's pages. */
int as_fill(struct aspace *as, uint32_t va, uint32_t *pa);

/* Why as_resolve refused, for the one-line fault report. */
const char *as_fault_reason(struct aspace *as, uint32_t va, unsigned access);

/* For a futex: the frame behind the present page at va when it lies in
 * a shared region, so that every process mapping it meets at the same
 * key; 0 otherwise. */
uint32_t as_shared_frame(struct aspace *as, uint32_t va);

/* ---- paging out (pageout.c) ----
 * The clock: a private page the user touched since the hand last passed
 * (its accessed bit) loses the bit and stays; an idle one is chosen,
 * unless aio has it pinned. A chosen page stays mapped, read-only and
 * marked PTE_PAGING_OUT, while it is written to swap; the daemon holds
 * a reference to its frame meanwhile. Anything that rewrites the entry
 * (a write to the page, mprotect, fork, munmap, exit) cancels the
 * page-out: as_evicted then finds the mark gone. A frame shared
 * copy-on-write goes out one mapping at a time: the others keep it. */
struct evict {
    uint32_t va, frame;
};
/* Moves the hand over as's private regions from *va, choosing at most
 * room pages into out; idle pages that hold only zeros are unmapped
 * there and then (counted in *dropped: a touch fills them again). Sets
 * *va where to go on, or USER_TOP when the hand has passed the end. */
unsigned as_clock(struct aspace *as, uint32_t *va, struct evict *out, unsigned room,
                  unsigned *dropped);
/* e's page is in slot now: true when the entry still shows it being
 * paged out (it then names the slot, and the frame's mapping reference is
 * dropped); false when the page-out was cancelled. */
bool as_evicted(struct aspace *as, const struct evict *e, uint32_t slot);
/* The write failed: e's page becomes writable again if still marked. */
void as_evict_cancel(struct aspace *as, const struct evict *e);

/* ---- the exchange heap ----
 * A block is one VMA_XHEAP region: its frames are allocated at once and
 * belong to this address space alone until it gives them away. A block
 * is writable only while it has one holder; a shared block is frozen
 * read-only for every holder for good (maxprot VM_READ). */
#define XH_MAX_PAGES 256u

struct xh_pages {
    uint32_t *frames;                 /* kmalloc'd; one reference to each frame */
    unsigned n;
    bool frozen;
};

/* A new writable block of len bytes (whole pages, all allocated). */
int as_xh_alloc(struct aspace *as, uint32_t len, uint32_t *addr);
/* Takes the block starting at addr: moving it unmaps it from as (the
 * frames' references go to *out); sharing freezes it read-only in as and
 * gives *out a reference of its own to each frame. -EINVAL when addr is
 * not the start of a block. */
int as_xh_take(struct aspace *as, uint32_t addr, bool share, struct xh_pages *out);
/* Maps pg's frames as a new block at an address of the kernel's choice,
 * taking over their references; all or nothing (-ENOMEM). */
int as_xh_place(struct aspace *as, const struct xh_pages *pg, uint32_t *addr);
/* Drops the references pg holds and its array. */
void xh_pages_free(struct xh_pages *pg);

#endif
