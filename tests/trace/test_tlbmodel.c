/*
 * test_tlbmodel.c: the TLB model (emu/cpu/tlb.c) against a reference
 * model written for clarity, not speed, on random access streams: every
 * geometry from 1 entry to 64, 1 to 64 ways, under LRU, FIFO and RANDOM,
 * with fills on misses, flushes (keeping global entries or not), INVLPG
 * of small and large pages and changes of tag (CR3 writes with
 * -tlb tagged=on) mixed in; and the page-walk cache against a reference
 * of its own.
 *
 * Rules kept here:
 *  - The reference keeps, per set, its ways in an array and the order
 *    that decides the victim in a list: most recently used first (LRU),
 *    or in fill order (FIFO); RANDOM draws with the same xorshift64 the
 *    policy is defined by (tlb.h). A free way is always taken first,
 *    the lowest-numbered.
 *  - A way holds a page under a tag; a lookup matches its page under the
 *    current tag, or a global way under any. INVLPG ignores tags.
 *  - After every operation both models must agree on the outcome (hit or
 *    miss, and the way) and on every way's contents.
 *  - The exit status is the number of disagreements (0 = pass); each is
 *    printed with the seed and step that shows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlb.h"

#define MAX_WAYS 64
#define MAX_SETS 64
#define STEPS 20000

struct ref_way {
    int valid;
    uint32_t vpn, tag;
    int global, large;
};

struct ref {
    unsigned sets, ways;
    enum tlb_policy policy;
    uint64_t rng;
    uint32_t tag;                         /* the current address space */
    struct ref_way w[MAX_SETS][MAX_WAYS];
    unsigned order[MAX_SETS][MAX_WAYS];   /* way numbers: victim last */
    unsigned norder[MAX_SETS];
};

static int failures;

static void ref_init(struct ref *r, unsigned entries, unsigned ways, enum tlb_policy p,
                     uint64_t seed)
{
    memset(r, 0, sizeof *r);
    r->sets = entries / ways;
    r->ways = ways;
    r->policy = p;
    r->rng = seed;
}

/* Take way out of the set's order list (if there). */
static void unlist(struct ref *r, unsigned set, unsigned way)
{
    unsigned *o = r->order[set], n = r->norder[set];
    for (unsigned k = 0; k < n; k++)
        if (o[k] == way) {
            memmove(&o[k], &o[k + 1], (n - k - 1) * sizeof *o);
            r->norder[set]--;
            return;
        }
}

static void front(struct ref *r, unsigned set, unsigned way)
{
    unlist(r, set, way);
    memmove(&r->order[set][1], &r->order[set][0], r->norder[set] * sizeof(unsigned));
    r->order[set][0] = way;
    r->norder[set]++;
}

static int ref_lookup(struct ref *r, uint32_t vpn)
{
    unsigned set = vpn % r->sets;
    for (unsigned k = 0; k < r->ways; k++)
        if (r->w[set][k].valid && r->w[set][k].vpn == vpn &&
            (r->w[set][k].global || r->w[set][k].tag == r->tag)) {
            if (r->policy == TLB_LRU)
                front(r, set, k);
            return (int)k;
        }
    return -1;
}

static unsigned ref_fill(struct ref *r, uint32_t vpn, int global, int large)
{
    unsigned set = vpn % r->sets, way = r->ways;
    for (unsigned k = 0; k < r->ways && way == r->ways; k++)
        if (!r->w[set][k].valid)
            way = k;
    if (way == r->ways) {
        if (r->policy == TLB_RANDOM) {
            uint64_t x = r->rng;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            r->rng = x;
            way = (unsigned)(x & (r->ways - 1));
        } else {
            way = r->order[set][r->norder[set] - 1];
        }
    }
    r->w[set][way] = (struct ref_way){1, vpn, r->tag, global, large};
    front(r, set, way);   /* LRU: just used; FIFO: newest fill */
    return way;
}

static void ref_drop(struct ref *r, unsigned set, unsigned way)
{
    r->w[set][way].valid = 0;
    unlist(r, set, way);
}

static void ref_flush(struct ref *r, int keep_global)
{
    for (unsigned s = 0; s < r->sets; s++)
        for (unsigned k = 0; k < r->ways; k++)
            if (r->w[s][k].valid && !(keep_global && r->w[s][k].global))
                ref_drop(r, s, k);
}

static void ref_invlpg(struct ref *r, uint32_t vpn, uint32_t span)
{
    for (unsigned s = 0; s < r->sets; s++)
        for (unsigned k = 0; k < r->ways; k++) {
            struct ref_way *w = &r->w[s][k];
            if (w->valid && (w->vpn == vpn ||
                             (w->large && (w->vpn & ~(span - 1)) == (vpn & ~(span - 1)))))
                ref_drop(r, s, k);
        }
}

static void compare(const struct tlb *t, const struct ref *r, const char *what,
                    uint64_t seed, unsigned step)
{
    for (unsigned s = 0; s < r->sets; s++)
        for (unsigned k = 0; k < r->ways; k++) {
            const struct tlb_entry *e = &t->e[s * t->ways + k];
            const struct ref_way *w = &r->w[s][k];
            if (!!e->valid != w->valid || (w->valid && (e->vpn != w->vpn || e->tag != w->tag))) {
                printf("not ok: %s seed %llu step %u: set %u way %u holds %s%x, the "
                       "reference %s%x\n", what, (unsigned long long)seed, step, s, k,
                       e->valid ? "" : "(invalid) ", e->vpn, w->valid ? "" : "(invalid) ",
                       w->vpn);
                failures++;
                return;
            }
        }
}

