/*
 * tagged.c: isola's tagged TLB (-tlb tagged=on, docs/cli.md) from the
 * guest's side: a CR3 write keeps the entries of the space it leaves, and
 * they match again when the guest comes back; another space's lookups do
 * not see them; a global entry matches in every space; INVLPG drops a page
 * under every tag; toggling CR4.PGE drops every tag's entries.
 *
 * Rules kept here:
 *  - Space A is the runtime's page tables; space B is a copy of A's root
 *    (directory, or PAE pointer table) in another frame, pointing at the
 *    same tables, so an entry edited for one is edited for both: what a
 *    space sees tells whether it used a kept entry or walked.
 *  - Without tagged=on a CR3 write flushes and the "kept" checks fail:
 *    tagged.sh runs it both ways and wants exactly that.
 */
#include "rt.h"

#define T 0x40000000u
#define OLD 0x0AAAAAA0u
#define NEW 0x0BBBBBB0u

static const char *mode_name;
static uint32_t frame_old, frame_new, space_a, space_b;

static void map(uint32_t phys, uint64_t flags)
{
    pg_set(T, 0, phys | PTE_P | PTE_W | PTE_U | flags);
}

/* Space A caches T -> the old frame; then the shared entry says new. */
static void cache_old_in_a(uint64_t flags)
{
    write_cr3(space_a);
    map(frame_old, flags);
    invlpg(T);
    (void)peek32(T);
    map(frame_new, flags);
}

static void kept_across_switches(void)
{
    cache_old_in_a(0);
    write_cr3(space_b);
    check(peek32(T), NEW, "%s: space B does not match space A's entry", mode_name);
    write_cr3(space_a);
    check(peek32(T), OLD, "%s: back in space A, its entry survived the CR3 writes", mode_name);
    write_cr3(space_a);
    check(peek32(T), OLD, "%s: reloading CR3 keeps it too", mode_name);
}

static void invlpg_every_tag(void)
{
    cache_old_in_a(0);
    write_cr3(space_b);
    invlpg(T);                    /* from space B */
    write_cr3(space_a);
    check(peek32(T), NEW, "%s: INVLPG in space B dropped space A's entry", mode_name);
}

static void global_any_tag(void)
{
    write_cr4(read_cr4() | CR4_PGE);
    cache_old_in_a(PTE_G);
    write_cr3(space_b);
    check(peek32(T), OLD, "%s: a global entry matches in space B", mode_name);
    invlpg(T);
    write_cr4(read_cr4() & ~CR4_PGE);
}

static void pge_toggle_flushes_all(void)
{
    write_cr4(read_cr4() | CR4_PGE);
    cache_old_in_a(0);
    write_cr3(space_b);
    write_cr4(read_cr4() & ~CR4_PGE);
    write_cr4(read_cr4() | CR4_PGE);
    write_cr3(space_a);
    check(peek32(T), NEW, "%s: toggling CR4.PGE in space B flushed space A's entry", mode_name);
    write_cr4(read_cr4() & ~CR4_PGE);
}

static void run_mode(enum pg_mode m, const char *name)
{
    mode_name = name;
    pg_setup(m);
    pg_map(T, frame_old, PTE_P | PTE_W | PTE_U);
    space_a = pg_cr3();
    space_b = (uint32_t)page_frames[2];
    memcpy(page_frames[2], (void *)space_a, m == PG_PAE ? 32 : 4096);
    pg_on();
    kept_across_switches();
    invlpg_every_tag();
    if (cpu_has_pge()) {
        global_any_tag();
        pge_toggle_flushes_all();
    }
    write_cr3(space_a);
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
