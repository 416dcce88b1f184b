/*
 * syscall.c: system-call dispatch. The number in eax selects a handler
 * from one of two tables: Linux's numbers (below 1000) and isola's own
 * (from 1000); unknown numbers return -ENOSYS.
 */
#include "syscall.h"
#include "lib.h"
#include "errno.h"
#include "trap.h"

#define LINUX_MAX 400
#define ISOLA_FIRST 1000
#define ISOLA_MAX 64

static syscall_fn linux_calls[LINUX_MAX];
static syscall_fn isola_calls[ISOLA_MAX];

static syscall_fn *slot_for(unsigned nr)
{
    if (nr < LINUX_MAX)
        return &linux_calls[nr];
    if (nr >= ISOLA_FIRST && nr - ISOLA_FIRST < ISOLA_MAX)
        return &isola_calls[nr - ISOLA_FIRST];
    return NULL;
}

static void file_table(const struct syscall_def *defs)
{
    for (; defs->fn; defs++) {
        syscall_fn *slot = slot_for(defs->nr);
        if (!slot || *slot)
            panic("syscall %u (%s) is out of range or defined twice", defs->nr, defs->name);
        *slot = defs->fn;
    }
}

void syscall_init(void)
{
    const struct syscall_def *tables[] = {proc_syscalls, mem_syscalls, handle_syscalls,
                                          fs_syscalls, time_syscalls, event_syscalls,
                                          futex_syscalls, signal_syscalls, misc_syscalls,
                                          aio_syscalls, pipe_syscalls, shm_syscalls, chan_syscalls,
                                          trace_syscalls};
    for (unsigned i = 0; i < ARRAY_SIZE(tables); i++)
        file_table(tables[i]);
}

void syscall(struct trapframe *tf)
{
    const uint32_t arg[6] = {tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp};
    syscall_fn *slot = slot_for(tf->eax);
    tf->eax = (uint32_t)(slot && *slot ? (*slot)(arg) : -ENOSYS);
}
