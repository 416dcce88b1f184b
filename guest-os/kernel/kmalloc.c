/*
 * kmalloc.c: small kernel objects, from slabs: a slab is one page frame
 * holding objects of one power-of-two size behind a small header, with
 * its free objects on a list of their own.
 *
 * Rules kept here:
 *  - Each size class keeps a list of slabs that have a free object; a
 *    full slab is on no list and rejoins when an object comes back.
 *  - A slab that becomes empty goes back to the page allocator, unless it
 *    is the only one its class has (so one object allocated and freed in
 *    a loop does not allocate a page each time).
 *  - Objects are zeroed when handed out.
 */
#include "kmalloc.h"
#include "kalloc.h"
#include "lib.h"
#include "mmu.h"

#define MIN_SHIFT 5           /* 32 bytes */
#define NCLASS 7              /* 32 ... 2048 */

struct slab {
    struct slab *next, *prev; /* on its class's list of slabs with room */
    void *free;               /* its free objects, chained through their first word */
    unsigned cls, used;
};

#define SLAB_HEADER 32u

static struct slab *with_room[NCLASS];

static unsigned size_class(size_t size)
{
    unsigned c = 0;
    while ((32u << c) < size)
        c++;
    return c;
}

static void list_remove(struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        with_room[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void list_push(struct slab *s)
{
    s->prev = NULL;
    s->next = with_room[s->cls];
    if (s->next)
        s->next->prev = s;
    with_room[s->cls] = s;
}

static struct slab *slab_new(unsigned cls)
{
    uint32_t pa = page_alloc();
    if (!pa)
        return NULL;
    struct slab *s = P2V(pa);
    size_t size = (size_t)1 << (cls + MIN_SHIFT);
    s->cls = cls;
    char *first = (char *)s + MAX(SLAB_HEADER, size);
    for (char *o = (char *)s + PAGE_SIZE - size; o >= first; o -= size) {
        *(void **)o = s->free;
        s->free = o;
    }
    list_push(s);
    return s;
}

void *kmalloc(size_t size)
{
    if (size == 0 || size > KMALLOC_MAX)
        panic("kmalloc: bad size %u", (unsigned)size);
    unsigned cls = size_class(size);
    struct slab *s = with_room[cls];
    if (!s && !(s = slab_new(cls)))
        return NULL;
    void *o = s->free;
    s->free = *(void **)o;
    s->used++;
    if (!s->free)
        list_remove(s);
    memset(o, 0, (size_t)1 << (cls + MIN_SHIFT));
    return o;
}

void kfree(void *p)
{
    if (!p)
        return;
    struct slab *s = (struct slab *)PAGE_ROUND_DOWN((uint32_t)p);
    ASSERT(s->used > 0);
    bool was_full = s->free == NULL;
    *(void **)p = s->free;
    s->free = p;
    s->used--;
    if (was_full)
        list_push(s);
    if (s->used == 0 && (s->next || s->prev)) {
        list_remove(s);
        page_free(V2P(s));
    }
}
