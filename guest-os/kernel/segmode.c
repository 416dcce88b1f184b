/*
 * segmode.c: running with paging off, for isolation=seg (each process
 * behind its own code and data segments, ring 3) and isolation=none
 * (each process in ring 0, nothing between them).
 *
 * The kernel is linked at KERNEL_BASE + 1 MiB (0xC0100000) and keeps its
 * addresses: with paging off (CR0.PG = 0) a linear address is the
 * physical address (SDM vol. 3, 4.1.1), and its segments get base
 * KERNEL_SEG_BASE = 0x40000000. The CPU forms a linear address as base +
 * offset in 32 bits (SDM vol. 3, 3.4: "the base address plus the
 * offset"; the sum is truncated to 32 bits), so offset KERNEL_BASE + x
 * becomes 0x40000000 + 0xC0000000 + x = 2^32 + x, which wraps to x: the
 * kernel's P2V and V2P stay true, and kernel code needs no change.
 * gdt_init loads those segments while the boot page directory still maps
 * the first 16 MiB at 0 and at KERNEL_BASE, so the fetch after the far
 * jump and the stack both land in the identity mapping; then paging goes
 * off and the same linear addresses are physical. The GDT, IDT and TSS
 * bases the CPU is given are linear: kernel_linear() (gdt.h).
 *
 * Process memory: one contiguous region per process (vm_region.c) from a
 * pool carved off RAM at boot (region.c); kernel stacks come from it
 * too, being contiguous, and have no guard page: nothing can be unmapped.
 *
 * On a switch the user code and data slots of the GDT are rewritten for
 * the next process (gdt_set_user); the new base and limit take effect
 * when the selectors are next loaded, which the return to user mode does
 * (POP of DS, ES; IRET loads CS and SS: SDM vol. 3, 3.4.3).
 *  - seg: DPL 3, limit = the region's size - 1, so every access beyond
 *    it is #GP (#SS through SS) (SDM vol. 3, 5.3), and the process cannot
 *    load another selector that reaches further: the kernel's have DPL 0.
 *  - none: DPL 0 with RPL 0 selectors (NONE_USER_CS, NONE_USER_DS), limit
 *    4 GiB: the process runs in ring 0, offsets wrap around to any byte
 *    of memory, IN/OUT/CLI/HLT work. Its segments still start at its
 *    region, so fork can copy a process whose pointers are offsets; a
 *    flat space with every program at its own kernel address could not
 *    give a child a copy at the same addresses. The base costs nothing:
 *    the CPU adds a base to every access in every mode. Traps from ring
 *    0 switch no stack: trapentry.S does it.
 */
#include "segmode.h"
#include "cmdline.h"
#include "gdt.h"
#include "kalloc.h"
#include "lib.h"
#include "mmu.h"
#include "region.h"
#include "vm.h"
#include "x86.h"

static uint32_t pool_start, pool_end;

bool segmode(void)
{
    return boot_options.isolation != ISOLATION_PAGING;
}

void segmode_paging_off(void)
{
    write_cr0(read_cr0() & ~(CR0_PG | CR0_WP));
}

/* The kernel keeps an eighth of RAM (at least 32 MiB, which holds a
 * root image in RAM too) for itself: the buffer cache, pipes, kmalloc;
 * the rest is the pool. */
void segmode_carve(uint32_t top)
{
    uint32_t kernel_part = MAX(32u << 20, top / 8);
    if (top <= kernel_part + boot_options.segsize)
        panic("isolation=%s: %u MiB of RAM leaves no room for a %u KiB region",
              boot_options.isolation == ISOLATION_SEG ? "seg" : "none", top >> 20,
              boot_options.segsize >> 10);
    uint32_t size = (top - kernel_part) & ~0xFFFFu;
    pool_start = kalloc_carve(size);
    if (!pool_start)
        panic("isolation: the region pool (%u MiB) is not free", size >> 20);
    pool_end = pool_start + size;
}

void segmode_pool_ready(void)
{
    kalloc_hold(pool_start, pool_end);
    region_init(pool_start, pool_end);
}

void segmode_report(void)
{
    bool seg = boot_options.isolation == ISOLATION_SEG;
    printk(KERN_INFO "isolation=%s: paging off; each process in a region of %u KiB "
           "(%u MiB pool)%s\n", seg ? "seg" : "none", boot_options.segsize >> 10,
           region_pages_total() >> 8,
           seg ? " behind its segments' base and limit, ring 3"
               : " at a segment base, ring 0, no protection");
    printk(KERN_INFO "isolation=%s: no NX, copy-on-write, swap, shared memory, "
           "exchange-heap blocks, mprotect or guard pages%s\n", seg ? "seg" : "none",
           seg ? "" : "; processes can reach all memory and the I/O ports");
}

void segmode_activate(struct aspace *as)
{
    if (!as)
        return;
    if (boot_options.isolation == ISOLATION_SEG)
        gdt_set_user(as->base, as->size, 3);
    else
        gdt_set_user(as->base, 0, 0);      /* size 0: limit 4 GiB */
}

uint32_t segmode_kstack_alloc(void)
{
    uint32_t pa = region_alloc(KSTACK_SIZE);
    return pa ? (uint32_t)P2V(pa) : 0;
}

void segmode_kstack_free(uint32_t va)
{
    region_free(V2P(va), KSTACK_SIZE);
}
