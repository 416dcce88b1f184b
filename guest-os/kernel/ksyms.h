/*
 * ksyms.h: the kernel's own function names, for backtraces. The table is
 * made at build time from the linked kernel (mksyms.sh) and linked into
 * a second, otherwise identical kernel.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

/* The function containing addr and addr's offset in it, or NULL. */
const char *ksym_lookup(uint32_t addr, uint32_t *offset);

#endif
