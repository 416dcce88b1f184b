/*
 * tool_common.c: marker replay, the page map and the reuse-distance
 * histogram that the isola-trace commands share (see tool.h).
 *
 * Rules kept here:
 *  - The reuse distance is exact: a Fenwick tree over use times holds a
 *    1 at the last use of each page, so the distinct pages used since a
 *    page's previous use are the 1s after it. Times are renumbered
 *    (compacted) when the tree is full, so memory follows the number of
 *    distinct pages, not the length of the trace.
 */
#include "trace/tool.h"

#include <stdlib.h>
#include <string.h>

/* ---- replay ---- */

void replay_record(struct replay *r, const struct tf_record *rec, int *ended)
{
    *ended = -1;
    r->cr3 = rec->cr3;
    switch (rec->type) {
    case TF_PROC:
        r->named = true;
        r->pid = rec->pid;
        memcpy(r->name, rec->name, sizeof r->name);
        break;
    case TF_BEGIN:
        if (r->nopen < TOOL_REGIONS_MAX) {
            memcpy(r->open[r->nopen], rec->name, sizeof r->open[0]);
            r->open_pid[r->nopen] = rec->pid;
            r->open_at[r->nopen] = rec->icount;
            r->nopen++;
        }
        break;
    case TF_END:
        /* the latest open region of that name ends; it moves to the end */
        for (int k = (int)r->nopen - 1; k >= 0; k--) {
            if (strcmp(r->open[k], rec->name) != 0)
                continue;
            char name[TF_NAME_MAX + 1];
            uint32_t pid = r->open_pid[k];
            uint64_t at = r->open_at[k];
            memcpy(name, r->open[k], sizeof name);
            for (unsigned j = (unsigned)k; j + 1 < r->nopen; j++) {
                memcpy(r->open[j], r->open[j + 1], sizeof name);
                r->open_pid[j] = r->open_pid[j + 1];
                r->open_at[j] = r->open_at[j + 1];
            }
            r->nopen--;
            memcpy(r->open[r->nopen], name, sizeof name);
            r->open_pid[r->nopen] = pid;
            r->open_at[r->nopen] = at;
            *ended = (int)r->nopen;
            break;
        }
        break;
    default:
        break;
    }
}

void replay_process(const struct replay *r, char *buf, size_t len)
{
    if (r->named)
        snprintf(buf, len, "%u %s", r->pid, r->name);
    else
        snprintf(buf, len, "cr3=%08x", r->cr3);
}

int tool_read_error(const struct tf_reader *r)
{
    fprintf(stderr, "isola-trace: %s\n", r->err);
    return 1;
}

/* ---- page map: open addressing, linear probing ---- */

bool pmap_init(struct pmap *m, size_t vsize)
{
    *m = (struct pmap){.vsize = vsize, .cap = 1024};
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, vsize);
    return m->keys && m->vals;
}

void pmap_free(struct pmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
}

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xFF51AFD7ED558CCDull;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

static bool pmap_grow(struct pmap *m)
{
    struct pmap n = {.vsize = m->vsize, .cap = m->cap * 2};
    n.keys = calloc(n.cap, sizeof *n.keys);
    n.vals = calloc(n.cap, n.vsize);
    if (!n.keys || !n.vals) {
        pmap_free(&n);
        return false;
    }
    for (size_t k = 0; k < m->cap; k++) {
        if (!m->keys[k])
            continue;
        size_t s = slot_of(m->keys[k] - 1, n.cap);
        while (n.keys[s])
            s = (s + 1) & (n.cap - 1);
        n.keys[s] = m->keys[k];
        memcpy((char *)n.vals + s * n.vsize, (char *)m->vals + k * m->vsize, m->vsize);
    }
    n.n = m->n;
    pmap_free(m);
    *m = n;
    return true;
}

