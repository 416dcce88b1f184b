/*
 * pagetable.c: page tables in the two formats of SDM vol. 3, chapter 4:
 * two-level (4.3: a 1024-entry directory of 1024-entry tables) and PAE
 * (4.4: a 4-entry pointer table, 512-entry directories and tables).
 *
 * Rules kept here:
 *  - The kernel's half is built once at boot and never changes shape: in
 *    two-level mode its directory entries are copied into every new
 *    directory; in PAE mode every pointer table shares the one kernel
 *    directory in slot 3. The kernel-stack area's page tables exist from
 *    the start, so mapping a kernel stack never touches a directory.
 *  - A PAE pointer table's entries are loaded by the CPU when CR3 is
 *    written (4.4.1), so all three user directories are allocated with
 *    the pointer table and its entries never change afterwards. They hold
 *    only P: the R/W, U/S and NX bits are reserved there.
 *  - User directory entries grant everything (present, writable, user);
 *    the rights of a page are in its table entry alone.
 *  - Kernel pages are global when the CPU has PGE, so a CR3 write does not
 *    flush them (4.10.2.4).
 *  - A TLB may be tagged (PCID-like: isola's -tlb tagged=on keeps entries
 *    across CR3 writes, tagged with the directory they came from). So a
 *    present entry that changes is invalidated whichever address space it
 *    belongs to, and freeing a directory flushes every entry: its frame
 *    may come back as another process's directory, whose lookups would
 *    then match the old tag.
 */
#include "pagetable.h"
#include "cmdline.h"
#include "errno.h"
#include "kalloc.h"
#include "lib.h"
#include "mmu.h"
#include "x86.h"

bool paging_pae, paging_nx, paging_pge;

#define PD32_KERNEL_FIRST (KERNEL_BASE >> 22)
#define PAE_KERNEL_SLOT 3
#define USER_DIR_ENTRY (PTE_P | PTE_W | PTE_U)

