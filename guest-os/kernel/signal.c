/*
 * signal.c: sending signals, choosing what they do, and running handlers
 * (see signal.h).
 *
 * Rules kept here:
 *  - SIGKILL cannot be caught, blocked or ignored: it ends the process
 *    when it is sent. Every other signal is pending until a thread that
 *    does not block it is about to return to user mode.
 *  - Ignored signals (SIG_IGN, or by default SIGCHLD, SIGCONT, SIGURG,
 *    SIGWINCH) are dropped when sent. Stopping is not supported, so the
 *    stop signals are ignored by default too.
 *  - A handler runs on the thread's own stack in Linux's frame (the old
 *    one, or the rt one with SA_SIGINFO), entered through the restorer the
 *    C library gave with SA_RESTORER: user stacks are not executable, so
 *    the kernel cannot put a return trampoline there. A handler without a
 *    restorer is refused.
 *  - sigreturn trusts nothing in the frame: the code and stack segments
 *    are forced to the user ones, only the arithmetic and direction flags
 *    (and AC, TF, RF) come back from it, and a data selector that does
 *    not name a user segment becomes null. A frame that cannot be read or
 *    written ends the process.
 *  - Interrupted system calls return -EINTR; none is restarted.
 *  - A process may signal itself, its descendants and the members of its
 *    own process group; init may signal anyone. Unrelated processes are
 *    out of reach (EPERM): with no users to tell processes apart, that is
 *    what keeps one program from ending another it did not start. Descent
 *    is by creation (the lineage fork records, up to PROC_LINEAGE
 *    generations), so an orphan handed to init stays within reach of the
 *    process that started it.
 *  - init gets only the signals it has a handler for, as on Linux: no
 *    program can end it (and with it the system).
 */
#include "signal.h"
#include "errno.h"
#include "gdt.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "trap.h"
#include "uaccess.h"

#define SA_NOCLDSTOP 0x00000001u
#define SA_SIGINFO 0x00000004u
#define SA_ONSTACK 0x08000000u
#define SA_RESTART 0x10000000u
#define SA_NODEFER 0x40000000u
#define SA_RESETHAND 0x80000000u
#define SA_RESTORER 0x04000000u

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_BYTES 8
#define SI_USER 0
#define SI_TKILL (-6)

#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
/* the flags a handler may change: CF PF AF ZF SF TF DF OF RF AC */
#define EFL_FROM_USER 0x00050DD5u

/* ---- dispositions ---- */

static bool ignored_by_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return true;
    default:
        return false;
    }
}

static bool ignored(const struct proc *p, int sig)
{
    uint32_t h = p->sig_actions[sig - 1].handler;
    return h == SIG_IGN || (h == SIG_DFL && ignored_by_default(sig));
}

/* init, whose end would end everything, takes only signals it handles. */
static bool refused(const struct proc *p, int sig)
{
    return ignored(p, sig) || (p->pid == 1 && p->sig_actions[sig - 1].handler == SIG_DFL);
}

int signal_send(struct proc *p, int sig)
{
    if (sig < 1 || sig > NSIG)
        return -EINVAL;
    if (p->state != P_ALIVE || refused(p, sig))
        return 0;
    if (sig == SIGKILL) {
        proc_kill(p, sig);
        return 0;
    }
    p->sig_pending |= BIT(sig);
    for (struct thread *t = p->threads; t; t = t->next_in_proc)
        if (!(t->sig_blocked & BIT(sig)))
            wakeup_thread(t);
    return 0;
}

int signal_send_thread(struct thread *t, int sig)
{
    if (sig < 1 || sig > NSIG)
        return -EINVAL;
    if (t->proc->state != P_ALIVE || refused(t->proc, sig))
        return 0;
    if (sig == SIGKILL) {
        proc_kill(t->proc, sig);
        return 0;
    }
    t->sig_pending |= BIT(sig);
    if (!(t->sig_blocked & BIT(sig)))
        wakeup_thread(t);
    return 0;
}

