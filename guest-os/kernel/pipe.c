/*
 * pipe.c: pipes and FIFOs. A pipe is a ring buffer of PIPE_PAGES frames
 * in the kernel; each open end is an object of its own (object.h), so
 * the access mode and O_NONBLOCK belong to the end, and dup and fork
 * share an end as they share any open file. A FIFO is the same pipe,
 * found through its inode by everyone who opens it.
 *
 * Rules kept here:
 *  - A read takes what is there (at most what was asked) and blocks only
 *    while the ring is empty and some writer is left; with no writer left
 *    an empty ring reads as end of file.
 *  - A write of at most PIPE_BUF bytes waits until all of it fits and goes
 *    in whole, so writes that small from several writers never mix; a
 *    longer one goes in as room appears and may be interleaved.
 *  - Writing with no reader left is EPIPE, and the kernel sends SIGPIPE
 *    to the writing thread (the kernel may signal anyone, signal.h).
 *  - O_NONBLOCK turns every wait into EAGAIN (a short write of a long
 *    buffer when some of it fits).
 *  - One mutex per pipe covers the ring while bytes are copied, since a
 *    user copy may one day sleep (paging in); it is dropped while a
 *    thread waits. The counts of readers and writers change without it:
 *    the kernel is not preemptible and nothing in between can block.
 *  - Waking scans every thread, so the pipe counts its sleepers and wakes
 *    only when there are some.
 *  - A FIFO's pipe lives while any end is open and holds a reference to
 *    its inode; when the last end closes, what is left in it is dropped.
 *    Opening follows POSIX: for reading it waits for a writer, for
 *    writing it waits for a reader (or, with O_NONBLOCK, is ENXIO when
 *    none is there), and O_RDWR never waits.
 */
#include "pipe.h"
#include "errno.h"
#include "fs.h"
#include "kalloc.h"
#include "kmalloc.h"
#include "kstat.h"
#include "lib.h"
#include "mmu.h"
#include "object.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "syscall.h"
#include "uaccess.h"

#define PIPE_PAGES 4
#define PIPE_SIZE (PIPE_PAGES * PAGE_SIZE)
#define FIONREAD 0x541Bu

struct pipe {
    uint32_t frame[PIPE_PAGES];       /* the ring, PIPE_SIZE bytes */
    uint32_t head;                    /* ring offset of the next byte to read */
    uint32_t count;                   /* bytes in the ring */
    unsigned readers, writers;        /* ends open for reading, for writing */
    unsigned ends;                    /* end objects alive */
    unsigned reader_opens, writer_opens;  /* ever opened: a FIFO open waits on these */
    unsigned sleepers;                /* threads asleep on the pipe */
    uint32_t ino;                     /* what fstat reports for an anonymous pipe */
    struct mutex lock;
    struct inode *ip;                 /* a FIFO's inode, NULL for pipe() */
    struct pipe *next_fifo;
};

struct pipe_end {
    struct object obj;
    struct pipe *p;
};

static struct pipe *fifos;            /* every FIFO with an open end */
static uint32_t next_ino = 1;

static struct pipe *end_pipe(struct object *o) { return container_of(o, struct pipe_end, obj)->p; }

/* ---- the ring ---- */

/* The kernel's view of ring offset off, and how many bytes follow it in
 * the same frame. */
static char *ring_at(struct pipe *p, uint32_t off, uint32_t *room)
{
    off %= PIPE_SIZE;
    *room = PAGE_SIZE - off % PAGE_SIZE;
    return (char *)P2V(p->frame[off / PAGE_SIZE]) + off % PAGE_SIZE;
}

/* Copies up to n bytes out to user memory; the bytes copied or -EFAULT. */
static long ring_out(struct pipe *p, uint32_t ubuf, uint32_t n)
{
    uint32_t done = 0;
    n = MIN(n, p->count);
    while (done < n) {
        uint32_t room;
        char *src = ring_at(p, p->head, &room);
        uint32_t len = MIN(room, n - done);
        if (copyout(ubuf + done, src, len) < 0)
            break;
        p->head = (p->head + len) % PIPE_SIZE;
        p->count -= len;
        done += len;
    }
    return done ? (long)done : -EFAULT;
}

