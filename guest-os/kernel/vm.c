/*
 * vm.c: address spaces: the regions and the memory system calls'
 * semantics for every isolation mode, and the page-table operations of
 * isolation=paging (paging_ops, vm_ops.h): demand-zero pages,
 * copy-on-write, shared memory, exchange-heap blocks. The regions of
 * seg and none get their memory from vm_region.c.
 *
 * Rules kept here:
 *  - A page's table entry gives exactly its region's rights: user,
 *    present, writable only if the region is writable and the frame is not
 *    shared copy-on-write, no-execute unless the region is executable. A
 *    PROT_NONE page keeps its frame but is mapped supervisor-only, so any
 *    user access faults and the data survives a later mprotect.
 *  - A private (VMA_ANON) frame mapped in several address spaces (after
 *    fork) is mapped read-only in all of them; the first write copies it,
 *    or just makes it writable when no one else holds it any more.
 *  - A VMA_SHARED region shows the frames of its shared-memory object:
 *    every mapping holds a reference to each frame it maps and one to the
 *    object, writes go to the one frame everyone sees, fork maps the same
 *    frames in the child, and mprotect never grants more than maxprot
 *    (what the handle allowed when it was mapped).
 *  - A VMA_XHEAP block's frames have exactly one holder unless the block
 *    was shared, and a shared block is read-only everywhere for good. So
 *    fork does not give the child the parent's blocks, and a block leaves
 *    an address space whole: unmapped there (the TLB entries with it) in
 *    the same step that hands its frames over.
 *  - Guard regions are never mapped, and nothing else can be placed there.
 *  - Only private (VMA_ANON) pages go to swap. An entry naming a swap
 *    slot (PTE_SWAPPED, mmu.h) holds one count of the slot: fork copies
 *    the entry and adds a count, unmapping drops it. A page read back
 *    becomes a private frame of this address space, writable if the
 *    region is: copy-on-write sharing ends at the swap (each holder of a
 *    slot reads its own copy).
 *  - Whatever sleeps (waiting for memory, reading swap) changes nothing
 *    first, or undoes it, and then as_resolve starts over: the regions
 *    and entries may have changed meanwhile (another thread, the pageout
 *    daemon).
 */
#include "vm.h"
#include "vm_ops.h"
#include "errno.h"
#include "kalloc.h"
#include "kmalloc.h"
#include "lib.h"
#include "pageout.h"
#include "pagetable.h"
#include "shm.h"
#include "swap.h"
#include "x86.h"

struct as_layout user_layout = {USER_LOW, USER_PIE_BASE, USER_MMAP_BASE, USER_XHEAP_BASE,
                                USER_STACK_TOP, USER_STACK_SIZE, USER_STACK_GAP, USER_TOP};
static const struct as_ops *ops = &paging_ops;

static uint64_t page_entry(uint32_t pa, unsigned prot, bool shared)
{
    if (!prot)
        return pa | PTE_P | PTE_NX;
    uint64_t e = pa | PTE_P | PTE_U;
    if ((prot & VM_WRITE) && !shared)
        e |= PTE_W;
    if (!(prot & VM_EXEC))
        e |= PTE_NX;
    return e;
}

struct vma *vma_find(const struct aspace *as, uint32_t va)
{
    for (struct vma *v = as->vmas; v && v->start <= va; v = v->next)
        if (va < v->end)
            return v;
    return NULL;
}

static struct vma *vma_new(uint32_t start, uint32_t end, unsigned prot, enum vma_kind kind)
{
    struct vma *v = kmalloc(sizeof *v);
    if (v)
        *v = (struct vma){start, end, prot, VM_READ | VM_WRITE | VM_EXEC, kind, NULL, 0, NULL};
    return v;
}

