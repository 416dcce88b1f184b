/*
 * pagefault.c: #PF error codes and CR2 in every paging mode (2-level with
 * 4 KiB pages, PSE 4 MiB pages, PAE with 4 KiB and 2 MiB pages), CR0.WP,
 * reserved bits, execute-disable, and the accessed and dirty bits.
 *
 * Rules kept here:
 *  - The error code is P (1: protection violation, 0: not present), W
 *    (write), U (CPL 3), RSVD (a reserved bit set), I (instruction fetch
 *    with EFER.NXE=1); CR2 is the linear address accessed (SDM vol. 3,
 *    4.7). Every access here is at an odd offset so CR2 must be exact.
 *  - After changing an entry the test executes INVLPG: staleness is the
 *    business of tlb.c, not of this file.
 */
#include "rt.h"

#define T 0x40000000u          /* the test mapping's linear base */
#define OFF 0x123u
#define A (T + OFF)             /* the address accessed */
#define CODE_OFF 0x800u         /* a RET placed here for the fetch tests */
#define LARGE_PHYS 0x400000u    /* 4 MiB aligned physical memory for large pages */

enum layout { L_4K_2LEVEL, L_4M_PSE, L_4K_PAE, L_2M_PAE };
static const char *layout_names[] = { "2-level 4K", "PSE 4M", "PAE 4K", "PAE 2M" };
static enum layout layout;
static uint32_t phys_base;      /* physical address of the test page */

static int large(void) { return layout == L_4M_PSE || layout == L_2M_PAE; }
static int pae(void) { return layout == L_4K_PAE || layout == L_2M_PAE; }

/* Rewrite the leaf entry for T with these flags (PS added for large
 * pages) and flush it. */
static void leaf(uint64_t flags)
{
    pg_set(T, 0, phys_base | flags | (large() ? PTE_PS : 0));
    invlpg(T);
}

static void pde_flags(uint64_t flags)
{
    uint64_t e = pg_get(T, 1);
    pg_set(T, 1, (e & 0xFFFFF000u) | flags);
    invlpg(T);
}

static int rd0(void) { return TRY("", "movl (%%ebx), %%eax", "b"(A)); }
static int wr0(void) { return TRY("", "movl %%eax, (%%ebx)", "b"(A), "a"(0x5a5a5a5a)); }
static int rd3(void) { return TRY_USER("", "movl (%%ebx), %%eax", "b"(A)); }
static int wr3(void) { return TRY_USER("", "movl %%eax, (%%ebx)", "b"(A), "a"(0xa5a5a5a5)); }
static int fetch0(void) { return TRY("", "call *%%ebx", "b"(T + CODE_OFF)); }
static int fetch3(void) { return TRY_USER("", "call *%%ebx", "b"(T + CODE_OFF)); }

/* the access at rt_at faulted with #PF(err) and CR2 = A */
static void expect_pf(int v, uint32_t err, const char *what)
{
    int ok_vec = v == 14 && trap.err == err && trap.eip == rt_at && trap.cr2 == A;
    ok(ok_vec, "%s: %s", layout_names[layout], what);
    if (!ok_vec)
        printf("#   got vector %d err %x eip %x cr2 %x; want #PF(%x) at %x cr2 %x\n",
               v, trap.err, trap.eip, trap.cr2, err, rt_at, A);
}

static void expect_ok(int v, const char *what)
{
    ok(v < 0, "%s: %s", layout_names[layout], what);
    if (v >= 0)
        printf("#   got vector %d err %x cr2 %x\n", v, trap.err, trap.cr2);
}

static void not_present(void)
{
    leaf(PTE_W | PTE_U);
    expect_pf(rd0(), 0, "not-present read in ring 0: #PF(0)");
    expect_pf(wr0(), PF_W, "not-present write in ring 0: #PF(W)");
    expect_pf(rd3(), PF_U, "not-present read in ring 3: #PF(U)");
    expect_pf(wr3(), PF_U | PF_W, "not-present write in ring 3: #PF(U|W)");
}

