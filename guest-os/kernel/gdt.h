/*
 * gdt.h: the global descriptor table and the task-state segment.
 */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include <stdint.h>

/* The base of the kernel's segments: 0 with paging, KERNEL_SEG_BASE
 * with paging off (segmode.c). */
extern uint32_t kernel_seg_base;
/* The linear address the CPU sees for a kernel pointer. */
static inline uint32_t kernel_linear(const void *p) { return (uint32_t)p + kernel_seg_base; }

/* user_dpl: the privilege user code runs with (0 for isolation=none). */
void gdt_init(uint32_t kernel_base, unsigned user_dpl);
/* isolation=seg|none: the user code and data slots describe
 * [base, base + size) (size a multiple of 4 KiB; 0: 4 GiB) with
 * privilege dpl, the user_dpl gdt_init was given. */
void gdt_set_user(uint32_t base, uint32_t size, unsigned dpl);
/* The selectors user code runs with (RPL 3, or 0 for isolation=none). */
uint16_t user_cs(void);
uint16_t user_ds(void);
/* The kernel stack as trapentry.S loads it with LSS for isolation=none,
 * where a trap switches no stack by itself. */
struct far_ptr {
    uint32_t offset;
    uint16_t selector;
} __attribute__((packed));
extern struct far_ptr none_kstack;
/* The kernel's address of the running process's region (isolation=none:
 * trapentry.S reaches the user's stack through it). */
extern uint32_t user_kva;
/* The stack the CPU switches to when a trap arrives from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);
/* Installs a thread's three TLS descriptors in GDT slots 6-8. */
void gdt_load_tls(const uint64_t tls[3]);
/* Encodes a 4 GiB-granular or byte-granular segment descriptor. */
uint64_t seg_descriptor(uint32_t base, uint32_t limit, unsigned type, unsigned dpl,
                        int big, int page_granular);

#endif
