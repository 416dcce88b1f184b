/*
 * vm_region.c: address spaces for isolation=seg and none (vm_ops.h):
 * paging is off, so a process's memory is one contiguous run of physical
 * memory (region.c), segsize bytes, and its program addresses are
 * offsets in it: its code and data segments have the region as base
 * (segmode.c). vm.c's regions stay what mmap, brk and the system calls
 * go by; here they get their memory at once, from the region.
 *
 * Rules kept here:
 *  - Without paging the CPU checks only the segment limit (SDM vol. 3,
 *    5.3): a process can read and write all of its region, whatever the
 *    rights of its mappings. The kernel still checks them: a system call
 *    may touch only mapped memory, with the mapping's rights, so -EFAULT
 *    means what it means with paging, and an address past the region is
 *    -EFAULT too.
 *  - A new private mapping (mmap, brk, exec) is zero-filled when it is
 *    made: there is no page fault to do it later.
 *  - fork copies the mappings' bytes into the child's new region: without
 *    paging there is no copy-on-write.
 *  - Shared memory, exchange-heap blocks and mprotect need paging: the
 *    operations are missing, and vm.c refuses them (-ENOSYS).
 */
#include "vm_ops.h"
#include "cmdline.h"
#include "errno.h"
#include "lib.h"
#include "region.h"
#include "segmode.h"

static int region_create(struct aspace *as)
{
    as->size = boot_options.segsize;
    as->base = region_alloc(as->size);
    as->resident = as->size / PAGE_SIZE;     /* ps: the whole region is held */
    return as->base ? 0 : -ENOMEM;
}

static void region_destroy(struct aspace *as)
{
    region_free(as->base, as->size);
}

static void region_populate(struct aspace *as, uint32_t start, uint32_t end)
{
    memset(P2V(as->base + start), 0, end - start);
}

/* Unmapped memory stays in the region, and the process can still reach
 * it; it is zeroed again when something is mapped there. */
static void region_release(struct aspace *as, uint32_t start, uint32_t end)
{
    (void)as, (void)start, (void)end;
}

static int region_resolve(struct aspace *as, uint32_t va, unsigned access, uint32_t *pa)
{
    if (va >= as->size || !vma_allows(vma_find(as, va), access))
        return -EFAULT;
    *pa = as->base + PAGE_ROUND_DOWN(va);
    return 0;
}

static int region_fill(struct aspace *as, uint32_t va, uint32_t *pa)
{
    const struct vma *v = va < as->size ? vma_find(as, va) : NULL;
    if (!v || v->kind != VMA_ANON)
        return -EFAULT;
    *pa = as->base + PAGE_ROUND_DOWN(va);
    return 0;
}

static int region_copy(struct aspace *dst, struct aspace *src, const struct vma *v)
{
    memcpy(P2V(dst->base + v->start), P2V(src->base + v->start), v->end - v->start);
    return 0;
}

const struct as_ops region_ops = {
    .name = "region",
    .create = region_create,
    .destroy = region_destroy,
    .activate = segmode_activate,
    .populate = region_populate,
    .release = region_release,
    .resolve = region_resolve,
    .fill = region_fill,
    .copy = region_copy,
};
