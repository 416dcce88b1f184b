/*
 * trap.c: every interrupt, exception and system call arrives here from
 * trapentry.S with a trap frame (trap.h).
 *
 * Rules kept here:
 *  - All 256 vectors have a gate. Only the system call (0x80), the
 *    breakpoint (3) and overflow (4) gates have DPL 3; an INT n to any
 *    other vector from user mode raises #GP instead (SDM vol. 3, 6.12.1.1).
 *  - The system-call gate is a trap gate (interrupts stay on); every other
 *    gate is an interrupt gate, so handlers start with interrupts off.
 *    In isolation=none it is an interrupt gate too: trapentry.S must move
 *    to the kernel stack before anything else comes in, and trap() turns
 *    interrupts on for the call.
 *  - A fault in user mode ends the process with one console line saying
 *    who, what, where; the kernel and the other processes go on. A fault
 *    in the kernel is a bug: panic.
 *  - Before returning to user mode a thread checks whether its process
 *    was killed and whether its time slice is over.
 */
#include "trap.h"
#include "errno.h"
#include "gdt.h"
#include "lib.h"
#include "mmu.h"
#include "pageout.h"
#include "pic.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"

#define GATE_INTERRUPT 0xE
#define GATE_TRAP 0xF

struct gate {
    uint16_t offset_low, selector;
    uint8_t zero, type_attr;
    uint16_t offset_high;
} __attribute__((packed));

static struct gate idt[256];
static irq_handler irq_handlers[NIRQ];
extern const uint32_t trap_vectors[256];

static void set_gate(unsigned vec, unsigned type, unsigned dpl)
{
    uint32_t off = trap_vectors[vec];
    idt[vec] = (struct gate){(uint16_t)off, KERNEL_CS, 0, (uint8_t)(0x80 | dpl << 5 | type),
                             (uint16_t)(off >> 16)};
}

void idt_init(bool syscall_trap_gate)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, GATE_INTERRUPT, 0);
    set_gate(T_BRKPT, GATE_INTERRUPT, 3);
    set_gate(T_OFLOW, GATE_INTERRUPT, 3);
    set_gate(T_SYSCALL, syscall_trap_gate ? GATE_TRAP : GATE_INTERRUPT, 3);
    lidt((void *)kernel_linear(idt), sizeof idt);
}

void irq_register(unsigned irq, irq_handler fn)
{
    irq_handlers[irq] = fn;
}

static void irq_dispatch(unsigned irq)
{
    if (pic_spurious(irq))
        return;
    if (irq_handlers[irq])
        irq_handlers[irq]();
    pic_eoi(irq);
}

/* ---- faults in user mode ---- */

static const char *const fault_names[32] = {
    [T_DIVIDE] = "divide error", [T_DEBUG] = "debug trap", [T_NMI] = "NMI",
    [T_BRKPT] = "breakpoint", [T_OFLOW] = "overflow", [T_BOUND] = "bound range exceeded",
    [T_ILLOP] = "invalid opcode", [T_DEVICE] = "no floating-point unit",
    [T_DBLFLT] = "double fault", [T_TSS] = "invalid TSS", [T_SEGNP] = "segment not present",
    [T_STACK] = "stack fault", [T_GPFLT] = "general protection fault",
    [T_PGFLT] = "page fault", [T_FPERR] = "floating-point error",
    [T_ALIGN] = "alignment check", [T_MCHK] = "machine check", [T_SIMDERR] = "SIMD error",
};

static int fault_signal(unsigned trapno)
{
    switch (trapno) {
    case T_DIVIDE: case T_FPERR: case T_SIMDERR: return SIGFPE;
    case T_DEBUG: case T_BRKPT: return SIGTRAP;
    case T_ILLOP: case T_DEVICE: return SIGILL;
    case T_ALIGN: return SIGBUS;
    default: return SIGSEGV;
    }
}

/* For #GP: which privileged instruction, if the opcode says so. */
static const char *privileged_insn(uint32_t eip)
{
    uint8_t op[2] = {0, 0};
    if (copyin(op, eip, 1) < 0)
        return NULL;
    switch (op[0]) {
    case 0xE4: case 0xE5: case 0xEC: case 0xED: case 0x6C: case 0x6D: return "in";
    case 0xE6: case 0xE7: case 0xEE: case 0xEF: case 0x6E: case 0x6F: return "out";
    case 0xFA: return "cli";
    case 0xFB: return "sti";
    case 0xF4: return "hlt";
    case 0xCF: return "iret";
    case 0x0F:
        if (copyin(op + 1, eip + 1, 1) == 0 && (op[1] == 0x01 || op[1] == 0x00))
            return "descriptor-table instruction";
        if (op[1] == 0x20 || op[1] == 0x22)
            return "control-register move";
        if (op[1] == 0x30 || op[1] == 0x32)
            return "model-specific register access";
        return NULL;
    default: return NULL;
    }
}

static void kill_for_fault(const struct trapframe *tf, int sig, const char *what)
{
    struct proc *p = curproc();
    printk("pid %d (%s): %s, eip %08x: killed\n", p->pid, p->name, what, tf->eip);
    proc_kill(p, sig);
}

