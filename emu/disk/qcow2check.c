/*
 * qcow2check.c: recounting a qcow2 image's references and comparing them
 * with its refcounts, as `qemu-img check` does.
 *
 * Rules kept here:
 *  - A reference is counted per path from an L1 table, the way snapshots
 *    share: an L2 table reached from k L1 tables adds k to each of its data
 *    clusters. Each distinct L2 table is read once (with its count), so the
 *    work is bounded by the file's size whatever the tables say.
 *  - A stored refcount below the references is a corruption (the cluster
 *    could be reused while in use); above it, a leak (wasted space).
 *  - In the active tables the COPIED flag (bit 63) must be set exactly when
 *    the stored refcount is one.
 *  - Only the file's own clusters are counted: references past its end are
 *    corruptions; the whole count is refused above CHECK_MAX_CLUSTERS.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "disk/image.h"
#include "disk/qcow2int.h"

#define CHECK_MAX_CLUSTERS (16u << 20)
#define CHECK_MAX_L1_ENTRIES (64u << 20)   /* over all snapshots */
#define L2_ACTIVE 0x80000000u
#define ULL(x) ((unsigned long long)(x))

struct count {
    struct qcow2 *q;
    FILE *rep;
    struct qcow2_check_result *r;
    uint64_t nb;                  /* clusters in the file */
    uint32_t *refs;               /* references found */
    uint32_t *stored;             /* refcounts stored (saturated) */
    uint32_t *l2refs;             /* L1 references to each L2 table */
    uint64_t l1_budget;
    uint8_t *buf;                 /* one cluster */
};

static void corrupt(struct count *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void corrupt(struct count *k, const char *fmt, ...)
{
    va_list ap;

    fputs("ERROR ", k->rep);
    va_start(ap, fmt);
    vfprintf(k->rep, fmt, ap);
    va_end(ap);
    fputc('\n', k->rep);
    k->r->corruptions++;
}

static void add_ref(struct count *k, uint64_t off, uint32_t n,
                    const char *what)
{
    uint64_t c = off >> k->q->cluster_bits;

    if (c >= k->nb) {
        corrupt(k, "%s at 0x%llx is past the end of the file", what,
                (unsigned long long)off);
        return;
    }
    k->refs[c] = k->refs[c] > UINT32_MAX - n ? UINT32_MAX : k->refs[c] + n;
}

static void add_refs(struct count *k, uint64_t off, uint64_t len, uint32_t n,
                     const char *what)
{
    uint64_t cs = k->q->cs;

    for (uint64_t c = off & ~(cs - 1); c < off + len; c += cs)
        add_ref(k, c, n, what);
}

/* The stored refcounts of the file's clusters, block by block. */
static int load_stored(struct count *k)
{
    struct qcow2 *q = k->q;
    uint64_t per = q->cs * 8 >> q->refcount_order;

    for (uint64_t idx = 0; idx * per < k->nb && idx < q->rt_entries; idx++) {
        uint64_t rb = q->rt[idx] & RTE_OFFSET;

        if (q->rt[idx] & ~RTE_OFFSET)
            corrupt(k, "refcount table entry %llu has reserved bits set "
                    "(0x%llx)", ULL(idx), ULL(q->rt[idx]));
        if (!rb)
            continue;
        if ((rb & (q->cs - 1)) || rb >= q->file_size) {
            corrupt(k, "refcount block %llu at 0x%llx is invalid", ULL(idx),
                    ULL(rb));
            continue;
        }
        add_ref(k, rb, 1, "refcount block");
        if (file_read(q->b->fd, k->buf, q->cs, rb) < 0)
            return blk_fail(q->b, "cannot read refcount block %llu",
                            (unsigned long long)idx);
        for (uint64_t i = 0; i < per && idx * per + i < k->nb; i++) {
            uint64_t v = qc_refblock_entry(k->buf, i, q->refcount_order);
            k->stored[idx * per + i] = v > UINT32_MAX ? UINT32_MAX
                                                      : (uint32_t)v;
        }
    }
    /* Refcount blocks for clusters past the file are counted, not read. */
    for (uint64_t idx = 0; idx < q->rt_entries; idx++) {
        uint64_t rb = q->rt[idx] & RTE_OFFSET;
        if (idx * per >= k->nb && rb) {
            if ((rb & (q->cs - 1)) || rb >= q->file_size)
                corrupt(k, "refcount block %llu at 0x%llx is invalid",
                        ULL(idx), ULL(rb));
            else
                add_ref(k, rb, 1, "refcount block");
        }
    }
    return 0;
}

static uint32_t stored_at(const struct count *k, uint64_t off)
{
    uint64_t c = off >> k->q->cluster_bits;

    return c < k->nb ? k->stored[c] : 0;
}

/* One L1 table: its L2 tables are noted (with the COPIED check for the
 * active table), to be walked once each later. */
static void walk_l1(struct count *k, const uint64_t *l1, uint64_t n,
                    bool active)
{
    struct qcow2 *q = k->q;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t off = l1[i] & L1E_OFFSET;
        uint64_t c;

        if (!off)
            continue;
        if (l1[i] & ~(L1E_OFFSET | QC_COPIED))
            corrupt(k, "L1 entry %llu has reserved bits set (0x%llx)", ULL(i),
                    ULL(l1[i]));
        if ((off & (q->cs - 1)) || off >= q->file_size) {
            corrupt(k, "L2 table offset 0x%llx (L1 entry %llu) is invalid",
                    ULL(off), ULL(i));
            continue;
        }
        add_ref(k, off, 1, "L2 table");
        c = off >> q->cluster_bits;
        if ((k->l2refs[c] & ~L2_ACTIVE) < ~L2_ACTIVE)
            k->l2refs[c]++;
        if (!active)
            continue;
        k->l2refs[c] |= L2_ACTIVE;
        if (!(l1[i] & QC_COPIED) != (stored_at(k, off) != 1))
            corrupt(k, "OFLAG_COPIED L2 table 0x%llx: refcount %u", ULL(off),
                    stored_at(k, off));
    }
}

