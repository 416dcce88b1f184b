/*
 * sys_proc.c: the process and thread system calls: fork and clone,
 * execve, exit and exit_group, wait4 and waitpid, kill, the id calls,
 * set_thread_area and set_tid_address.
 */
#include "errno.h"
#include "exec.h"
#include "fs.h"
#include "gdt.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "syscall.h"
#include "trap.h"
#include "uaccess.h"
#include "vm.h"

#define CLONE_VM 0x00000100u
#define CLONE_FS 0x00000200u
#define CLONE_FILES 0x00000400u
#define CLONE_SIGHAND 0x00000800u
#define CLONE_THREAD 0x00010000u
#define CLONE_SYSVSEM 0x00040000u
#define CLONE_SETTLS 0x00080000u
#define CLONE_PARENT_SETTID 0x00100000u
#define CLONE_CHILD_CLEARTID 0x00200000u
#define CLONE_DETACHED 0x00400000u
#define CLONE_CHILD_SETTID 0x01000000u
#define CLONE_THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
                            CLONE_SYSVSEM | CLONE_DETACHED)
#define CLONE_ID_FLAGS (CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID)

#define WNOHANG 1
#define PATH_MAX 256

/* ---- thread-local storage descriptors ---- */

struct user_desc {
    uint32_t entry_number, base_addr, limit;
    uint32_t seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
        seg_not_present : 1, useable : 1;
};

static bool desc_empty(const struct user_desc *u)
{
    return !u->base_addr && !u->limit && !u->contents && u->read_exec_only && !u->seg_32bit &&
           !u->limit_in_pages && u->seg_not_present && !u->useable;
}

/* A DPL-3 segment as Linux builds it from a user_desc. Whatever its base
 * and limit, a ring-3 segment reaches only what paging lets ring 3 reach. */
static uint64_t desc_encode(const struct user_desc *u)
{
    unsigned type = (u->contents << 2) | (u->read_exec_only ? 0 : 2);
    uint64_t d = seg_descriptor(u->base_addr, u->limit, type, 3, u->seg_32bit, u->limit_in_pages);
    if (u->seg_not_present)
        d &= ~(1ull << 47);
    if (u->useable)
        d |= 1ull << 52;
    return d;
}

static long set_tls(struct thread *t, uint32_t uinfo)
{
    struct user_desc u;
    if (copyin(&u, uinfo, sizeof u) < 0)
        return -EFAULT;
    unsigned slot = u.entry_number;
    if (slot == 0xFFFFFFFFu) {
        for (slot = 0; slot < SEG_TLS_COUNT && t->tls[slot]; slot++)
            ;
        if (slot == SEG_TLS_COUNT)
            return -ESRCH;
        slot += SEG_TLS_FIRST;
        u.entry_number = slot;
        if (copyout(uinfo, &u.entry_number, sizeof u.entry_number) < 0)
            return -EFAULT;
    }
    if (slot < SEG_TLS_FIRST || slot >= SEG_TLS_FIRST + SEG_TLS_COUNT || u.contents == 3)
        return -EINVAL;
    t->tls[slot - SEG_TLS_FIRST] = desc_empty(&u) ? 0 : desc_encode(&u);
    if (t == current)
        gdt_load_tls(t->tls);
    return 0;
}

static long sys_set_thread_area(const uint32_t *a) { return set_tls(current, a[0]); }

static long sys_set_tid_address(const uint32_t *a)
{
    current->clear_child_tid = a[0];
    return current->tid;
}

/* ---- fork and clone ---- */

static long clone_ids(struct thread *t, struct aspace *child_as, uint32_t flags, uint32_t ptid,
                      uint32_t ctid)
{
    if ((flags & CLONE_PARENT_SETTID) && copyout(ptid, &t->tid, sizeof t->tid) < 0)
        return -EFAULT;
    if ((flags & CLONE_CHILD_SETTID) && as_copyout(child_as, ctid, &t->tid, sizeof t->tid) < 0)
        return -EFAULT;
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    return 0;
}

/* The new thread returns from the same system call, with 0. */
static void copy_registers(struct thread *t, uint32_t stack)
{
    *t->tf = *current->tf;
    t->tf->eax = 0;
    if (stack)
        t->tf->esp = stack;
    memcpy(t->tls, current->tls, sizeof t->tls);
    t->sig_blocked = current->sig_blocked;
}

