/*
 * trap.h: the trap frame, what the entry stubs (trapentry.S) and the CPU
 * leave on a thread's kernel stack for every interrupt, exception and
 * system call. The CPU pushes ss and esp only when it switches from ring
 * 3 to ring 0 (SDM vol. 3, 6.12.1), so they are valid only for a frame
 * from user mode.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu.h"

struct trapframe {
    /* pushed by pushal */
    uint32_t edi, esi, ebp, esp_at_trap, ebx, edx, ecx, eax;
    /* pushed by the common stub */
    uint32_t gs, fs, es, ds;
    /* pushed by the vector's stub (err is 0 where the CPU pushes none) */
    uint32_t trapno, err;
    /* pushed by the CPU */
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;
};

#define T_DIVIDE 0
#define T_DEBUG 1
#define T_NMI 2
#define T_BRKPT 3
#define T_OFLOW 4
#define T_BOUND 5
#define T_ILLOP 6
#define T_DEVICE 7
#define T_DBLFLT 8
#define T_TSS 10
#define T_SEGNP 11
#define T_STACK 12
#define T_GPFLT 13
#define T_PGFLT 14
#define T_FPERR 16
#define T_ALIGN 17
#define T_MCHK 18
#define T_SIMDERR 19
#define T_IRQ0 32
#define T_SYSCALL 0x80

/* Ring 3, or the ring-0 user code of isolation=none (mmu.h). */
static inline bool from_user(const struct trapframe *tf)
{
    return (tf->cs & 3) == 3 || (tf->cs & 0xFFFF) == NONE_USER_CS;
}

/* The system-call gate is a trap gate unless isolation=none (trap.c). */
void idt_init(bool syscall_trap_gate);
void trap(struct trapframe *tf);
/* The stub that pops a trap frame and IRETs (trapentry.S). */
void trapret(void);

/* A trap in the kernel that nothing explains: report it and stop. */
void panic_trap(const struct trapframe *tf, const char *what) __attribute__((noreturn));

typedef void (*irq_handler)(void);
void irq_register(unsigned irq, irq_handler fn);

#endif