/* Copies up to n bytes in from user memory, as many as there is room for. */
static long ring_in(struct pipe *p, uint32_t ubuf, uint32_t n)
{
    uint32_t done = 0;
    n = MIN(n, PIPE_SIZE - p->count);
    while (done < n) {
        uint32_t room;
        char *dst = ring_at(p, p->head + p->count, &room);
        uint32_t len = MIN(room, n - done);
        if (copyin(dst, ubuf + done, len) < 0)
            break;
        p->count += len;
        done += len;
    }
    return done ? (long)done : -EFAULT;
}

/* Sleeps until pipe_wake(p); interrupts are off. 0 or -EINTR. */
static int pipe_sleep(struct pipe *p)
{
    p->sleepers++;
    int r = sleep_on(p, 0);
    p->sleepers--;
    return r;
}

static void pipe_wake(struct pipe *p)
{
    if (p->sleepers)
        wakeup(p);
}

/* Waits for anything to change in p; the caller holds p->lock, which is
 * dropped during the sleep. 0 or -EINTR. */
static int pipe_wait(struct pipe *p)
{
    uint32_t f = irq_save();
    mutex_unlock(&p->lock);
    int r = pipe_sleep(p);
    irq_restore(f);
    mutex_lock(&p->lock);
    return r;
}

/* ---- the ends ---- */

static long pipe_read(struct object *o, uint32_t ubuf, uint32_t n)
{
    struct pipe *p = end_pipe(o);
    long r;
    mutex_lock(&p->lock);
    for (;;) {
        if (p->count) {
            r = ring_out(p, ubuf, n);
            break;
        }
        if (!p->writers) {
            r = 0;
            break;
        }
        if (o->flags & O_NONBLOCK) {
            r = -EAGAIN;
            break;
        }
        if ((r = pipe_wait(p)) < 0)
            break;
    }
    mutex_unlock(&p->lock);
    if (r > 0)
        pipe_wake(p);
    return r;
}

static long pipe_write(struct object *o, uint32_t ubuf, uint32_t n)
{
    struct pipe *p = end_pipe(o);
    uint32_t done = 0, need = n <= PIPE_BUF ? n : 1;
    long r = 0;
    mutex_lock(&p->lock);
    while (done < n) {
        if (!p->readers) {
            signal_send_thread(current, SIGPIPE);
            r = -EPIPE;
            break;
        }
        if (PIPE_SIZE - p->count >= need) {
            if ((r = ring_in(p, ubuf + done, n - done)) < 0)
                break;
            done += (uint32_t)r;
            pipe_wake(p);
            continue;
        }
        if (o->flags & O_NONBLOCK) {
            r = -EAGAIN;
            break;
        }
        if ((r = pipe_wait(p)) < 0)
            break;
    }
    mutex_unlock(&p->lock);
    return done ? (long)done : r;
}

static long pipe_stat(struct object *o, struct kstat *st)
{
    struct pipe *p = end_pipe(o);
    if (p->ip) {
        inode_stat(p->ip, st);
        st->size = 0;
        return 0;
    }
    memset(st, 0, sizeof *st);
    st->mode = S_IFIFO | 0600;
    st->nlink = 1;
    st->ino = p->ino;
    st->blksize = PAGE_SIZE;
    return 0;
}

static long pipe_ioctl(struct object *o, uint32_t cmd, uint32_t arg)
{
    if (cmd != FIONREAD)
        return -ENOTTY;
    int n = (int)end_pipe(o)->count;
    return copyout(arg, &n, sizeof n) < 0 ? -EFAULT : 0;
}

static void pipe_free(struct pipe *p)
{
    for (struct pipe **pp = &fifos; *pp; pp = &(*pp)->next_fifo) {
        if (*pp == p) {
            *pp = p->next_fifo;
            break;
        }
    }
    for (unsigned i = 0; i < PIPE_PAGES; i++)
        if (p->frame[i])
            page_free(p->frame[i]);
    if (p->ip)
        inode_put(p->ip);
    kfree(p);
}

static void end_release(struct object *o)
{
    struct pipe_end *e = container_of(o, struct pipe_end, obj);
    struct pipe *p = e->p;
    if (object_readable(o))
        p->readers--;
    if (object_writable(o))
        p->writers--;
    kfree(e);
    pipe_wake(p);                     /* EOF for readers, EPIPE for writers */
    if (--p->ends == 0)
        pipe_free(p);
}

/* The ops have no lseek: the caller's answer for that is ESPIPE. */
static const struct object_ops pipe_ops = {
    .kind = "pipe",
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .ioctl = pipe_ioctl,
    .release = end_release,
};