static long new_thread(uint32_t flags, uint32_t stack, uint32_t ptid, uint32_t tls, uint32_t ctid)
{
    if ((flags & ~(CLONE_THREAD_FLAGS | CLONE_ID_FLAGS | 0xFF)) ||
        (flags & (CLONE_VM | CLONE_SIGHAND)) != (CLONE_VM | CLONE_SIGHAND))
        return -EINVAL;
    struct thread *t = thread_alloc(curproc());
    if (!t)
        return -EAGAIN;
    copy_registers(t, stack);
    long r = clone_ids(t, curproc()->as, flags, ptid, ctid);
    if (r == 0 && (flags & CLONE_SETTLS))
        r = set_tls(t, tls);
    if (r < 0) {
        thread_discard(t);
        return r;
    }
    uint32_t f = irq_save();
    thread_make_ready(t);
    irq_restore(f);
    return t->tid;
}

static void inherit(struct proc *child, const struct proc *parent)
{
    child->parent = (struct proc *)parent;
    child->lineage[0] = parent->pid;
    memcpy(child->lineage + 1, parent->lineage, sizeof child->lineage - sizeof child->lineage[0]);
    child->pgid = parent->pgid;
    child->sid = parent->sid;
    child->umask = parent->umask;
    signal_fork(child, parent);
    memcpy(child->name, parent->name, sizeof child->name);
    child->cwd = parent->cwd ? inode_get(parent->cwd) : NULL;
    handles_copy(child, parent);
}

static void undo_process(struct proc *p, struct thread *t)
{
    if (t)
        thread_discard(t);
    if (p->as)
        as_destroy(p->as);
    handles_close_all(p);
    if (p->cwd)
        inode_put(p->cwd);
    p->state = P_FREE;
}

static long new_process(uint32_t flags, uint32_t stack, uint32_t ptid, uint32_t tls, uint32_t ctid)
{
    if (flags & ~(CLONE_ID_FLAGS | 0xFF))
        return -EINVAL;
    struct proc *parent = curproc(), *p = proc_alloc();
    if (!p)
        return -EAGAIN;
    struct thread *t = NULL;
    long r = -ENOMEM;
    if ((p->as = as_fork(parent->as)) && !(t = thread_alloc(p)))
        r = -EAGAIN;                   /* no thread slot: a system limit, as for clone */
    if (t) {
        inherit(p, parent);
        copy_registers(t, stack);
        r = clone_ids(t, p->as, flags, ptid, ctid);
        if (r == 0 && (flags & CLONE_SETTLS))
            r = set_tls(t, tls);
    }
    if (r < 0) {
        undo_process(p, t);
        return r;
    }
    uint32_t f = irq_save();
    thread_make_ready(t);
    irq_restore(f);
    return p->pid;
}

static long sys_fork(const uint32_t *a)
{
    (void)a;
    return new_process(SIGCHLD, 0, 0, 0, 0);
}

static long sys_clone(const uint32_t *a)
{
    if (a[0] & CLONE_THREAD)
        return new_thread(a[0], a[1], a[2], a[3], a[4]);
    return new_process(a[0], a[1], a[2], a[3], a[4]);
}

/* ---- exec, exit, wait ---- */

static long sys_execve(const uint32_t *a)
{
    char path[PATH_MAX];
    int r = copyinstr(path, a[0], sizeof path);
    if (r < 0)
        return r;
    if ((r = proc_single_thread()) < 0)
        return r;
    struct strvec argv = {curproc()->as, a[1], NULL}, envp = {curproc()->as, a[2], NULL};
    return exec_program(curproc(), current, path, &argv, &envp);
}

static long sys_exit(const uint32_t *a) { thread_exit(W_EXITED(a[0])); }
static long sys_exit_group(const uint32_t *a) { proc_exit(W_EXITED(a[0])); }

static long do_wait(int pid, uint32_t ustatus, uint32_t options)
{
    int status = 0;
    /* a status pointer that cannot be written is refused before a child
     * is reaped, so the status is not lost */
    if (ustatus && copyout(ustatus, &status, sizeof status) < 0)
        return -EFAULT;
    int r = proc_wait(pid, &status, options & WNOHANG);
    if (r > 0 && ustatus && copyout(ustatus, &status, sizeof status) < 0)
        return -EFAULT;
    return r;
}

