/*
 * uaccess.h: the only way the kernel touches user memory.
 *
 * The kernel never dereferences a user address. These functions check the
 * whole range against the address space's regions and their rights
 * (no kernel address, no wrap-around, nothing outside a region, nothing
 * the region's protection forbids), bring pages in as a user access
 * would (demand-zero, copy-on-write), and copy through the kernel's map
 * of physical memory. Any failure is -EFAULT and nothing is half-checked:
 * a copy that fails part way may have copied a prefix, as on Linux.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stddef.h>
#include <stdint.h>

struct aspace;

/* On the current process's address space. */
int copyin(void *dst, uint32_t usrc, size_t n);
int copyout(uint32_t udst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 bytes; returns its
 * length, -EFAULT, or -ENAMETOOLONG when no NUL comes within max bytes. */
int copyinstr(char *dst, uint32_t usrc, size_t max);

/* The same on any address space (exec writes the new one's stack). */
int as_copyin(struct aspace *as, void *dst, uint32_t usrc, size_t n);
int as_copyout(struct aspace *as, uint32_t udst, const void *src, size_t n);
int as_copyinstr(struct aspace *as, char *dst, uint32_t usrc, size_t max);

#endif
