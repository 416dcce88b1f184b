/*
 * vm.c: address spaces for isolation=paging: regions, demand-zero pages,
 * copy-on-write, and the memory system calls' semantics.
 *
 * Rules kept here:
 *  - A page's table entry gives exactly its region's rights: user,
 *    present, writable only if the region is writable and the frame is not
 *    shared, no-execute unless the region is executable. A PROT_NONE page
 *    keeps its frame but is mapped supervisor-only, so any user access
 *    faults and the data survives a later mprotect.
 *  - A frame mapped in several address spaces (after fork) is mapped
 *    read-only in all of them; the first write copies it, or just makes
 *    it writable when no one else holds it any more.
 *  - Guard regions are never mapped, and nothing else can be placed there.
 */
#include "vm.h"
#include "errno.h"
#include "kalloc.h"
#include "kmalloc.h"
#include "lib.h"
#include "pagetable.h"
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
        *v = (struct vma){start, end, prot, kind, NULL};
    return v;
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

/* Splits v at addr (inside it) into [start, addr) and [addr, end). */
static int vma_split(struct vma *v, uint32_t addr)
{
    struct vma *rest = vma_new(addr, v->end, v->prot, v->kind);
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
        free_frames(as, v->start, v->end);
        as->vmas = v->next;
        kfree(v);
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
            free_frames(as, v->start, v->end);
            *pp = v->next;
            kfree(v);
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
        pte_set(as->root, va, page_entry(pa, v->prot, page_refs(pa) > 1));
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
        return fill_zero(as, v, va, pa);
    if (access == VM_WRITE && !(e & PTE_W))
        return break_cow(as, v, va, pa);
    *pa = pte_frame(e);
    return 0;
}

int as_fill(struct aspace *as, uint32_t va, uint32_t *pa)
{
    const struct vma *v = va < USER_TOP ? vma_find(as, va) : NULL;
    if (!v || v->kind == VMA_GUARD)
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

/* ---- fork ---- */

static int share_frames(struct aspace *dst, struct aspace *src, const struct vma *v)
{
    for (uint32_t va = pte_next_present(src->root, v->start, v->end); va < v->end;
         va = pte_next_present(src->root, va + PAGE_SIZE, v->end)) {
        uint32_t pa = pte_frame(pte_get(src->root, va));
        uint64_t e = page_entry(pa, v->prot, true);
        if (pte_set(dst->root, va, e) < 0)
            return -ENOMEM;
        page_ref(pa);
        dst->resident++;
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
        struct vma *copy = vma_new(v->start, v->end, v->prot, v->kind);
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
