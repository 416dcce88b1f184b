/*
 * tlb.h: the architectural TLB as a data structure (tlb.c), apart from the
 * page walker and the fast tables that use it (mmu.c).
 *
 * Rules kept here:
 *  - A set holds `ways` consecutive entries; a page's set is vpn mod sets.
 *  - Only tlb_lookup() counts (lookups, hits, misses) and, under LRU,
 *    refreshes the stamp; tlb_find() is a silent probe.
 *  - A fill prefers an invalid way; otherwise the policy picks the victim:
 *    LRU the oldest use, FIFO the oldest fill, RANDOM an xorshift draw.
 *  - Whoever mirrors entries elsewhere (the fast tables) hears of every
 *    entry an invalidation drops, through the drop callback, before it goes.
 *  - Tags: a fill takes the TLB's current tag (t->tag, the page-directory
 *    base, set by the MMU); a lookup matches an entry of its own tag, or a
 *    global one of any. An untagged TLB flushes its non-global entries when
 *    the tag changes, so there every entry left matches: the rule is the
 *    same either way. INVLPG drops the page under every tag.
 */
#ifndef ISOLA_TLB_H
#define ISOLA_TLB_H

#include "cpu.h"

typedef void (*tlb_drop_fn)(void *ctx, struct tlb_entry *e);

/* entries a power of two, ways dividing it; false (and nothing allocated)
 * when the geometry is impossible or memory is short. */
bool tlb_setup(struct tlb *t, unsigned entries, unsigned ways,
               enum tlb_policy policy, uint64_t seed);
void tlb_release(struct tlb *t);

struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t vpn);
struct tlb_entry *tlb_find(const struct tlb *t, uint32_t vpn);
/* The first of the `ways` entries of vpn's set. */
struct tlb_entry *tlb_set_of(const struct tlb *t, uint32_t vpn);
/* A use of e seen elsewhere (a fast-table hit): refresh its LRU stamp. */
void tlb_touch(struct tlb *t, struct tlb_entry *e);
/* The way a fill of vpn would use; still holding its old contents. */
struct tlb_entry *tlb_victim(struct tlb *t, uint32_t vpn);
/* Write *e (valid) into slot, stamping it. Returns slot. */
struct tlb_entry *tlb_fill(struct tlb *t, struct tlb_entry *slot,
                           const struct tlb_entry *e);
/* tlb_victim + tlb_fill, for callers that mirror nothing. */
struct tlb_entry *tlb_insert(struct tlb *t, const struct tlb_entry *e);

/* Drop every entry, or every non-global one. drop may be NULL. Both
 * invalidations return how many valid entries they dropped. */
unsigned tlb_invalidate_all(struct tlb *t, bool keep_global, tlb_drop_fn drop,
                            void *ctx);
/* INVLPG: the entries for vpn, global or not, under every tag, and every
 * large-page entry within the same span-page region (span: 1024 for 4 MiB,
 * 512 for 2 MiB). */
unsigned tlb_invalidate_page(struct tlb *t, uint32_t vpn, uint32_t span,
                             tlb_drop_fn drop, void *ctx);

/* The page-walk cache (struct pwc in cpu.h): keys are PWC_VALID | level
 * << 24 | the linear-address bits that select the entry. A lookup that
 * hits refreshes the entry's LRU stamp; an insert of a key present only
 * refreshes it, else fills a free slot or the least recently used one. */
void pwc_setup(struct pwc *p, unsigned entries);  /* entries <= PWC_MAX */
bool pwc_lookup(struct pwc *p, uint32_t key);
void pwc_insert(struct pwc *p, uint32_t key);
void pwc_clear(struct pwc *p);

#endif