/* A copy of v's description (not its frames) for [start, end) inside it. */
static struct vma *vma_clone(const struct vma *v, uint32_t start, uint32_t end)
{
    struct vma *c = vma_new(start, end, v->prot, v->kind);
    if (!c)
        return NULL;
    c->maxprot = v->maxprot;
    if (v->shm) {
        c->shm = v->shm;
        c->pgoff = v->pgoff + (start - v->start) / PAGE_SIZE;
        shm_hold(c->shm);
    }
    return c;
}

/* Whether a page of v may be mapped writable while frame pa has other
 * holders: only shared memory; a private frame is copy-on-write then. */
static bool cow(const struct vma *v, uint32_t pa)
{
    return v->kind == VMA_ANON && page_refs(pa) > 1;
}

static void vma_insert(struct aspace *as, struct vma *v)
{
    struct vma **pp = &as->vmas;
    while (*pp && (*pp)->start < v->start)
        pp = &(*pp)->next;
    v->next = *pp;
    *pp = v;
}

static bool range_free(const struct aspace *as, uint32_t start, uint32_t end)
{
    for (const struct vma *v = as->vmas; v; v = v->next)
        if (v->start < end && start < v->end)
            return false;
    return true;
}

/* Unmaps and releases every frame and swap slot in [start, end). */
static void paging_release(struct aspace *as, uint32_t start, uint32_t end)
{
    for (uint32_t va = pte_next_used(as->root, start, end); va < end;
         va = pte_next_used(as->root, va + PAGE_SIZE, end)) {
        uint64_t e = pte_get(as->root, va);
        if (e & PTE_P) {
            page_free(pte_frame(e));
            as->resident--;
        } else {
            swap_free(swap_slot(e));
            as->swapped--;
        }
        pte_set(as->root, va, 0);
    }
}

/* Unmaps v's frames and frees it (it is off the list already). */
static void vma_free(struct aspace *as, struct vma *v)
{
    ops->release(as, v->start, v->end);
    if (v->shm)
        shm_drop(v->shm);
    kfree(v);
}

/* Splits v at addr (inside it) into [start, addr) and [addr, end). */
static int vma_split(struct vma *v, uint32_t addr)
{
    struct vma *rest = vma_clone(v, addr, v->end);
    if (!rest)
        return -ENOMEM;
    rest->next = v->next;
    v->end = addr;
    v->next = rest;
    return 0;
}

/* Makes start and end region boundaries where they fall inside one. */
static int split_at_edges(struct aspace *as, uint32_t start, uint32_t end)
{
    struct vma *v = vma_find(as, start);
    if (v && v->start < start && vma_split(v, start) < 0)
        return -ENOMEM;
    v = vma_find(as, end - 1);
    if (v && end < v->end && vma_split(v, end) < 0)
        return -ENOMEM;
    return 0;
}

static bool range_ok(uint32_t start, uint32_t len)
{
    uint32_t top = user_layout.top;
    return start % PAGE_SIZE == 0 && len && start < top && len <= top - start;
}

void vm_init(enum isolation mode, uint32_t segsize)
{
    if (mode == ISOLATION_PAGING)
        return;
    ops = &region_ops;
    /* The region: the program from 64 KiB (below it nothing is mapped,
     * though the segment reaches it), the heap above it up to half the
     * region, mmap from there, the stack (a quarter of the region, at
     * most 8 MiB) at the top. There is no guard under the stack. */
    uint32_t stack = MIN(segsize / 4, USER_STACK_SIZE);
    user_layout = (struct as_layout){USER_LOW, USER_LOW, segsize / 2, segsize / 2,
                                     segsize, stack, 0, segsize};
}

static int paging_create(struct aspace *as)
{
    as->root = pgdir_create();
    return as->root ? 0 : -ENOMEM;
}

/* Off the CPU first: its entries then go without a TLB flush each. */
static void paging_unload(struct aspace *as)
{
    if (read_cr3() == as->root)
        pgdir_activate(kernel_root());
}

static void paging_destroy(struct aspace *as)
{
    pgdir_destroy(as->root);
}

static void paging_activate(struct aspace *as)
{
    pgdir_activate(as ? as->root : kernel_root());
}