static void user_fault(struct trapframe *tf)
{
    char what[96];
    const char *name = fault_names[tf->trapno] ? fault_names[tf->trapno] : "reserved exception";
    const char *insn = tf->trapno == T_GPFLT ? privileged_insn(tf->eip) : NULL;
    if (insn)
        snprintk(what, sizeof what, "%s (privileged instruction: %s)", name, insn);
    else if (tf->err && tf->trapno >= T_TSS && tf->trapno <= T_GPFLT)
        snprintk(what, sizeof what, "%s (selector %x)", name, tf->err);
    else if ((tf->trapno == T_GPFLT || tf->trapno == T_STACK) && curproc()->as->size)
        /* with paging off, the usual #GP (or #SS, through SS) with
         * error code 0 in ring 3 is an offset past the segment's limit
         * (SDM vol. 3, 5.3, 6.15) */
        snprintk(what, sizeof what, "%s (beyond the segment limit %x)", name,
                 curproc()->as->size - 1);
    else
        snprintk(what, sizeof what, "%s", name);
    kill_for_fault(tf, fault_signal(tf->trapno), what);
}

static unsigned fault_access(uint32_t err)
{
    if (err & PFE_I)
        return VM_EXEC;
    return (err & PFE_W) ? VM_WRITE : VM_READ;
}

static void page_fault(struct trapframe *tf)
{
    uint32_t addr = read_cr2();
    sti();
    if (!from_user(tf))
        panic_trap(tf, addr >= KSTACK_AREA && addr < KSTACK_AREA + KSTACK_AREA_SIZE
                           ? "kernel stack overflow" : "page fault");
    struct aspace *as = curproc()->as;
    unsigned access = fault_access(tf->err);
    uint32_t pa;
    int r = as_resolve(as, addr, access, &pa);
    if (r == 0)
        return;
    if (r == -ENOMEM) {
        oom_kill(curproc());
        return;
    }
    static const char *const verbs[] = {[VM_READ] = "reading", [VM_WRITE] = "writing",
                                        [VM_EXEC] = "executing"};
    const char *reason = r == -EIO ? "swap read error" : as_fault_reason(as, addr, access);
    if (!(tf->err & PFE_P) && !strcmp(reason, "not mapped"))
        reason = "not present";
    char what[112];
    snprintk(what, sizeof what, "page fault %s %08x (%s)", verbs[access], addr, reason);
    kill_for_fault(tf, r == -EIO ? SIGBUS : SIGSEGV, what);
}

static void exception(struct trapframe *tf)
{
    if (!from_user(tf))
        panic_trap(tf, fault_names[tf->trapno] ? fault_names[tf->trapno] : "reserved exception");
    user_fault(tf);
}

/* A thread's user registers must not name a TLS slot it has since
 * emptied: IRET would fault loading it, in the kernel. */
static void check_user_selectors(struct trapframe *tf)
{
    uint32_t *sels[] = {&tf->ds, &tf->es, &tf->fs, &tf->gs};
    for (unsigned i = 0; i < ARRAY_SIZE(sels); i++) {
        uint32_t s = *sels[i] & 0xFFFF, slot = s >> 3;
        if (slot >= SEG_TLS_FIRST && slot < SEG_TLS_FIRST + SEG_TLS_COUNT &&
            !(current->tls[slot - SEG_TLS_FIRST] & (1ull << 47)))
            *sels[i] = 0;
    }
}

/* isolation=none: trapentry.S returns by writing EIP, CS and EFLAGS under
 * the user's ESP through the kernel's view of the region, and the CPU
 * checks nothing in ring 0 with a 4 GiB limit. So the kernel checks the
 * ESP it is about to use (a signal frame, clone or sigreturn may have
 * set it): outside the region, the write would land in someone else's
 * memory, the kernel's included. */
static bool stack_in_region(const struct trapframe *tf)
{
    uint32_t size = curproc()->as->size;
    return (tf->cs & 0xFFFF) != NONE_USER_CS || (tf->esp >= 12 && tf->esp <= size);
}

static void return_to_user(struct trapframe *tf)
{
    if (thread_must_exit(current))
        thread_exit(curproc()->exit_status);
    if (need_resched)
        yield();
    signal_deliver(tf);
    if (!stack_in_region(tf) && !thread_must_exit(current)) {
        char what[64];
        snprintk(what, sizeof what, "stack pointer %08x outside the region", tf->esp);
        kill_for_fault(tf, SIGSEGV, what);
    }
    if (thread_must_exit(current))
        thread_exit(curproc()->exit_status);
    check_user_selectors(tf);
}

void trap(struct trapframe *tf)
{
    unsigned n = tf->trapno;
    if (n == T_SYSCALL) {
        sti();                  /* already on, unless through isolation=none's interrupt gate */
        syscall(tf);
    }
    else if (n >= T_IRQ0 && n < T_IRQ0 + NIRQ)
        irq_dispatch(n - T_IRQ0);
    else if (n == T_PGFLT)
        page_fault(tf);
    else if (n < T_IRQ0)
        exception(tf);
    else if (!from_user(tf))
        printk("trap: unexpected interrupt %u in the kernel\n", n);
    if (from_user(tf))
        return_to_user(tf);
}
