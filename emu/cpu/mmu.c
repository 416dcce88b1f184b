/*
 * mmu.c: linear to physical translation (paging, SDM vol. 3 ch. 4), the
 * fast tables in front of the TLB, and physical access to RAM, ROM, MMIO.
 *
 * Rules kept here:
 *  - A TLB hit is trusted as hardware trusts it: the page tables are not
 *    read again, so a PTE edited without INVLPG or a CR3 write stays
 *    stale. Only a write through an entry whose dirty bit is clear, or an
 *    access its cached rights deny, walks again; a denial by that walk is
 *    the #PF.
 *  - A walk sets the accessed bit of each directory entry it passes
 *    through, as it goes (the CPU used that entry), and the leaf's
 *    accessed and dirty bits only once the access is known to be allowed.
 *    A bit already set is not written again.
 *  - A fast-table entry promises that its kind of access is allowed at the
 *    current privilege, to a page of plain RAM, through a live TLB entry
 *    (or the identity map with paging off). It leaves when its TLB entry
 *    leaves, on fast_flush, when the CPL changes and it grants more
 *    than user rights, and, for writes, when its page starts holding code.
 *    Its hits are TLB hits, credited to the TLB when it leaves or on
 *    mmu_fold_stats; under LRU they also count as uses when the set
 *    chooses a victim. fast_enabled = false gives the exact TLB model.
 *  - Every write to RAM that holds decoded code takes the slow path and
 *    tells the block cache first (code_page_written).
 *  - A page-crossing access translates both pages before touching memory.
 *  - Physical space: MMIO regions first, then RAM below ram_size (a ROM
 *    range reads as the RAM under it and drops writes); anything else
 *    reads as all ones and drops writes. A20 masks every physical address.
 *  - The page-walk cache and the PAE PDPTE registers change what a walk
 *    costs (walk_refs against walk_cached), never what it finds: every
 *    entry is read from memory, so no directory entry is ever stale.
 *  - Tracing hooks (c->on_tlb, on_walk, on_fill, on_flush) are called
 *    from the slow paths only, each behind one test of its pointer.
 *  - TLB entries are tagged with the page-directory base of CR3 (tlb.h).
 *    With tlb_tagged a CR3 write keeps them, as PCID would; it still
 *    empties the fast tables and the page-walk cache, which are untagged.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"
#include "tlb.h"

#define PAGE_SIZE 4096u
#define PAGE_MASK 0xFFFu

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u
#define PTE_XD (1ull << 63)

/* 32-bit paging, 4 MiB page with PSE-36 and MAXPHYADDR 36 (SDM vol. 3,
 * table 4-4): bits 16:13 give physical bits 35:32; bits 21:17 reserved. */
#define PSE_RSVD 0x003E0000u
/* PAE paging with MAXPHYADDR 36 (SDM vol. 3, tables 4-8 to 4-11). */
#define PAE_ADDR 0x0000000FFFFFF000ull       /* bits 35:12 */
#define PAE_RSVD 0x7FFFFFF000000000ull       /* bits 62:36 */
#define PDPTE_RSVD 0xFFFFFFF0000001E6ull     /* bits 63:36, 8:5, 2:1 */
#define PAE_LARGE_RSVD 0x00000000001FE000ull /* bits 20:13 of a 2 MiB PDE */

/* Deterministic seeds for TLB_RANDOM, one per TLB. */
#define SEED_DTLB 0x9E3779B97F4A7C15ull
#define SEED_ITLB 0xD1B54A32D192ED03ull

/* ---- physical space ---- */

static uint64_t a20(const cpu_t *c, uint64_t pa)
{
    return pa & (0xFFFFFFFF00000000ull | c->a20_mask);
}

