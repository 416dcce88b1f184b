/*
 * region.c: the pool of contiguous physical memory behind process
 * regions and kernel stacks when paging is off (region.h). A bitmap with
 * one bit per page; allocation is first fit.
 *
 * Rules kept here:
 *  - A run is handed out zero-filled: a new process must not see what
 *    the last owner of the memory left there.
 *  - Freeing pages that are not allocated is a kernel bug and panics.
 */
#include "region.h"
#include "lib.h"
#include "mmu.h"

#define MAX_PAGES (DIRECT_MAP_MAX / PAGE_SIZE)

static uint32_t used[MAX_PAGES / 32];
static uint32_t base;            /* physical address of page 0 of the pool */
static unsigned npages, nfree;

static bool page_used(unsigned i) { return used[i / 32] & (1u << (i % 32)); }

static void mark(unsigned first, unsigned n, bool on)
{
    for (unsigned i = first; i < first + n; i++) {
        if (page_used(i) == on)
            panic("region: page %x is already %s", base + i * PAGE_SIZE, on ? "used" : "free");
        used[i / 32] ^= 1u << (i % 32);
    }
    nfree = on ? nfree - n : nfree + n;
}

void region_init(uint32_t start, uint32_t end)
{
    base = start;
    npages = MIN((end - start) / PAGE_SIZE, MAX_PAGES);
    nfree = npages;
}

uint32_t region_alloc(uint32_t size)
{
    unsigned n = size / PAGE_SIZE, run = 0;
    if (n == 0 || n > nfree)
        return 0;
    for (unsigned i = 0; i < npages; i++) {
        if (run == 0 && i % 32 == 0 && used[i / 32] == 0xFFFFFFFFu) {
            i += 31;                 /* a full word: skip it whole */
            continue;
        }
        run = page_used(i) ? 0 : run + 1;
        if (run == n) {
            unsigned first = i + 1 - n;
            mark(first, n, true);
            uint32_t pa = base + first * PAGE_SIZE;
            memset(P2V(pa), 0, size);
            return pa;
        }
    }
    return 0;
}

void region_free(uint32_t pa, uint32_t size)
{
    if (pa < base || pa % PAGE_SIZE || (pa - base) / PAGE_SIZE + size / PAGE_SIZE > npages)
        panic("region_free: %x (%x bytes) is not in the pool", pa, size);
    mark((pa - base) / PAGE_SIZE, size / PAGE_SIZE, false);
}

unsigned region_pages_total(void) { return npages; }
unsigned region_pages_free(void) { return nfree; }