bool signal_permitted(const struct proc *sender, const struct proc *target)
{
    if (sender->pid == 1 || target == sender || target->pgid == sender->pgid)
        return true;
    for (int i = 0; i < PROC_LINEAGE; i++)
        if (target->lineage[i] == sender->pid)
            return true;
    return false;
}

static uint64_t deliverable(const struct thread *t)
{
    return (t->sig_pending | t->proc->sig_pending) & ~t->sig_blocked;
}

bool signal_interrupts(const struct thread *t)
{
    return deliverable(t) != 0;
}

void signal_fork(struct proc *child, const struct proc *parent)
{
    memcpy(child->sig_actions, parent->sig_actions, sizeof child->sig_actions);
    child->sig_pending = 0;
}

void signal_exec(struct proc *p)
{
    for (int i = 0; i < NSIG; i++)
        if (p->sig_actions[i].handler != SIG_IGN)
            p->sig_actions[i] = (struct sigaction_k){SIG_DFL, 0, 0, 0};
}

/* ---- the frames (Linux i386 layouts, without FPU state: the CPU has none).
 * A 64-bit member is 4-byte aligned in an i386 struct, so these have no
 * padding, as Linux's have none. ---- */

struct sigcontext {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t trapno, err, eip, cs, eflags, esp_at_signal, ss;
    uint32_t fpstate, oldmask, cr2;
};

struct siginfo {
    int32_t signo, errno_, code;
    int32_t pid;
    uint32_t uid;
    uint8_t pad[128 - 20];
};

struct ucontext {
    uint32_t flags, link;
    uint32_t ss_sp, ss_flags, ss_size;
    struct sigcontext mcontext;
    uint64_t sigmask;
};

struct sigframe {
    uint32_t pretcode;
    int32_t sig;
    struct sigcontext sc;
    uint32_t extramask;
};

struct rt_sigframe {
    uint32_t pretcode;
    int32_t sig;
    uint32_t pinfo, puc;
    struct siginfo info;
    struct ucontext uc;
};

static void save_context(struct sigcontext *sc, const struct trapframe *tf, uint64_t mask)
{
    *sc = (struct sigcontext){
        .gs = tf->gs & 0xFFFF, .fs = tf->fs & 0xFFFF, .es = tf->es & 0xFFFF,
        .ds = tf->ds & 0xFFFF, .edi = tf->edi, .esi = tf->esi, .ebp = tf->ebp,
        .esp = tf->esp, .ebx = tf->ebx, .edx = tf->edx, .ecx = tf->ecx, .eax = tf->eax,
        .trapno = tf->trapno, .err = tf->err, .eip = tf->eip, .cs = tf->cs & 0xFFFF,
        .eflags = tf->eflags, .esp_at_signal = tf->esp, .ss = tf->ss & 0xFFFF,
        .oldmask = (uint32_t)mask,
    };
}

/* A data selector from a frame: null, the user data segment, or one of
 * the TLS slots, at privilege 3; anything else becomes null. */
static uint32_t user_selector(uint32_t s)
{
    uint32_t slot = (s & 0xFFFF) >> 3;
    bool ok = (s & 0xFFFF) == 0 || (s & 0xFFFF) == user_ds() || ((s & 3) == 3 && (slot == SEG_UDATA ||
              (slot >= SEG_TLS_FIRST && slot < SEG_TLS_FIRST + SEG_TLS_COUNT)));
    return ok ? (s & 0xFFFF) : 0;
}

static void restore_context(struct trapframe *tf, const struct sigcontext *sc)
{
    tf->gs = user_selector(sc->gs);
    tf->fs = user_selector(sc->fs);
    tf->es = user_selector(sc->es);
    tf->ds = user_selector(sc->ds);
    tf->edi = sc->edi, tf->esi = sc->esi, tf->ebp = sc->ebp, tf->esp = sc->esp;
    tf->ebx = sc->ebx, tf->edx = sc->edx, tf->ecx = sc->ecx, tf->eax = sc->eax;
    tf->eip = sc->eip;
    tf->cs = user_cs();
    tf->ss = user_ds();
    tf->eflags = (tf->eflags & ~EFL_FROM_USER) | (sc->eflags & EFL_FROM_USER) | EFL_IF;
}