static uint32_t kernel_pd32[1024] __attribute__((aligned(PAGE_SIZE)));
static uint64_t kernel_pd64[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t kernel_pdpt[4] __attribute__((aligned(32)));
static uint64_t transition_pdpt[4] __attribute__((aligned(32)));
static uint8_t kstack_tables[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint32_t kernel_cr3;

/* paging_switch.S: turns paging off and on again around loading CR4 and
 * CR3, running from its identity-mapped alias. */
void paging_switch(uint32_t cr3, uint32_t cr4);

static uint64_t global_bit(void) { return paging_pge ? PTE_G : 0; }

static void detect_features(void)
{
    uint32_t r[4];
    cpuid(1, r);
    bool pse = r[3] & (1u << 3), pae = r[3] & (1u << 6);
    paging_pge = r[3] & (1u << 13);
    cpuid(0x80000000u, r);
    bool nx = false;
    if (r[0] >= 0x80000001u) {
        cpuid(0x80000001u, r);
        nx = r[3] & (1u << 20);
    }
    paging_pae = pae && !boot_options.no_pae;
    paging_nx = paging_pae && nx && !boot_options.no_nx;
    if (!paging_pae && !pse)
        panic("paging: the CPU has neither PAE nor PSE; this kernel needs one");
}

static void build_pd32(uint32_t top)
{
    for (uint32_t pa = 0; pa < top; pa += 0x400000u)
        kernel_pd32[PD32_KERNEL_FIRST + (pa >> 22)] = pa | PTE_P | PTE_W | PTE_PS | (uint32_t)global_bit();
    kernel_pd32[KSTACK_AREA >> 22] = V2P(kstack_tables[0]) | PTE_P | PTE_W;
}

static void build_pd64(uint32_t top)
{
    for (uint32_t pa = 0; pa < top; pa += 0x200000u)
        kernel_pd64[pa >> 21] = pa | PTE_P | PTE_W | PTE_PS | global_bit();
    uint32_t slot = (KSTACK_AREA - KERNEL_BASE) >> 21;
    kernel_pd64[slot] = V2P(kstack_tables[0]) | PTE_P | PTE_W;
    kernel_pd64[slot + 1] = V2P(kstack_tables[1]) | PTE_P | PTE_W;
    kernel_pdpt[PAE_KERNEL_SLOT] = V2P(kernel_pd64) | PTE_P;
    /* While paging is turned back on, the code runs at its low alias:
     * slot 0 maps the first gigabyte onto itself for that moment. */
    transition_pdpt[0] = V2P(kernel_pd64) | PTE_P;
    transition_pdpt[PAE_KERNEL_SLOT] = V2P(kernel_pd64) | PTE_P;
}

void paging_init(uint32_t top)
{
    detect_features();
    if (paging_nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    uint32_t cr4 = read_cr4() | CR4_PSE | (paging_pge ? CR4_PGE : 0);
    if (paging_pae) {
        build_pd64(top);
        void (*low_switch)(uint32_t, uint32_t) =
            (void (*)(uint32_t, uint32_t))((uint32_t)paging_switch - KERNEL_BASE);
        low_switch(V2P(transition_pdpt), cr4 | CR4_PAE);
        kernel_cr3 = V2P(kernel_pdpt);
    } else {
        build_pd32(top);
        kernel_cr3 = V2P(kernel_pd32);
        write_cr4(cr4);
    }
    write_cr3(kernel_cr3);
}

uint32_t kernel_root(void) { return kernel_cr3; }

void pgdir_activate(uint32_t root)
{
    if (read_cr3() != root)
        write_cr3(root);
}

/* ---- the user half ---- */

static void pgdir_free_pae(uint64_t *pdpt)
{
    for (int i = 0; i < PAE_KERNEL_SLOT; i++)
        if (pdpt[i] & PTE_P)
            page_free(pte_frame(pdpt[i]));
    page_free(V2P(pdpt));
}

uint32_t pgdir_create(void)
{
    uint32_t root = page_alloc();
    if (!root)
        return 0;
    if (!paging_pae) {
        uint32_t *pd = P2V(root);
        memcpy(pd + PD32_KERNEL_FIRST, kernel_pd32 + PD32_KERNEL_FIRST,
               (1024 - PD32_KERNEL_FIRST) * sizeof *pd);
        return root;
    }
    uint64_t *pdpt = P2V(root);
    for (int i = 0; i < PAE_KERNEL_SLOT; i++) {
        uint32_t pd = page_alloc();
        if (!pd) {
            pgdir_free_pae(pdpt);
            return 0;
        }
        pdpt[i] = pd | PTE_P;
    }
    pdpt[PAE_KERNEL_SLOT] = V2P(kernel_pd64) | PTE_P;
    return root;
}

/* Every TLB entry, global ones and those of every tag included: toggling
 * CR4.PGE does it (SDM vol. 3, 4.10.4.1); without PGE a CR3 reload does. */
static void tlb_flush_all(void)
{
    uint32_t cr4 = read_cr4();
    if (cr4 & CR4_PGE) {
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

void pgdir_destroy(uint32_t root)
{
    if (!paging_pae) {
        uint32_t *pd = P2V(root);
        for (unsigned i = 0; i < PD32_KERNEL_FIRST; i++)
            if (pd[i] & PTE_P)
                page_free(pd[i] & PAGE_MASK);
        page_free(root);
    } else {
        uint64_t *pdpt = P2V(root);
        for (int i = 0; i < PAE_KERNEL_SLOT; i++) {
            uint64_t *pd = P2V(pte_frame(pdpt[i]));
            for (int j = 0; j < 512; j++)
                if (pd[j] & PTE_P)
                    page_free(pte_frame(pd[j]));
        }
        pgdir_free_pae(pdpt);
    }
    tlb_flush_all();
}

/* The directory entry that covers va (as a pointer to 32 or 64 bits). */
static void *dir_entry(uint32_t root, uint32_t va)
{
    if (!paging_pae)
        return (uint32_t *)P2V(root) + (va >> 22);
    uint64_t *pdpt = P2V(root);
    uint64_t *pd = P2V(pte_frame(pdpt[va >> 30]));
    return pd + ((va >> 21) & 511);
}

/* The page table covering va, or NULL when there is none (and alloc is
 * false or memory ran out). */
static void *table_for(uint32_t root, uint32_t va, bool alloc)
{
    void *de = dir_entry(root, va);
    uint32_t entry = *(uint32_t *)de;    /* the low half holds P and the frame */
    if (entry & PTE_P)
        return P2V(entry & PAGE_MASK);
    if (!alloc)
        return NULL;
    uint32_t pt = page_alloc();
    if (!pt)
        return NULL;
    *(uint32_t *)de = pt | USER_DIR_ENTRY;
    return P2V(pt);
}

static unsigned table_index(uint32_t va)
{
    return paging_pae ? (va >> 12) & 511 : (va >> 12) & 1023;
}

static uint64_t entry_read(void *table, unsigned i)
{
    return paging_pae ? ((uint64_t *)table)[i] : ((uint32_t *)table)[i];
}

/* A PAE entry is two stores: the half holding P goes last when the entry
 * becomes present and first when it stops being so, so the CPU never
 * walks through a half-written present entry. */
static void entry_write(void *table, unsigned i, uint64_t v)
{
    if (!paging_pae) {
        ((uint32_t *)table)[i] = (uint32_t)v;
        return;
    }
    volatile uint32_t *e = (uint32_t *)((uint64_t *)table + i);
    if (v & PTE_P) {
        e[1] = (uint32_t)(v >> 32);
        e[0] = (uint32_t)v;
    } else {
        e[0] = (uint32_t)v;
        e[1] = (uint32_t)(v >> 32);
    }
}

uint64_t pte_get(uint32_t root, uint32_t va)
{
    void *t = table_for(root, va, false);
    return t ? entry_read(t, table_index(va)) : 0;
}

int pte_set(uint32_t root, uint32_t va, uint64_t pte)
{
    void *t = table_for(root, va, pte != 0);
    if (!t)
        return pte ? -ENOMEM : 0;
    if (!paging_nx)
        pte &= ~PTE_NX;
    bool was_present = entry_read(t, table_index(va)) & PTE_P;
    entry_write(t, table_index(va), pte);
    if (read_cr3() == root || was_present)   /* another space's: for a tagged TLB */
        invlpg(va);
    return 0;
}

/* The first address in [va, end) whose entry has a bit of mask set. */
static uint32_t next_with(uint32_t root, uint32_t va, uint32_t end, uint64_t mask)
{
    uint32_t span = paging_pae ? 0x200000u : 0x400000u;
    while (va < end) {
        void *t = table_for(root, va, false);
        if (!t) {
            uint32_t next = (va & ~(span - 1)) + span;
            if (next <= va)
                return end;
            va = next;
            continue;
        }
        if (entry_read(t, table_index(va)) & mask)
            return va;
        va += PAGE_SIZE;
    }
    return end;
}

uint32_t pte_next_present(uint32_t root, uint32_t va, uint32_t end)
{
    return next_with(root, va, end, PTE_P);
}

uint32_t pte_next_used(uint32_t root, uint32_t va, uint32_t end)
{
    return next_with(root, va, end, ~0ull);
}

/* ---- kernel stacks ---- */

static void *kstack_entry(uint32_t va, unsigned *index)
{
    uint32_t off = va - KSTACK_AREA;
    ASSERT(va >= KSTACK_AREA && off < KSTACK_AREA_SIZE);
    if (!paging_pae) {
        *index = off >> 12;
        return kstack_tables[0];
    }
    *index = (off >> 12) & 511;
    return kstack_tables[off >> 21];
}

void kstack_map(uint32_t va, uint32_t pa)
{
    unsigned i;
    void *t = kstack_entry(va, &i);
    entry_write(t, i, pa | PTE_P | PTE_W | global_bit());
    invlpg(va);
}

uint32_t kstack_unmap(uint32_t va)
{
    unsigned i;
    void *t = kstack_entry(va, &i);
    uint32_t pa = pte_frame(entry_read(t, i));
    entry_write(t, i, 0);
    invlpg(va);
    return pa;
}
