/*
 * tlb.c: a set-associative TLB with a choice of replacement policy.
 *
 * Rules kept here:
 *  - Geometry is fixed at setup: sets = entries / ways, both powers of
 *    two; entries == ways is a fully associative TLB.
 *  - The clock advances on every lookup hit and every fill, so stamps are
 *    unique and "oldest" is always well defined.
 *  - RANDOM draws from a xorshift64 generator seeded by the caller, so a
 *    run is repeatable.
 *  - Invalidation never loses a mirror: the drop callback runs for each
 *    valid entry before its valid bit is cleared.
 *  - An entry matches only under its own tag unless it is global; a set
 *    may hold one page under several tags.
 *  - The page-walk cache is a separate, fully associative LRU cache of
 *    keys; what a key means is the walker's business (mmu.c).
 */
#include "tlb.h"

#include <stdlib.h>

static bool is_pow2(unsigned x) { return x && !(x & (x - 1)); }

bool tlb_setup(struct tlb *t, unsigned entries, unsigned ways,
               enum tlb_policy policy, uint64_t seed)
{
    if (!is_pow2(entries) || !is_pow2(ways) || ways > entries)
        return false;
    struct tlb_entry *e = calloc(entries, sizeof *e);
    if (!e)
        return false;
    *t = (struct tlb){.e = e, .entries = entries, .ways = ways,
                      .sets = entries / ways, .policy = policy,
                      .rng = seed ? seed : 0x2545F4914F6CDD1Dull};
    return true;
}

void tlb_release(struct tlb *t)
{
    free(t->e);
    *t = (struct tlb){0};
}

struct tlb_entry *tlb_set_of(const struct tlb *t, uint32_t vpn)
{
    return &t->e[(vpn & (t->sets - 1)) * t->ways];
}

void tlb_touch(struct tlb *t, struct tlb_entry *e)
{
    if (t->policy == TLB_LRU)
        e->stamp = ++t->clock;
}

struct tlb_entry *tlb_find(const struct tlb *t, uint32_t vpn)
{
    struct tlb_entry *s = tlb_set_of(t, vpn);
    for (unsigned w = 0; w < t->ways; w++)
        if (s[w].valid && s[w].vpn == vpn && (s[w].global || s[w].tag == t->tag))
            return &s[w];
    return NULL;
}

struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t vpn)
{
    struct tlb_entry *e = tlb_find(t, vpn);
    t->lookups++;
    if (!e) {
        t->misses++;
        return NULL;
    }
    t->hits++;
    e->hits++;
    tlb_touch(t, e);
    return e;
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

struct tlb_entry *tlb_victim(struct tlb *t, uint32_t vpn)
{
    struct tlb_entry *s = tlb_set_of(t, vpn);
    for (unsigned w = 0; w < t->ways; w++)
        if (!s[w].valid)
            return &s[w];
    if (t->policy == TLB_RANDOM)
        return &s[xorshift64(&t->rng) & (t->ways - 1)];
    struct tlb_entry *oldest = &s[0];
    for (unsigned w = 1; w < t->ways; w++)
        if (s[w].stamp < oldest->stamp)
            oldest = &s[w];
    return oldest;
}

struct tlb_entry *tlb_fill(struct tlb *t, struct tlb_entry *slot,
                           const struct tlb_entry *e)
{
    *slot = *e;
    slot->valid = 1;
    slot->tag = t->tag;
    slot->hits = 0;
    slot->stamp = ++t->clock;
    return slot;
}

struct tlb_entry *tlb_insert(struct tlb *t, const struct tlb_entry *e)
{
    return tlb_fill(t, tlb_victim(t, e->vpn), e);
}

static void drop_entry(struct tlb_entry *e, tlb_drop_fn drop, void *ctx)
{
    if (drop)
        drop(ctx, e);
    e->valid = 0;
}

unsigned tlb_invalidate_all(struct tlb *t, bool keep_global, tlb_drop_fn drop,
                            void *ctx)
{
    unsigned n = 0;
    t->flushes++;
    for (unsigned k = 0; k < t->entries; k++) {
        struct tlb_entry *e = &t->e[k];
        if (e->valid && !(keep_global && e->global)) {
            drop_entry(e, drop, ctx);
            n++;
        }
    }
    return n;
}

/* A large page fills one entry per 4 KiB piece touched, each in its own
 * set, so INVLPG must sweep the whole TLB for pieces of the same page
 * (SDM vol. 3, 4.10.4.1: INVLPG invalidates every entry for the page,
 * whatever its size). */
unsigned tlb_invalidate_page(struct tlb *t, uint32_t vpn, uint32_t span,
                             tlb_drop_fn drop, void *ctx)
{
    unsigned n = 0;
    struct tlb_entry *e = tlb_set_of(t, vpn);
    for (unsigned w = 0; w < t->ways; w++)    /* whatever their tags */
        if (e[w].valid && e[w].vpn == vpn) {
            drop_entry(&e[w], drop, ctx);
            n++;
        }
    uint32_t region = vpn & ~(span - 1);
    for (unsigned k = 0; k < t->entries; k++) {
        e = &t->e[k];
        if (e->valid && e->large && (e->vpn & ~(span - 1)) == region) {
            drop_entry(e, drop, ctx);
            n++;
        }
    }
    return n;
}

/* ---- the page-walk cache ---- */

void pwc_setup(struct pwc *p, unsigned entries)
{
    *p = (struct pwc){.entries = entries < PWC_MAX ? entries : PWC_MAX};
}

static int pwc_slot(const struct pwc *p, uint32_t key)
{
    for (unsigned k = 0; k < p->entries; k++)
        if (p->key[k] == key)
            return (int)k;
    return -1;
}

bool pwc_lookup(struct pwc *p, uint32_t key)
{
    int k = pwc_slot(p, key);
    if (k >= 0)
        p->stamp[k] = ++p->clock;
    return k >= 0;
}

void pwc_insert(struct pwc *p, uint32_t key)
{
    if (!p->entries || pwc_lookup(p, key))
        return;
    unsigned victim = 0;
    for (unsigned k = 0; k < p->entries; k++) {
        if (!(p->key[k] & PWC_VALID)) {
            victim = k;
            break;
        }
        if (p->stamp[k] < p->stamp[victim])
            victim = k;
    }
    p->key[victim] = key;
    p->stamp[victim] = ++p->clock;
}

void pwc_clear(struct pwc *p)
{
    for (unsigned k = 0; k < p->entries; k++)
        p->key[k] = 0;
}
