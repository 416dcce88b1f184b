/*
 * device.h: character devices by number, as device inodes in the file
 * system name them: the console (5,1) and tty (5,0), null (1,3), zero (1,5).
 */
#ifndef KERNEL_DEVICE_H
#define KERNEL_DEVICE_H

#include <stdint.h>

struct object;

/* Opens the device rdev (MKDEV(major, minor)) with open() flags. */
int device_open(uint32_t rdev, unsigned flags, struct object **out);

#endif
