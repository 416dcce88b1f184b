/*
 * swap.h: the swap area, where private pages go when memory is short
 * (pageout.c writes them, vm.c reads them back on the fault). It is a
 * disk partition of type 0x82 (or a whole second disk) named by swap=
 * on the kernel command line, cut into page-sized slots.
 *
 * A slot has a count: how many page-table entries name it (fork copies
 * an entry, so two address spaces can hold one slot), plus one for each
 * read or write of it in progress. It is free when the count is 0.
 */
#ifndef KERNEL_SWAP_H
#define KERNEL_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"

struct blockdev;

/* Most pages one swap_write moves: one ATA command (BIO_MAX_SECTORS). */
#define SWAP_BATCH 32u

/* Opens the area spec names ("hdaN", "hdbN": partition N, which must be
 * of type 0x82; "hda", "hdb": a whole disk), unless it overlaps root.
 * Says on the console what it found; without it there is no swap. */
void swap_init(const char *spec, const struct blockdev *root);
bool swap_enabled(void);
unsigned swap_total(void);           /* slots */
unsigned swap_free_slots(void);

/* Up to n free slots in a row, each with a count of 1: how many (0 when
 * the area is full), the first in *first. */
unsigned swap_alloc(unsigned n, uint32_t *first);
void swap_dup(uint32_t slot);
void swap_free(uint32_t slot);

/* Whole pages between frames and slots first, first + 1, ...: the
 * caller holds the slots and a reference to each frame. Sleeps until the
 * disk is done: 0 or -EIO. */
int swap_write(uint32_t first, const uint32_t *frames, unsigned n);
int swap_read(uint32_t slot, uint32_t frame);

/* A not-present page-table entry naming a slot, and back. */
static inline uint64_t swap_entry(uint32_t slot) { return (uint64_t)slot << PAGE_SHIFT | PTE_SWAPPED; }
static inline uint32_t swap_slot(uint64_t entry) { return (uint32_t)entry >> PAGE_SHIFT; }

#endif
