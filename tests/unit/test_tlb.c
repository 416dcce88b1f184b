/*
 * test_tlb.c: the architectural TLB on its own (emu/cpu/tlb.c): victim
 * choice under LRU, FIFO and RANDOM, set mapping, global-keeping flush,
 * INVLPG of small and large pages, the drop callback, and tags (a lookup
 * matches its own tag or a global entry; INVLPG ignores tags).
 *
 * Rules kept here: only tlb.h is used, no CPU; each check prints what it
 * expected; the exit status is the number of failed checks (0 = pass).
 */
#include <stdio.h>

#include "tlb.h"

#include "check.h"

static void put(struct tlb *t, uint32_t vpn, bool global, bool large)
{
    struct tlb_entry e = {.vpn = vpn, .pfn = vpn + 0x100, .global = global,
                          .large = large};
    tlb_insert(t, &e);
}

static bool has(struct tlb *t, uint32_t vpn) { return tlb_find(t, vpn) != NULL; }

static void test_lru(void)
{
    struct tlb t;
    CHECK(tlb_setup(&t, 4, 4, TLB_LRU, 1));
    for (uint32_t v = 1; v <= 4; v++)
        put(&t, v, false, false);
    CHECK(tlb_lookup(&t, 1) != NULL);  /* 2 is now least recently used */
    put(&t, 5, false, false);
    CHECK(has(&t, 1) && !has(&t, 2) && has(&t, 3) && has(&t, 4) && has(&t, 5));
    CHECK(t.lookups == 1 && t.hits == 1 && t.misses == 0);
    CHECK(tlb_lookup(&t, 2) == NULL);
    CHECK(t.lookups == 2 && t.misses == 1);
    CHECK(tlb_find(&t, 5)->pfn == 0x105);
    /* a use seen elsewhere (tlb_touch) counts as a use, not a lookup */
    tlb_touch(&t, tlb_find(&t, 3));
    put(&t, 6, false, false);
    CHECK(!has(&t, 4) && has(&t, 3));
    CHECK(t.lookups == 2);
    tlb_release(&t);
}

static void test_fifo(void)
{
    struct tlb t;
    CHECK(tlb_setup(&t, 4, 4, TLB_FIFO, 1));
    for (uint32_t v = 1; v <= 4; v++)
        put(&t, v, false, false);
    CHECK(tlb_lookup(&t, 1) != NULL);  /* a use does not save it under FIFO */
    put(&t, 5, false, false);
    CHECK(!has(&t, 1) && has(&t, 2) && has(&t, 5));
    put(&t, 6, false, false);
    CHECK(!has(&t, 2) && has(&t, 3) && has(&t, 6));
    tlb_release(&t);
}

static void test_sets(void)
{
    struct tlb t;
    CHECK(tlb_setup(&t, 8, 2, TLB_LRU, 1));
    CHECK(t.sets == 4);
    put(&t, 0, false, false);
    put(&t, 4, false, false);
    put(&t, 1, false, false);  /* other set: evicts nothing */
    CHECK(has(&t, 0) && has(&t, 4) && has(&t, 1));
    put(&t, 8, false, false);  /* set 0 is full: 0 is the oldest */
    CHECK(!has(&t, 0) && has(&t, 4) && has(&t, 8) && has(&t, 1));
    /* an invalid way is taken before any victim */
    struct tlb_entry *e = tlb_find(&t, 4);
    e->valid = 0;
    put(&t, 12, false, false);
    CHECK(has(&t, 8) && has(&t, 12));
    CHECK(!tlb_setup(&t, 6, 2, TLB_LRU, 1));
    CHECK(!tlb_setup(&t, 8, 16, TLB_LRU, 1));
    tlb_release(&t);
}

static void test_random(void)
{
    struct tlb a, b;
    CHECK(tlb_setup(&a, 16, 4, TLB_RANDOM, 42));
    CHECK(tlb_setup(&b, 16, 4, TLB_RANDOM, 42));
    for (uint32_t v = 0; v < 200; v++) {
        put(&a, v * 4, false, false);
        put(&b, v * 4, false, false);
        CHECK(has(&a, v * 4));
    }
    unsigned same = 0, valid = 0;
    for (unsigned k = 0; k < 16; k++) {
        same += a.e[k].valid == b.e[k].valid && a.e[k].vpn == b.e[k].vpn;
        valid += a.e[k].valid;
    }
    CHECK(same == 16);  /* same seed, same history */
    CHECK(valid == 4);  /* only set 0 was used */
    tlb_release(&a);
    tlb_release(&b);
}

