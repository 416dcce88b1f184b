/*
 * handle.c: objects and the per-process handle table (see object.h).
 */
#include "object.h"
#include "errno.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"

void object_init(struct object *o, const struct object_ops *ops, unsigned flags)
{
    o->ops = ops;
    o->refs = 1;
    o->flags = flags;
}

struct object *object_get(struct object *o)
{
    o->refs++;
    return o;
}

void object_put(struct object *o)
{
    ASSERT(o->refs > 0);
    if (--o->refs == 0 && o->ops->release)
        o->ops->release(o);
}

int handle_install(struct proc *p, struct object *o, unsigned flags, int from)
{
    for (int h = from < 0 ? 0 : from; h < NHANDLE; h++) {
        if (!p->handles[h].obj) {
            p->handles[h] = (struct handle){o, flags};
            return h;
        }
    }
    return -EMFILE;
}

struct object *handle_ref(struct proc *p, int h)
{
    if (h < 0 || h >= NHANDLE || !p->handles[h].obj)
        return NULL;
    return object_get(p->handles[h].obj);
}

int handle_close(struct proc *p, int h)
{
    if (h < 0 || h >= NHANDLE || !p->handles[h].obj)
        return -EBADF;
    struct object *o = p->handles[h].obj;
    p->handles[h].obj = NULL;
    object_put(o);
    return 0;
}

int handle_dup2(struct proc *p, int h, int to, unsigned flags)
{
    if (h < 0 || h >= NHANDLE || !p->handles[h].obj || to < 0 || to >= NHANDLE)
        return -EBADF;
    if (h == to)
        return to;
    struct object *o = object_get(p->handles[h].obj);
    if (p->handles[to].obj)
        handle_close(p, to);
    p->handles[to] = (struct handle){o, flags};
    return to;
}

void handles_copy(struct proc *dst, const struct proc *src)
{
    for (int h = 0; h < NHANDLE; h++) {
        dst->handles[h] = src->handles[h];
        if (dst->handles[h].obj)
            object_get(dst->handles[h].obj);
    }
}

void handles_close_all(struct proc *p)
{
    for (int h = 0; h < NHANDLE; h++)
        if (p->handles[h].obj)
            handle_close(p, h);
}

void handles_close_on_exec(struct proc *p)
{
    for (int h = 0; h < NHANDLE; h++)
        if (p->handles[h].obj && (p->handles[h].flags & FD_CLOEXEC))
            handle_close(p, h);
}
