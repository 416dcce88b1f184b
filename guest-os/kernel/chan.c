/*
 * chan.c: channels and the exchange heap's system calls, after
 * Singularity (isola/syscall.h, 1040-1059, says what each call does).
 * A channel has two ends; each end is an object (object.h) reached
 * through handles, and has a queue of the messages sent to it. A message
 * carries a word, an exchange-heap block (vm.h: its frames, taken from
 * the sender's address space) and a reference to an object whose handle
 * was passed.
 *
 * Rules kept here:
 *  - A block in a queue belongs to the message: its frames are in no
 *    address space (or, frozen, read-only in those that share it), so
 *    between send and receive the sender has lost it and no one has
 *    gained it yet. Nothing is ever copied.
 *  - A send takes nothing from the sender until it is sure to succeed:
 *    the checks and the wait for room come first, then the block and the
 *    object go into the queue in one step that cannot block.
 *  - A receive leaves the message queued unless all of it (block mapped,
 *    handle installed) can be delivered.
 *  - Each call holds its own reference to the end it uses, so a channel
 *    is freed only when no call is inside it: when both ends are gone.
 *  - A channel end may travel only while its own channel carries no
 *    channel ends: then no channel can ever hold itself, through any
 *    number of others, and a channel kept alive only by its own queue
 *    (which no one could receive from or close) cannot arise. In a cycle
 *    every channel carries an end, so the send that would close one is
 *    the one refused.
 *  - Dropping a message can release an object, and that object can be a
 *    channel end with messages of its own: dropped messages go on one
 *    list that a single loop empties, so a chain of channels inside
 *    channels cannot overflow the kernel stack.
 */
#include "errno.h"
#include "kmalloc.h"
#include "kname.h"
#include "ktime.h"
#include "lib.h"
#include "object.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"

struct msg {
    struct msg *next;
    uint32_t word;
    struct xh_pages block;            /* n == 0: none */
    struct object *obj;               /* a passed handle's object, or NULL */
};

struct channel;

struct chan_end {
    struct object obj;
    struct channel *ch;
    int side;
};

struct channel {
    bool named;                       /* on chan_names */
    struct kname name;
    struct chan_end *end[2];          /* the ends alive (end 1 of a named channel
                                         appears at the first chan_open) */
    bool closed[2];                   /* the end was open and is gone */
    struct msg *head[2], *tail[2];    /* the messages waiting for each end */
    unsigned count[2];
    unsigned ends_carried;            /* queued messages that carry a channel end */
    unsigned want_msg[2];             /* threads waiting for a message for each end */
    unsigned want_room[2];            /* threads waiting for room in each end's queue */
};

static struct kname *chan_names;

/* Wakes those counted in *sleepers (and sleeping on it): wakeup() looks
 * at every thread, so only when someone waits there. */
static void chan_wake(unsigned *sleepers)
{
    if (*sleepers)
        wakeup(sleepers);
}

static struct msg *doomed;            /* messages to drop */
static bool dropping;

static void msg_free(struct msg *m)
{
    xh_pages_free(&m->block);
    if (m->obj)
        object_put(m->obj);
    kfree(m);
}

/* Drops a chain of messages; see the rules above for why in a loop. */
static void msgs_drop(struct msg *m)
{
    while (m) {
        struct msg *next = m->next;
        m->next = doomed;
        doomed = m;
        m = next;
    }
    if (dropping)
        return;
    dropping = true;
    while (doomed) {
        struct msg *d = doomed;
        doomed = d->next;
        msg_free(d);
    }
    dropping = false;
}

static bool carries_end(const struct msg *m);

/* Empties the queue of end `side`, appending its messages to *list. */
static void queue_take(struct channel *ch, int side, struct msg **list)
{
    for (struct msg *m = ch->head[side]; m; m = m->next)
        ch->ends_carried -= carries_end(m);
    if (ch->tail[side]) {
        ch->tail[side]->next = *list;
        *list = ch->head[side];
    }
    ch->head[side] = ch->tail[side] = NULL;
    ch->count[side] = 0;
}

/* ---- ends ---- */

/* The channel is settled (or freed) before any message is dropped:
 * dropping one may release the other end of this very channel. */
static void end_release(struct object *o)
{
    struct chan_end *e = container_of(o, struct chan_end, obj);
    struct channel *ch = e->ch;
    int s = e->side;
    struct msg *drop = NULL;
    kfree(e);
    ch->end[s] = NULL;
    ch->closed[s] = true;
    if (ch->named) {
        kname_remove(&chan_names, &ch->name);
        ch->named = false;
    }
    chan_wake(&ch->want_msg[!s]);     /* the other end's waits end in EPIPE */
    chan_wake(&ch->want_room[s]);
    queue_take(ch, s, &drop);         /* no one can receive those any more */
    if (!ch->end[!s]) {
        queue_take(ch, !s, &drop);
        kfree(ch);
    }
    msgs_drop(drop);
}

static const struct object_ops chan_ops = {
    .kind = "channel",
    .release = end_release,
};

