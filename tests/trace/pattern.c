/*
 * pattern.c: a guest with a known access pattern, whose trace
 * tests/trace/pattern.sh compares event by event with values computed by
 * hand (tests/trace/pattern.expected; the reasoning is in the comments
 * below, step by step).
 *
 * Rules kept here:
 *  - The page tables are this program's own, at fixed physical
 *    addresses: a page directory at PD, four page tables identity-mapping
 *    the first 16 MiB (the program, its stack, the runtime), and one page
 *    table, PT, for the data region at DATA (linear 0x40000000, directory
 *    entry 256), whose pages are the frames FRAME + n * 4 KiB.
 *  - 2-level paging, 4 KiB pages, CR0.WP set, no global pages in the
 *    checked part; every entry starts with A and D clear.
 *  - The checked accesses run with interrupts off, each block from a CR3
 *    reload (which empties both TLBs) to its last access, with no stack
 *    or data access of its own in between; the trace is filtered to the
 *    data region, so the runtime's accesses (stack, IDT) do not show, yet
 *    nothing they do can land between two checked accesses.
 *  - Run it with -tlb d=4:2,i=1:1 (a data TLB of 2 sets of 2 ways, one
 *    instruction TLB entry), LRU.
 *  - It names itself (pid 1, "pattern") on the trace-marker port and
 *    marks the region "walks" around the checked blocks.
 */
#include "rt.h"

#define PD 0x00300000u      /* page directory */
#define PT_LOW 0x00301000u  /* 4 page tables: 0-16 MiB identity */
#define PT 0x00305000u      /* the data region's page table */
#define PT2 0x00306000u     /* one more, for the global-page check */
#define FRAME 0x00310000u   /* data page n is frame FRAME + n * 4096 */
#define DATA 0x40000000u
#define GLOBAL 0x40400000u  /* outside the traced range */

#define P 0x1u
#define W 0x2u
#define G 0x100u

static void mark(unsigned cmd, uint32_t arg, const char *name)
{
    __asm__ volatile("outl %0, %1" : : "a"(arg), "Nd"((uint16_t)0x500));
    for (; *name; name++)
        outb(0x504, (uint8_t)*name);
    outb(0x505, (uint8_t)cmd);
}

static void build_tables(void)
{
    volatile uint32_t *pd = (uint32_t *)PD, *pt = (uint32_t *)PT;
    memset((void *)PD, 0, 4096);
    for (uint32_t t = 0; t < 4; t++) {
        volatile uint32_t *low = (uint32_t *)(PT_LOW + t * 4096);
        for (uint32_t k = 0; k < 1024; k++)
            low[k] = ((t << 22) | (k << 12)) | P | W;
        pd[t] = (PT_LOW + t * 4096) | P | W;
    }
    memset((void *)PT, 0, 4096);
    pd[DATA >> 22] = PT | P | W;
    pt[0] = (FRAME + 0x0000) | P | W;
    pt[1] = (FRAME + 0x1000) | P;        /* read-only */
    pt[2] = (FRAME + 0x2000) | P | W;
    /* pt[3]: not present */
    pt[4] = (FRAME + 0x4000) | P | W;
    pt[5] = (FRAME + 0x5000) | P | W;    /* code: a RET */
    memset((void *)PT2, 0, 4096);
    pd[GLOBAL >> 22] = PT2 | P | W;
    memset((void *)FRAME, 0, 7 * 4096);
    *(volatile uint8_t *)(FRAME + 0x5000) = 0xC3;
    *(volatile uint32_t *)(FRAME + 0x6000) = 0x600D;
    *(volatile uint32_t *)(FRAME + 0x1000) = 0xBAD;
}

