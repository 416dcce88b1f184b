/*
 * gdt.c: segmentation as this kernel uses it: flat 4 GiB code and data
 * segments for ring 0 and ring 3 (protection comes from paging), one TSS
 * whose only job is to give the CPU the kernel stack to switch to on a
 * trap from user mode, and three thread-local-storage slots that user
 * programs fill with set_thread_area.
 *
 * Rules kept here:
 *  - The TSS has no I/O permission bitmap (its base lies beyond the
 *    segment limit) and user code runs with IOPL 0, so every IN/OUT in
 *    ring 3 raises #GP (SDM vol. 1, 19.5.2).
 *  - User segments have DPL 3 and the kernel's DPL 0, so a user program
 *    cannot load a kernel selector.
 */
#include "gdt.h"
#include "lib.h"
#include "mmu.h"
#include "x86.h"

#define SEG_TYPE_CODE 0xA     /* execute/read */
#define SEG_TYPE_DATA 0x2     /* read/write */
#define SEG_TYPE_TSS 0x9      /* 32-bit TSS, available */

struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));
static struct tss tss;

uint64_t seg_descriptor(uint32_t base, uint32_t limit, unsigned type, unsigned dpl,
                        int big, int page_granular)
{
    uint64_t d = 0;
    d |= limit & 0xFFFFu;
    d |= (uint64_t)(base & 0xFFFFFFu) << 16;
    d |= (uint64_t)(type & 0xF) << 40;
    d |= (uint64_t)((type & 0x10) ? 0 : 1) << 44;   /* S: code/data, unless a system type */
    d |= (uint64_t)(dpl & 3) << 45;
    d |= 1ull << 47;                                /* present */
    d |= (uint64_t)((limit >> 16) & 0xF) << 48;
    d |= (uint64_t)(big ? 1 : 0) << 54;
    d |= (uint64_t)(page_granular ? 1 : 0) << 55;
    d |= (uint64_t)(base >> 24) << 56;
    return d;
}

static uint64_t tss_descriptor(void)
{
    /* a system descriptor: S = 0, which seg_descriptor encodes by bit 4 */
    return seg_descriptor((uint32_t)&tss, sizeof tss - 1, 0x10 | SEG_TYPE_TSS, 0, 0, 0);
}

void gdt_init(void)
{
    gdt[SEG_KCODE] = seg_descriptor(0, 0xFFFFF, SEG_TYPE_CODE, 0, 1, 1);
    gdt[SEG_KDATA] = seg_descriptor(0, 0xFFFFF, SEG_TYPE_DATA, 0, 1, 1);
    gdt[SEG_UCODE] = seg_descriptor(0, 0xFFFFF, SEG_TYPE_CODE, 3, 1, 1);
    gdt[SEG_UDATA] = seg_descriptor(0, 0xFFFFF, SEG_TYPE_DATA, 3, 1, 1);
    tss.ss0 = KERNEL_DS;
    tss.iomap_base = sizeof tss;
    gdt[SEG_TSS] = tss_descriptor();
    lgdt(gdt, sizeof gdt);
    __asm__ volatile("ljmp %0, $1f\n1:" : : "i"(KERNEL_CS));
    __asm__ volatile("movw %w0, %%ds\n movw %w0, %%es\n movw %w0, %%ss\n"
                     "movw %w1, %%fs\n movw %w1, %%gs" : : "r"(KERNEL_DS), "r"(0));
    ltr(TSS_SEL);
}

void tss_set_kernel_stack(uint32_t esp0)
{
    tss.esp0 = esp0;
}

void gdt_load_tls(const uint64_t tls[3])
{
    for (int i = 0; i < SEG_TLS_COUNT; i++)
        gdt[SEG_TLS_FIRST + i] = tls[i];
}
