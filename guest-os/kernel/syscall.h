/*
 * syscall.h: how system calls are found. Each subsystem lists its calls
 * in a table of its own (number, handler, name); syscall_init() files them
 * by number. A handler gets the six argument registers (ebx, ecx, edx,
 * esi, edi, ebp) and returns the value for eax: a negative errno on
 * failure.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>
#include <isola/syscall.h>

struct trapframe;

typedef long (*syscall_fn)(const uint32_t *arg);

struct syscall_def {
    unsigned nr;
    syscall_fn fn;
    const char *name;
};

#define SYSCALL_DEF(name) {SYS_##name, sys_##name, #name}

/* the tables, one per subsystem */
extern const struct syscall_def proc_syscalls[], mem_syscalls[], handle_syscalls[],
    fs_syscalls[], time_syscalls[], event_syscalls[], futex_syscalls[], signal_syscalls[],
    misc_syscalls[], aio_syscalls[], pipe_syscalls[], shm_syscalls[], chan_syscalls[],
    trace_syscalls[];

void syscall_init(void);
void syscall(struct trapframe *tf);

#endif
