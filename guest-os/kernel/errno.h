/*
 * errno.h: error numbers, with the Linux values user programs expect.
 * System calls return them negated.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#include <isola/errno.h>

#endif
