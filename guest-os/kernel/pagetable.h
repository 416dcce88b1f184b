/*
 * pagetable.h: the hardware's page tables, in whichever format the CPU
 * offers: PAE (64-bit entries, three levels, the NX bit) when CPUID
 * reports PAE, else the classic two-level format (32-bit entries).
 *
 * Callers see one format: an entry is a uint64_t with the PAE layout
 * (PTE_* bits from mmu.h, frame address in bits 12-31, PTE_NX in bit 63).
 * In two-level mode the upper half is dropped, so PTE_NX has no effect
 * there: that CPU cannot refuse to execute a readable page.
 */
#ifndef KERNEL_PAGETABLE_H
#define KERNEL_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

extern bool paging_pae, paging_nx, paging_pge;

/* Builds the kernel's half (RAM up to top mapped at KERNEL_BASE with large
 * global pages, the kernel-stack area) and switches to it. */
void paging_init(uint32_t top);
/* The root of the address space with no user part (for kernel threads). */
uint32_t kernel_root(void);

/* A new address space: the kernel's half shared, the user half empty.
 * Returns the value for CR3, or 0 when memory ran out. */
uint32_t pgdir_create(void);
/* Frees the page tables of the user half (not the frames they map). */
void pgdir_destroy(uint32_t root);
void pgdir_activate(uint32_t root);

/* The entry for user address va (0 if none). */
uint64_t pte_get(uint32_t root, uint32_t va);
/* Sets it, allocating the page table on the way; -ENOMEM if that fails.
 * Flushes the TLB entry when root is the current address space. */
int pte_set(uint32_t root, uint32_t va, uint64_t pte);
/* The first address in [va, end) with a present entry, or end. Skips
 * missing page tables whole. */
uint32_t pte_next_present(uint32_t root, uint32_t va, uint32_t end);
/* The same for entries that are not 0: present, or naming a swap slot. */
uint32_t pte_next_used(uint32_t root, uint32_t va, uint32_t end);

/* Kernel-stack pages (addresses in KSTACK_AREA). */
void kstack_map(uint32_t va, uint32_t pa);
uint32_t kstack_unmap(uint32_t va);

static inline uint32_t pte_frame(uint64_t pte) { return (uint32_t)pte & 0xFFFFF000u; }

#endif
