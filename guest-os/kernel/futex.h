/*
 * futex.h: waiting on a word of user memory (Linux futex, FUTEX_WAIT and
 * FUTEX_WAKE): the building block of user-space locks and thread joins.
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <stdint.h>

struct aspace;

/* Wakes up to n threads of address space as waiting on uaddr. */
int futex_wake(struct aspace *as, uint32_t uaddr, int n);

#endif