static struct pipe *pipe_new(struct inode *ip)
{
    struct pipe *p = kmalloc(sizeof *p);
    if (!p)
        return NULL;
    for (unsigned i = 0; i < PIPE_PAGES; i++) {
        if (!(p->frame[i] = page_alloc())) {
            pipe_free(p);
            return NULL;
        }
    }
    p->ino = next_ino++;
    if (ip) {
        /* on the list before inode_get, which may sleep: a second opener
         * meanwhile must find this pipe, not make another */
        p->ip = ip;
        p->next_fifo = fifos;
        fifos = p;
        inode_get(ip);
    }
    return p;
}

/* A new end of p opened with flags (an access mode, O_NONBLOCK). */
static struct object *end_new(struct pipe *p, unsigned flags)
{
    struct pipe_end *e = kmalloc(sizeof *e);
    if (!e)
        return NULL;
    object_init(&e->obj, &pipe_ops, flags & (O_ACCMODE | O_NONBLOCK));
    e->p = p;
    p->ends++;
    if (object_readable(&e->obj)) {
        p->readers++;
        p->reader_opens++;
    }
    if (object_writable(&e->obj)) {
        p->writers++;
        p->writer_opens++;
    }
    pipe_wake(p);                     /* a FIFO open waiting for this side */
    return &e->obj;
}

/* ---- pipe, pipe2 ---- */

static long make_pipe(uint32_t ufds, unsigned flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    struct pipe *p = pipe_new(NULL);
    if (!p)
        return -ENOMEM;
    struct object *r = end_new(p, O_RDONLY | (flags & O_NONBLOCK));
    struct object *w = r ? end_new(p, O_WRONLY | (flags & O_NONBLOCK)) : NULL;
    if (!w) {
        if (r)
            object_put(r);
        else
            pipe_free(p);
        return -ENOMEM;
    }
    struct proc *me = curproc();
    unsigned hflags = (flags & O_CLOEXEC) ? FD_CLOEXEC : 0;
    int fds[2] = {handle_install(me, r, hflags, 0), -1};
    if (fds[0] >= 0)
        fds[1] = handle_install(me, w, hflags, 0);
    long err = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : 0;
    if (!err && copyout(ufds, fds, sizeof fds) < 0)
        err = -EFAULT;
    if (err) {
        /* whatever the table took it releases; the rest is ours to drop */
        if (fds[0] >= 0)
            handle_close(me, fds[0]);
        else
            object_put(r);
        if (fds[1] >= 0)
            handle_close(me, fds[1]);
        else
            object_put(w);
    }
    return err;
}

static long sys_pipe(const uint32_t *a) { return make_pipe(a[0], 0); }
static long sys_pipe2(const uint32_t *a) { return make_pipe(a[0], a[1]); }

/* ---- FIFOs ---- */

static struct pipe *fifo_find(struct inode *ip)
{
    for (struct pipe *p = fifos; p; p = p->next_fifo)
        if (p->ip == ip)
            return p;
    return NULL;
}

/* Waits until *opens moves past seen (the other side has opened). */
static int wait_opens(struct pipe *p, const unsigned *opens, unsigned seen)
{
    uint32_t f = irq_save();
    int r = 0;
    while (*opens == seen && r == 0)
        r = pipe_sleep(p);
    irq_restore(f);
    return r;
}

int fifo_open(struct inode *ip, unsigned flags, struct object **out)
{
    struct pipe *p = fifo_find(ip);
    if (!p && !(p = pipe_new(ip)))
        return -ENOMEM;
    unsigned readers_seen = p->reader_opens, writers_seen = p->writer_opens;
    struct object *o = end_new(p, flags);
    if (!o) {
        if (!p->ends)
            pipe_free(p);
        return -ENOMEM;
    }
    unsigned mode = flags & O_ACCMODE;
    int r = 0;
    if (mode == O_RDONLY && !(flags & O_NONBLOCK) && !p->writers)
        r = wait_opens(p, &p->writer_opens, writers_seen);
    else if (mode == O_WRONLY && !p->readers)
        r = (flags & O_NONBLOCK) ? -ENXIO : wait_opens(p, &p->reader_opens, readers_seen);
    if (r < 0) {
        object_put(o);
        return r;
    }
    *out = o;
    return 0;
}

const struct syscall_def pipe_syscalls[] = {
    SYSCALL_DEF(pipe), SYSCALL_DEF(pipe2),
    {0, NULL, NULL},
};