static void user_supervisor(void)
{
    leaf(PTE_P | PTE_W);
    expect_ok(rd0(), "supervisor read of a supervisor page");
    expect_pf(rd3(), PF_P | PF_U, "user read of a supervisor page: #PF(P|U)");
    expect_pf(wr3(), PF_P | PF_U | PF_W, "user write to a supervisor page: #PF(P|U|W)");
    leaf(PTE_P | PTE_U);
    expect_ok(rd3(), "user read of a read-only user page");
    expect_pf(wr3(), PF_P | PF_U | PF_W, "user write to a read-only user page: #PF(P|U|W)");
    leaf(PTE_P | PTE_U | PTE_W);
    expect_ok(wr3(), "user write to a writable user page");
    expect_ok(rd3(), "user read of a writable user page");
}

static void write_protect(void)
{
    leaf(PTE_P | PTE_U);
    write_cr0(read_cr0() | CR0_WP);
    expect_pf(wr0(), PF_P | PF_W, "supervisor write to a read-only page with CR0.WP=1: #PF(P|W)");
    write_cr0(read_cr0() & ~CR0_WP);
    poke32(phys_base + OFF, 0);
    int v = wr0();
    expect_ok(v, "supervisor write to a read-only page with CR0.WP=0 succeeds");
    check(peek32(phys_base + OFF), 0x5a5a5a5a, "%s: ... and the write reached memory",
          layout_names[layout]);
}

/* U/S and R/W of every level combine: the most restrictive wins
 * (SDM vol. 3, 4.6.1) */
static void directory_rights(void)
{
    if (large())
        return;
    leaf(PTE_P | PTE_W | PTE_U);
    pde_flags(PTE_P | PTE_W);
    expect_pf(rd3(), PF_P | PF_U, "user read under a supervisor PDE: #PF(P|U)");
    pde_flags(PTE_P | PTE_U);
    expect_pf(wr3(), PF_P | PF_U | PF_W, "user write under a read-only PDE: #PF(P|U|W)");
    expect_ok(rd3(), "user read under a read-only user PDE");
    expect_ok(wr0(), "supervisor write under a read-only PDE with CR0.WP=0");
    pde_flags(PTE_P | PTE_W | PTE_U);
}

static void accessed_dirty(void)
{
    leaf(PTE_P | PTE_W | PTE_U);
    if (!large())
        pde_flags(PTE_P | PTE_W | PTE_U);
    expect_ok(rd0(), "read for the accessed bit");
    uint64_t e = pg_get(T, 0);
    ok((e & PTE_A) && !(e & PTE_D), "%s: a read sets A and not D in the leaf entry (%x)",
       layout_names[layout], (uint32_t)e);
    if (!large())
        ok(pg_get(T, 1) & PTE_A, "%s: ... and A in the PDE", layout_names[layout]);
    expect_ok(wr0(), "write for the dirty bit");
    e = pg_get(T, 0);
    ok((e & PTE_A) && (e & PTE_D), "%s: a write sets D in the leaf entry (%x)",
       layout_names[layout], (uint32_t)e);
    if (!large())
        ok(!(pg_get(T, 1) & PTE_D), "%s: ... and not in the PDE above a page table",
           layout_names[layout]);

    leaf(PTE_P | PTE_U);
    write_cr0(read_cr0() | CR0_WP);
    expect_pf(wr0(), PF_P | PF_W, "write to a read-only page for the dirty bit");
    write_cr0(read_cr0() & ~CR0_WP);
    ok(!(pg_get(T, 0) & PTE_D), "%s: a faulting write does not set D", layout_names[layout]);
    leaf(PTE_W | PTE_U);
    expect_pf(rd0(), 0, "not-present read for the accessed bit");
    ok(!(pg_get(T, 0) & PTE_A), "%s: a not-present fault does not set A", layout_names[layout]);
}

static void reserved_bits(void)
{
    if (!pae())
        return;
    leaf(PTE_P | PTE_W | PTE_U | (1ull << 51));
    expect_pf(rd0(), PF_P | PF_RSVD, "bit 51 set in the leaf: #PF(P|RSVD)");
    expect_pf(wr3(), PF_P | PF_RSVD | PF_U | PF_W, "... for a user write: #PF(P|W|U|RSVD)");
    leaf(PTE_P | PTE_W | PTE_U | PTE_XD);
    expect_pf(rd0(), PF_P | PF_RSVD, "XD set with EFER.NXE=0 is reserved: #PF(P|RSVD)");
    if (layout == L_2M_PAE) {
        leaf(PTE_P | PTE_W | PTE_U | (1ull << 13));
        expect_pf(rd0(), PF_P | PF_RSVD, "bit 13 set in a 2 MiB PDE: #PF(P|RSVD)");
    } else {
        leaf(PTE_P | PTE_W | PTE_U);
        pde_flags(PTE_P | PTE_W | PTE_U | (1ull << 51));
        expect_pf(rd0(), PF_P | PF_RSVD, "bit 51 set in the PDE: #PF(P|RSVD)");
        pde_flags(PTE_P | PTE_W | PTE_U);
    }
    leaf(PTE_P | PTE_W | PTE_U);
}