static bool carries_end(const struct msg *m)
{
    return m->obj && m->obj->ops == &chan_ops;
}

static struct object *end_new(struct channel *ch, int side)
{
    struct chan_end *e = kmalloc(sizeof *e);
    if (!e)
        return NULL;
    object_init(&e->obj, &chan_ops, O_RDWR);
    e->ch = ch;
    e->side = side;
    ch->end[side] = e;
    return &e->obj;
}

static struct chan_end *end_ref(int h)
{
    struct object *o = handle_ref(curproc(), h);
    if (o && o->ops != &chan_ops) {
        object_put(o);
        return NULL;
    }
    return o ? container_of(o, struct chan_end, obj) : NULL;
}

/* Installs o (the caller's reference) in the caller's table. */
static long install(struct object *o)
{
    int h = handle_install(curproc(), o, 0, 0);
    if (h < 0)
        object_put(o);
    return h;
}

/* ---- waiting ---- */

static uint64_t deadline_for(int timeout_ms)
{
    if (timeout_ms <= 0)
        return 0;
    return ticks_now() + ((uint64_t)timeout_ms + MS_PER_TICK - 1) / MS_PER_TICK + 1;
}

/* Sleeps, counted in *sleepers, until chan_wake(sleepers): 0, or why
 * the wait is over. */
static int chan_wait(unsigned *sleepers, int timeout_ms, uint64_t deadline)
{
    if (timeout_ms == 0)
        return -EAGAIN;
    uint32_t f = irq_save();
    (*sleepers)++;
    int r = sleep_on(sleepers, deadline);
    (*sleepers)--;
    irq_restore(f);
    return r;
}

/* ---- the calls ---- */

static long sys_xh_alloc(const uint32_t *a)
{
    uint32_t addr;
    long r = as_xh_alloc(curproc()->as, a[0], &addr);
    return r < 0 ? r : (long)addr;
}

static long sys_xh_free(const uint32_t *a)
{
    struct xh_pages pg;
    long r = as_xh_take(curproc()->as, a[0], false, &pg);
    if (r == 0)
        xh_pages_free(&pg);
    return r;
}

static long sys_chan_create(const uint32_t *a)
{
    char name[KNAME_MAX];
    int r = kname_copyin(name, a[0]);
    if (r < 0)
        return r;
    if (kname_find(chan_names, name))
        return -EEXIST;
    struct channel *ch = kmalloc(sizeof *ch);
    struct object *o = ch ? end_new(ch, 0) : NULL;
    if (!o) {
        kfree(ch);
        return -ENOMEM;
    }
    kname_add(&chan_names, &ch->name, name);
    ch->named = true;
    return install(o);
}

static long sys_chan_open(const uint32_t *a)
{
    char name[KNAME_MAX];
    int r = kname_copyin(name, a[0]);
    if (r < 0)
        return r;
    struct kname *k = kname_find(chan_names, name);
    if (!k)
        return -ENOENT;
    struct channel *ch = container_of(k, struct channel, name);
    struct object *o = ch->end[1] ? object_get(&ch->end[1]->obj) : end_new(ch, 1);
    return o ? install(o) : -ENOMEM;
}

static long sys_chan_pair(const uint32_t *a)
{
    struct channel *ch = kmalloc(sizeof *ch);
    if (!ch)
        return -ENOMEM;
    struct object *e0 = end_new(ch, 0), *e1 = e0 ? end_new(ch, 1) : NULL;
    if (!e1) {
        if (e0)
            object_put(e0);           /* frees ch too */
        else
            kfree(ch);
        return -ENOMEM;
    }
    struct proc *p = curproc();
    int hs[2] = {handle_install(p, e0, 0, 0), -1};
    if (hs[0] >= 0)
        hs[1] = handle_install(p, e1, 0, 0);
    long err = hs[0] < 0 ? hs[0] : hs[1] < 0 ? hs[1] : 0;
    if (!err && copyout(a[0], hs, sizeof hs) < 0)
        err = -EFAULT;
    if (err) {
        if (hs[0] >= 0)
            handle_close(p, hs[0]);
        else
            object_put(e0);
        if (hs[1] >= 0)
            handle_close(p, hs[1]);
        else
            object_put(e1);
    }
    return err;
}

/* The object behind handle h, for a message (a reference of its own). */
static long passed_object(int h, struct object **out)
{
    *out = NULL;
    if (h == -1)
        return 0;
    *out = handle_ref(curproc(), h);
    return *out ? 0 : -EBADF;
}

/* Whether ch may carry o without making a cycle (see the rules): an end
 * of ch itself is EINVAL, an end of a channel that carries ends EBUSY.
 * Checked just before the message is queued, with no sleep between. */
static long cycle_check(struct channel *ch, struct object *o)
{
    if (!o || o->ops != &chan_ops)
        return 0;
    struct channel *inner = container_of(o, struct chan_end, obj)->ch;
    return inner == ch ? -EINVAL : inner->ends_carried ? -EBUSY : 0;
}