struct aspace *as_create(void)
{
    static uint32_t next_id = 1;
    struct aspace *as = kmalloc(sizeof *as);
    if (!as)
        return NULL;
    memset(as, 0, sizeof *as);
    as->id = next_id++;
    if (next_id == 0)
        next_id = 1;
    if (ops->create(as) < 0) {
        kfree(as);
        return NULL;
    }
    return as;
}

void as_destroy(struct aspace *as)
{
    if (ops->unload)
        ops->unload(as);
    while (as->vmas) {
        struct vma *v = as->vmas;
        as->vmas = v->next;
        vma_free(as, v);
    }
    ops->destroy(as);
    kfree(as);
}

void as_activate(struct aspace *as)
{
    ops->activate(as);
}

int as_map(struct aspace *as, uint32_t start, uint32_t len, unsigned prot, enum vma_kind kind)
{
    len = PAGE_ROUND_UP(len);
    if (!range_ok(start, len) || !range_free(as, start, start + len))
        return -EINVAL;
    struct vma *v = vma_new(start, start + len, prot, kind);
    if (!v)
        return -ENOMEM;
    vma_insert(as, v);
    if (kind == VMA_ANON && ops->populate)
        ops->populate(as, start, start + len);
    return 0;
}

int as_map_shared(struct aspace *as, uint32_t start, uint32_t len, unsigned prot,
                  unsigned maxprot, struct shm *s, uint32_t pgoff)
{
    len = PAGE_ROUND_UP(len);
    if (!ops->shared_memory)
        return -ENOSYS;
    if (!range_ok(start, len) || !range_free(as, start, start + len) || (prot & ~maxprot))
        return -EINVAL;
    struct vma *v = vma_new(start, start + len, prot, VMA_SHARED);
    if (!v)
        return -ENOMEM;
    v->maxprot = maxprot;
    v->shm = s;
    v->pgoff = pgoff;
    shm_hold(s);
    vma_insert(as, v);
    return 0;
}

int as_unmap(struct aspace *as, uint32_t start, uint32_t len)
{
    len = PAGE_ROUND_UP(len);
    if (!range_ok(start, len))
        return -EINVAL;
    uint32_t end = start + len;
    if (split_at_edges(as, start, end) < 0)
        return -ENOMEM;
    struct vma **pp = &as->vmas;
    while (*pp) {
        struct vma *v = *pp;
        if (v->start >= start && v->end <= end && v->kind != VMA_GUARD) {
            *pp = v->next;
            vma_free(as, v);
        } else {
            pp = &v->next;
        }
    }
    return 0;
}

static void paging_reprotect(struct aspace *as, const struct vma *v)
{
    for (uint32_t va = pte_next_present(as->root, v->start, v->end); va < v->end;
         va = pte_next_present(as->root, va + PAGE_SIZE, v->end)) {
        uint32_t pa = pte_frame(pte_get(as->root, va));
        pte_set(as->root, va, page_entry(pa, v->prot, cow(v, pa)));
    }
}

int as_protect(struct aspace *as, uint32_t start, uint32_t len, unsigned prot)
{
    len = PAGE_ROUND_UP(len);
    if (!ops->reprotect)
        return -ENOSYS;
    if (!range_ok(start, len))
        return -EINVAL;
    uint32_t end = start + len;
    for (uint32_t va = start; va < end;) {
        struct vma *v = vma_find(as, va);
        if (!v || v->kind == VMA_GUARD)
            return -ENOMEM;
        if (prot & ~v->maxprot)
            return -EACCES;
        va = v->end;
    }
    if (split_at_edges(as, start, end) < 0)
        return -ENOMEM;
    for (struct vma *v = vma_find(as, start); v && v->start < end; v = v->next) {
        v->prot = prot;
        ops->reprotect(as, v);
    }
    return 0;
}

