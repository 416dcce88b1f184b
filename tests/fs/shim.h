/*
 * shim.h: the kernel services the file system uses (guest-os/kernel/fs),
 * provided on the host so that the same code runs in a normal process
 * under the host test driver: printk to stderr, kmalloc over calloc,
 * a user address space that is one host array, one process with one
 * handle table, a clock the test sets.
 */
#ifndef TESTS_FS_SHIM_H
#define TESTS_FS_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fake user address space: [USER_BASE, USER_BASE + USER_SIZE). */
#define USER_BASE 0x10000000u
#define USER_SIZE (16u << 20)

extern uint8_t shim_user_mem[USER_SIZE];
static inline uint32_t uaddr(const void *p) { return USER_BASE + (uint32_t)((const uint8_t *)p - shim_user_mem); }
static inline void *uptr(uint32_t u) { return shim_user_mem + (u - USER_BASE); }

/* The clock time_now() returns. */
extern uint32_t shim_time;
/* Console lines printed so far (printk), and the last one. */
extern unsigned shim_printk_lines;
extern char shim_last_line[256];
/* Live kmalloc objects and pages. */
extern long shim_kmallocs, shim_pages;
/* rdev of the last device_open, and how many there were. */
extern uint32_t shim_last_rdev;
extern unsigned shim_device_opens;
/* The inode number of the last FIFO opened (pipe.h), and how many. */
extern uint32_t shim_last_fifo_ino;
extern unsigned shim_fifo_opens;
/* The fs lock (fslock.c's on the host): held? and a reset after a
 * failed check, so one failure does not cascade. */
bool shim_fs_locked(void);
void shim_fs_force_unlock(void);
/* Out-of-memory paths: what fails while set. */
#define SHIM_FAIL_KMALLOC 1
#define SHIM_FAIL_PAGES 2
extern int shim_fail_alloc;

#endif
