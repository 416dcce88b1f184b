/*
 * console.c: the console as processes see it: a terminal with a line
 * discipline in the manner of a Unix tty.
 *
 * In canonical mode (the default) typed characters collect in an edit
 * line that backspace and ^U change; Enter or ^D hands the line to
 * readers. ^D on an empty line reads as end of file; ^C sends SIGINT to
 * the foreground process group. With ICANON off every byte is available
 * at once. When the serial line hangs up, whatever was typed is handed
 * over and every later read returns end of file.
 *
 * Echo is immediate while a reader waits. Input typed ahead, while no
 * one reads the console, is echoed when a reader takes it (or starts to
 * wait for the rest of its line), the way a line-editing shell redraws
 * typeahead after its prompt: a transcript of piped-in commands reads
 * like the session it stands for instead of mixing the commands into
 * the output of earlier ones.
 *
 * Rules kept here:
 *  - The input buffer is filled by interrupt handlers and emptied by
 *    readers, so readers look at it with interrupts off.
 *  - Output goes to every console device the command line chose.
 */
#include "console.h"
#include "cmdline.h"
#include "errno.h"
#include "kmalloc.h"
#include "kstat.h"
#include "lib.h"
#include "object.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "uaccess.h"

#define INPUT_SIZE 1024
#define CTRL(c) ((c) - '@')

/* termios bits, Linux i386 values */
#define ISIG 0x001u
#define ICANON 0x002u
#define ECHO 0x008u
#define ECHOE 0x010u
#define ECHOK 0x020u
#define ICRNL 0x100u
#define OPOST 0x001u
#define ONLCR 0x004u
#define CS8 0x030u
#define CREAD 0x080u
#define B38400 0x00Fu

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413

struct termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[19];
};

struct winsize {
    uint16_t rows, cols, xpixel, ypixel;
};

static struct {
    char buf[INPUT_SIZE];
    unsigned r, w, e;          /* read, committed, edit: r <= w <= e (mod size) */
    unsigned echoed;           /* input before this index has been echoed */
    unsigned readers;          /* threads waiting in console_read */
    bool hungup;
    uint32_t iflag, lflag;
    int fg_pgrp;
} cons = {.iflag = ICRNL, .lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK};

static void out(char c)
{
    if (boot_options.consoles & CONSOLE_SERIAL)
        uart_putc(c);
    if (boot_options.consoles & CONSOLE_VGA)
        vga_putc(c);
}

void console_write_kernel(const char *s, size_t n)
{
    uint32_t f = irq_save();
    while (n--)
        out(*s++);
    irq_restore(f);
}

static void echo(char c)
{
    if (!(cons.lflag & ECHO))
        return;
    if (c == CTRL('D'))
        return;
    if ((unsigned char)c < ' ' && c != '\n' && c != '\t') {
        out('^');
        out((char)(c + '@'));
        return;
    }
    out(c);
}

/* Echoes the input from cons.echoed up to (not including) index end. */
static void echo_until(unsigned end)
{
    for (; (int)(end - cons.echoed) > 0; cons.echoed++)
        echo(cons.buf[cons.echoed % INPUT_SIZE]);
}

static void erase_one(void)
{
    if (cons.e == cons.w)
        return;
    cons.e--;
    if (cons.echoed > cons.e) {
        cons.echoed = cons.e;
        if (cons.lflag & ECHO) {
            out('\b');
            out(' ');
            out('\b');
        }
    }
}

static void commit(void)
{
    cons.w = cons.e;
    wakeup(&cons);
}

static bool canonical_edit(char c)
{
    if (c == 0x7F || c == '\b') {
        erase_one();
        return true;
    }
    if (c == CTRL('U')) {
        while (cons.e != cons.w)
            erase_one();
        return true;
    }
    return false;
}

void console_input(char c)
{
    if (c == '\r' && (cons.iflag & ICRNL))
        c = '\n';
    if ((cons.lflag & ISIG) && c == CTRL('C')) {
        echo(c);
        out('\n');
        cons.e = cons.w;
        if ((int)(cons.echoed - cons.e) > 0)
            cons.echoed = cons.e;
        if (cons.fg_pgrp > 0)
            proc_kill_group(NULL, cons.fg_pgrp, SIGINT);
        return;
    }
    if ((cons.lflag & ICANON) && canonical_edit(c))
        return;
    if (cons.e - cons.r >= INPUT_SIZE - 1)
        return;                       /* full: the byte is lost, as on a tty */
    cons.buf[cons.e++ % INPUT_SIZE] = c;
    /* typed for a reader that is waiting for this very line */
    if (cons.readers && cons.r == cons.w && cons.echoed == cons.e - 1)
        echo_until(cons.e);
    if (!(cons.lflag & ICANON) || c == '\n' || c == CTRL('D'))
        commit();
}

void console_hangup(void)
{
    cons.hungup = true;
    commit();
}

/* Copies out of the committed input; stops after a newline in canonical
 * mode; a ^D ends the read and is consumed only when it comes first. */
static long take_input(char *kbuf, uint32_t n)
{
    uint32_t got = 0;
    while (got < n && cons.r != cons.w) {
        char c = cons.buf[cons.r % INPUT_SIZE];
        if ((cons.lflag & ICANON) && c == CTRL('D')) {
            if (got == 0)
                cons.r++;
            break;
        }
        cons.r++;
        kbuf[got++] = c;
        if ((cons.lflag & ICANON) && c == '\n')
            break;
    }
    echo_until(cons.r);
    return got;
}