static void bad_frame(const char *what)
{
    struct proc *p = curproc();
    printk("pid %d (%s): %s: killed\n", p->pid, p->name, what);
    proc_kill(p, SIGSEGV);
}

/* The frame goes below the interrupted stack pointer, aligned so that the
 * handler starts as after a call from a 16-byte aligned stack. */
static uint32_t frame_address(const struct trapframe *tf, uint32_t size)
{
    return ((tf->esp - size) & ~15u) - 4;
}

static int push_frame(struct trapframe *tf, int sig, const struct sigaction_k *act,
                      uint64_t old_mask, bool from_thread)
{
    if (act->flags & SA_SIGINFO) {
        struct rt_sigframe f;
        memset(&f, 0, sizeof f);
        uint32_t at = frame_address(tf, sizeof f);
        f.pretcode = act->restorer;
        f.sig = sig;
        f.pinfo = at + offsetof(struct rt_sigframe, info);
        f.puc = at + offsetof(struct rt_sigframe, uc);
        f.info.signo = sig;
        f.info.code = from_thread ? SI_TKILL : SI_USER;
        save_context(&f.uc.mcontext, tf, old_mask);
        f.uc.sigmask = old_mask;
        if (copyout(at, &f, sizeof f) < 0)
            return -EFAULT;
        tf->esp = at;
        tf->eax = (uint32_t)sig, tf->edx = f.pinfo, tf->ecx = f.puc;
    } else {
        struct sigframe f;
        uint32_t at = frame_address(tf, sizeof f);
        f.pretcode = act->restorer;
        f.sig = sig;
        save_context(&f.sc, tf, old_mask);
        f.extramask = (uint32_t)(old_mask >> 32);
        if (copyout(at, &f, sizeof f) < 0)
            return -EFAULT;
        tf->esp = at;
        tf->eax = (uint32_t)sig, tf->edx = 0, tf->ecx = 0;
    }
    tf->eip = act->handler;
    tf->eflags &= ~(0x100u | 0x400u);  /* TF and DF clear in the handler, as on Linux */
    return 0;
}

static void run_handler(struct trapframe *tf, int sig, bool from_thread)
{
    struct sigaction_k *act = &curproc()->sig_actions[sig - 1];
    uint64_t old_mask = current->sig_blocked;
    if (push_frame(tf, sig, act, old_mask, from_thread) < 0) {
        bad_frame("no room on the stack for a signal frame");
        return;
    }
    current->sig_blocked |= act->mask | ((act->flags & SA_NODEFER) ? 0 : BIT(sig));
    current->sig_blocked &= ~UNBLOCKABLE;
    if (act->flags & SA_RESETHAND)
        *act = (struct sigaction_k){SIG_DFL, 0, 0, 0};
}

void signal_deliver(struct trapframe *tf)
{
    uint64_t set = deliverable(current);
    if (!set)
        return;
    int sig = __builtin_ctzll(set) + 1;
    bool from_thread = current->sig_pending & BIT(sig);
    current->sig_pending &= ~BIT(sig);
    curproc()->sig_pending &= ~BIT(sig);
    uint32_t handler = curproc()->sig_actions[sig - 1].handler;
    if (ignored(curproc(), sig))
        return;                        /* ignored since it was sent */
    if (handler == SIG_DFL)
        proc_kill(curproc(), sig);
    else
        run_handler(tf, sig, from_thread);
}

/* ---- system calls ---- */

static long sys_rt_sigaction(const uint32_t *a)
{
    int sig = (int)a[0];
    struct proc *p = curproc();
    if (sig < 1 || sig > NSIG || a[3] != SIGSET_BYTES)
        return -EINVAL;
    struct sigaction_k act, *cur = &p->sig_actions[sig - 1];
    if (a[1] && copyin(&act, a[1], sizeof act) < 0)
        return -EFAULT;
    if (a[2] && copyout(a[2], cur, sizeof *cur) < 0)
        return -EFAULT;
    if (!a[1])
        return 0;
    if (sig == SIGKILL || sig == SIGSTOP)
        return -EINVAL;
    if (act.handler > SIG_IGN && !(act.flags & SA_RESTORER))
        return -EINVAL;
    act.mask &= ~UNBLOCKABLE;
    *cur = act;
    if (ignored(p, sig)) {             /* POSIX: pending instances are discarded */
        p->sig_pending &= ~BIT(sig);
        for (struct thread *t = p->threads; t; t = t->next_in_proc)
            t->sig_pending &= ~BIT(sig);
    }
    return 0;
}

