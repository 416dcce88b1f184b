/*
 * gdt.h: the global descriptor table and the task-state segment.
 */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include <stdint.h>

void gdt_init(void);
/* The stack the CPU switches to when a trap arrives from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);
/* Installs a thread's three TLS descriptors in GDT slots 6-8. */
void gdt_load_tls(const uint64_t tls[3]);
/* Encodes a 4 GiB-granular or byte-granular segment descriptor. */
uint64_t seg_descriptor(uint32_t base, uint32_t limit, unsigned type, unsigned dpl,
                        int big, int page_granular);

#endif