static void check_l2_entry(struct count *k, uint64_t e, uint32_t n,
                           bool active)
{
    struct qcow2 *q = k->q;
    uint64_t off, len;

    if (e & QC_COMPRESSED) {
        qc_compressed_extent(q, e, &off, &len);
        if (off < q->cs || off >= q->file_size) {
            corrupt(k, "compressed cluster data at 0x%llx (entry 0x%llx) "
                    "is outside the file", ULL(off), ULL(e));
            return;
        }
        if (active && (e & QC_COPIED))
            corrupt(k, "compressed cluster entry 0x%llx has the COPIED "
                    "flag", ULL(e));
        add_refs(k, off, len, n, "compressed data");
        if (active)
            k->r->compressed_clusters++, k->r->allocated_clusters++;
        return;
    }
    off = e & L2E_OFFSET;
    if (!off)
        return;
    if ((off & (q->cs - 1)) || off >= q->file_size) {
        corrupt(k, "data cluster offset 0x%llx (entry 0x%llx) is invalid",
                ULL(off), ULL(e));
        return;
    }
    add_ref(k, off, n, "data cluster");
    if (!active)
        return;
    if (!(q->version >= 3 && (e & QC_ZERO)))
        k->r->allocated_clusters++;
    if (!(e & QC_COPIED) != (stored_at(k, off) != 1))
        corrupt(k, "OFLAG_COPIED data cluster 0x%llx: refcount %u",
                ULL(off), stored_at(k, off));
}

static int walk_l2_tables(struct count *k)
{
    struct qcow2 *q = k->q;
    uint64_t per = q->cs / 8;

    for (uint64_t c = 0; c < k->nb; c++) {
        uint32_t n = k->l2refs[c] & ~L2_ACTIVE;

        if (!n)
            continue;
        if (file_read(q->b->fd, k->buf, q->cs, c << q->cluster_bits) < 0)
            return blk_fail(q->b, "cannot read the L2 table at 0x%llx",
                            (unsigned long long)(c << q->cluster_bits));
        for (uint64_t i = 0; i < per; i++)
            check_l2_entry(k, be64(k->buf + i * 8), n,
                           k->l2refs[c] & L2_ACTIVE);
    }
    return 0;
}

/* A snapshot's L1 table: counted, read and walked (not active). */
static int snapshot_l1(struct count *k, uint64_t off, uint64_t n)
{
    struct qcow2 *q = k->q;
    uint64_t *l1;

    if (n == 0)
        return 0;
    if ((off & (q->cs - 1)) || n * 8 > QCOW2_MAX_L1_BYTES ||
        off >= q->file_size || n * 8 > q->file_size - off) {
        corrupt(k, "snapshot L1 table at 0x%llx (%llu entries) is invalid",
                ULL(off), ULL(n));
        return 0;
    }
    if (n > k->l1_budget)
        return blk_fail(q->b, "snapshot L1 tables too large to check");
    k->l1_budget -= n;
    add_refs(k, off, n * 8, 1, "snapshot L1 table");
    l1 = malloc(n * 8);
    if (!l1)
        return blk_fail(q->b, "out of memory");
    if (file_read(q->b->fd, l1, n * 8, off) < 0) {
        free(l1);
        return blk_fail(q->b, "cannot read a snapshot L1 table");
    }
    for (uint64_t i = 0; i < n; i++)
        l1[i] = be64((const uint8_t *)&l1[i]);
    walk_l1(k, l1, n, false);
    free(l1);
    return 0;
}