/*
 * Block 1, data TLB of 2 sets (set = page number & 1) of 2 ways, LRU:
 *  1 read  40000010: page 40000, set 0, miss. Walk: PDE at PD+0x400
 *          (level 2, 00305003), its A bit set (00305023), PTE at PT+0
 *          (level 1, 00310003), its A bit set (00310023). Fill set 0,
 *          way 0 (both free: the first), writable, not dirty.
 *  2 read  40000020: set 0 way 0, hit.
 *  3 read  40001004: page 40001, set 1, miss. PDE (00305023, A already
 *          set: no write), PTE at PT+4 (00311001, read-only), A set
 *          (00311021). Fill set 1 way 0, read-only.
 *  4 read  40002008: set 0, miss; PTE at PT+8 (00312003 -> 00312023).
 *          Fill set 0 way 1.
 *  5 write 40000030: set 0 way 0 hits, but the entry is clean: the CPU
 *          walks again to set D (a "rewalk"). The entry is dropped
 *          first, so the fill takes its way again: PDE, PTE (00310023),
 *          A|D set (00310063), fill set 0 way 0, writable and dirty.
 *  6 read  40004000: set 0 is full: way 1 (page 40002, filled at 4) is
 *          older than way 0 (filled again at 5): evicted. PTE at PT+0x10
 *          (00314003 -> 00314023); fill set 0 way 1, evicting 40002000.
 *  7 read  40002000: set 0 misses again; now way 0 (5) is older than
 *          way 1 (6): evicted. PTE 00312023 (A set: no write); fill set
 *          0 way 0 evicting 40000000.
 *  8 write 40001000: set 1 way 0 hits, but the entry is read-only and
 *          CR0.WP is set: walk again (PDE, PTE 00311021), the walk
 *          refuses the write: #PF, CR2 40001000, error code 3 (present,
 *          write, supervisor).
 */
static void block1(void)
{
    int v = TRY("movl %%cr3, %%eax\n\tmovl %%eax, %%cr3\n\t"
                "movl 0x40000010, %%eax\n\t"
                "movl 0x40000020, %%eax\n\t"
                "movl 0x40001004, %%eax\n\t"
                "movl 0x40002008, %%eax\n\t"
                "movl %%eax, 0x40000030\n\t"
                "movl 0x40004000, %%eax\n\t"
                "movl 0x40002000, %%eax",
                "movl %%eax, 0x40001000", "a"(0));
    expect_trap(v, 14, PF_P | PF_W, rt_at, "block 1 ends in #PF(P|W) at the read-only page");
    check(trap.cr2, 0x40001000, "block 1: CR2");
}

/*
 * Block 2: 9 read 40003000: miss, PDE, PTE at PT+0xc (0: not present):
 *          #PF, CR2 40003000, error code 0.
 */
static void block2(void)
{
    int v = TRY("movl %%cr3, %%eax\n\tmovl %%eax, %%cr3", "movl 0x40003000, %%eax", "a"(0));
    expect_trap(v, 14, 0, rt_at, "block 2 ends in #PF(not present) at the absent page");
    check(trap.cr2, 0x40003000, "block 2: CR2");
}

/*
 * Block 3, an instruction TLB of one entry. isola looks the code page up
 * once per block of decoded instructions, and once more when it decodes
 * a new block (docs/internals.md). 10 call 40005000: the RET there is a
 *          block of its own. Finding it: an execute lookup, miss; PDE,
 *          PTE at PT+0x14 (00315003 -> 00315023); fill set 0 way 0,
 *          evicting the page of this code (wildcard in the expected
 *          trace). Decoding it: a hit in way 0. The return to this code
 *          misses again, outside the traced range.
 */
static void block3(void)
{
    int v = TRY("movl %%cr3, %%ecx\n\tmovl %%ecx, %%cr3", "call *%%eax", "a"(DATA + 0x5000));
    expect_none(v, "block 3: the call into the data region returns");
}

/* With CR4.PGE, a global entry survives a CR3 write (SDM vol. 3,
 * 4.10.4.1): after the PTE changes without INVLPG, the old mapping is
 * still used. Prints what was seen: tests/trace/stats.sh runs this with
 * -tlb global=on and off. Its page lies outside the traced range. */
static void global_check(void)
{
    volatile uint32_t *pt2 = (uint32_t *)PT2;
    if (!cpu_has_pge()) {
        printf("global: no PGE\n");
        return;
    }
    pt2[0] = (FRAME + 0x6000) | P | W | G;
    write_cr3(PD);
    write_cr4(read_cr4() | CR4_PGE);
    uint32_t first = peek32(GLOBAL);
    pt2[0] = (FRAME + 0x1000) | P | W | G;   /* now the page holding 0xBAD */
    write_cr3(PD);
    uint32_t again = peek32(GLOBAL);
    printf("global: first %x, after the CR3 write %x: the global entry %s\n", first, again,
           again == first ? "survived" : "was flushed");
    write_cr4(read_cr4() & ~CR4_PGE);
}

void test_main(void)
{
    build_tables();
    write_cr3(PD);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
    mark(1, 1, "pattern");
    mark(2, 1, "walks");
    block1();
    block2();
    block3();
    mark(3, 1, "walks");
    global_check();
    write_cr0(read_cr0() & ~(CR0_PG | CR0_WP));
    done();
}
