/* malloc.c: the heap allocator.
 *
 * Requests of 128 KiB and more get a mapping of their own (mmap), given
 * back to the kernel on free. Smaller ones come from one brk heap of
 * blocks with boundary tags:
 *
 *     header: block size (a multiple of 8) | INUSE | PREV_INUSE
 *     payload: 8-aligned; in a free block, the list links
 *     footer: a free block's size repeated in its last word
 *
 * Free blocks sit in doubly linked lists by size class (powers of two)
 * and are merged with free neighbours at once, so no two free blocks are
 * adjacent. The heap ends in a zero-size INUSE header (the fence); when
 * the heap grows, the fence becomes the header of the new space. If brk
 * is refused, small requests fall back to mmap too. One lock covers it
 * all, so threads may allocate. */
#include <errno.h>
#include <isola.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define INUSE 1u
#define PREV_INUSE 2u
#define MAPPED 4u
#define FLAGS 7u
#define MIN_BLOCK 16u
#define MMAP_THRESHOLD (128u * 1024)
#define GROW (64u * 1024)
#define NBINS 24

typedef struct block {
    size_t head;                /* size | flags */
    struct block *next, *prev;  /* free blocks only */
} block;

static block *bins[NBINS];
static block *fence;
static mutex_t heap_lock;

static size_t bsize(block *b) { return b->head & ~FLAGS; }
static block *after(block *b) { return (block *)((char *)b + bsize(b)); }
static void *payload(block *b) { return (char *)b + sizeof(size_t); }
static block *from_payload(void *p) { return (block *)((char *)p - sizeof(size_t)); }

static int bin_of(size_t size)
{
    int i = 0;
    for (size >>= 4; size > 1 && i < NBINS - 1; size >>= 1)
        i++;
    return i;
}

static void bin_insert(block *b)
{
    size_t size = bsize(b);
    *(size_t *)((char *)b + size - sizeof(size_t)) = size;
    after(b)->head &= ~PREV_INUSE;
    int i = bin_of(size);
    b->prev = NULL;
    b->next = bins[i];
    if (bins[i])
        bins[i]->prev = b;
    bins[i] = b;
}

static void bin_remove(block *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        bins[bin_of(bsize(b))] = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

/* Merge a block that has just become free with its free neighbours and
 * file it. */
static void release(block *b)
{
    b->head &= ~INUSE;
    block *n = after(b);
    if (!(n->head & INUSE)) {
        bin_remove(n);
        b->head += bsize(n);
    }
    if (!(b->head & PREV_INUSE)) {
        size_t psize = *(size_t *)((char *)b - sizeof(size_t));
        block *p = (block *)((char *)b - psize);
        bin_remove(p);
        p->head += bsize(b);
        b = p;
    }
    bin_insert(b);
}

/* Add at least `need` bytes to the heap as one free block. */
static int grow(size_t need)
{
    size_t len = need + GROW;
    if (!fence) {
        char *start = sbrk(0);
        if (start == (void *)-1)
            return -1;
        size_t pad = (12 - (uintptr_t)start % 8) % 8;   /* header at 4 mod 8 */
        if (sbrk((intptr_t)(pad + sizeof(size_t))) == (void *)-1)
            return -1;
        fence = (block *)(start + pad);
        fence->head = INUSE | PREV_INUSE;
    }
    char *more = sbrk((intptr_t)len);
    if (more == (void *)-1)
        return -1;
    if (more != (char *)fence + sizeof(size_t))
        return -1;      /* someone else moved the break: do not bridge the gap */
    block *b = fence;
    b->head = len | (b->head & PREV_INUSE) | INUSE;
    fence = after(b);
    fence->head = INUSE;
    release(b);
    return 0;
}

static block *take(size_t need)
{
    for (int i = bin_of(need); i < NBINS; i++) {
        for (block *b = bins[i]; b; b = b->next) {
            if (bsize(b) >= need) {
                bin_remove(b);
                return b;
            }
        }
    }
    return NULL;
}

/* Mark b in use at `need` bytes, returning the rest to the bins. */
static void carve(block *b, size_t need)
{
    size_t size = bsize(b);
    if (size - need >= MIN_BLOCK) {
        b->head = need | (b->head & PREV_INUSE) | INUSE;
        block *rest = after(b);
        rest->head = (size - need) | PREV_INUSE | INUSE;
        release(rest);
    } else {
        b->head |= INUSE;
        after(b)->head |= PREV_INUSE;
    }
}

static void *map_alloc(size_t n)
{
    size_t len = (n + 8 + 4095) & ~(size_t)4095;
    char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    block *b = (block *)(m + 4);
    b->head = len | MAPPED | INUSE;
    return payload(b);
}

static size_t request_size(size_t n)
{
    size_t need = (n + sizeof(size_t) + 7) & ~(size_t)7;
    return need < MIN_BLOCK ? MIN_BLOCK : need;
}

void *malloc(size_t n)
{
    if (n > SIZE_MAX / 2) {
        errno = ENOMEM;
        return NULL;
    }
    if (n >= MMAP_THRESHOLD) {
        void *p = map_alloc(n);
        if (p)
            return p;       /* else try the heap: mmap may be missing */
    }
    size_t need = request_size(n);
    mutex_lock(&heap_lock);
    block *b = take(need);
    if (!b && grow(need) == 0)
        b = take(need);
    if (b)
        carve(b, need);
    mutex_unlock(&heap_lock);
    if (!b)
        return n >= MMAP_THRESHOLD ? NULL : map_alloc(n);
    return payload(b);
}

void free(void *p)
{
    if (!p)
        return;
    block *b = from_payload(p);
    if (b->head & MAPPED) {
        munmap((char *)b - 4, bsize(b));
        return;
    }
    mutex_lock(&heap_lock);
    release(b);
    mutex_unlock(&heap_lock);
}

void *calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

/* Grow or shrink in place when the block or its free successor allows. */
static int resize(block *b, size_t need)
{
    int ok = 0;
    mutex_lock(&heap_lock);
    block *n = after(b);
    if (bsize(b) < need && !(n->head & INUSE) && bsize(b) + bsize(n) >= need) {
        bin_remove(n);
        b->head += bsize(n);
        after(b)->head |= PREV_INUSE;
    }
    if (bsize(b) >= need) {
        size_t size = bsize(b);
        if (size - need >= MIN_BLOCK) {
            b->head = need | (b->head & (PREV_INUSE | INUSE));
            block *rest = after(b);
            rest->head = (size - need) | PREV_INUSE | INUSE;
            release(rest);
        }
        ok = 1;
    }
    mutex_unlock(&heap_lock);
    return ok;
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    if (n > SIZE_MAX / 2) {
        errno = ENOMEM;
        return NULL;
    }
    block *b = from_payload(p);
    size_t have;
    if (b->head & MAPPED) {
        have = bsize(b) - 8;
        if (n <= have && n >= MMAP_THRESHOLD)
            return p;
    } else {
        if (n < MMAP_THRESHOLD && resize(b, request_size(n)))
            return p;
        have = bsize(b) - sizeof(size_t);
    }
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, have < n ? have : n);
    free(p);
    return q;
}