/* One random stream on one geometry and policy. Pages are drawn from a
 * pool a little larger than the TLB, so hits, misses and evictions all
 * happen; now and then a flush or an INVLPG. */
static void run(unsigned entries, unsigned ways, enum tlb_policy p, uint64_t seed)
{
    static const char *const names[] = {"LRU", "FIFO", "RANDOM"};
    char what[64];
    struct tlb t;
    static struct ref r;
    uint64_t tseed = seed * 2654435761u + 1;
    snprintf(what, sizeof what, "%u entries %u ways %s", entries, ways, names[p]);
    if (!tlb_setup(&t, entries, ways, p, tseed)) {
        printf("not ok: %s: tlb_setup refused\n", what);
        failures++;
        return;
    }
    ref_init(&r, entries, ways, p, tseed);
    srand((unsigned)seed);
    unsigned pool = entries + entries / 2 + 2;
    for (unsigned step = 0; step < STEPS && failures < 20; step++) {
        unsigned op = (unsigned)rand() % 1000;
        uint32_t vpn = 0x1000 + (uint32_t)rand() % pool;
        if (op < 5) {
            int keep = rand() & 1;
            tlb_invalidate_all(&t, keep, NULL, NULL);
            ref_flush(&r, keep);
        } else if (op < 15) {
            tlb_invalidate_page(&t, vpn, 1024, NULL, NULL);
            ref_invlpg(&r, vpn, 1024);
        } else if (op < 30) {   /* a CR3 write that keeps entries: one of 3 spaces */
            r.tag = t.tag = 0x1000u * (1 + (uint32_t)rand() % 3);
        } else {
            struct tlb_entry *e = tlb_lookup(&t, vpn);
            int way = ref_lookup(&r, vpn);
            int got = e ? (int)(e - tlb_set_of(&t, vpn)) : -1;
            if (got != way) {
                printf("not ok: %s seed %llu step %u: lookup of %x: way %d, the reference "
                       "%d\n", what, (unsigned long long)seed, step, vpn, got, way);
                failures++;
            }
            if (!e) {   /* a miss fills, as the walker does */
                struct tlb_entry fill = {.vpn = vpn, .pfn = vpn, .global = (vpn % 7) == 0,
                                         .large = (vpn % 11) == 0};
                struct tlb_entry *slot = tlb_victim(&t, vpn);
                tlb_fill(&t, slot, &fill);
                unsigned rway = ref_fill(&r, vpn, fill.global, fill.large);
                if ((unsigned)(slot - tlb_set_of(&t, vpn)) != rway) {
                    printf("not ok: %s seed %llu step %u: fill of %x into way %u, the "
                           "reference %u\n", what, (unsigned long long)seed, step, vpn,
                           (unsigned)(slot - tlb_set_of(&t, vpn)), rway);
                    failures++;
                }
            }
        }
        compare(&t, &r, what, seed, step);
    }
    tlb_release(&t);
}

/* The page-walk cache: fully associative LRU over keys. */
static void run_pwc(unsigned n, uint64_t seed)
{
    struct pwc p;
    uint32_t ref[PWC_MAX];
    unsigned used = 0;
    pwc_setup(&p, n);
    srand((unsigned)seed);
    for (unsigned step = 0; step < STEPS; step++) {
        uint32_t key = PWC_VALID | (2u << 24) | (uint32_t)(rand() % (int)(n + n / 2 + 2));
        unsigned op = (unsigned)rand() % 100, k;
        for (k = 0; k < used && ref[k] != key; k++)
            ;
        if (op < 2) {
            pwc_clear(&p);
            used = 0;
            continue;
        }
        bool hit = pwc_lookup(&p, key);
        if (hit != (k < used)) {
            printf("not ok: pwc %u seed %llu step %u: %s, the reference %s\n", n,
                   (unsigned long long)seed, step, hit ? "hit" : "miss",
                   k < used ? "hit" : "miss");
            failures++;
            return;
        }
        if (k < used) {   /* most recent first */
            memmove(&ref[1], &ref[0], k * sizeof *ref);
            ref[0] = key;
            continue;
        }
        pwc_insert(&p, key);
        if (used < n)
            used++;
        memmove(&ref[1], &ref[0], (used - 1) * sizeof *ref);
        ref[0] = key;
    }
}

int main(void)
{
    static const unsigned geo[][2] = {{1, 1}, {2, 1}, {2, 2}, {4, 1}, {4, 2}, {4, 4},
                                      {8, 2}, {16, 4}, {32, 4}, {32, 32}, {64, 4},
                                      {64, 8}, {64, 64}};
    for (unsigned g = 0; g < sizeof geo / sizeof geo[0]; g++)
        for (unsigned p = TLB_LRU; p <= TLB_RANDOM; p++)
            for (uint64_t seed = 1; seed <= 3; seed++)
                run(geo[g][0], geo[g][1], (enum tlb_policy)p, seed + 10 * g);
    for (unsigned n = 1; n <= 32; n *= 2)
        run_pwc(n, n);
    if (!failures)
        printf("ok: the TLB and the page-walk cache agree with the reference models\n");
    return failures > 99 ? 99 : failures;
}