static unsigned dropped;
static void count_drop(void *ctx, struct tlb_entry *e)
{
    (void)ctx;
    CHECK(e->valid);
    dropped++;
}

static void test_flush_all(void)
{
    struct tlb t;
    CHECK(tlb_setup(&t, 16, 4, TLB_LRU, 1));
    put(&t, 1, true, false);
    put(&t, 2, false, false);
    put(&t, 3, true, false);
    put(&t, 4, false, false);
    dropped = 0;
    tlb_invalidate_all(&t, true, count_drop, NULL);
    CHECK(dropped == 2);
    CHECK(has(&t, 1) && !has(&t, 2) && has(&t, 3) && !has(&t, 4));
    tlb_invalidate_all(&t, false, count_drop, NULL);
    CHECK(dropped == 4 && !has(&t, 1) && !has(&t, 3));
    CHECK(t.flushes == 2);
    tlb_release(&t);
}

static void test_invlpg(void)
{
    struct tlb t;
    CHECK(tlb_setup(&t, 64, 4, TLB_LRU, 1));
    put(&t, 0x10, true, false);  /* global: INVLPG drops it all the same */
    put(&t, 0x11, false, false);
    tlb_invalidate_page(&t, 0x10, 1024, NULL, NULL);
    CHECK(!has(&t, 0x10) && has(&t, 0x11));

    /* pieces of the 4 MiB page 0x400-0x7FF, one small page inside the
     * same region, and a piece of the next large page */
    put(&t, 0x400, false, true);
    put(&t, 0x5FF, false, true);
    put(&t, 0x7FF, true, true);
    put(&t, 0x401, false, false);
    put(&t, 0x800, false, true);
    dropped = 0;
    tlb_invalidate_page(&t, 0x412, 1024, count_drop, NULL);
    CHECK(dropped == 3);
    CHECK(!has(&t, 0x400) && !has(&t, 0x5FF) && !has(&t, 0x7FF));
    CHECK(has(&t, 0x401) && has(&t, 0x800) && has(&t, 0x11));

    /* 2 MiB pages (PAE): 512-page regions */
    put(&t, 0x200, false, true);
    put(&t, 0x3FF, false, true);
    tlb_invalidate_page(&t, 0x201, 512, NULL, NULL);
    CHECK(!has(&t, 0x200) && !has(&t, 0x3FF) && has(&t, 0x800));
    tlb_release(&t);
}

/* -tlb tagged=on: the MMU sets t.tag to the page-directory base. */
static void test_tags(void)
{
    struct tlb t;
    CHECK(tlb_setup(&t, 16, 4, TLB_LRU, 1));
    t.tag = 0x1000;
    put(&t, 0x20, false, false);
    put(&t, 0x21, true, false);
    CHECK(tlb_find(&t, 0x20)->tag == 0x1000);
    t.tag = 0x2000;                  /* another address space */
    CHECK(!has(&t, 0x20));           /* not its entry */
    CHECK(has(&t, 0x21));            /* a global entry matches any tag */
    CHECK(tlb_lookup(&t, 0x20) == NULL && t.misses == 1);
    struct tlb_entry e = {.vpn = 0x20, .pfn = 0x999};
    tlb_insert(&t, &e);              /* the same page in the same set, its own tag */
    CHECK(tlb_find(&t, 0x20)->pfn == 0x999 && tlb_find(&t, 0x20)->tag == 0x2000);
    t.tag = 0x1000;
    CHECK(tlb_find(&t, 0x20)->pfn == 0x120);   /* the first space's survived */
    unsigned valid = 0;
    for (unsigned k = 0; k < t.entries; k++)
        valid += t.e[k].valid;
    CHECK(valid == 3);
    dropped = 0;
    tlb_invalidate_page(&t, 0x20, 1024, count_drop, NULL);   /* INVLPG: both tags */
    CHECK(dropped == 2 && !has(&t, 0x20));
    t.tag = 0x2000;
    CHECK(!has(&t, 0x20) && has(&t, 0x21));
    put(&t, 0x22, false, false);
    t.tag = 0x1000;
    tlb_invalidate_all(&t, true, NULL, NULL);  /* drops every tag's non-global entries */
    t.tag = 0x2000;
    CHECK(!has(&t, 0x22) && has(&t, 0x21));
    tlb_release(&t);
}

int main(void)
{
    test_lru();
    test_fifo();
    test_sets();
    test_random();
    test_flush_all();
    test_invlpg();
    test_tags();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures;
}