uint32_t as_find_free(struct aspace *as, uint32_t len, uint32_t from)
{
    uint32_t start = PAGE_ROUND_UP(MAX(from, user_layout.low)), top = user_layout.top;
    len = PAGE_ROUND_UP(len);
    for (const struct vma *v = as->vmas; v; v = v->next) {
        if (v->end <= start)
            continue;
        if (v->start >= start && v->start - start >= len)
            return start;
        start = v->end;
    }
    return start < top && top - start >= len ? start : 0;
}

uint32_t as_set_brk(struct aspace *as, uint32_t brk)
{
    if (brk < as->heap_start)
        return as->brk;
    uint32_t old_end = PAGE_ROUND_UP(as->brk), new_end = PAGE_ROUND_UP(brk);
    if (new_end > old_end) {
        if (new_end > user_layout.top || !range_free(as, old_end, new_end))
            return as->brk;
        struct vma *heap = old_end > as->heap_start ? vma_find(as, old_end - 1) : NULL;
        if (heap && heap->end == old_end && heap->kind == VMA_ANON) {
            heap->end = new_end;
            if (ops->populate)
                ops->populate(as, old_end, new_end);
        } else if (as_map(as, old_end, new_end - old_end, VM_READ | VM_WRITE, VMA_ANON) < 0)
            return as->brk;
    } else if (new_end < old_end) {
        as_unmap(as, new_end, old_end - new_end);
    }
    as->brk = brk;
    return brk;
}

uint32_t as_size(const struct aspace *as)
{
    uint32_t n = 0;
    for (const struct vma *v = as->vmas; v; v = v->next)
        if (v->kind != VMA_GUARD)
            n += v->end - v->start;
    return n;
}

bool vma_allows(const struct vma *v, unsigned access)
{
    return v && v->kind != VMA_GUARD && (v->prot & access);
}

/* A write to a present, write-protected page of a writable region: the
 * frame is shared after fork. */
static int break_cow(struct aspace *as, const struct vma *v, uint32_t va, uint32_t *pa)
{
    uint32_t old = pte_frame(pte_get(as->root, va));
    if (page_refs(old) == 1) {
        *pa = old;
        return pte_set(as->root, va, page_entry(old, v->prot, false));
    }
    uint32_t copy;
    int r = user_page_alloc(&copy, MEM_NEW);
    if (r < 0)
        return r;
    memcpy(P2V(copy), P2V(old), PAGE_SIZE);
    page_free(old);
    *pa = copy;
    return pte_set(as->root, va, page_entry(copy, v->prot, false));
}

/* A write to a present, write-protected page of a writable region that
 * is not private: nothing to copy, the entry only lags the region. */
static int make_writable(struct aspace *as, const struct vma *v, uint32_t va, uint32_t *pa)
{
    *pa = pte_frame(pte_get(as->root, va));
    return pte_set(as->root, va, page_entry(*pa, v->prot, false));
}

/* Takes the page-out mark off the entry at va, giving back the rights
 * the page had: read-only while others share the frame copy-on-write
 * (besides the daemon, which holds it during the write). The daemon then
 * finds the mark gone and lets the slot go. */
static void unmark(struct aspace *as, const struct vma *v, uint32_t va)
{
    uint32_t frame = pte_frame(pte_get(as->root, va));
    pte_set(as->root, va, page_entry(frame, v->prot, page_refs(frame) > 2));
}

/* A write to a page on its way to swap cancels that; as_resolve looks
 * again, and breaks copy-on-write if the frame is still shared. */
static int cancel_pageout(struct aspace *as, const struct vma *v, uint32_t va)
{
    pageout_stats.cancelled++;
    unmark(as, v, va);
    return -EAGAIN;
}