/* with A = T + CODE_OFF for the fetch tests */
static void expect_fetch_pf(int v, uint32_t err, const char *what)
{
    uint32_t at = T + CODE_OFF;
    int good = v == 14 && trap.err == err && trap.eip == at && trap.cr2 == at;
    ok(good, "%s: %s", layout_names[layout], what);
    if (!good)
        printf("#   got vector %d err %x eip %x cr2 %x; want #PF(%x) at %x cr2 %x\n",
               v, trap.err, trap.eip, trap.cr2, err, at, at);
}

static void execute_disable(void)
{
    if (!pae())
        return;
    if (!cpu_has_nx()) {
        ok(0, "CPUID reports NX (needed for the NX tests)");
        return;
    }
    leaf(PTE_P | PTE_W | PTE_U);
    expect_ok(fetch0(), "fetch with XD=0, EFER.NXE=0");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    expect_ok(fetch0(), "fetch with XD=0, EFER.NXE=1");
    leaf(PTE_P | PTE_W | PTE_U | PTE_XD);
    expect_fetch_pf(fetch0(), PF_P | PF_I, "fetch with XD=1, EFER.NXE=1: #PF(P|I), CR2 = EIP");
    expect_fetch_pf(fetch3(), PF_P | PF_I | PF_U, "user fetch with XD=1: #PF(P|U|I)");
    expect_ok(rd0(), "data read from an XD page");
    expect_ok(wr3(), "user data write to an XD page");
    if (!large()) {
        leaf(PTE_P | PTE_W | PTE_U);
        pde_flags(PTE_P | PTE_W | PTE_U | PTE_XD);
        expect_fetch_pf(fetch0(), PF_P | PF_I, "fetch under a PDE with XD=1: #PF(P|I)");
        pde_flags(PTE_P | PTE_W | PTE_U);
    }
    leaf(PTE_W | PTE_U);
    expect_fetch_pf(fetch0(), PF_I, "fetch from a not-present page with NXE=1: #PF(I)");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_NXE);
    expect_fetch_pf(fetch0(), 0, "fetch from a not-present page with NXE=0: #PF(0)");
    leaf(PTE_P | PTE_W | PTE_U | PTE_XD);
    expect_fetch_pf(fetch0(), PF_P | PF_RSVD, "fetch with XD=1, EFER.NXE=0: #PF(P|RSVD), no I");
    leaf(PTE_P | PTE_W | PTE_U);
}

static void run_layout(enum layout l)
{
    layout = l;
    pg_setup(pae() ? PG_PAE : PG_2LEVEL);
    phys_base = large() ? LARGE_PHYS : (uint32_t)page_frames[0];
    if (large())
        pg_map_large(T, phys_base, PTE_P | PTE_W | PTE_U);
    else
        pg_map(T, phys_base, PTE_P | PTE_W | PTE_U);
    memset((void *)phys_base, 0, 4096);
    ((uint8_t *)phys_base)[CODE_OFF] = 0xC3;  /* RET */
    write_cr0(read_cr0() & ~CR0_WP);
    pg_on();
    not_present();
    user_supervisor();
    write_protect();
    directory_rights();
    accessed_dirty();
    reserved_bits();
    execute_disable();
    /* the fault handler always runs: nothing here leaves paging on */
    pg_off();
}

void test_main(void)
{
    if (mb_mem_upper_kb && mb_mem_upper_kb < 7 * 1024)
        diag("only %u KiB above 1 MiB: the large-page tests use 4-8 MiB", mb_mem_upper_kb);
    ok(cpu_has_pse(), "CPUID reports PSE");
    ok(cpu_has_pae(), "CPUID reports PAE");
    run_layout(L_4K_2LEVEL);
    run_layout(L_4M_PSE);
    run_layout(L_4K_PAE);
    run_layout(L_2M_PAE);
}