static long sys_rt_sigprocmask(const uint32_t *a)
{
    uint64_t set, old = current->sig_blocked;
    if (a[3] != SIGSET_BYTES)
        return -EINVAL;
    if (a[1]) {
        if (copyin(&set, a[1], sizeof set) < 0)
            return -EFAULT;
        switch (a[0]) {
        case SIG_BLOCK: current->sig_blocked |= set; break;
        case SIG_UNBLOCK: current->sig_blocked &= ~set; break;
        case SIG_SETMASK: current->sig_blocked = set; break;
        default: return -EINVAL;
        }
        current->sig_blocked &= ~UNBLOCKABLE;
    }
    if (a[2] && copyout(a[2], &old, sizeof old) < 0)
        return -EFAULT;
    return 0;
}

static long sys_rt_sigpending(const uint32_t *a)
{
    uint64_t set = (current->sig_pending | curproc()->sig_pending) & current->sig_blocked;
    if (a[1] != SIGSET_BYTES)
        return -EINVAL;
    return copyout(a[0], &set, sizeof set) < 0 ? -EFAULT : 0;
}

/* The handler returned into the restorer, which popped the signal number
 * (old frame) or nothing (rt frame) before calling here. */
static long sys_sigreturn(const uint32_t *a)
{
    (void)a;
    struct trapframe *tf = current->tf;
    struct sigframe f;
    if (copyin(&f, tf->esp - 8, sizeof f) < 0) {
        bad_frame("sigreturn with a bad frame");
        return 0;
    }
    restore_context(tf, &f.sc);
    current->sig_blocked = ((uint64_t)f.extramask << 32 | f.sc.oldmask) & ~UNBLOCKABLE;
    return (long)tf->eax;
}

static long sys_rt_sigreturn(const uint32_t *a)
{
    (void)a;
    struct trapframe *tf = current->tf;
    struct rt_sigframe f;
    if (copyin(&f, tf->esp - 4, sizeof f) < 0) {
        bad_frame("rt_sigreturn with a bad frame");
        return 0;
    }
    restore_context(tf, &f.uc.mcontext);
    current->sig_blocked = f.uc.sigmask & ~UNBLOCKABLE;
    return (long)tf->eax;
}

static struct thread *thread_find(int tgid, int tid)
{
    for (int i = 0; i < NTHREAD; i++) {
        struct thread *t = &thread_table[i];
        if (t->state != T_FREE && t->state != T_DEAD && t->tid == tid &&
            (tgid < 0 || t->proc->pid == tgid))
            return t;
    }
    return NULL;
}

static long send_to_thread(int tgid, int tid, int sig)
{
    if (sig < 0 || sig > NSIG || tid <= 0)
        return -EINVAL;
    struct thread *t = thread_find(tgid, tid);
    if (!t)
        return -ESRCH;
    if (!signal_permitted(curproc(), t->proc))
        return -EPERM;
    return sig ? signal_send_thread(t, sig) : 0;
}

static long sys_tkill(const uint32_t *a) { return send_to_thread(-1, (int)a[0], (int)a[1]); }

static long sys_tgkill(const uint32_t *a)
{
    if ((int)a[0] <= 0)
        return -EINVAL;
    return send_to_thread((int)a[0], (int)a[1], (int)a[2]);
}

const struct syscall_def signal_syscalls[] = {
    SYSCALL_DEF(rt_sigaction), SYSCALL_DEF(rt_sigprocmask), SYSCALL_DEF(rt_sigpending),
    SYSCALL_DEF(sigreturn), SYSCALL_DEF(rt_sigreturn), SYSCALL_DEF(tkill), SYSCALL_DEF(tgkill),
    {0, NULL, NULL},
};
