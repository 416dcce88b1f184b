/*
 * vm.c: address spaces for isolation=paging: regions, demand-zero pages,
 * copy-on-write, shared memory, exchange-heap blocks, and the memory
 * system calls' semantics.
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
 */
#include "vm.h"
#include "errno.h"
#include "kalloc.h"
#include "kmalloc.h"
#include "lib.h"
#include "pagetable.h"
#include "shm.h"
#include "x86.h"

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

static struct vma *vma_find(const struct aspace *as, uint32_t va)
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

/* Unmaps and releases every frame in [start, end). */
static void free_frames(struct aspace *as, uint32_t start, uint32_t end)
{
    for (uint32_t va = pte_next_present(as->root, start, end); va < end;
         va = pte_next_present(as->root, va + PAGE_SIZE, end)) {
        page_free(pte_frame(pte_get(as->root, va)));
        pte_set(as->root, va, 0);
        as->resident--;
    }
}

/* Unmaps v's frames and frees it (it is off the list already). */
static void vma_free(struct aspace *as, struct vma *v)
{
    free_frames(as, v->start, v->end);
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
    return start % PAGE_SIZE == 0 && len && start < USER_TOP && len <= USER_TOP - start;
}

struct aspace *as_create(void)
{
    struct aspace *as = kmalloc(sizeof *as);
    if (!as)
        return NULL;
    as->root = pgdir_create();
    if (!as->root) {
        kfree(as);
        return NULL;
    }
    return as;
}

void as_destroy(struct aspace *as)
{
    if (read_cr3() == as->root)
        pgdir_activate(kernel_root());
    while (as->vmas) {
        struct vma *v = as->vmas;
        as->vmas = v->next;
        vma_free(as, v);
    }
    pgdir_destroy(as->root);
    kfree(as);
}

void as_activate(struct aspace *as)
{
    pgdir_activate(as ? as->root : kernel_root());
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
    return 0;
}

int as_map_shared(struct aspace *as, uint32_t start, uint32_t len, unsigned prot,
                  unsigned maxprot, struct shm *s, uint32_t pgoff)
{
    len = PAGE_ROUND_UP(len);
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

static void reprotect_frames(struct aspace *as, const struct vma *v)
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
        reprotect_frames(as, v);
    }
    return 0;
}

uint32_t as_find_free(struct aspace *as, uint32_t len, uint32_t from)
{
    uint32_t start = PAGE_ROUND_UP(MAX(from, USER_LOW));
    len = PAGE_ROUND_UP(len);
    for (const struct vma *v = as->vmas; v; v = v->next) {
        if (v->end <= start)
            continue;
        if (v->start >= start && v->start - start >= len)
            return start;
        start = v->end;
    }
    return start < USER_TOP && USER_TOP - start >= len ? start : 0;
}

