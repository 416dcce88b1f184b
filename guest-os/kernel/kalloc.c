/*
 * kalloc.c: the physical page allocator. The usable RAM comes from the
 * Multiboot memory map (or, without one, from mem_upper); free frames
 * form a list threaded through the frames themselves, and a counter per
 * frame says how many mappings share it.
 *
 * Rules kept here:
 *  - Nothing below 1 MiB is handed out (the BIOS data, the VGA window and
 *    option ROMs live there), nor a reserved range (the kernel image, the
 *    boot modules, the counters themselves).
 *  - Only RAM the kernel maps (below DIRECT_MAP_MAX) is used.
 *  - The memory map is copied before any frame is freed: freeing writes
 *    into the frames, and the map may lie in one of them.
 *  - A frame is on the free list exactly when its count is 0; freeing a
 *    free frame is a kernel bug and panics.
 */
#include "kalloc.h"
#include "lib.h"
#include "mmu.h"
#include <isola/multiboot.h>

#define MAX_RANGES 32
#define MAX_RESERVED 8

struct range {
    uint32_t start, end;
};

struct free_frame {
    struct free_frame *next;
};

static struct range ram[MAX_RANGES], reserved[MAX_RESERVED];
static unsigned nram, nreserved;
static struct free_frame *free_list;
static uint16_t *refs;         /* one counter per frame below top */
static uint32_t top;           /* end of the usable RAM */
static unsigned nfree, ntotal;

static void note_ram(uint64_t start, uint64_t end)
{
    if (start < 0x100000)
        start = 0x100000;
    if (end > DIRECT_MAP_MAX)
        end = DIRECT_MAP_MAX;
    if (start >= end || nram == MAX_RANGES)
        return;
    ram[nram++] = (struct range){PAGE_ROUND_UP((uint32_t)start), PAGE_ROUND_DOWN((uint32_t)end)};
    top = MAX(top, PAGE_ROUND_DOWN((uint32_t)end));
}

uint32_t kalloc_detect(const struct multiboot_info *mbi)
{
    if (!(mbi->flags & MBI_MMAP)) {
        note_ram(0x100000, 0x100000 + (uint64_t)mbi->mem_upper * 1024);
        return top;
    }
    uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
    while (p + sizeof(struct multiboot_mmap) <= end) {
        const struct multiboot_mmap *e = P2V(p);
        if (e->type == MMAP_RAM)
            note_ram(e->addr, e->addr + e->len);
        p += e->size + 4;
    }
    return top;
}

void kalloc_reserve(uint32_t start, uint32_t end)
{
    if (nreserved == MAX_RESERVED)
        panic("kalloc: too many reserved ranges");
    reserved[nreserved++] = (struct range){PAGE_ROUND_DOWN(start), PAGE_ROUND_UP(end)};
}

static const struct range *reserved_at(uint32_t pa, uint32_t len)
{
    for (unsigned i = 0; i < nreserved; i++)
        if (pa < reserved[i].end && reserved[i].start < pa + len)
            return &reserved[i];
    return NULL;
}

static void frame_release(uint32_t pa)
{
    struct free_frame *f = P2V(pa);
    f->next = free_list;
    free_list = f;
    nfree++;
}

/* The counters need top/4096 * 2 contiguous bytes of RAM nobody uses. */
static void place_counters(void)
{
    uint32_t size = PAGE_ROUND_UP(top / PAGE_SIZE * sizeof *refs);
    for (unsigned i = 0; i < nram; i++) {
        uint32_t at = ram[i].start;
        const struct range *r;
        while (at + size <= ram[i].end && (r = reserved_at(at, size)))
            at = r->end;
        if (at + size <= ram[i].end) {
            refs = P2V(at);
            memset(refs, 0, size);
            kalloc_reserve(at, at + size);
            return;
        }
    }
    panic("kalloc: no room for the page counters");
}

void kalloc_init(void)
{
    place_counters();
    for (unsigned i = 0; i < nram; i++) {
        for (uint32_t pa = ram[i].start; pa < ram[i].end; pa += PAGE_SIZE) {
            if (!reserved_at(pa, PAGE_SIZE)) {
                frame_release(pa);
                ntotal++;
            }
        }
    }
}

uint32_t page_alloc(void)
{
    struct free_frame *f = free_list;
    if (!f)
        return 0;
    free_list = f->next;
    nfree--;
    uint32_t pa = V2P(f);
    refs[pa / PAGE_SIZE] = 1;
    memset(f, 0, PAGE_SIZE);
    return pa;
}

void page_ref(uint32_t pa)
{
    ASSERT(pa < top && refs[pa / PAGE_SIZE] > 0);
    refs[pa / PAGE_SIZE]++;
}

void page_free(uint32_t pa)
{
    if (pa >= top || pa % PAGE_SIZE || refs[pa / PAGE_SIZE] == 0)
        panic("page_free: %x is not an allocated frame", pa);
    if (--refs[pa / PAGE_SIZE] == 0)
        frame_release(pa);
}

uint32_t kalloc_carve(uint32_t size)
{
    size = PAGE_ROUND_UP(size);
    const struct range *best = NULL;
    for (unsigned i = 0; i < nram; i++)
        if (!best || ram[i].end - ram[i].start > best->end - best->start)
            best = &ram[i];
    if (!best || best->end - best->start < size)
        return 0;
    uint32_t at = best->end - size;
    if (reserved_at(at, size))
        return 0;
    kalloc_reserve(at, best->end);
    return at;
}

void kalloc_hold(uint32_t start, uint32_t end)
{
    for (uint32_t pa = start; pa < end && pa < top; pa += PAGE_SIZE)
        refs[pa / PAGE_SIZE] = 1;
}

unsigned page_refs(uint32_t pa)
{
    return pa < top ? refs[pa / PAGE_SIZE] : 0;
}

unsigned pages_free(void) { return nfree; }
unsigned pages_total(void) { return ntotal; }
