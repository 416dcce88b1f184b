/*
 * power.h: turning the machine off.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/* The status a panic leaves, as the exit port reports it. */
#define POWER_PANIC 0x7F

void power_off(int status) __attribute__((noreturn));

#endif