static long sys_waitpid(const uint32_t *a) { return do_wait((int)a[0], a[1], a[2]); }

static long sys_wait4(const uint32_t *a)
{
    if (a[3]) {
        static const char zero[72];
        if (copyout(a[3], zero, sizeof zero) < 0)
            return -EFAULT;
    }
    return do_wait((int)a[0], a[1], a[2]);
}

/* ---- signals and ids ---- */

static long kill_all(int sig)
{
    bool sent = false;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == P_ALIVE && p->pid != 1 && p != curproc() &&
            signal_permitted(curproc(), p)) {
            if (sig)
                signal_send(p, sig);
            sent = true;
        }
    }
    return sent ? 0 : -ESRCH;
}

static long sys_kill(const uint32_t *a)
{
    int pid = (int)a[0], sig = (int)a[1];
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (pid == -1)
        return kill_all(sig);
    if (pid <= 0)
        return proc_kill_group(curproc(), pid == 0 ? curproc()->pgid : -pid, sig);
    struct proc *p = proc_find(pid);
    if (!p)
        return -ESRCH;
    if (!signal_permitted(curproc(), p))
        return -EPERM;
    /* a zombie still exists until it is waited for (POSIX), but a
     * signal can do nothing to it any more */
    return sig && p->state == P_ALIVE ? signal_send(p, sig) : 0;
}

static long sys_getpid(const uint32_t *a) { (void)a; return curproc()->pid; }
static long sys_gettid(const uint32_t *a) { (void)a; return current->tid; }
static long sys_getppid(const uint32_t *a) { (void)a; return curproc()->parent ? curproc()->parent->pid : 0; }
static long sys_getpgrp(const uint32_t *a) { (void)a; return curproc()->pgid; }
static long sys_getuid32(const uint32_t *a) { (void)a; return 0; }

static long sys_getpgid(const uint32_t *a)
{
    struct proc *p = a[0] ? proc_find((int)a[0]) : curproc();
    return p ? p->pgid : -ESRCH;
}

/* A process may start a group of its own, rejoin the caller's group, or
 * join a group whose leader the caller started (the shell building a
 * pipeline's job); joining anyone else's group would let it signal them. */
static bool may_join(const struct proc *caller, const struct proc *p, int pgid)
{
    if (pgid == p->pid || pgid == caller->pgid)
        return true;
    const struct proc *leader = proc_find(pgid);
    return leader && leader->state == P_ALIVE && leader->pgid == pgid &&
           signal_permitted(caller, leader);
}

static long sys_setpgid(const uint32_t *a)
{
    int pid = (int)a[0], pgid = (int)a[1];
    struct proc *p = pid ? proc_find(pid) : curproc();
    if (!p || (p != curproc() && p->parent != curproc()))
        return -ESRCH;
    if (pgid < 0)
        return -EINVAL;
    if (!pgid)
        pgid = p->pid;
    if (!may_join(curproc(), p, pgid))
        return -EPERM;
    p->pgid = pgid;
    return 0;
}

static long sys_setsid(const uint32_t *a)
{
    (void)a;
    struct proc *p = curproc();
    if (p->pgid == p->pid)
        return -EPERM;
    p->sid = p->pgid = p->pid;
    return p->sid;
}

#define sys_getgid32 sys_getuid32
#define sys_geteuid32 sys_getuid32
#define sys_getegid32 sys_getuid32

const struct syscall_def proc_syscalls[] = {
    SYSCALL_DEF(fork), SYSCALL_DEF(clone), SYSCALL_DEF(execve), SYSCALL_DEF(exit),
    SYSCALL_DEF(exit_group), SYSCALL_DEF(waitpid), SYSCALL_DEF(wait4), SYSCALL_DEF(kill),
    SYSCALL_DEF(getpid), SYSCALL_DEF(gettid), SYSCALL_DEF(getppid), SYSCALL_DEF(getpgrp),
    SYSCALL_DEF(getpgid), SYSCALL_DEF(setpgid), SYSCALL_DEF(setsid), SYSCALL_DEF(getuid32),
    SYSCALL_DEF(getgid32), SYSCALL_DEF(geteuid32), SYSCALL_DEF(getegid32),
    SYSCALL_DEF(set_thread_area), SYSCALL_DEF(set_tid_address),
    {0, NULL, NULL},
};