static uint32_t all_ones(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

static const struct mmio_region *mmio_at(const cpu_t *c, uint64_t pa)
{
    if (!c->bus || !c->bus->nmmio)
        return NULL;
    return bus_mmio_find(c->bus, pa);
}

static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* A 4 KiB physical page of RAM that no MMIO region touches; for writes,
 * no ROM range either. */
static bool page_is_ram(const cpu_t *c, uint64_t page, bool for_write)
{
    if (page + PAGE_SIZE > c->ram_size)
        return false;
    const struct bus *b = c->bus;
    if (!b)
        return true;
    for (unsigned k = 0; k < b->nmmio; k++)
        if (ranges_meet(page, PAGE_SIZE, b->mmio[k].base, b->mmio[k].len))
            return false;
    return !(for_write && b->rom_len &&
             ranges_meet(page, PAGE_SIZE, b->rom_base, b->rom_len));
}

/* pa already masked by A20; [pa, pa+size) within one page. */
static uint32_t phys_load(cpu_t *c, uint64_t pa, unsigned size)
{
    const struct mmio_region *r = mmio_at(c, pa);
    if (r)
        return r->read ? r->read(r->opaque, (uint32_t)(pa - r->base), size)
                       : all_ones(size);
    if (pa + size <= c->ram_size)
        return host_load(c->ram + pa, size);
    return all_ones(size);
}

static void phys_store(cpu_t *c, uint64_t pa, unsigned size, uint32_t v)
{
    const struct mmio_region *r = mmio_at(c, pa);
    if (r) {
        if (r->write)
            r->write(r->opaque, (uint32_t)(pa - r->base), size, v);
        return;
    }
    if (pa + size > c->ram_size || (c->bus && bus_is_rom(c->bus, pa)))
        return;
    if (code_page_has_blocks(c, (uint32_t)pa))
        code_page_written(c, (uint32_t)pa);
    host_store(c->ram + pa, size, v);
}

uint32_t phys_read(cpu_t *c, uint64_t paddr, unsigned size)
{
    if ((paddr & PAGE_MASK) + size <= PAGE_SIZE)
        return phys_load(c, a20(c, paddr), size);
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= phys_load(c, a20(c, paddr + k), 1) << (8 * k);
    return v;
}

void phys_write(cpu_t *c, uint64_t paddr, unsigned size, uint32_t v)
{
    if ((paddr & PAGE_MASK) + size <= PAGE_SIZE) {
        phys_store(c, a20(c, paddr), size, v);
        return;
    }
    for (unsigned k = 0; k < size; k++)
        phys_store(c, a20(c, paddr + k), 1, (v >> (8 * k)) & 0xFF);
}

/* ---- statistics ---- */

/* The TLB counters in c->stats are copies, brought up to date only when
 * someone reads them (mmu_fold_stats): the slow path need not. */
static void stats_mirror(cpu_t *c)
{
    c->stats.itlb_lookups = c->itlb.lookups;
    c->stats.itlb_hits = c->itlb.hits;
    c->stats.itlb_misses = c->itlb.misses;
    c->stats.dtlb_lookups = c->dtlb.lookups;
    c->stats.dtlb_hits = c->dtlb.hits;
    c->stats.dtlb_misses = c->dtlb.misses;
}

static struct tlb *tlb_for(cpu_t *c, int acc)
{
    return ((acc & 3) == ACC_X && !c->tlb_unified) ? &c->itlb : &c->dtlb;
}

/* ---- fast tables ---- */

/* Each fast hit was a TLB lookup that hit; credit it where it belongs. */
static void fast_fold(cpu_t *c, unsigned kind, struct fast_entry *fe)
{
    if (fe->hits && fe->arch) {
        struct tlb *t = tlb_for(c, (int)kind);
        fe->arch->hits += fe->hits;
        t->lookups += fe->hits;
        t->hits += fe->hits;
    }
    fe->hits = 0;
}

static void fast_drop(cpu_t *c, unsigned kind, struct fast_entry *fe)
{
    unsigned slot = (unsigned)(fe - c->fast[kind]);
    if (kind == FAST_X && fe->tag != FAST_INVALID)
        blocks_unlink(c);  /* links between blocks rely on this entry */
    c->fast_priv[kind][slot / 64] &= ~(1ull << (slot % 64));
    fast_fold(c, kind, fe);
    fe->tag = FAST_INVALID;
    fe->host = NULL;
    fe->arch = NULL;
}

/* A TLB entry is leaving: so do its mirrors, which can only sit in the
 * slot of its own page. */
static void fast_forget_entry(void *ctx, struct tlb_entry *e)
{
    cpu_t *c = ctx;
    unsigned slot = e->vpn & (FAST_SIZE - 1);
    for (unsigned k = 0; k < FAST_KINDS; k++)
        if (c->fast[k][slot].arch == e)
            fast_drop(c, k, &c->fast[k][slot]);
}

/* Fast hits bypass the TLB's LRU stamps. Before a set picks its victim,
 * every way used through the fast tables since the last such look counts
 * as just used (hits folded, stamp refreshed), so a page hot in the fast
 * path is not evicted as if idle. */
static void fast_refresh_set(cpu_t *c, struct tlb *t, uint32_t vpn)
{
    if (t->policy != TLB_LRU || !c->fast_enabled)
        return;
    struct tlb_entry *set = tlb_set_of(t, vpn);
    for (unsigned w = 0; w < t->ways; w++) {
        struct tlb_entry *e = &set[w];
        bool used = false;
        for (unsigned k = 0; e->valid && k < FAST_KINDS; k++) {
            struct fast_entry *fe = &c->fast[k][e->vpn & (FAST_SIZE - 1)];
            if (fe->arch == e && fe->hits) {
                fast_fold(c, k, fe);
                used = true;
            }
        }
        if (used)
            tlb_touch(t, e);
    }
}

/* Writes to a page that holds code must reach code_page_written. A page
 * that already has blocks has no write entries (fast_install refuses
 * them, and the page got its first block right after this ran), so only
 * a page about to get its first block is looked for. */
static void fast_forget_writes(cpu_t *c, uint64_t page)
{
    const uint8_t *host = c->ram + page;
    for (unsigned s = 0; s < FAST_SIZE; s++) {
        struct fast_entry *fe = &c->fast[FAST_W][s];
        if (fe->tag != FAST_INVALID && fe->host == host)
            fast_drop(c, FAST_W, fe);
    }
}

void fast_flush(cpu_t *c)
{
    for (unsigned k = 0; k < FAST_KINDS; k++)
        for (unsigned s = 0; s < FAST_SIZE; s++)
            fast_drop(c, k, &c->fast[k][s]);
}

/* Without SMAP or SMEP a supervisor may do whatever a user may, so only
 * the entries that grant more than user rights must go, and only once
 * CPL is 3 again. They are pruned on every change, whichever way, so the
 * order in which a caller updates c->cpl and calls this does not matter
 * as long as no access happens between the two. */
void mmu_cpl_changed(cpu_t *c)
{
    for (unsigned k = 0; k < FAST_KINDS; k++)
        for (unsigned w = 0; w < FAST_SIZE / 64; w++)
            while (c->fast_priv[k][w])  /* fast_drop clears the bit */
                fast_drop(c, k, &c->fast[k][w * 64 + (unsigned)__builtin_ctzll(c->fast_priv[k][w])]);
}

/* What mmu_cpl_changed drops: an entry whose rights a user lacks. */
static bool fast_grants_more_than_user(unsigned kind, const struct tlb_entry *e)
{
    return e && (!e->user || (kind == FAST_W && !e->writable));
}

void mmu_fold_stats(cpu_t *c)
{
    for (unsigned k = 0; k < FAST_KINDS; k++)
        for (unsigned s = 0; s < FAST_SIZE; s++)
            fast_fold(c, k, &c->fast[k][s]);
    stats_mirror(c);
}

/* After a translation for a plain access at the current privilege has
 * succeeded, let the next such access to the page go straight to RAM. */
static void fast_install(cpu_t *c, uint32_t lin, int acc, uint64_t pa,
                         struct tlb_entry *e)
{
    unsigned kind = (unsigned)acc & 3;
    uint64_t page = pa & ~(uint64_t)PAGE_MASK;
    if (!c->fast_enabled || (acc & ACC_SYS) || !page_is_ram(c, page, kind == ACC_W))
        return;
    if (kind == ACC_W && ((e && !e->dirty) || code_page_has_blocks(c, (uint32_t)page)))
        return;
    unsigned slot = (lin >> 12) & (FAST_SIZE - 1);
    struct fast_entry *fe = &c->fast[kind][slot];
    fast_drop(c, kind, fe);
    fe->tag = lin & ~PAGE_MASK;
    fe->host = c->ram + page;
    fe->arch = e;
    if (fast_grants_more_than_user(kind, e))
        c->fast_priv[kind][slot / 64] |= 1ull << (slot % 64);
}

/* ---- page walk ---- */

static bool user_access(const cpu_t *c, int acc)
{
    return c->cpl == 3 && !(acc & ACC_SYS);
}

static enum pf_kind pf_kind_of(uint32_t code)
{
    unsigned rwx = (code & PFERR_I) ? 2 : (code & PFERR_W) ? 1 : 0;
    if (code & PFERR_RSVD)
        return PF_RSVD;
    return (enum pf_kind)(((code & PFERR_P) ? PF_PROT_READ : PF_NP_READ) + rwx);
}

static _Noreturn void page_fault(cpu_t *c, uint32_t lin, int acc, uint32_t code)
{
    if ((acc & 3) == ACC_W)
        code |= PFERR_W;
    if (user_access(c, acc))
        code |= PFERR_U;
    /* SDM vol. 3, 4.7: I/D is reported only when execute-disable exists
     * (PAE with EFER.NXE) or SMEP is on; isola has no SMEP. */
    if ((acc & 3) == ACC_X && (c->efer & EFER_NXE) && (c->cr4 & CR4_PAE))
        code |= PFERR_I;
    c->cr2 = lin;
    c->stats.page_faults++;
    c->stats.pf_kind[pf_kind_of(code)]++;
    cpu_raise(c, EXC_PF, code);
}

/* SDM vol. 3, 4.6: user accesses need U at every level, user writes R/W
 * at every level; supervisor writes to read-only pages fault only with
 * CR0.WP; no fetch from an execute-disabled page. */
static bool rights_allow(const cpu_t *c, bool user, bool writable, bool nx, int acc)
{
    bool is_user = user_access(c, acc);
    if (is_user && !user)
        return false;
    switch (acc & 3) {
    case ACC_W:
        return writable || (!is_user && !(c->cr0 & CR0_WP));
    case ACC_X:
        return !nx;
    default:
        return true;
    }
}

struct walk {
    uint64_t frame;      /* physical address of the 4 KiB frame */
    uint64_t leaf_addr;  /* where the leaf entry lives */
    uint64_t leaf;
    bool user, writable, nx, large;
};

/* One page-table entry a walk reads, at level 1 (PTE), 2 (PDE) or 3
 * (PAE PDPTE). cached: the entry comes from the page-walk cache or the
 * PDPTE registers, so the hardware would make no memory reference. */
static uint64_t walk_entry(cpu_t *c, uint64_t addr, unsigned size, unsigned level,
                           bool cached)
{
    uint64_t v = phys_read(c, addr, 4);
    if (size == 8)
        v |= (uint64_t)phys_read(c, addr + 4, 4) << 32;
    if (cached)
        c->stats.walk_cached++;
    else
        c->stats.walk_refs++;
    if (unlikely(c->on_walk != NULL))
        c->on_walk(c, addr, level, v, cached ? WALKEV_CACHED : 0);
    return v;
}

/* The walker writes back an entry's accessed or dirty bit. */
static void walk_set_bits(cpu_t *c, uint64_t addr, unsigned level, uint64_t ent)
{
    phys_write(c, addr, 4, (uint32_t)ent);
    if (unlikely(c->on_walk != NULL))
        c->on_walk(c, addr, level, ent, WALKEV_AD);
}

/* Page-walk cache keys: a directory entry is named by its level and the
 * linear-address bits that select it (bits 31:22 for a 2-level PDE,
 * 31:21 for a PAE PDE). */
static uint32_t pwc_key(unsigned level, uint32_t prefix)
{
    return PWC_VALID | level << 24 | prefix;
}

static bool pwc_has(cpu_t *c, uint32_t key)
{
    return c->pwc.entries && pwc_lookup(&c->pwc, key);
}

/* Record a directory entry passed through: it narrows the rights and,
 * being used, becomes accessed, and the page-walk cache may keep it
 * (SDM vol. 3, 4.10.3.1: only present entries that reference a table). */
static void pass_directory(cpu_t *c, struct walk *w, uint64_t addr, uint64_t ent,
                           uint32_t key)
{
    w->user &= (ent & PTE_U) != 0;
    w->writable &= (ent & PTE_W) != 0;
    w->nx |= (ent & PTE_XD) != 0;
    if (!(ent & PTE_A))
        walk_set_bits(c, addr, 2, ent | PTE_A);
    if (c->pwc.entries)
        pwc_insert(&c->pwc, key);
}

static void reach_leaf(struct walk *w, uint64_t addr, uint64_t ent)
{
    w->user &= (ent & PTE_U) != 0;
    w->writable &= (ent & PTE_W) != 0;
    w->nx |= (ent & PTE_XD) != 0;
    w->leaf_addr = addr;
    w->leaf = ent;
}

static void walk32(cpu_t *c, uint32_t lin, int acc, struct walk *w)
{
    uint64_t addr = (c->cr3 & ~PAGE_MASK) | ((lin >> 22) << 2);
    uint32_t key = pwc_key(2, lin >> 22);
    uint32_t pde = (uint32_t)walk_entry(c, addr, 4, 2, pwc_has(c, key));
    if (!(pde & PTE_P))
        page_fault(c, lin, acc, 0);
    if ((pde & PTE_PS) && (c->cr4 & CR4_PSE)) {
        if (pde & PSE_RSVD)
            page_fault(c, lin, acc, PFERR_P | PFERR_RSVD);
        uint64_t base = (pde & 0xFFC00000u) | (uint64_t)((pde >> 13) & 0xF) << 32;
        w->frame = base | (lin & 0x003FF000u);
        w->large = true;
        reach_leaf(w, addr, pde);
        return;
    }
    pass_directory(c, w, addr, pde, key);
    addr = (pde & ~PAGE_MASK) | (((lin >> 12) & 0x3FF) << 2);
    uint32_t pte = (uint32_t)walk_entry(c, addr, 4, 1, false);
    if (!(pte & PTE_P))
        page_fault(c, lin, acc, 0);
    w->frame = pte & ~PAGE_MASK;
    reach_leaf(w, addr, pte);
}

/* PAE: the PDPTE carries no rights and no accessed bit; a real CPU loads
 * the four of them at MOV CR3 (SDM vol. 3, 4.4.1), so a walk makes no
 * memory reference for them: isola reads them at each walk and reports
 * them as cached. */
static void walk_pae(cpu_t *c, uint32_t lin, int acc, struct walk *w)
{
    uint64_t rsvd = PAE_RSVD | ((c->efer & EFER_NXE) ? 0 : PTE_XD);
    uint64_t addr = (c->cr3 & 0xFFFFFFE0u) + ((lin >> 30) << 3);
    uint64_t pdpte = walk_entry(c, addr, 8, 3, true);
    if (!(pdpte & PTE_P))
        page_fault(c, lin, acc, 0);
    if (pdpte & PDPTE_RSVD)
        page_fault(c, lin, acc, PFERR_P | PFERR_RSVD);

    addr = (pdpte & PAE_ADDR) + (((lin >> 21) & 0x1FF) << 3);
    uint32_t key = pwc_key(2, lin >> 21);
    uint64_t pde = walk_entry(c, addr, 8, 2, pwc_has(c, key));
    if (!(pde & PTE_P))
        page_fault(c, lin, acc, 0);
    if (pde & PTE_PS) {
        if (pde & (rsvd | PAE_LARGE_RSVD))
            page_fault(c, lin, acc, PFERR_P | PFERR_RSVD);
        w->frame = (pde & PAE_ADDR & ~0x1FFFFFull) | (lin & 0x001FF000u);
        w->large = true;
        reach_leaf(w, addr, pde);
        return;
    }
    if (pde & rsvd)
        page_fault(c, lin, acc, PFERR_P | PFERR_RSVD);
    pass_directory(c, w, addr, pde, key);

    addr = (pde & PAE_ADDR) + (((lin >> 12) & 0x1FF) << 3);
    uint64_t pte = walk_entry(c, addr, 8, 1, false);
    if (!(pte & PTE_P))
        page_fault(c, lin, acc, 0);
    if (pte & rsvd)
        page_fault(c, lin, acc, PFERR_P | PFERR_RSVD);
    w->frame = pte & PAE_ADDR;
    reach_leaf(w, addr, pte);
}

static struct tlb_entry *walk(cpu_t *c, struct tlb *t, uint32_t lin, int acc)
{
    struct walk w = {.user = true, .writable = true};
    c->stats.walks++;
    if (c->cr4 & CR4_PAE)
        walk_pae(c, lin, acc, &w);
    else
        walk32(c, lin, acc, &w);
    if (!(c->efer & EFER_NXE))
        w.nx = false;
    if (!rights_allow(c, w.user, w.writable, w.nx, acc))
        page_fault(c, lin, acc, PFERR_P);

    uint32_t set = PTE_A | ((acc & 3) == ACC_W ? PTE_D : 0);
    if ((w.leaf & set) != set) {
        w.leaf |= set;
        walk_set_bits(c, w.leaf_addr, w.large ? 2 : 1, w.leaf);
    }

    struct tlb_entry fill = {
        .vpn = lin >> 12,
        .pfn = (uint32_t)(w.frame >> 12),
        .user = w.user,
        .writable = w.writable,
        .nx = w.nx,
        .global = (w.leaf & PTE_G) && (c->cr4 & CR4_PGE) && c->global_pages,
        .dirty = (w.leaf & PTE_D) != 0,
        .large = w.large,
    };
    fast_refresh_set(c, t, fill.vpn);
    struct tlb_entry *slot = tlb_victim(t, fill.vpn);
    if (slot->valid)
        fast_forget_entry(c, slot);
    if (unlikely(c->on_fill != NULL)) {
        struct tlb_entry old = *slot;
        tlb_fill(t, slot, &fill);
        c->on_fill(c, t, slot, old.valid ? &old : NULL);
        return slot;
    }
    return tlb_fill(t, slot, &fill);
}

/* ---- translation ---- */

static uint64_t translate(cpu_t *c, uint32_t lin, int acc, struct tlb_entry **ent)
{
    if (!(c->cr0 & CR0_PG)) {
        *ent = NULL;
        return lin & c->a20_mask;
    }
    struct tlb *t = tlb_for(c, acc);
    struct tlb_entry *e = tlb_lookup(t, lin >> 12);
    bool again = !e || !rights_allow(c, e->user, e->writable, e->nx, acc) ||
                 ((acc & 3) == ACC_W && !e->dirty);
    if (unlikely(c->on_tlb != NULL))
        c->on_tlb(c, lin, acc, t, e, e ? TLBEV_HIT | (again ? TLBEV_REWALK : 0) : 0);
    if (again) {
        /* A write through a clean entry walks to set D, as the CPU does.
         * An entry whose rights deny the access is dropped and the tables
         * are walked again: the CPU never faults on rights the tables no
         * longer hold (a #PF invalidates the entry, SDM vol. 3, 4.10.4.1,
         * and relaxed rights need no INVLPG, 4.10.4.3). */
        if (e) {
            fast_forget_entry(c, e);
            e->valid = 0;
        }
        e = walk(c, t, lin, acc);
    }
    *ent = e;
    return a20(c, (uint64_t)e->pfn << 12 | (lin & PAGE_MASK));
}

uint64_t mmu_translate(cpu_t *c, uint32_t lin, int acc)
{
    struct tlb_entry *e;
    return translate(c, lin, acc, &e);
}

/* Both pages of an access that crosses from lin's page into the next. */
static void translate_split(cpu_t *c, uint32_t lin, int acc, uint64_t pa[2])
{
    struct tlb_entry *e;
    pa[0] = translate(c, lin, acc, &e);
    pa[1] = translate(c, (lin | PAGE_MASK) + 1, acc, &e);
}

static uint64_t split_byte(const uint64_t pa[2], uint32_t lin, unsigned k)
{
    unsigned first = PAGE_SIZE - (lin & PAGE_MASK);
    return k < first ? pa[0] + k : pa[1] + (k - first);
}

/* ---- linear access ---- */

uint32_t lin_read_slow(cpu_t *c, uint32_t lin, unsigned size, int acc)
{
    if ((lin & PAGE_MASK) + size > PAGE_SIZE) {
        uint64_t pa[2];
        uint32_t v = 0;
        translate_split(c, lin, acc, pa);
        for (unsigned k = 0; k < size; k++)
            v |= phys_load(c, split_byte(pa, lin, k), 1) << (8 * k);
        return v;
    }
    struct tlb_entry *e;
    uint64_t pa = translate(c, lin, acc, &e);
    if ((acc & 3) == ACC_X && c->fast_enabled && page_is_ram(c, pa & ~(uint64_t)PAGE_MASK, false) &&
        !code_page_has_blocks(c, (uint32_t)(pa & ~(uint64_t)PAGE_MASK)))
        fast_forget_writes(c, pa & ~(uint64_t)PAGE_MASK);
    fast_install(c, lin, acc, pa, e);
    return phys_load(c, pa, size);
}

static void write_split(cpu_t *c, uint32_t lin, unsigned size, uint64_t v, int acc)
{
    uint64_t pa[2];
    translate_split(c, lin, acc, pa);
    for (unsigned k = 0; k < size; k++)
        phys_store(c, split_byte(pa, lin, k), 1, (uint32_t)(v >> (8 * k)) & 0xFF);
}

void lin_write_slow(cpu_t *c, uint32_t lin, unsigned size, uint32_t v, int acc)
{
    acc = (acc & ACC_SYS) | ACC_W;
    if ((lin & PAGE_MASK) + size > PAGE_SIZE) {
        write_split(c, lin, size, v, acc);
        return;
    }
    struct tlb_entry *e;
    uint64_t pa = translate(c, lin, acc, &e);
    fast_install(c, lin, acc, pa, e);
    phys_store(c, pa, size, v);
}

uint64_t lin_read64(cpu_t *c, uint32_t lin, int acc)
{
    uint32_t lo = lin_read(c, lin, 4, acc);
    uint32_t hi = lin_read(c, lin + 4, 4, acc);
    return (uint64_t)hi << 32 | lo;
}

void lin_write64(cpu_t *c, uint32_t lin, uint64_t v, int acc)
{
    acc = (acc & ACC_SYS) | ACC_W;
    if ((lin & PAGE_MASK) + 8 > PAGE_SIZE) {
        write_split(c, lin, 8, v, acc);
        return;
    }
    lin_write(c, lin, 4, (uint32_t)v, acc);
    lin_write(c, lin + 4, 4, (uint32_t)(v >> 32), acc);
}

const uint8_t *mmu_fetch_page(cpu_t *c, uint32_t lin, uint32_t *phys)
{
    struct tlb_entry *e;
    uint64_t page = translate(c, lin, ACC_X, &e) & ~(uint64_t)PAGE_MASK;
    *phys = (uint32_t)page;
    if (!page_is_ram(c, page, false))
        return NULL;
    if (c->fast_enabled && !code_page_has_blocks(c, (uint32_t)page))
        fast_forget_writes(c, page);
    fast_install(c, lin, ACC_X, page, e);
    return c->ram + page;
}

void mem_probe_write(cpu_t *c, int sr, uint32_t off, unsigned size)
{
    uint32_t lin = seg_check(c, sr, off, size, ACC_W);
    bool crosses = (lin & PAGE_MASK) + size > PAGE_SIZE;
    if (!crosses && c->fast[FAST_W][(lin >> 12) & (FAST_SIZE - 1)].tag == (lin & ~PAGE_MASK))
        return;
    struct tlb_entry *e;
    translate(c, lin, ACC_W, &e);
    if (crosses)
        translate(c, (lin | PAGE_MASK) + 1, ACC_W, &e);
}

/* ---- TLB maintenance ---- */

/* The tag of the address space CR3 names: the directory (or PAE pointer
 * table) base, without the cache-control bits. */
static void set_tags(cpu_t *c)
{
    uint32_t tag = c->cr3 & ((c->cr4 & CR4_PAE) ? ~0x1Fu : ~0xFFFu);
    c->dtlb.tag = c->itlb.tag = tag;
}

/* Both TLBs and the page-walk cache, which a CR3 write or a change of
 * paging mode empties whatever its entries' global bits say (SDM vol. 3,
 * 4.10.4.1). Returns the TLB entries dropped. */
static unsigned flush_tlbs(cpu_t *c, bool keep_global)
{
    fast_flush(c);
    unsigned n = tlb_invalidate_all(&c->dtlb, keep_global, NULL, NULL);
    if (!c->tlb_unified)
        n += tlb_invalidate_all(&c->itlb, keep_global, NULL, NULL);
    pwc_clear(&c->pwc);
    c->stats.tlb_flushes++;
    set_tags(c);
    return n;
}

void tlb_flush_all(cpu_t *c, bool keep_global)
{
    unsigned n = flush_tlbs(c, keep_global);
    if (unlikely(c->on_flush != NULL))
        c->on_flush(c, FLUSH_ALL, 0, n);
}

/* MOV to CR3 keeps global entries when CR4.PGE is set, and every entry
 * with a tagged TLB: then it is no flush (nor counted as one). */
void tlb_flush_cr3(cpu_t *c)
{
    unsigned n = 0;
    if (c->tlb_tagged) {
        fast_flush(c);
        pwc_clear(&c->pwc);
        set_tags(c);
    } else {
        n = flush_tlbs(c, (c->cr4 & CR4_PGE) != 0);
    }
    if (unlikely(c->on_flush != NULL))
        c->on_flush(c, FLUSH_CR3, c->cr3, n);
}

/* INVLPG drops the page's TLB entries, global or not, and every entry of
 * the paging-structure caches (SDM vol. 3, 4.10.4.1). */
void tlb_flush_page(cpu_t *c, uint32_t lin)
{
    uint32_t span = (c->cr4 & CR4_PAE) ? 512 : 1024;
    unsigned n = tlb_invalidate_page(&c->dtlb, lin >> 12, span, fast_forget_entry, c);
    if (!c->tlb_unified)
        n += tlb_invalidate_page(&c->itlb, lin >> 12, span, fast_forget_entry, c);
    pwc_clear(&c->pwc);
    c->stats.invlpg++;
    if (unlikely(c->on_flush != NULL))
        c->on_flush(c, FLUSH_INVLPG, lin, n);
}

void mmu_set_pwc(cpu_t *c, unsigned n)
{
    pwc_setup(&c->pwc, n);
}

/* ---- life cycle ---- */

static bool tlbs_setup(cpu_t *c, unsigned ie, unsigned iw, unsigned de,
                       unsigned dw, enum tlb_policy policy)
{
    if (!tlb_setup(&c->dtlb, de, dw, policy, SEED_DTLB))
        return false;
    if (c->tlb_unified || tlb_setup(&c->itlb, ie, iw, policy, SEED_ITLB))
        return true;
    tlb_release(&c->dtlb);
    return false;
}

/* Needs a zeroed cpu the first time; a later call changes the geometry. */
void mmu_init(cpu_t *c, unsigned entries, unsigned ways, bool unified,
              enum tlb_policy policy)
{
    unsigned ie = 32, iw = 4, de = 64, dw = 4;  /* P6-like */
    if (entries) {
        if (!ways)
            ways = entries < 4 ? entries : 4;
        ie = de = entries;
        iw = dw = ways;
    }
    mmu_free(c);
    c->tlb_unified = unified;
    if (tlbs_setup(c, ie, iw, de, dw, policy))
        return;
    fprintf(stderr, "isola: cannot make a %u-entry %u-way TLB; using 32/64 entries, 4 ways\n",
            entries, ways);
    if (!tlbs_setup(c, 32, 4, 64, 4, policy)) {
        fprintf(stderr, "isola: out of memory for the TLB\n");
        abort();
    }
}

void mmu_free(cpu_t *c)
{
    fast_flush(c);
    tlb_release(&c->itlb);
    tlb_release(&c->dtlb);
}
