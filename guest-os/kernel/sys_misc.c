/*
 * sys_misc.c: reboot (power off, halt, restart) and proc_list, the call
 * behind ps.
 */
#include "console.h"
#include "errno.h"
#include "fs.h"
#include "lib.h"
#include "power.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"

#define REBOOT_MAGIC1 0xFEE1DEADu
#define REBOOT_MAGIC2 672274793u
#define REBOOT_CMD_RESTART 0x01234567u
#define REBOOT_CMD_HALT 0xCDEF0123u
#define REBOOT_CMD_POWER_OFF 0x4321FEDCu

/* Turning the machine off ends every process, so it is for init and for
 * the job the user runs in the console's foreground; a background job
 * or any other process gets EPERM. */
static long sys_reboot(const uint32_t *a)
{
    struct proc *p = curproc();
    if (a[0] != REBOOT_MAGIC1 || a[1] != REBOOT_MAGIC2)
        return -EINVAL;
    if (p->pid != 1 && p->pgid != console_foreground())
        return -EPERM;
    switch (a[2]) {
    case REBOOT_CMD_POWER_OFF:
    case REBOOT_CMD_HALT:
        fs_sync();
        printk(KERN_INFO "power off\n");
        power_off(0);
    case REBOOT_CMD_RESTART:
        fs_sync();
        outb(0x64, 0xFE);              /* the i8042 pulses the CPU's reset line */
        power_off(0);
    default:
        return -EINVAL;
    }
}

static char proc_state(const struct proc *p)
{
    if (p->state == P_ZOMBIE)
        return 'Z';
    char s = 'S';
    for (const struct thread *t = p->threads; t; t = t->next_in_proc) {
        if (t->state == T_RUNNING)
            return 'R';
        if (t->state == T_READY)
            s = 'r';
    }
    return s;
}

static void describe(const struct proc *p, struct isola_procinfo *pi)
{
    memset(pi, 0, sizeof *pi);
    pi->pid = p->pid;
    pi->ppid = p->parent ? p->parent->pid : 0;
    pi->pgid = p->pgid;
    pi->state = proc_state(p);
    pi->threads = p->nthreads;
    pi->pages = p->as ? p->as->resident : 0;
    pi->vm_pages = p->as ? as_size(p->as) / PAGE_SIZE : 0;
    pi->swap_pages = p->as ? p->as->swapped : 0;
    pi->ticks = p->ticks;
    strlcpy(pi->name, p->name, sizeof pi->name);
}

static long sys_proc_list(const uint32_t *a)
{
    unsigned count = 0, max = a[1];
    for (int i = 0; i < NPROC; i++) {
        const struct proc *p = &proc_table[i];
        if (p->state == P_FREE)
            continue;
        if (count < max) {
            struct isola_procinfo pi;
            describe(p, &pi);
            if (copyout(a[0] + count * sizeof pi, &pi, sizeof pi) < 0)
                return -EFAULT;
        }
        count++;
    }
    return count;
}

const struct syscall_def misc_syscalls[] = {
    SYSCALL_DEF(reboot), SYSCALL_DEF(proc_list),
    {0, NULL, NULL},
};
