/*
 * tracemark.c: the trace-marker port and SYS_trace_mark (see
 * tracemark.h, and isola/syscall.h for the call).
 *
 * Rules kept here:
 *  - A marker is three writes: the pid (a 32-bit OUT to the argument
 *    port), the name (REP OUTSB to the name port) and the command (an
 *    OUT to the command port). Interrupts are off meanwhile, so two
 *    markers never mix.
 *  - Nothing here reads the port, so the kernel behaves the same with
 *    and without it.
 */
#include "tracemark.h"
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"

#define MARK_PORT_ARG 0x500
#define MARK_PORT_NAME 0x504
#define MARK_PORT_CMD 0x505
#define MARK_PROCESS 1
#define MARK_BEGIN 2
#define MARK_END 3
#define MARK_POINT 4

static void mark(unsigned cmd, uint32_t pid, const char *name)
{
    uint32_t n = strlen(name), f = irq_save();
    __asm__ volatile("outl %0, %1" : : "a"(pid), "Nd"((uint16_t)MARK_PORT_ARG));
    __asm__ volatile("rep outsb" : "+S"(name), "+c"(n) : "d"((uint16_t)MARK_PORT_NAME)
                     : "memory");
    outb(MARK_PORT_CMD, (uint8_t)cmd);
    irq_restore(f);
}

void tracemark_process(const struct proc *p)
{
    mark(MARK_PROCESS, (uint32_t)p->pid, p->name);
}

/* trace_mark(op, name): a region of the caller's begins or ends, or an
 * instant is marked; the name is at most TRACE_MARK_NAME_MAX bytes. */
static long sys_trace_mark(const uint32_t *a)
{
    static const unsigned cmds[] = {[TRACE_MARK_BEGIN] = MARK_BEGIN,
                                    [TRACE_MARK_END] = MARK_END,
                                    [TRACE_MARK_POINT] = MARK_POINT};
    char name[TRACE_MARK_NAME_MAX + 1];
    if (a[0] < TRACE_MARK_BEGIN || a[0] > TRACE_MARK_POINT)
        return -EINVAL;
    int r = copyinstr(name, a[1], sizeof name);
    if (r < 0)
        return r;
    mark(cmds[a[0]], (uint32_t)curproc()->pid, name);
    return 0;
}

const struct syscall_def trace_syscalls[] = {
    SYSCALL_DEF(trace_mark),
    {0, NULL, NULL},
};
