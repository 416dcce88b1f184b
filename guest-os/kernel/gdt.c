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
 *  - With paging off (isolation=seg and none, segmode.c) the kernel's
 *    segments have base KERNEL_SEG_BASE, so that its linked addresses
 *    still reach the right memory, and every linear address the CPU is
 *    given (GDTR, IDTR, the TSS) is the physical one: kernel_linear().
 *    The user slots then describe the running process's region
 *    (gdt_set_user), and TLS descriptors are moved into it.
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
uint32_t kernel_seg_base;
struct far_ptr none_kstack;
uint32_t user_kva;
/* Where TLS descriptors land: the user segments' base and limit. */
static uint32_t user_base, user_limit = 0xFFFFFFFFu;
static uint16_t user_cs_sel = USER_CS, user_ds_sel = USER_DS;

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
    return seg_descriptor(kernel_linear(&tss), sizeof tss - 1, 0x10 | SEG_TYPE_TSS, 0, 0, 0);
}

void gdt_init(uint32_t kernel_base, unsigned user_dpl)
{
    kernel_seg_base = kernel_base;
    user_cs_sel = (uint16_t)(SEG_UCODE << 3 | user_dpl);
    user_ds_sel = (uint16_t)(SEG_UDATA << 3 | user_dpl);
    gdt[SEG_KCODE] = seg_descriptor(kernel_base, 0xFFFFF, SEG_TYPE_CODE, 0, 1, 1);
    gdt[SEG_KDATA] = seg_descriptor(kernel_base, 0xFFFFF, SEG_TYPE_DATA, 0, 1, 1);
    gdt[SEG_UCODE] = seg_descriptor(0, 0xFFFFF, SEG_TYPE_CODE, 3, 1, 1);
    gdt[SEG_UDATA] = seg_descriptor(0, 0xFFFFF, SEG_TYPE_DATA, 3, 1, 1);
    tss.ss0 = KERNEL_DS;
    tss.iomap_base = sizeof tss;
    gdt[SEG_TSS] = tss_descriptor();
    lgdt((void *)kernel_linear(gdt), sizeof gdt);
    __asm__ volatile("ljmp %0, $1f\n1:" : : "i"(KERNEL_CS));
    __asm__ volatile("movw %w0, %%ds\n movw %w0, %%es\n movw %w0, %%ss\n"
                     "movw %w1, %%fs\n movw %w1, %%gs" : : "r"(KERNEL_DS), "r"(0));
    ltr(TSS_SEL);
}

void tss_set_kernel_stack(uint32_t esp0)
{
    tss.esp0 = esp0;
    none_kstack = (struct far_ptr){esp0, KERNEL_DS};
}

void gdt_set_user(uint32_t base, uint32_t size, unsigned dpl)
{
    /* page-granular: the limit counts 4 KiB units (SDM vol. 3, 3.4.5) */
    uint32_t limit = (size >> 12) - 1;
    gdt[SEG_UCODE] = seg_descriptor(base, limit, SEG_TYPE_CODE, dpl, 1, 1);
    gdt[SEG_UDATA] = seg_descriptor(base, limit, SEG_TYPE_DATA, dpl, 1, 1);
    user_base = base;
    user_limit = size - 1;
    user_kva = base + KERNEL_BASE;
}

uint16_t user_cs(void) { return user_cs_sel; }
uint16_t user_ds(void) { return user_ds_sel; }

static uint32_t desc_base(uint64_t d)
{
    return (uint32_t)((d >> 16) & 0xFFFFFFu) | (uint32_t)(d >> 56) << 24;
}

static uint32_t desc_limit(uint64_t d)
{
    uint32_t l = (uint32_t)(d & 0xFFFFu) | (uint32_t)((d >> 48) & 0xF) << 16;
    return (d & (1ull << 55)) ? l << 12 | 0xFFF : l;
}

/* A user's TLS descriptor moved into its region: base + the region's
 * base, the limit cut at the region's end. A base beyond the end makes
 * it not present, so that loading it faults in user mode; so does an
 * expand-down data segment, whose valid offsets run from the limit up to
 * 4 GiB (SDM vol. 3, 3.4.5.1), past any region. */
static uint64_t relocate(uint64_t d)
{
    if (!d || (user_base == 0 && user_limit == 0xFFFFFFFFu))
        return d;
    uint32_t b = desc_base(d), l = desc_limit(d);
    uint64_t keep = d & (0xFull << 40 | 3ull << 45 | 1ull << 47 | 1ull << 52 | 1ull << 54);
    bool expand_down = !(d & (1ull << 43)) && (d & (1ull << 42));
    if (b > user_limit || expand_down) {
        b = 0, l = 0;
        keep &= ~(1ull << 47);
    }
    l = MIN(l, user_limit - b);
    uint64_t n = seg_descriptor(user_base + b, l > 0xFFFFF ? (l - 0xFFF) >> 12 : l, 0, 0,
                                0, l > 0xFFFFF);
    n &= ~(0xFull << 40 | 3ull << 45 | 1ull << 47 | 1ull << 44);
    return n | keep | (d & (1ull << 44));
}

void gdt_load_tls(const uint64_t tls[3])
{
    for (int i = 0; i < SEG_TLS_COUNT; i++)
        gdt[SEG_TLS_FIRST + i] = relocate(tls[i]);
}