/* The object's frame for va, mapped with one more reference. */
static int fill_shared(struct aspace *as, const struct vma *v, uint32_t va, uint32_t *pa)
{
    uint32_t page = v->pgoff + (va - v->start) / PAGE_SIZE;
    int r = shm_has_frame(v->shm, page) ? 0 : mem_wait(MEM_NEW);
    if (r < 0)
        return r;
    uint32_t frame = shm_frame(v->shm, page);
    if (!frame)
        return -ENOMEM;
    if (pte_set(as->root, va, page_entry(frame, v->prot, false)) < 0)
        return -ENOMEM;
    page_ref(frame);
    as->resident++;
    *pa = frame;
    return 0;
}

/* Maps frame (taking over its reference) at the missing page va. The
 * entry starts out accessed: the access that asked for the page is about
 * to happen, and a page read back from swap must not look idle to the
 * clock before the faulting instruction has run again. */
static int map_new(struct aspace *as, const struct vma *v, uint32_t va, uint32_t frame)
{
    if (pte_set(as->root, va, page_entry(frame, v->prot, false) | PTE_A) < 0) {
        page_free(frame);
        return -ENOMEM;
    }
    as->resident++;
    return 0;
}

static int fill_zero(struct aspace *as, const struct vma *v, uint32_t va, uint32_t *pa)
{
    uint32_t frame;
    int r = user_page_alloc(&frame, MEM_NEW);
    if (r == 0 && (r = map_new(as, v, va, frame)) == 0)
        *pa = frame;
    return r;
}

/* The page at va is in swap (entry e): reads it into a frame of its own
 * and maps that, unless the entry changed while the disk worked. The
 * read holds a count of the slot, so it cannot be reused meanwhile and
 * an unchanged entry means the page is the one read. Always -EAGAIN
 * after the read (or -EIO): as_resolve looks again. */
static int swap_in(struct aspace *as, uint32_t va, uint64_t e)
{
    uint32_t slot = swap_slot(e), frame;
    int r = user_page_alloc(&frame, MEM_SWAPIN);
    if (r < 0)
        return r;
    swap_dup(slot);
    r = swap_read(slot, frame);
    if (r == 0 && pte_get(as->root, va) == e) {
        /* the entry is there, so its region is too, and its table */
        int mapped = map_new(as, vma_find(as, va), va, frame);
        ASSERT(mapped == 0);
        as->swapped--;
        swap_free(slot);
        pageout_stats.pageins++;
        frame = 0;
    }
    swap_free(slot);
    if (frame)
        page_free(frame);
    return r < 0 ? r : -EAGAIN;
}

/* One attempt at as_resolve; -EAGAIN when it slept and must start over. */
static int resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa)
{
    const struct vma *v = vma_find(as, va);
    if (!vma_allows(v, access))
        return -EFAULT;
    va = PAGE_ROUND_DOWN(va);
    uint64_t e = pte_get(as->root, va);
    if (!(e & PTE_P)) {
        if (e & PTE_SWAPPED)
            return swap_in(as, va, e);
        return v->kind == VMA_SHARED ? fill_shared(as, v, va, pa) : fill_zero(as, v, va, pa);
    }
    if (access == VM_WRITE && !(e & PTE_W)) {
        if (e & PTE_PAGING_OUT)
            return cancel_pageout(as, v, va);
        return v->kind == VMA_ANON ? break_cow(as, v, va, pa) : make_writable(as, v, va, pa);
    }
    /* The kernel's own use of the page (a copy through the direct map)
     * sets no accessed bit: set it here, so the clock counts it. */
    if (!(e & PTE_A))
        pte_set(as->root, va, e | PTE_A);
    *pa = pte_frame(e);
    return 0;
}

static int paging_resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa)
{
    int r;
    while ((r = resolve(as, va, access, pa)) == -EAGAIN)
        ;
    return r;
}

int as_resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa)
{
    if (va >= user_layout.top)
        return -EFAULT;
    return ops->resolve(as, va, access, pa);
}

int as_fill(struct aspace *as, uint32_t va, uint32_t *pa)
{
    if (va >= user_layout.top)
        return -EFAULT;
    return ops->fill(as, va, pa);
}

