/*
 * shm.c: shared-memory objects (shm.h) and their system calls,
 * shmem_open and shmem_unlink (isola/syscall.h, 1030-1039).
 *
 * Rules kept here:
 *  - A handle is an object of its own (struct shm_handle) holding one
 *    reference to the shared object and the access mode it was opened
 *    with, so two processes can hold the same memory with different
 *    rights, and a handle passed over a channel keeps its rights.
 *  - A frame table entry is 0 until someone touches the page; the table
 *    itself is up to SHM_TABLES frames of frame numbers.
 *  - A name names at most one live object; shmem_unlink takes it off at
 *    once, and the object lives on, unnamed, for those who hold it.
 */
#include "shm.h"
#include "errno.h"
#include "kalloc.h"
#include "kmalloc.h"
#include "kname.h"
#include "kstat.h"
#include "lib.h"
#include "mmu.h"
#include "object.h"
#include "proc.h"
#include "syscall.h"

#define PER_TABLE (PAGE_SIZE / sizeof(uint32_t))
#define SHM_TABLES (SHM_MAX_PAGES / PER_TABLE)

struct shm {
    int refs;
    bool named;                       /* on shm_names */
    struct kname name;
    uint32_t npages;
    uint32_t table[SHM_TABLES];       /* frames of frame numbers, PER_TABLE each */
};

struct shm_handle {
    struct object obj;
    struct shm *s;
};

static struct kname *shm_names;

static uint32_t *slot(struct shm *s, uint32_t i)
{
    return (uint32_t *)P2V(s->table[i / PER_TABLE]) + i % PER_TABLE;
}

static void shm_free(struct shm *s)
{
    if (s->named)
        kname_remove(&shm_names, &s->name);
    for (uint32_t t = 0; t < SHM_TABLES; t++) {
        if (!s->table[t])
            continue;
        const uint32_t *frames = P2V(s->table[t]);
        for (uint32_t i = 0; i < PER_TABLE; i++)
            if (frames[i])
                page_free(frames[i]);
        page_free(s->table[t]);
    }
    kfree(s);
}

struct shm *shm_anon(uint32_t npages)
{
    if (npages == 0 || npages > SHM_MAX_PAGES)
        return NULL;
    struct shm *s = kmalloc(sizeof *s);
    if (!s)
        return NULL;
    s->refs = 1;
    s->npages = npages;
    for (uint32_t t = 0; t * PER_TABLE < npages; t++) {
        if (!(s->table[t] = page_alloc())) {
            shm_free(s);
            return NULL;
        }
    }
    return s;
}

void shm_hold(struct shm *s) { s->refs++; }

void shm_drop(struct shm *s)
{
    ASSERT(s->refs > 0);
    if (--s->refs == 0)
        shm_free(s);
}

uint32_t shm_npages(const struct shm *s) { return s->npages; }

bool shm_has_frame(struct shm *s, uint32_t i)
{
    return i < s->npages && *slot(s, i);
}

uint32_t shm_frame(struct shm *s, uint32_t i)
{
    if (i >= s->npages)
        return 0;
    uint32_t *f = slot(s, i);
    if (!*f)
        *f = page_alloc();
    return *f;
}

/* ---- handles ---- */

static long handle_stat(struct object *o, struct kstat *st)
{
    struct shm *s = container_of(o, struct shm_handle, obj)->s;
    memset(st, 0, sizeof *st);
    st->mode = S_IFREG | (object_writable(o) ? 0600 : 0400);
    st->nlink = s->named;
    st->size = (uint64_t)s->npages * PAGE_SIZE;
    st->blksize = PAGE_SIZE;
    return 0;
}

static void handle_release(struct object *o)
{
    struct shm_handle *h = container_of(o, struct shm_handle, obj);
    shm_drop(h->s);
    kfree(h);
}

static const struct object_ops shm_ops = {
    .kind = "shm",
    .stat = handle_stat,
    .release = handle_release,
};

struct shm *shm_of(struct object *o)
{
    if (o->ops != &shm_ops)
        return NULL;
    struct shm *s = container_of(o, struct shm_handle, obj)->s;
    shm_hold(s);
    return s;
}

/* A handle on s in the caller's table; takes a reference of its own. */
static long install(struct shm *s, unsigned flags)
{
    struct shm_handle *h = kmalloc(sizeof *h);
    if (!h)
        return -ENOMEM;
    object_init(&h->obj, &shm_ops, flags & O_ACCMODE);
    h->s = s;
    shm_hold(s);
    int fd = handle_install(curproc(), &h->obj, (flags & O_CLOEXEC) ? FD_CLOEXEC : 0, 0);
    if (fd < 0)
        object_put(&h->obj);
    return fd;
}

static long sys_shmem_open(const uint32_t *a)
{
    uint32_t size = a[1], flags = a[2];
    char name[KNAME_MAX];
    if ((flags & ~(O_ACCMODE | O_CREAT | O_EXCL | O_CLOEXEC)) ||
        ((flags & O_ACCMODE) != O_RDONLY && (flags & O_ACCMODE) != O_RDWR))
        return -EINVAL;
    int r = kname_copyin(name, a[0]);
    if (r < 0)
        return r;
    struct kname *k = kname_find(shm_names, name);
    if (k) {
        struct shm *s = container_of(k, struct shm, name);
        if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
            return -EEXIST;
        if (size > (uint64_t)s->npages * PAGE_SIZE)
            return -EINVAL;
        return install(s, flags);
    }
    if (!(flags & O_CREAT))
        return -ENOENT;
    if (size == 0 || size > SHM_MAX_PAGES * PAGE_SIZE)
        return -EINVAL;
    struct shm *s = shm_anon(PAGE_ROUND_UP(size) / PAGE_SIZE);
    if (!s)
        return -ENOMEM;
    kname_add(&shm_names, &s->name, name);
    s->named = true;
    long fd = install(s, flags);
    shm_drop(s);
    return fd;
}

static long sys_shmem_unlink(const uint32_t *a)
{
    char name[KNAME_MAX];
    int r = kname_copyin(name, a[0]);
    if (r < 0)
        return r;
    struct kname *k = kname_find(shm_names, name);
    if (!k)
        return -ENOENT;
    kname_remove(&shm_names, k);
    container_of(k, struct shm, name)->named = false;
    return 0;
}

const struct syscall_def shm_syscalls[] = {
    SYSCALL_DEF(shmem_open), SYSCALL_DEF(shmem_unlink),
    {0, NULL, NULL},
};