uint32_t as_set_brk(struct aspace *as, uint32_t brk)
{
    if (brk < as->heap_start)
        return as->brk;
    uint32_t old_end = PAGE_ROUND_UP(as->brk), new_end = PAGE_ROUND_UP(brk);
    if (new_end > old_end) {
        if (new_end > USER_TOP || !range_free(as, old_end, new_end))
            return as->brk;
        struct vma *heap = old_end > as->heap_start ? vma_find(as, old_end - 1) : NULL;
        if (heap && heap->end == old_end && heap->kind == VMA_ANON)
            heap->end = new_end;
        else if (as_map(as, old_end, new_end - old_end, VM_READ | VM_WRITE, VMA_ANON) < 0)
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

static bool allowed(const struct vma *v, unsigned access)
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
    uint32_t copy = page_alloc();
    if (!copy)
        return -ENOMEM;
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

/* The object's frame for va, mapped with one more reference. */
static int fill_shared(struct aspace *as, const struct vma *v, uint32_t va, uint32_t *pa)
{
    uint32_t frame = shm_frame(v->shm, v->pgoff + (va - v->start) / PAGE_SIZE);
    if (!frame)
        return -ENOMEM;
    if (pte_set(as->root, va, page_entry(frame, v->prot, false)) < 0)
        return -ENOMEM;
    page_ref(frame);
    as->resident++;
    *pa = frame;
    return 0;
}

static int fill_zero(struct aspace *as, const struct vma *v, uint32_t va, uint32_t *pa)
{
    uint32_t frame = page_alloc();
    if (!frame)
        return -ENOMEM;
    if (pte_set(as->root, va, page_entry(frame, v->prot, false)) < 0) {
        page_free(frame);
        return -ENOMEM;
    }
    as->resident++;
    *pa = frame;
    return 0;
}

int as_resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa)
{
    if (va >= USER_TOP)
        return -EFAULT;
    const struct vma *v = vma_find(as, va);
    if (!allowed(v, access))
        return -EFAULT;
    va = PAGE_ROUND_DOWN(va);
    uint64_t e = pte_get(as->root, va);
    if (!(e & PTE_P))
        return v->kind == VMA_SHARED ? fill_shared(as, v, va, pa) : fill_zero(as, v, va, pa);
    if (access == VM_WRITE && !(e & PTE_W))
        return v->kind == VMA_ANON ? break_cow(as, v, va, pa) : make_writable(as, v, va, pa);
    *pa = pte_frame(e);
    return 0;
}

int as_fill(struct aspace *as, uint32_t va, uint32_t *pa)
{
    const struct vma *v = va < USER_TOP ? vma_find(as, va) : NULL;
    if (!v || v->kind != VMA_ANON)
        return -EFAULT;
    va = PAGE_ROUND_DOWN(va);
    uint64_t e = pte_get(as->root, va);
    if (!(e & PTE_P))
        return fill_zero(as, v, va, pa);
    *pa = pte_frame(e);
    return 0;
}

const char *as_fault_reason(struct aspace *as, uint32_t va, unsigned access)
{
    const struct vma *v = va < USER_TOP ? vma_find(as, va) : NULL;
    if (va >= USER_TOP)
        return "kernel address";
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
    const struct vma *v = va < USER_TOP ? vma_find(as, va) : NULL;
    if (!v || v->kind != VMA_SHARED)
        return 0;
    uint64_t e = pte_get(as->root, PAGE_ROUND_DOWN(va));
    return (e & PTE_P) ? pte_frame(e) : 0;
}

/* ---- fork ---- */

/* Maps v's frames in dst too: copy-on-write in both for private memory,
 * the same rights as in src for shared memory. */
static int share_frames(struct aspace *dst, struct aspace *src, const struct vma *v)
{
    bool private = v->kind == VMA_ANON;
    for (uint32_t va = pte_next_present(src->root, v->start, v->end); va < v->end;
         va = pte_next_present(src->root, va + PAGE_SIZE, v->end)) {
        uint32_t pa = pte_frame(pte_get(src->root, va));
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
        if (!copy || share_frames(dst, src, v) < 0) {
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
    uint32_t at = as_find_free(as, len, USER_XHEAP_BASE);
    return at ? at : as_find_free(as, len, USER_MMAP_BASE);
}

static struct vma *xh_vma(uint32_t start, uint32_t len, bool frozen)
{
    struct vma *v = vma_new(start, start + len, frozen ? VM_READ : XH_RIGHTS, VMA_XHEAP);
    if (v)
        v->maxprot = v->prot;
    return v;
}

int as_xh_alloc(struct aspace *as, uint32_t len, uint32_t *addr)
{
    if (len == 0 || len > XH_MAX_PAGES * PAGE_SIZE)
        return -EINVAL;
    len = PAGE_ROUND_UP(len);
    uint32_t at = xh_find(as, len), pa;
    struct vma *v = at ? xh_vma(at, len, false) : NULL;
    if (!v)
        return -ENOMEM;
    vma_insert(as, v);
    for (uint32_t va = at; va < at + len; va += PAGE_SIZE) {
        if (fill_zero(as, v, va, &pa) < 0) {
            as_unmap(as, at, len);
            return -ENOMEM;
        }
    }
    *addr = at;
    return 0;
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
    struct vma *v = addr < USER_TOP ? vma_find(as, addr) : NULL;
    if (!v || v->kind != VMA_XHEAP || v->start != addr)
        return -EINVAL;
    unsigned n = (v->end - v->start) / PAGE_SIZE;
    uint32_t *frames = kmalloc(n * sizeof *frames), pa;
    if (!frames)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        uint32_t va = v->start + i * PAGE_SIZE;
        uint64_t e = pte_get(as->root, va);
        if (!(e & PTE_P) && fill_zero(as, v, va, &pa) < 0) {
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
        reprotect_frames(as, v);
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