static int paging_fill(struct aspace *as, uint32_t va, uint32_t *pa)
{
    for (;;) {
        const struct vma *v = vma_find(as, va);
        if (!v || v->kind != VMA_ANON)
            return -EFAULT;
        uint32_t page = PAGE_ROUND_DOWN(va);
        uint64_t e = pte_get(as->root, page);
        if (e & PTE_P) {
            *pa = pte_frame(e);
            return 0;
        }
        int r = fill_zero(as, v, page, pa);
        if (r != -EAGAIN)
            return r;
    }
}

const char *as_fault_reason(struct aspace *as, uint32_t va, unsigned access)
{
    const struct vma *v = va < user_layout.top ? vma_find(as, va) : NULL;
    if (va >= user_layout.top)
        return as->size ? "beyond the region" : "kernel address";
    if (!v)
        return "not mapped";
    if (v->kind == VMA_GUARD)
        return "stack guard page";
    if (!(v->prot & access))
        return access == VM_EXEC ? "not executable" : access == VM_WRITE ? "read-only" : "no access";
    return "out of memory";
}

uint32_t as_shared_frame(struct aspace *as, uint32_t va)
{
    const struct vma *v = va < user_layout.top ? vma_find(as, va) : NULL;
    if (!v || v->kind != VMA_SHARED)
        return 0;
    uint64_t e = pte_get(as->root, PAGE_ROUND_DOWN(va));
    return (e & PTE_P) ? pte_frame(e) : 0;
}

/* ---- fork ---- */

/* A swapped-out page: dst names the same slot. */
static int share_slot(struct aspace *dst, uint32_t va, uint64_t e)
{
    if (pte_set(dst->root, va, e) < 0)
        return -ENOMEM;
    swap_dup(swap_slot(e));
    dst->swapped++;
    return 0;
}

/* Maps v's frames in dst too: copy-on-write in both for private memory
 * (a page on its way to swap stays: the rewritten entry cancels that),
 * the same rights as in src for shared memory; swap slots are shared. */
static int paging_copy(struct aspace *dst, struct aspace *src, const struct vma *v)
{
    bool private = v->kind == VMA_ANON;
    for (uint32_t va = pte_next_used(src->root, v->start, v->end); va < v->end;
         va = pte_next_used(src->root, va + PAGE_SIZE, v->end)) {
        uint64_t old = pte_get(src->root, va);
        if (!(old & PTE_P)) {
            if (share_slot(dst, va, old) < 0)
                return -ENOMEM;
            continue;
        }
        uint32_t pa = pte_frame(old);
        uint64_t e = page_entry(pa, v->prot, private);
        if (pte_set(dst->root, va, e) < 0)
            return -ENOMEM;
        page_ref(pa);
        dst->resident++;
        if (private)
            pte_set(src->root, va, e);
    }
    return 0;
}

struct aspace *as_fork(struct aspace *src)
{
    struct aspace *dst = as_create();
    if (!dst)
        return NULL;
    dst->heap_start = src->heap_start;
    dst->brk = src->brk;
    struct vma **tail = &dst->vmas;
    for (const struct vma *v = src->vmas; v; v = v->next) {
        if (v->kind == VMA_XHEAP)
            continue;                 /* one holder: the parent keeps its blocks */
        struct vma *copy = vma_clone(v, v->start, v->end);
        if (copy) {
            *tail = copy;
            tail = &copy->next;
        }
        if (!copy || ops->copy(dst, src, v) < 0) {
            as_destroy(dst);
            return NULL;
        }
    }
    return dst;
}

/* ---- the exchange heap ---- */

#define XH_RIGHTS (VM_READ | VM_WRITE)

/* Where a new block of len bytes goes: above USER_XHEAP_BASE when there
 * is room, so that blocks stay apart from mmap's first-fit area. */
static uint32_t xh_find(struct aspace *as, uint32_t len)
{
    uint32_t at = as_find_free(as, len, user_layout.xheap_base);
    return at ? at : as_find_free(as, len, user_layout.mmap_base);
}