/* The snapshot table: entries of 40 bytes plus extra data, ID and name,
 * each padded to 8 bytes. */
static int walk_snapshots(struct count *k)
{
    struct qcow2 *q = k->q;
    uint64_t p = q->snapshots_offset;
    uint8_t e[40];

    for (uint32_t i = 0; i < q->nb_snapshots; i++) {
        if (p >= q->file_size || q->file_size - p < 40) {
            corrupt(k, "snapshot table at 0x%llx runs past the end of the "
                    "file", ULL(q->snapshots_offset));
            return 0;
        }
        if (file_read(q->b->fd, e, 40, p) != 40)
            return blk_fail(q->b, "cannot read the snapshot table");
        if (snapshot_l1(k, be64(e), be32(e + 8)) < 0)
            return -1;
        p += qc_round_up(40 + (uint64_t)be32(e + 36) + be16(e + 12) +
                         be16(e + 14), 8);
    }
    if (p > q->file_size) {
        corrupt(k, "snapshot table at 0x%llx runs past the end of the "
                "file", ULL(q->snapshots_offset));
        return 0;
    }
    if (q->nb_snapshots)
        add_refs(k, q->snapshots_offset, p - q->snapshots_offset, 1,
                 "snapshot table");
    return 0;
}

static void compare_counts(struct count *k)
{
    uint64_t last = 0;

    for (uint64_t c = 0; c < k->nb; c++) {
        uint32_t s = k->stored[c], n = k->refs[c];

        if (s || n)
            last = c + 1;
        if (s == n)
            continue;
        if (s < n) {
            corrupt(k, "cluster %llu refcount=%u reference=%u", ULL(c), s,
                    n);
        } else {
            fprintf(k->rep, "Leaked cluster %llu refcount=%u reference=%u\n",
                    (unsigned long long)c, s, n);
            k->r->leaks++;
        }
    }
    k->r->image_end = last << k->q->cluster_bits;
}

int qcow2_check(struct blockdev *b, struct qcow2_check_result *r, FILE *rep)
{
    struct qcow2 *q = b->format == BLK_QCOW2 ? b->state : NULL;
    struct count k = { .q = q, .rep = rep, .r = r };
    int ret = -1;

    memset(r, 0, sizeof *r);
    if (!q)
        return blk_fail(b, "checks are only done on qcow2 images");
    if (q->has_bitmaps)
        return blk_fail(b, "checking images with persistent bitmaps is not "
                        "supported");
    k.nb = qc_round_up(q->file_size, q->cs) >> q->cluster_bits;
    if (k.nb > CHECK_MAX_CLUSTERS)
        return blk_fail(b, "the file has too many clusters to check "
                        "(limit %u)", CHECK_MAX_CLUSTERS);
    k.l1_budget = CHECK_MAX_L1_ENTRIES;
    k.refs = calloc(k.nb + 1, sizeof *k.refs);
    k.stored = calloc(k.nb + 1, sizeof *k.stored);
    k.l2refs = calloc(k.nb + 1, sizeof *k.l2refs);
    k.buf = malloc(q->cs);
    r->total_clusters = (b->size + q->cs - 1) >> q->cluster_bits;
    if (!k.refs || !k.stored || !k.l2refs || !k.buf) {
        blk_fail(b, "out of memory");
        goto out;
    }
    add_ref(&k, 0, 1, "header");
    add_refs(&k, q->rt_offset, (uint64_t)q->rt_clusters * q->cs, 1,
             "refcount table");
    add_refs(&k, q->l1_offset, (uint64_t)q->l1_size * 8, 1, "L1 table");
    if (load_stored(&k) < 0)
        goto out;
    walk_l1(&k, q->l1, q->l1_size, true);
    if (walk_snapshots(&k) < 0 || walk_l2_tables(&k) < 0)
        goto out;
    compare_counts(&k);
    ret = 0;
out:
    free(k.refs);
    free(k.stored);
    free(k.l2refs);
    free(k.buf);
    return ret;
}
