/*
 * mmu.h: the processor's memory-management constants: segment selectors
 * of this kernel's GDT, control-register and EFLAGS bits, page-table
 * entry bits (SDM vol. 3, chapters 3 and 4), and the kernel's place in
 * the virtual address space.
 */
#ifndef KERNEL_MMU_H
#define KERNEL_MMU_H

#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ROUND_DOWN(x) ((x) & PAGE_MASK)

/* The kernel lives in the top gigabyte of every address space: RAM is
 * mapped from KERNEL_BASE up, so physical address p is at p + KERNEL_BASE. */
#define KERNEL_BASE 0xC0000000u
#define KERNEL_LOAD 0x00100000u          /* physical load address */
#define DIRECT_MAP_MAX 0x38000000u       /* RAM above 896 MiB is not used */
#define USER_TOP KERNEL_BASE

/* Per-thread kernel stacks sit above the direct map, each under an
 * unmapped guard page, so an overflow faults instead of corrupting. */
#define KSTACK_AREA 0xF8000000u
#define KSTACK_SLOT 0x4000u              /* 12 KiB stack + 4 KiB guard */
#define KSTACK_SIZE 0x3000u
#define KSTACK_AREA_SIZE 0x00400000u     /* 256 slots */

#ifndef __ASSEMBLER__
#define P2V(pa) ((void *)((uint32_t)(pa) + KERNEL_BASE))
#define V2P(va) ((uint32_t)(va) - KERNEL_BASE)
#endif

/* GDT slots. The user data/code order suits SYSEXIT-style layouts and
 * matches what Linux i386 programs expect of nothing in particular; the
 * TLS slots are 6-8 as on Linux, so set_thread_area's entry numbers agree. */
#define SEG_KCODE 1
#define SEG_KDATA 2
#define SEG_UCODE 3
#define SEG_UDATA 4
#define SEG_TSS 5
#define SEG_TLS_FIRST 6
#define SEG_TLS_COUNT 3
#define GDT_ENTRIES 9

#define KERNEL_CS (SEG_KCODE << 3)
#define KERNEL_DS (SEG_KDATA << 3)
#define USER_CS ((SEG_UCODE << 3) | 3)
#define USER_DS ((SEG_UDATA << 3) | 3)
#define TSS_SEL (SEG_TSS << 3)
/* isolation=none: user code runs in ring 0 through the user slots, with
 * RPL 0; no other mode uses these selectors (segmode.c, trapentry.S). */
#define NONE_USER_CS (SEG_UCODE << 3)
#define NONE_USER_DS (SEG_UDATA << 3)

/* With paging off the kernel's segments start at KERNEL_SEG_BASE, so
 * that a kernel address KERNEL_BASE + x is linear address
 * KERNEL_BASE + x + KERNEL_SEG_BASE = 2^32 + x, which the 32-bit
 * address arithmetic wraps to x: physical x (segmode.c). */
#define KERNEL_SEG_BASE 0x40000000u

#define CR0_PE 0x00000001u
#define CR0_WP 0x00010000u
#define CR0_PG 0x80000000u
#define CR4_PSE 0x00000010u
#define CR4_PAE 0x00000020u
#define CR4_PGE 0x00000080u

#define EFL_IF 0x00000200u
#define EFL_IOPL 0x00003000u
#define EFL_NT 0x00004000u
#define EFL_AC 0x00040000u

#define MSR_EFER 0xC0000080u
#define EFER_NXE 0x00000800u

/* Page-table entry bits, the same in 2-level and PAE tables (SDM 4.3, 4.4). */
#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u     /* in a directory entry: a large page */
#define PTE_G 0x100u
#define PTE_NX (1ull << 63)
/* Bits 9-11 are ignored by the processor in every page-table entry,
 * present or not (SDM vol. 3, 4.3 table 4-6, 4.4.2 table 4-11: "Ignored"),
 * so software may keep its own state there. vm.c uses two:
 *  - PTE_SWAPPED, in an entry without P: the page is in swap slot
 *    (entry >> 12) (swap.h), not in memory;
 *  - PTE_PAGING_OUT, in a present entry without W: the page is being
 *    written to swap (pageout.c); a write to it cancels that. */
#define PTE_SWAPPED 0x200u
#define PTE_PAGING_OUT 0x400u

/* Page-fault error code bits (SDM 4.7). */
#define PFE_P 0x01u
#define PFE_W 0x02u
#define PFE_U 0x04u
#define PFE_RSVD 0x08u
#define PFE_I 0x10u

#endif
