/*
 * paging.c: page tables for the guest tests, in 2-level (32-bit, with
 * PSE for 4 MiB pages) and PAE form.
 *
 * Rules kept here:
 *  - pg_setup() starts from nothing: the first 16 MiB are identity-mapped
 *    with 4 KiB pages, present, writable and user (pg_setup_flags: other
 *    flags), so ring 3 code of the
 *    tests runs anywhere in the image; every other linear address is not
 *    present until pg_map/pg_map_large say otherwise.
 *  - Directory entries are always present, writable and user: the leaf
 *    entries decide access (tests change a PDE with pg_set(lin, 1, ...)).
 *  - Nothing here flushes the TLB except pg_on (which loads CR3): changing
 *    an entry of a live mapping is the test's business.
 */
#include "rt.h"

#define IDENTITY_BYTES (16u << 20)
#define POOL_PAGES 24
#define DIR_FLAGS (PTE_P | PTE_W | PTE_U)

enum pg_mode pg_mode;
uint8_t page_frames[PAGE_FRAMES][4096] __attribute__((aligned(4096)));
static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t pdpt[4] __attribute__((aligned(32)));
static void *root;  /* the 2-level directory, or the PAE PDPT */

static void *pool_page(void)
{
    if (pool_used == POOL_PAGES) {
        printf("# page table pool exhausted\nFAIL\n");
        guest_exit(EXIT_FAIL);
    }
    void *p = pool[pool_used++];
    memset(p, 0, 4096);
    return p;
}

/* The PAE page directory for lin (each covers 1 GiB). */
static uint64_t *pae_dir(uint32_t lin)
{
    volatile uint64_t *e = &pdpt[lin >> 30];
    if (!(*e & PTE_P))
        *e = (uint32_t)pool_page() | PTE_P;  /* PDPTE: bits 1, 2 and 5-8 are reserved */
    return (uint64_t *)(uint32_t)(*e & 0xFFFFF000u);
}

static volatile uint64_t *pae_pde(uint32_t lin)
{
    return &pae_dir(lin)[(lin >> 21) & 511];
}

static volatile uint32_t *leg_pde(uint32_t lin)
{
    return &((uint32_t *)root)[lin >> 22];
}

/* The page table for lin, made if its directory entry is empty. */
static void *page_table(uint32_t lin)
{
    if (pg_mode == PG_PAE) {
        volatile uint64_t *pde = pae_pde(lin);
        if (!(*pde & PTE_P) || (*pde & PTE_PS))
            *pde = (uint32_t)pool_page() | DIR_FLAGS;
        return (void *)(uint32_t)(*pde & 0xFFFFF000u);
    }
    volatile uint32_t *pde = leg_pde(lin);
    if (!(*pde & PTE_P) || (*pde & PTE_PS))
        *pde = (uint32_t)pool_page() | DIR_FLAGS;
    return (void *)(*pde & 0xFFFFF000u);
}

void pg_map(uint32_t lin, uint64_t phys, uint64_t flags)
{
    void *pt = page_table(lin);
    if (pg_mode == PG_PAE)
        ((volatile uint64_t *)pt)[(lin >> 12) & 511] = (phys & ~0xFFFull) | flags;
    else
        ((volatile uint32_t *)pt)[(lin >> 12) & 1023] = (uint32_t)((phys & ~0xFFFull) | flags);
}

void pg_map_large(uint32_t lin, uint64_t phys, uint64_t flags)
{
    if (pg_mode == PG_PAE)
        *pae_pde(lin) = (phys & ~0x1FFFFFull) | flags | PTE_PS;
    else
        *leg_pde(lin) = (uint32_t)((phys & ~0x3FFFFFull) | flags | PTE_PS);
}

static volatile void *entry(uint32_t lin, int level)
{
    if (pg_mode == PG_PAE) {
        volatile uint64_t *pde = pae_pde(lin);
        if (level == 1 || (*pde & PTE_PS))
            return pde;
        return &((volatile uint64_t *)(uint32_t)(*pde & 0xFFFFF000u))[(lin >> 12) & 511];
    }
    volatile uint32_t *pde = leg_pde(lin);
    if (level == 1 || (*pde & PTE_PS))
        return pde;
    return &((volatile uint32_t *)(*pde & 0xFFFFF000u))[(lin >> 12) & 1023];
}

uint64_t pg_get(uint32_t lin, int level)
{
    volatile void *e = entry(lin, level);
    return pg_mode == PG_PAE ? *(volatile uint64_t *)e : *(volatile uint32_t *)e;
}

void pg_set(uint32_t lin, int level, uint64_t v)
{
    volatile void *e = entry(lin, level);
    if (pg_mode == PG_PAE)
        *(volatile uint64_t *)e = v;
    else
        *(volatile uint32_t *)e = (uint32_t)v;
}

void pg_setup(enum pg_mode m)
{
    pg_setup_flags(m, PTE_P | PTE_W | PTE_U);
}

void pg_setup_flags(enum pg_mode m, uint64_t identity_flags)
{
    pg_off();
    pg_mode = m;
    pool_used = 0;
    memset(pdpt, 0, sizeof pdpt);
    root = m == PG_PAE ? (void *)pdpt : pool_page();
    /* the CPU reads the PDPTEs only when CR3 is loaded (SDM vol. 3, 4.4.1),
     * so all four directories exist from the start */
    for (uint32_t gib = 0; m == PG_PAE && gib < 4; gib++)
        pae_dir(gib << 30);
    for (uint32_t a = 0; a < IDENTITY_BYTES; a += 4096)
        pg_map(a, a, identity_flags);
}

uint32_t pg_cr3(void)
{
    return (uint32_t)root;
}

void pg_on(void)
{
    uint32_t cr4 = read_cr4() | CR4_PSE;
    if (pg_mode == PG_PAE)
        cr4 |= CR4_PAE;
    else
        cr4 &= ~CR4_PAE;
    write_cr4(cr4);
    write_cr3(pg_cr3());
    write_cr0(read_cr0() | CR0_PG);
}

void pg_off(void)
{
    write_cr0(read_cr0() & ~CR0_PG);
}
