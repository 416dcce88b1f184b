/*
 * region.h: contiguous runs of physical memory, for the isolation modes
 * that run with paging off (isolation=seg and none, segmode.c): a
 * process's memory and the kernel stacks come from a pool set aside at
 * boot, because without page tables memory that looks contiguous must
 * be contiguous.
 */
#ifndef KERNEL_REGION_H
#define KERNEL_REGION_H

#include <stdint.h>

/* The pool is [start, end), page-aligned, kept out of kalloc. */
void region_init(uint32_t start, uint32_t end);
/* size bytes (a multiple of the page size), zero-filled; 0 when no run
 * of that length is free. */
uint32_t region_alloc(uint32_t size);
void region_free(uint32_t pa, uint32_t size);
/* Pages in the pool, and those free. */
unsigned region_pages_total(void);
unsigned region_pages_free(void);

#endif
