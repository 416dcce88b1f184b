/*
 * kalloc.h: physical page frames. Frames are counted: a page shared
 * copy-on-write by several address spaces is freed when the last one lets
 * go. Addresses are physical; P2V() gives the kernel's view of a frame.
 */
#ifndef KERNEL_KALLOC_H
#define KERNEL_KALLOC_H

#include <stdint.h>

struct multiboot_info;

/* Reads the boot loader's memory map (through the boot page tables, which
 * map the first 16 MiB) and returns the end of usable RAM. */
uint32_t kalloc_detect(const struct multiboot_info *mbi);
/* Keeps [start, end) out of the allocator (the kernel, boot modules). */
void kalloc_reserve(uint32_t start, uint32_t end);
/* Keeps the top size bytes of the largest RAM range out of the
 * allocator and returns their start (0 if they are not free): the pool
 * of contiguous memory when paging is off (region.c). */
uint32_t kalloc_carve(uint32_t size);
/* After kalloc_init: gives each frame of [start, end) (carved out) a
 * count of one that page_free never takes away, so that page_ref and
 * page_free, which pin frames for I/O (fs/aio.c), work on them too. */
void kalloc_hold(uint32_t start, uint32_t end);
/* Frees every RAM frame not reserved, once paging_init has mapped RAM. */
void kalloc_init(void);
/* A zeroed frame with one reference, or 0 when memory is exhausted. */
uint32_t page_alloc(void);
void page_ref(uint32_t pa);
/* Drops one reference; the frame is free when none are left. */
void page_free(uint32_t pa);
unsigned page_refs(uint32_t pa);
unsigned pages_free(void);
unsigned pages_total(void);

#endif
