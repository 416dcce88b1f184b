/*
 * tlb.c: what the TLB keeps and what flushes it: a changed PTE is not
 * seen until INVLPG or a CR3 write; global pages survive a CR3 write when
 * CR4.PGE is set; toggling CR4.PGE flushes them; not-present entries are
 * never cached; a page fault flushes the faulting page.
 *
 * Rules kept here:
 *  - The SDM allows a processor to drop a TLB entry at any time, so
 *    "the old mapping is still used" is a property of isola's TLB (an
 *    architectural TLB whose entries stay until flushed or evicted), true
 *    of QEMU too; the test touches few pages between the fill and the
 *    stale use so that no sane geometry evicts the entry.
 *  - Everything else is required by the SDM (vol. 3, 4.10.2-4.10.4).
 */
#include "rt.h"

#define T 0x40000000u
#define OLD 0x0AAAAAA0u
#define NEW 0x0BBBBBB0u

static const char *mode_name;
static uint32_t frame_old, frame_new;

static void map(uint32_t phys, uint64_t flags)
{
    pg_set(T, 0, phys | PTE_P | PTE_W | PTE_U | flags);
}

/* Map T to the old frame and load the translation into the TLB. */
static void fill(uint64_t flags)
{
    map(frame_old, flags);
    invlpg(T);
    (void)peek32(T);
}

static void stale_after_pte_change(void)
{
    fill(0);
    map(frame_new, 0);
    check(peek32(T), OLD, "%s: changed PTE without INVLPG: the old mapping is still used", mode_name);
    invlpg(T);
    check(peek32(T), NEW, "%s: after INVLPG the new mapping is used", mode_name);
}

static void cr3_write_flushes(void)
{
    fill(0);
    map(frame_new, 0);
    write_cr3(read_cr3());
    check(peek32(T), NEW, "%s: a CR3 write flushes a non-global entry", mode_name);
}

static void global_pages(void)
{
    if (!cpu_has_pge()) {
        ok(0, "CPUID reports PGE");
        return;
    }
    write_cr4(read_cr4() | CR4_PGE);
    fill(PTE_G);
    map(frame_new, PTE_G);
    write_cr3(read_cr3());
    check(peek32(T), OLD, "%s: with CR4.PGE a global entry survives a CR3 write", mode_name);
    invlpg(T);
    check(peek32(T), NEW, "%s: ... and INVLPG flushes it", mode_name);

    fill(PTE_G);
    map(frame_new, PTE_G);
    write_cr4(read_cr4() & ~CR4_PGE);
    check(peek32(T), NEW, "%s: clearing CR4.PGE flushes global entries", mode_name);

    write_cr4(read_cr4() | CR4_PGE);
    fill(PTE_G);
    map(frame_new, PTE_G);
    write_cr4(read_cr4() & ~CR4_PGE);
    write_cr4(read_cr4() | CR4_PGE);
    check(peek32(T), NEW, "%s: toggling CR4.PGE off and on flushes global entries", mode_name);

    write_cr4(read_cr4() & ~CR4_PGE);
    fill(PTE_G);
    map(frame_new, PTE_G);
    write_cr3(read_cr3());
    check(peek32(T), NEW, "%s: without CR4.PGE the G bit does not keep an entry", mode_name);
}

static void stale_permissions(void)
{
    write_cr0(read_cr0() | CR0_WP);
    fill(0);
    poke32(T, OLD);          /* sets D: the cached entry now allows writes */
    map(frame_old, 0);
    pg_set(T, 0, pg_get(T, 0) & ~PTE_W);
    int v = TRY("", "movl %%eax, (%%ebx)", "a"(OLD), "b"(T));
    expect_none(v, "a write through a stale writable entry (PTE made read-only, no INVLPG)");
    invlpg(T);
    v = TRY("", "movl %%eax, (%%ebx)", "a"(OLD), "b"(T));
    ok(v == 14 && trap.err == (PF_P | PF_W), "%s: after INVLPG the write faults #PF(P|W) (got %d err %x)",
       mode_name, v, trap.err);
    /* a #PF invalidates the faulting page's entries (SDM vol. 3, 4.10.4.1)
     * so making it writable needs no INVLPG */
    pg_set(T, 0, pg_get(T, 0) | PTE_W);
    v = TRY("", "movl %%eax, (%%ebx)", "a"(OLD), "b"(T));
    expect_none(v, "after the #PF, the PTE made writable is used without INVLPG");
    write_cr0(read_cr0() & ~CR0_WP);
}

static void not_present_not_cached(void)
{
    pg_set(T, 0, frame_new | PTE_W | PTE_U);
    invlpg(T);
    int v = TRY("", "movl (%%ebx), %%eax", "b"(T));
    ok(v == 14 && trap.err == 0, "%s: read of a not-present page: #PF(0) (got %d err %x)",
       mode_name, v, trap.err);
    map(frame_new, 0);
    v = TRY("", "movl (%%ebx), %%eax", "b"(T));
    expect_none(v, "the page made present is used without INVLPG (SDM vol. 3, 4.10.2.1)");
    check(peek32(T), NEW, "%s: ... with its new frame", mode_name);
}

static void run_mode(enum pg_mode m, const char *name)
{
    mode_name = name;
    pg_setup(m);
    pg_map(T, frame_old, PTE_P | PTE_W | PTE_U);
    pg_on();
    stale_after_pte_change();
    cr3_write_flushes();
    global_pages();
    stale_permissions();
    not_present_not_cached();
    pg_off();
}

void test_main(void)
{
    frame_old = (uint32_t)page_frames[0];
    frame_new = (uint32_t)page_frames[1];
    poke32(frame_old, OLD);
    poke32(frame_new, NEW);
    run_mode(PG_2LEVEL, "2-level");
    run_mode(PG_PAE, "PAE");
}