void *pmap_get(struct pmap *m, uint64_t key, bool *is_new)
{
    if ((m->n + 1) * 4 > m->cap * 3 && !pmap_grow(m))
        return NULL;
    size_t s = slot_of(key, m->cap);
    while (m->keys[s] && m->keys[s] != key + 1)
        s = (s + 1) & (m->cap - 1);
    if (is_new)
        *is_new = !m->keys[s];
    if (!m->keys[s]) {
        m->keys[s] = key + 1;
        m->n++;
    }
    return (char *)m->vals + s * m->vsize;
}

void pmap_each(const struct pmap *m, void (*fn)(uint64_t key, void *val, void *ctx), void *ctx)
{
    for (size_t k = 0; k < m->cap; k++)
        if (m->keys[k])
            fn(m->keys[k] - 1, (char *)m->vals + k * m->vsize, ctx);
}

/* ---- reuse distance ---- */

static void bit_add(struct reuse *u, uint64_t i, int d)
{
    for (; i <= u->cap; i += i & -i)
        u->tree[i] += (uint32_t)d;
}

static uint64_t bit_sum(const struct reuse *u, uint64_t i)
{
    uint64_t s = 0;
    for (; i; i -= i & -i)
        s += u->tree[i];
    return s;
}

bool reuse_init(struct reuse *u)
{
    *u = (struct reuse){.cap = 1u << 16};
    u->tree = calloc(u->cap + 1, sizeof *u->tree);
    return u->tree && pmap_init(&u->last, sizeof(uint64_t));
}

void reuse_free(struct reuse *u)
{
    free(u->tree);
    pmap_free(&u->last);
    u->tree = NULL;
}

struct order {
    uint64_t *slot;   /* where the page's time is kept */
};

static int by_time(const void *a, const void *b)
{
    uint64_t x = *((const struct order *)a)->slot, y = *((const struct order *)b)->slot;
    return (x > y) - (x < y);
}

static void collect(uint64_t key, void *val, void *ctx)
{
    struct order **o = ctx;
    (void)key;
    (*o)->slot = val;
    (*o)++;
}

/* Renumber the pages' last uses 1..n in the same order, in a tree
 * at least twice that size. */
static bool compact(struct reuse *u)
{
    size_t n = u->last.n;
    uint64_t cap = u->cap;
    while (cap < 2 * (uint64_t)n + 1024)
        cap *= 2;
    struct order *o = malloc((n ? n : 1) * sizeof *o), *p = o;
    uint32_t *tree = calloc(cap + 1, sizeof *tree);
    if (!o || !tree) {
        free(o);
        free(tree);
        return false;
    }
    pmap_each(&u->last, collect, &p);
    qsort(o, n, sizeof *o, by_time);
    free(u->tree);
    u->tree = tree;
    u->cap = cap;
    for (size_t k = 0; k < n; k++) {
        *o[k].slot = k + 1;
        bit_add(u, k + 1, 1);
    }
    u->now = n;
    free(o);
    return true;
}

static unsigned bucket_of(uint64_t d)
{
    unsigned b = 0;
    while (d && b < REUSE_BUCKETS - 1) {
        d >>= 1;
        b++;
    }
    return b;   /* 0 -> 0, 1 -> 1, 2-3 -> 2, 4-7 -> 3 ... */
}

bool reuse_use(struct reuse *u, uint64_t key)
{
    if (u->now == u->cap && !compact(u))
        return false;
    bool fresh;
    uint64_t *last = pmap_get(&u->last, key, &fresh);
    if (!last)
        return false;
    uint64_t t = ++u->now;
    if (fresh) {
        u->cold++;
    } else {
        u->hist[bucket_of(bit_sum(u, t - 1) - bit_sum(u, *last))]++;
        bit_add(u, *last, -1);
    }
    bit_add(u, t, 1);
    *last = t;
    return true;
}

void reuse_label(unsigned b, char *buf, size_t len)
{
    if (b == 0)
        snprintf(buf, len, "0");
    else if (b == 1)
        snprintf(buf, len, "1");
    else if (b == REUSE_BUCKETS - 1)
        snprintf(buf, len, ">=%llu", 1ull << (b - 1));
    else
        snprintf(buf, len, "%llu-%llu", 1ull << (b - 1), (1ull << b) - 1);
}