static struct vma *xh_vma(uint32_t start, uint32_t len, bool frozen)
{
    struct vma *v = vma_new(start, start + len, frozen ? VM_READ : XH_RIGHTS, VMA_XHEAP);
    if (v)
        v->maxprot = v->prot;
    return v;
}

/* The frames go first, while nothing is placed: waiting for memory
 * may sleep, and the address space may change meanwhile. */
int as_xh_alloc(struct aspace *as, uint32_t len, uint32_t *addr)
{
    if (!ops->exchange_heap)
        return -ENOSYS;
    if (len == 0 || len > XH_MAX_PAGES * PAGE_SIZE)
        return -EINVAL;
    struct xh_pages pg = {kmalloc(PAGE_ROUND_UP(len) / PAGE_SIZE * sizeof(uint32_t)), 0, false};
    if (!pg.frames)
        return -ENOMEM;
    int r = 0;
    while (pg.n < PAGE_ROUND_UP(len) / PAGE_SIZE && r != -ENOMEM)
        if ((r = user_page_alloc(&pg.frames[pg.n], MEM_NEW)) == 0)
            pg.n++;
    if (r == 0 && as_xh_place(as, &pg, addr) == 0) {
        kfree(pg.frames);              /* the block holds the references now */
        return 0;
    }
    xh_pages_free(&pg);
    return -ENOMEM;
}

static void vma_unlink(struct aspace *as, struct vma *v)
{
    struct vma **pp = &as->vmas;
    while (*pp != v)
        pp = &(*pp)->next;
    *pp = v->next;
}

int as_xh_take(struct aspace *as, uint32_t addr, bool share, struct xh_pages *out)
{
    struct vma *v = addr < user_layout.top ? vma_find(as, addr) : NULL;
    if (!v || v->kind != VMA_XHEAP || v->start != addr)
        return -EINVAL;
    unsigned n = (v->end - v->start) / PAGE_SIZE;
    uint32_t *frames = kmalloc(n * sizeof *frames), pa;
    if (!frames)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        uint32_t va = v->start + i * PAGE_SIZE;
        uint64_t e = pte_get(as->root, va);
        /* (blocks are filled whole when made; no sleep here: chan.c) */
        if (!(e & PTE_P) && (!(pa = user_page_try()) || map_new(as, v, va, pa) < 0)) {
            kfree(frames);
            return -ENOMEM;
        }
        frames[i] = pte_frame(pte_get(as->root, va));
    }
    *out = (struct xh_pages){frames, n, share || v->maxprot == VM_READ};
    if (share) {
        for (unsigned i = 0; i < n; i++)
            page_ref(frames[i]);
        v->prot &= VM_READ;
        v->maxprot = VM_READ;
        paging_reprotect(as, v);
        return 0;
    }
    for (unsigned i = 0; i < n; i++)
        pte_set(as->root, v->start + i * PAGE_SIZE, 0);
    as->resident -= n;
    vma_unlink(as, v);
    kfree(v);
    return 0;
}

int as_xh_place(struct aspace *as, const struct xh_pages *pg, uint32_t *addr)
{
    if (!ops->exchange_heap)
        return -ENOSYS;
    uint32_t len = pg->n * PAGE_SIZE, at = xh_find(as, len);
    struct vma *v = at ? xh_vma(at, len, pg->frozen) : NULL;
    if (!v)
        return -ENOMEM;
    for (unsigned i = 0; i < pg->n; i++) {
        if (pte_set(as->root, at + i * PAGE_SIZE, page_entry(pg->frames[i], v->prot, false)) < 0) {
            while (i--)
                pte_set(as->root, at + i * PAGE_SIZE, 0);
            kfree(v);
            return -ENOMEM;
        }
    }
    vma_insert(as, v);
    as->resident += pg->n;
    *addr = at;
    return 0;
}

