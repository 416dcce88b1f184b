/*
 * kmalloc.h: small kernel objects (up to KMALLOC_MAX bytes), carved from
 * page frames in power-of-two size classes. Memory is zeroed.
 */
#ifndef KERNEL_KMALLOC_H
#define KERNEL_KMALLOC_H

#include <stddef.h>

#define KMALLOC_MAX 2048

void *kmalloc(size_t size);
void kfree(void *p);

#endif