static long console_read(struct object *o, uint32_t ubuf, uint32_t n)
{
    (void)o;
    char kbuf[256];
    if (n > sizeof kbuf)
        n = sizeof kbuf;
    uint32_t f = irq_save();
    while (cons.r == cons.w && !cons.hungup) {
        echo_until(cons.e);           /* the part of the line typed ahead */
        cons.readers++;
        int r = sleep_on(&cons, 0);
        cons.readers--;
        if (r == -EINTR) {
            irq_restore(f);
            return -EINTR;
        }
    }
    long got = take_input(kbuf, n);
    irq_restore(f);
    if (got > 0 && copyout(ubuf, kbuf, (size_t)got) < 0)
        return -EFAULT;
    return got;
}

static long console_write(struct object *o, uint32_t ubuf, uint32_t n)
{
    (void)o;
    char kbuf[128];
    uint32_t done = 0;
    while (done < n) {
        uint32_t chunk = MIN(n - done, (uint32_t)sizeof kbuf);
        if (copyin(kbuf, ubuf + done, chunk) < 0)
            return done ? (long)done : -EFAULT;
        console_write_kernel(kbuf, chunk);
        done += chunk;
    }
    return done;
}

/* Who may give the console to process group pgrp: the foreground group
 * itself, or whoever started a process in it (the shell taking the
 * console back from a job), or anyone once the group has gone; and only
 * to its own group or one it may signal. So a background job cannot
 * grab the console from the job in front. */
static bool may_take_foreground(const struct proc *caller, int pgrp)
{
    bool fg_alive = false, fg_mine = caller->pgid == cons.fg_pgrp;
    for (int i = 0; i < NPROC; i++) {
        const struct proc *p = &proc_table[i];
        if (p->state != P_ALIVE || p->pgid != cons.fg_pgrp)
            continue;
        fg_alive = true;
        fg_mine = fg_mine || signal_permitted(caller, p);
    }
    if (fg_alive && !fg_mine)
        return false;
    if (pgrp == caller->pgid)
        return true;
    const struct proc *leader = proc_find(pgrp);
    return leader && leader->pgid == pgrp && signal_permitted(caller, leader);
}

int console_foreground(void)
{
    return cons.fg_pgrp;
}

static void termios_get(struct termios *t)
{
    memset(t, 0, sizeof *t);
    t->iflag = cons.iflag;
    t->oflag = OPOST | ONLCR;
    t->cflag = B38400 | CS8 | CREAD;
    t->lflag = cons.lflag;
    t->cc[0] = CTRL('C');     /* VINTR */
    t->cc[1] = CTRL('\\');    /* VQUIT */
    t->cc[2] = 0x7F;          /* VERASE */
    t->cc[3] = CTRL('U');     /* VKILL */
    t->cc[4] = CTRL('D');     /* VEOF */
    t->cc[6] = 1;             /* VMIN */
}

static long termios_set(uint32_t arg)
{
    struct termios t;
    if (copyin(&t, arg, sizeof t) < 0)
        return -EFAULT;
    uint32_t f = irq_save();
    cons.iflag = t.iflag & ICRNL;
    cons.lflag = t.lflag & (ISIG | ICANON | ECHO | ECHOE | ECHOK);
    if (!(cons.lflag & ICANON))
        commit();
    irq_restore(f);
    return 0;
}

static long console_ioctl(struct object *o, uint32_t cmd, uint32_t arg)
{
    (void)o;
    switch (cmd) {
    case TCGETS: {
        struct termios t;
        termios_get(&t);
        return copyout(arg, &t, sizeof t) < 0 ? -EFAULT : 0;
    }
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return termios_set(arg);
    case TIOCGPGRP:
        return copyout(arg, &cons.fg_pgrp, sizeof cons.fg_pgrp) < 0 ? -EFAULT : 0;
    case TIOCSPGRP: {
        int pgrp;
        if (copyin(&pgrp, arg, sizeof pgrp) < 0)
            return -EFAULT;
        if (pgrp <= 0)
            return -EINVAL;
        if (!may_take_foreground(curproc(), pgrp))
            return -EPERM;
        cons.fg_pgrp = pgrp;
        return 0;
    }
    case TIOCGWINSZ: {
        struct winsize w = {25, 80, 0, 0};
        return copyout(arg, &w, sizeof w) < 0 ? -EFAULT : 0;
    }
    default:
        return -ENOTTY;
    }
}

static long console_stat(struct object *o, struct kstat *st)
{
    (void)o;
    memset(st, 0, sizeof *st);
    st->mode = S_IFCHR | 0620;
    st->nlink = 1;
    st->rdev = MKDEV(5, 1);
    st->blksize = 1024;
    return 0;
}

static void console_release(struct object *o)
{
    kfree(o);
}

static const struct object_ops console_ops = {
    .kind = "console",
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
    .stat = console_stat,
    .release = console_release,
};

struct object *console_open(unsigned flags)
{
    struct object *o = kmalloc(sizeof *o);
    if (o)
        object_init(o, &console_ops, flags);
    return o;
}

void console_init(void)
{
    if (boot_options.consoles & CONSOLE_VGA)
        vga_init();
    uart_init();
    kbd_init();
}