void xh_pages_free(struct xh_pages *pg)
{
    for (unsigned i = 0; i < pg->n; i++)
        page_free(pg->frames[i]);
    kfree(pg->frames);
    pg->frames = NULL;
    pg->n = 0;
}

/* ---- paging out ---- */

static bool all_zero(uint32_t frame)
{
    const uint32_t *w = P2V(frame);
    for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
        if (w[i])
            return false;
    return true;
}

/* The clock at one present page of a private region: true when it was
 * chosen (and marked). The accessed bit is set by the processor when a
 * translation is made from the entry (SDM vol. 3, 4.8); clearing it
 * must flush the page's TLB entry in the address space that is loaded
 * (pte_set does), or later accesses through the cached translation
 * would leave the bit clear and the page would look idle (4.8, 4.10.4.3).
 * Other address spaces' TLB entries go when CR3 is next loaded. */
static bool clock_page(struct aspace *as, uint32_t va, struct evict *out, unsigned *dropped)
{
    uint64_t e = pte_get(as->root, va);
    uint32_t frame = pte_frame(e);
    if (!(e & PTE_U) || (e & PTE_PAGING_OUT))
        return false;                  /* PROT_NONE (kept as it is), or chosen already */
    if (e & PTE_A) {
        pte_set(as->root, va, e & ~(uint64_t)PTE_A);
        return false;
    }
    /* A private frame is writable only while it has no other holder
     * (the rules above), so another reference to a writable one is a pin:
     * aio is moving data into it, and it must stay. A read-only frame
     * may be shared copy-on-write: this address space's copy goes to
     * swap, and the frame stays for the others, private to them when
     * one is left (the next turn of the hand may take it there). */
    if ((e & PTE_W) && page_refs(frame) > 1)
        return false;
    if (all_zero(frame)) {
        pte_set(as->root, va, 0);      /* demand-zero again */
        as->resident--;
        page_free(frame);
        (*dropped)++;
        return false;
    }
    pte_set(as->root, va, (e & ~(uint64_t)PTE_W) | PTE_PAGING_OUT);
    page_ref(frame);
    *out = (struct evict){va, frame};
    return true;
}

unsigned as_clock(struct aspace *as, uint32_t *va, struct evict *out, unsigned room,
                  unsigned *dropped)
{
    unsigned n = 0;
    for (const struct vma *v = as->vmas; v; v = v->next) {
        if (v->kind != VMA_ANON || v->end <= *va)
            continue;
        for (uint32_t p = pte_next_present(as->root, MAX(v->start, *va), v->end); p < v->end;
             p = pte_next_present(as->root, p + PAGE_SIZE, v->end)) {
            if (n == room) {
                *va = p;
                return n;
            }
            if (clock_page(as, p, &out[n], dropped))
                n++;
        }
    }
    *va = USER_TOP;
    return n;
}

/* Whether e's page still waits to go to swap: the same frame, marked. */
static bool still_paging_out(struct aspace *as, const struct evict *e)
{
    uint64_t pte = pte_get(as->root, e->va);
    return (pte & PTE_P) && (pte & PTE_PAGING_OUT) && pte_frame(pte) == e->frame;
}

bool as_evicted(struct aspace *as, const struct evict *e, uint32_t slot)
{
    if (!still_paging_out(as, e))
        return false;
    pte_set(as->root, e->va, swap_entry(slot));
    as->resident--;
    as->swapped++;
    page_free(e->frame);
    return true;
}

void as_evict_cancel(struct aspace *as, const struct evict *e)
{
    if (still_paging_out(as, e))
        unmark(as, vma_find(as, e->va), e->va);
}

const struct as_ops paging_ops = {
    .name = "paging",
    .create = paging_create,
    .unload = paging_unload,
    .destroy = paging_destroy,
    .activate = paging_activate,
    .release = paging_release,
    .resolve = paging_resolve,
    .fill = paging_fill,
    .copy = paging_copy,
    .reprotect = paging_reprotect,
    .shared_memory = true,
    .exchange_heap = true,
};
