/*
 * object.h: kernel objects and the per-process handle table.
 *
 * Everything a process can hold (an open file, the console, an event, and
 * later pipes and channels) is an object reached through a small integer
 * handle: a file descriptor is just a handle. A process can name only the
 * objects in its own table, so handles are capabilities.
 *
 * Rules kept here:
 *  - An object lives while it has references; each handle holds one, and a
 *    system call working on an object holds its own (handle_ref) so that
 *    another thread closing the handle meanwhile cannot free it.
 *  - An operation an object does not support is NULL in its ops and the
 *    caller gets the errno the ops table names for that case.
 *  - User buffers reach objects as user addresses; objects copy with
 *    copyin/copyout (uaccess.h) themselves.
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <stdint.h>

struct object;
struct kstat;
struct proc;

struct object_ops {
    const char *kind;
    long (*read)(struct object *o, uint32_t ubuf, uint32_t n);
    long (*write)(struct object *o, uint32_t ubuf, uint32_t n);
    /* whence is SEEK_SET/CUR/END; the new offset is stored in *pos */
    long (*lseek)(struct object *o, int64_t off, int whence, int64_t *pos);
    long (*ioctl)(struct object *o, uint32_t cmd, uint32_t arg);
    long (*stat)(struct object *o, struct kstat *st);
    long (*getdents)(struct object *o, uint32_t ubuf, uint32_t n);
    long (*truncate)(struct object *o, uint64_t len);
    long (*sync)(struct object *o);
    /* the last reference is gone: free the object */
    void (*release)(struct object *o);
};

struct object {
    const struct object_ops *ops;
    int refs;
    unsigned flags;            /* O_ACCMODE, O_APPEND, O_NONBLOCK as opened */
};

#define O_ACCMODE 0003
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define FD_CLOEXEC 1

void object_init(struct object *o, const struct object_ops *ops, unsigned flags);
struct object *object_get(struct object *o);
void object_put(struct object *o);
static inline int object_readable(const struct object *o) { return (o->flags & O_ACCMODE) != O_WRONLY; }
static inline int object_writable(const struct object *o) { return (o->flags & O_ACCMODE) != O_RDONLY; }

#define NHANDLE 64

struct handle {
    struct object *obj;
    unsigned flags;            /* FD_CLOEXEC */
};

/* Installs o at the lowest free handle at or above `from`; the table
 * takes over the caller's reference. Returns the handle or -EMFILE. */
int handle_install(struct proc *p, struct object *o, unsigned flags, int from);
/* The object behind h with a reference of the caller's own, or NULL. */
struct object *handle_ref(struct proc *p, int h);
int handle_close(struct proc *p, int h);
int handle_dup2(struct proc *p, int h, int to, unsigned flags);
void handles_copy(struct proc *dst, const struct proc *src);
void handles_close_all(struct proc *p);
void handles_close_on_exec(struct proc *p);

#endif
