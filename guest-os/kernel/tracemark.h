/*
 * tracemark.h: the emulator's trace-marker port (isola's
 * docs/trace-marker.md): the kernel names each process the CPU switches
 * to, and user programs mark benchmark regions through SYS_trace_mark.
 * On a PC without the port (QEMU, hardware) the writes go nowhere.
 */
#ifndef KERNEL_TRACEMARK_H
#define KERNEL_TRACEMARK_H

struct proc;

/* p is about to run, or has just been renamed by exec. */
void tracemark_process(const struct proc *p);

#endif