/* Waits until end `to` of ch can take a message. */
static long wait_room(struct channel *ch, int to, int timeout_ms)
{
    uint64_t deadline = deadline_for(timeout_ms);
    for (;;) {
        if (ch->closed[to])
            return -EPIPE;
        if (ch->count[to] < CHAN_QUEUE_MAX)
            return 0;
        long r = chan_wait(&ch->want_room[to], timeout_ms, deadline);
        if (r < 0)
            return r;
    }
}

static void enqueue(struct channel *ch, int to, struct msg *m)
{
    m->next = NULL;
    if (ch->tail[to])
        ch->tail[to]->next = m;
    else
        ch->head[to] = m;
    ch->tail[to] = m;
    ch->count[to]++;
    ch->ends_carried += carries_end(m);
    chan_wake(&ch->want_msg[to]);
}

static long send(struct chan_end *e, uint32_t umsg, unsigned flags, int timeout_ms)
{
    struct chan_msg cm;
    if (flags & ~CHAN_SHARE)
        return -EINVAL;
    if (copyin(&cm, umsg, sizeof cm) < 0)
        return -EFAULT;
    struct msg *m = kmalloc(sizeof *m);
    if (!m)
        return -ENOMEM;
    m->word = cm.word;
    long r = passed_object(cm.handle, &m->obj);
    if (r == 0)
        r = wait_room(e->ch, !e->side, timeout_ms);
    if (r == 0)
        r = cycle_check(e->ch, m->obj);
    if (r == 0 && cm.addr)
        r = as_xh_take(curproc()->as, (uint32_t)cm.addr, flags & CHAN_SHARE, &m->block);
    if (r < 0) {
        msg_free(m);
        return r;
    }
    enqueue(e->ch, !e->side, m);
    return 0;
}

static long sys_chan_send(const uint32_t *a)
{
    struct chan_end *e = end_ref((int)a[0]);
    if (!e)
        return -EBADF;
    long r = send(e, a[1], a[2], (int)a[3]);
    object_put(&e->obj);
    return r;
}

/* Waits for a message for end `side`; -EPIPE once none can come. */
static long wait_message(struct channel *ch, int side, int timeout_ms)
{
    uint64_t deadline = deadline_for(timeout_ms);
    for (;;) {
        if (ch->count[side])
            return 0;
        if (ch->closed[!side])
            return -EPIPE;
        long r = chan_wait(&ch->want_msg[side], timeout_ms, deadline);
        if (r < 0)
            return r;
    }
}

/* Delivers the first message for end `side` into the caller: a handle,
 * a mapping, then off the queue. */
static long deliver(struct channel *ch, int side, struct chan_msg *out)
{
    struct msg *m = ch->head[side];
    struct proc *p = curproc();
    *out = (struct chan_msg){NULL, 0, -1, m->word, 0};
    if (m->obj) {
        out->handle = handle_install(p, object_get(m->obj), 0, 0);
        if (out->handle < 0) {
            object_put(m->obj);
            return out->handle;
        }
    }
    if (m->block.n) {
        uint32_t addr;
        long r = as_xh_place(p->as, &m->block, &addr);
        if (r < 0) {
            if (out->handle >= 0)
                handle_close(p, out->handle);
            return r;
        }
        out->addr = (void *)addr;
        out->size = m->block.n * PAGE_SIZE;
        out->flags = m->block.frozen ? CHAN_SHARE : 0;
        kfree(m->block.frames);       /* the mapping holds the frames now */
        m->block = (struct xh_pages){NULL, 0, false};
    }
    ch->head[side] = m->next;
    if (!ch->head[side])
        ch->tail[side] = NULL;
    ch->count[side]--;
    ch->ends_carried -= carries_end(m);
    msg_free(m);                      /* the new handle holds the object */
    chan_wake(&ch->want_room[side]);  /* room for a waiting sender */
    return 0;
}

static long recv(struct chan_end *e, uint32_t umsg, int timeout_ms)
{
    struct chan_msg out = {NULL, 0, -1, 0, 0};
    /* the result is written last, when the message is already ours:
     * check now that it can be */
    if (copyout(umsg, &out, sizeof out) < 0)
        return -EFAULT;
    long r = wait_message(e->ch, e->side, timeout_ms);
    if (r == 0)
        r = deliver(e->ch, e->side, &out);
    if (r == 0 && copyout(umsg, &out, sizeof out) < 0)
        r = -EFAULT;
    return r;
}

static long sys_chan_recv(const uint32_t *a)
{
    struct chan_end *e = end_ref((int)a[0]);
    if (!e)
        return -EBADF;
    long r = recv(e, a[1], (int)a[2]);
    object_put(&e->obj);
    return r;
}

const struct syscall_def chan_syscalls[] = {
    SYSCALL_DEF(xh_alloc), SYSCALL_DEF(xh_free), SYSCALL_DEF(chan_create),
    SYSCALL_DEF(chan_open), SYSCALL_DEF(chan_pair), SYSCALL_DEF(chan_send),
    SYSCALL_DEF(chan_recv),
    {0, NULL, NULL},
};
