/*
 * panic.c: the end of the kernel: a message, the registers when a trap
 * caused it, a backtrace through the saved frame pointers, and power off
 * with a failure status so a test run ends instead of hanging.
 *
 * The kernel is built with frame pointers, so each frame starts with the
 * caller's EBP and, above it, the return address. The walk stops at a
 * zero EBP (entry.S clears it), at a pointer outside the current kernel
 * stack, or after a fixed depth.
 */
#include "ksyms.h"
#include "lib.h"
#include "mmu.h"
#include "power.h"
#include "proc.h"
#include "trap.h"
#include "x86.h"

#define MAX_FRAMES 16

extern char boot_stack[];

static void print_frame(uint32_t addr)
{
    uint32_t off;
    const char *name = ksym_lookup(addr, &off);
    if (name)
        printk("  %p %s+0x%x\n", (void *)addr, name, off);
    else
        printk("  %p\n", (void *)addr);
}

static bool on_stack(uint32_t p, uint32_t lo, uint32_t hi)
{
    return p >= lo && p + 8 <= hi && p % 4 == 0;
}

static void backtrace(uint32_t ebp)
{
    uint32_t lo = current && current->kstack ? current->kstack : (uint32_t)boot_stack;
    uint32_t hi = lo + KSTACK_SIZE;
    printk("backtrace:\n");
    for (int i = 0; i < MAX_FRAMES && on_stack(ebp, lo, hi); i++) {
        uint32_t *frame = (uint32_t *)ebp;
        print_frame(frame[1]);
        ebp = frame[0];
    }
}

static __attribute__((noreturn)) void stop(void)
{
    printk("kernel halted; the machine powers off\n");
    power_off(POWER_PANIC);
}

void panic(const char *fmt, ...)
{
    cli();
    va_list ap;
    va_start(ap, fmt);
    printk("\nkernel panic: ");
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    backtrace(read_ebp());
    stop();
}

void panic_trap(const struct trapframe *tf, const char *what)
{
    cli();
    printk("\nkernel panic: %s (vector %u, error %x) in the kernel", what, tf->trapno, tf->err);
    if (current && current->proc)
        printk(" while running pid %d (%s)", current->proc->pid, current->proc->name);
    printk("\n eax %08x ebx %08x ecx %08x edx %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    printk(" esi %08x edi %08x ebp %08x esp %08x\n", tf->esi, tf->edi, tf->ebp,
           (uint32_t)&tf->esp);
    printk(" eip %08x cs %04x eflags %08x ds %04x es %04x\n", tf->eip, tf->cs & 0xFFFF,
           tf->eflags, tf->ds & 0xFFFF, tf->es & 0xFFFF);
    printk(" cr0 %08x cr2 %08x cr3 %08x cr4 %08x\n", read_cr0(), read_cr2(), read_cr3(),
           read_cr4());
    print_frame(tf->eip);
    backtrace(tf->ebp);
    stop();
}
