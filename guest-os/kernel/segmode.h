/*
 * segmode.h: the kernel with paging off, for isolation=seg and none.
 */
#ifndef KERNEL_SEGMODE_H
#define KERNEL_SEGMODE_H

#include <stdbool.h>
#include <stdint.h>

struct aspace;
struct multiboot_info;

/* True in isolation=seg and none. */
bool segmode(void);
/* Right after gdt_init has given the kernel its based segments. */
void segmode_paging_off(void);
/* Sets the pool of regions aside (between kalloc_detect and kalloc_init)
 * and, after kalloc_init, hands it to region.c. */
void segmode_carve(uint32_t top);
void segmode_pool_ready(void);
/* The boot line saying how processes are kept apart and what the mode
 * cannot do. */
void segmode_report(void);
/* Loads as's region into the user segments (as_ops.activate). */
void segmode_activate(struct aspace *as);
/* A kernel stack (KSTACK_SIZE bytes) from the pool: its kernel address,
 * or 0. There is no guard page under it. */
uint32_t segmode_kstack_alloc(void);
void segmode_kstack_free(uint32_t va);

#endif
