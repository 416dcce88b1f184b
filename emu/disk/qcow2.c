/*
 * qcow2.c: QEMU's copy-on-write image format, versions 2 and 3
 * (docs/interop/qcow2.txt in QEMU's tree is the specification).
 *
 * Rules kept here:
 *  - Every header field, table offset and cluster descriptor is checked
 *    before use: offsets cluster-aligned (compressed data excepted) and
 *    inside the file, tables of bounded size; nothing is allocated from an
 *    unchecked field; a decompressed cluster is never more than a cluster.
 *  - Reading never follows chains inside the file (L1 -> L2 -> data is two
 *    steps); backing files form a chain of at most BLK_MAX_CHAIN (block.c
 *    sees loops).
 *  - Writing keeps the image consistent after every request: a new cluster
 *    is counted in its refcount block before data goes in, and the data is
 *    written before the L2 entry points at it. A crash leaks, never
 *    corrupts. Clusters are always allocated at the end of the file and
 *    never reused; they are written whole.
 *  - Only images that are clean (no dirty or corrupt bit), without internal
 *    snapshots and with 16-bit refcounts are opened for writing; those
 *    have every refcount at one, so writes go in place.
 *  - Writes never touch bytes past the cluster-rounded end of the file,
 *    except to append new clusters, and never the header, the L1 table or
 *    the refcount table except through their own fields.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/image.h"
#include "disk/qcow2int.h"

static const struct blk_driver qcow2_driver;

uint64_t qc_round_up(uint64_t v, uint64_t to)
{
    return (v + to - 1) / to * to;
}

static int io_fail(struct qcow2 *q, const char *what, uint64_t off)
{
    return blk_fail(q->b, "%s at offset 0x%llx failed: %s", what,
                    (unsigned long long)off, strerror(errno));
}

/* Reads len bytes at off; bytes past the end of the file read as zeros
 * (QEMU leaves the last cluster short at times). */
static int meta_read(struct qcow2 *q, void *buf, size_t len, uint64_t off)
{
    ssize_t n = file_read(q->b->fd, buf, len, off);

    if (n < 0)
        return io_fail(q, "read", off);
    memset((uint8_t *)buf + n, 0, len - (size_t)n);
    return 0;
}

static int meta_write(struct qcow2 *q, const void *buf, size_t len,
                      uint64_t off)
{
    if (file_write(q->b->fd, buf, len, off) < 0)
        return io_fail(q, "write", off);
    if (off + len > q->file_size)
        q->file_size = off + len;
    return 0;
}

static int write_be64(struct qcow2 *q, uint64_t off, uint64_t v)
{
    uint8_t b[8];

    put_be64(b, v);
    return meta_write(q, b, sizeof b, off);
}

static bool aligned(const struct qcow2 *q, uint64_t off)
{
    return (off & (q->cs - 1)) == 0;
}

/* ---- the L2 table cache ---- */

static uint64_t *l2_slot_load(struct qcow2 *q, unsigned s, uint64_t l2off)
{
    uint64_t *t = q->l2_tab[s];
    uint64_t n = q->cs / 8;

    if (meta_read(q, t, q->cs, l2off) < 0) {
        q->l2_off[s] = 0;
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++)
        t[i] = be64((const uint8_t *)&t[i]);
    q->l2_off[s] = l2off;
    return t;
}

/* The L2 table at l2off (checked by the caller), in host order. */
int qc_read_l2(struct qcow2 *q, uint64_t l2off, uint64_t **tab)
{
    unsigned victim = 0;

    for (unsigned s = 0; s < q->l2_slots; s++) {
        if (q->l2_off[s] == l2off) {
            q->l2_used[s] = ++q->l2_clock;
            *tab = q->l2_tab[s];
            return 0;
        }
        if (q->l2_used[s] < q->l2_used[victim])
            victim = s;
    }
    q->l2_used[victim] = ++q->l2_clock;
    if (!q->l2_tab[victim] && !(q->l2_tab[victim] = malloc(q->cs)))
        return blk_fail(q->b, "out of memory for the L2 cache");
    *tab = l2_slot_load(q, victim, l2off);
    return *tab ? 0 : -1;
}

static int l2_set(struct qcow2 *q, uint64_t l2off, uint32_t i, uint64_t v)
{
    uint64_t *tab;

    if (qc_read_l2(q, l2off, &tab) < 0)
        return -1;
    tab[i] = v;
    return write_be64(q, l2off + (uint64_t)i * 8, v);
}

/* ---- mapping guest clusters ---- */

void qc_compressed_extent(const struct qcow2 *q, uint64_t entry,
                          uint64_t *off, uint64_t *len)
{
    unsigned shift = qc_csize_shift(q);
    uint64_t desc = entry & ((1ULL << 62) - 1);
    uint64_t nsect = (desc >> shift) & ((1ULL << (q->cluster_bits - 8)) - 1);

    *off = desc & ((1ULL << shift) - 1);
    *len = (nsect + 1) * 512 - (*off & 511);
}

static int check_l2_offset(struct qcow2 *q, uint64_t l2off, uint32_t l1i)
{
    if (!aligned(q, l2off))
        return blk_fail(q->b, "L2 table offset 0x%llx (L1 entry %u) is not "
                        "cluster-aligned", (unsigned long long)l2off, l1i);
    if (l2off >= q->file_size)
        return blk_fail(q->b, "L2 table offset 0x%llx (L1 entry %u) is past "
                        "the end of the file", (unsigned long long)l2off, l1i);
    return 0;
}

static int check_data_offset(struct qcow2 *q, uint64_t host, uint64_t voff)
{
    if (!aligned(q, host))
        return blk_fail(q->b, "data cluster offset 0x%llx (guest offset "
                        "0x%llx) is not cluster-aligned",
                        (unsigned long long)host, (unsigned long long)voff);
    if (host >= q->file_size)
        return blk_fail(q->b, "data cluster offset 0x%llx (guest offset "
                        "0x%llx) is past the end of the file",
                        (unsigned long long)host, (unsigned long long)voff);
    return 0;
}

int qc_map_cluster(struct qcow2 *q, uint64_t voff, struct qc_map *m)
{
    uint64_t cl = voff >> q->cluster_bits;
    uint64_t *tab;
    uint64_t e;

    memset(m, 0, sizeof *m);
    m->l1i = (uint32_t)(cl >> q->l2_bits);
    m->l2i = (uint32_t)(cl & ((1u << q->l2_bits) - 1));
    m->kind = QC_UNALLOC;
    if (m->l1i >= q->l1_size)   /* only past the virtual size */
        return 0;
    m->l2off = q->l1[m->l1i] & L1E_OFFSET;
    if (!m->l2off)
        return 0;
    if (check_l2_offset(q, m->l2off, m->l1i) < 0 ||
        qc_read_l2(q, m->l2off, &tab) < 0)
        return -1;
    e = m->entry = tab[m->l2i];
    if (e & QC_COMPRESSED) {
        m->kind = QC_COMPRESSED_DATA;
        return 0;
    }
    m->host = e & L2E_OFFSET;
    if (q->version >= 3 && (e & QC_ZERO))
        m->kind = QC_ZEROS;
    else if (m->host)
        m->kind = QC_DATA;
    if (m->kind == QC_DATA)
        return check_data_offset(q, m->host, voff);
    return 0;
}

/* ---- reading ---- */

static int inflate_cluster(struct qcow2 *q, uint64_t entry, uint64_t voff)
{
    uint64_t off, len;
    ssize_t got;
    int r;

    if (q->zout_entry == entry)
        return 0;
    qc_compressed_extent(q, entry, &off, &len);
    if (off < q->cs || off >= q->file_size)
        return blk_fail(q->b, "compressed cluster offset 0x%llx (guest "
                        "offset 0x%llx) is outside the data area",
                        (unsigned long long)off, (unsigned long long)voff);
    if (len > q->file_size - off)
        len = q->file_size - off;
    got = file_read(q->b->fd, q->zin, (size_t)len, off);
    if (got < 0)
        return io_fail(q, "read", off);
    if (!q->inflater_ready) {
        if (inflateInit2(&q->inflater, -12) != Z_OK)
            return blk_fail(q->b, "cannot start zlib");
        q->inflater_ready = true;
    } else {
        inflateReset(&q->inflater);
    }
    q->inflater.next_in = q->zin;
    q->inflater.avail_in = (uInt)got;
    q->inflater.next_out = q->zout;
    q->inflater.avail_out = (uInt)q->cs;   /* never more than a cluster */
    r = inflate(&q->inflater, Z_FINISH);
    q->zout_entry = 0;
    if ((r != Z_STREAM_END && r != Z_BUF_ERROR && r != Z_OK) ||
        q->inflater.avail_out != 0)
        return blk_fail(q->b, "compressed cluster at 0x%llx (guest offset "
                        "0x%llx) is corrupt (%s)", (unsigned long long)off,
                        (unsigned long long)voff,
                        q->inflater.avail_out ? "inflates short"
                                              : "bad deflate data");
    q->zout_entry = entry;
    return 0;
}

static int read_backing(struct qcow2 *q, uint64_t voff, uint8_t *buf,
                        size_t n)
{
    uint64_t bsize = q->backing ? blk_size(q->backing) : 0;
    size_t have = voff >= bsize ? 0 : bsize - voff < n ? bsize - voff : n;

    if (have && blk_read(q->backing, voff, buf, have) < 0)
        return blk_fail_as(q->b, q->backing);
    memset(buf + have, 0, n - have);
    return 0;
}

/* Reads n bytes at voff, all within the guest cluster mapped by m. */
static int read_mapped(struct qcow2 *q, const struct qc_map *m,
                       uint64_t voff, uint8_t *buf, size_t n)
{
    size_t in = (size_t)(voff & (q->cs - 1));
    ssize_t got;

    switch (m->kind) {
    case QC_UNALLOC:
        return read_backing(q, voff, buf, n);
    case QC_ZEROS:
        memset(buf, 0, n);
        return 0;
    case QC_COMPRESSED_DATA:
        if (inflate_cluster(q, m->entry, voff) < 0)
            return -1;
        memcpy(buf, q->zout + in, n);
        return 0;
    case QC_DATA:
        got = file_read(q->b->fd, buf, n, m->host + in);
        if (got < 0)
            return io_fail(q, "read", m->host + in);
        memset(buf + got, 0, n - (size_t)got);
        return 0;
    }
    return 0;
}

static int qcow2_read(struct blockdev *b, uint64_t off, void *buf, size_t len)
{
    struct qcow2 *q = b->state;
    uint8_t *p = buf;

    while (len) {
        size_t in = (size_t)(off & (q->cs - 1));
        size_t n = q->cs - in < len ? q->cs - in : len;
        struct qc_map m;

        if (qc_map_cluster(q, off, &m) < 0 ||
            read_mapped(q, &m, off, p, n) < 0)
            return -1;
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

/* ---- refcounts ---- */

uint64_t qc_refblock_entry(const uint8_t *blk, uint64_t k, unsigned order)
{
    unsigned bits = 1u << order;
    uint64_t v = 0;

    if (bits < 8) {
        uint64_t bit = k * bits;
        return (uint64_t)(blk[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
    }
    for (unsigned i = 0; i < bits / 8; i++)
        v = v << 8 | blk[k * (bits / 8) + i];
    return v;
}

static uint64_t refblock_entries(const struct qcow2 *q)
{
    return q->cs * 8 >> q->refcount_order;
}

/* The refcount block for refcount table index idx, 0 if none. */
static int refblock_at(struct qcow2 *q, uint64_t idx, uint64_t *rb)
{
    *rb = idx < q->rt_entries ? q->rt[idx] & RTE_OFFSET : 0;
    if (*rb && (!aligned(q, *rb) || *rb >= qc_round_up(q->file_size, q->cs)))
        return blk_fail(q->b, "refcount block offset 0x%llx (refcount table "
                        "entry %llu) is invalid", (unsigned long long)*rb,
                        (unsigned long long)idx);
    return 0;
}

/* Runtime refcounts are 16-bit: writable images are checked for that. */
static int refcount_get(struct qcow2 *q, uint64_t off, uint16_t *v)
{
    uint64_t cl = off >> q->cluster_bits;
    uint64_t rb;
    uint8_t e[2];

    *v = 0;
    if (refblock_at(q, cl / refblock_entries(q), &rb) < 0)
        return -1;
    if (!rb)
        return 0;
    if (meta_read(q, e, 2, rb + cl % refblock_entries(q) * 2) < 0)
        return -1;
    *v = be16(e);
    return 0;
}

static int refcount_set(struct qcow2 *q, uint64_t off, uint16_t v);

/* The next cluster at the end of the file that no refcount claims.
 * Clusters past the end that are counted as used are leaks (a crash
 * between counting and writing leaves some); up to 32 MiB of them are
 * skipped, more means the refcounts are garbage, and the file must not
 * jump ahead for them. */
static int take_free_cluster(struct qcow2 *q, uint64_t *off)
{
    uint64_t start = q->alloc_end;
    uint16_t rc;

    while (q->alloc_end - start < (32u << 20) + q->cs) {
        if (q->alloc_end >= QCOW2_MAX_SIZE - q->cs)
            break;
        *off = q->alloc_end;
        q->alloc_end += q->cs;
        if (refcount_get(q, *off, &rc) < 0) {
            q->alloc_end = start;
            return -1;
        }
        if (rc == 0)
            return 0;
    }
    q->alloc_end = start;
    return blk_fail(q->b, "refcounts claim the clusters past the end of the "
                    "file; the image needs repair");
}

static int zero_cluster_at(struct qcow2 *q, uint64_t off)
{
    return meta_write(q, q->zeros, q->cs, off);
}

static int grow_refcount_table(struct qcow2 *q, uint64_t need_idx);

static int new_refblock(struct qcow2 *q, uint64_t idx, uint64_t *rb)
{
    if (take_free_cluster(q, rb) < 0 || zero_cluster_at(q, *rb) < 0)
        return -1;
    q->rt[idx] = *rb;
    if (!q->rt_moving && write_be64(q, q->rt_offset + idx * 8, *rb) < 0)
        return -1;
    return refcount_set(q, *rb, 1);
}

static int refcount_set(struct qcow2 *q, uint64_t off, uint16_t v)
{
    uint64_t cl = off >> q->cluster_bits;
    uint64_t idx = cl / refblock_entries(q);
    uint64_t rb;
    uint8_t e[2];

    if (idx >= q->rt_entries && grow_refcount_table(q, idx) < 0)
        return -1;
    if (refblock_at(q, idx, &rb) < 0)
        return -1;
    if (!rb && v == 0)
        return 0;
    if (!rb && new_refblock(q, idx, &rb) < 0)
        return -1;
    put_be16(e, v);
    return meta_write(q, e, 2, rb + cl % refblock_entries(q) * 2);
}

static int refcount_add(struct qcow2 *q, uint64_t off, int delta)
{
    uint16_t rc;

    if (refcount_get(q, off, &rc) < 0)
        return -1;
    if ((delta < 0 && rc == 0) || (delta > 0 && rc == 0xffff))
        return blk_fail(q->b, "refcount of cluster 0x%llx would %s",
                        (unsigned long long)off,
                        delta < 0 ? "drop below zero" : "overflow");
    return refcount_set(q, off, (uint16_t)(rc + delta));
}

static int alloc_cluster(struct qcow2 *q, uint64_t *off)
{
    if (take_free_cluster(q, off) < 0)
        return -1;
    return refcount_set(q, *off, 1);
}

/* Moves the refcount table to the end of the file, at least twice as big
 * and big enough for need_idx. While it moves, refcount blocks made for
 * the new table's own clusters are entered in memory only; the whole
 * table is written, then the header switched to it, then the old one
 * freed. */
static int grow_refcount_table(struct qcow2 *q, uint64_t need_idx)
{
    uint64_t span = refblock_entries(q) * q->cs;   /* bytes per entry */
    uint64_t old_off = q->rt_offset, old_clusters = q->rt_clusters;
    uint64_t clusters = old_clusters ? old_clusters : 1;
    uint64_t entries, bytes, new_off, *rt;
    uint8_t *disk, hdr[12];

    if (q->rt_moving)
        return blk_fail(q->b, "refcount table full while growing it");
    do {
        clusters *= 2;
        entries = clusters * q->cs / 8;
    } while (entries <= need_idx ||
             entries * span < q->alloc_end + (clusters + 4) * q->cs * 2);
    bytes = clusters * q->cs;
    if (bytes > QCOW2_MAX_RT_BYTES)
        return blk_fail(q->b, "the refcount table would exceed %u MiB; the "
                        "image is too large", QCOW2_MAX_RT_BYTES >> 20);
    rt = realloc(q->rt, bytes);
    disk = malloc(bytes);
    if (!rt || !disk) {
        free(disk);
        if (rt)
            q->rt = rt;
        return blk_fail(q->b, "out of memory for the refcount table");
    }
    memset(rt + q->rt_entries, 0, (entries - q->rt_entries) * 8);
    q->rt = rt;
    q->rt_entries = entries;
    new_off = q->alloc_end;
    q->alloc_end += bytes;
    q->rt_moving = true;
    for (uint64_t i = 0; i < clusters; i++)
        if (refcount_set(q, new_off + i * q->cs, 1) < 0)
            goto fail;
    q->rt_moving = false;
    for (uint64_t i = 0; i < entries; i++)
        put_be64(disk + i * 8, q->rt[i]);
    put_be64(hdr, new_off);
    put_be32(hdr + 8, (uint32_t)clusters);
    if (meta_write(q, disk, bytes, new_off) < 0 ||
        fdatasync(q->b->fd) < 0 || meta_write(q, hdr, 12, 48) < 0)
        goto fail;
    free(disk);
    q->rt_offset = new_off;
    q->rt_clusters = (uint32_t)clusters;
    for (uint64_t i = 0; i < old_clusters; i++)
        if (refcount_set(q, old_off + i * q->cs, 0) < 0)
            return -1;
    return 0;
fail:
    q->rt_moving = false;
    free(disk);
    return -1;
}

/* ---- writing ---- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Data or an L2 table must not sit on the header or the top tables. */
static int check_not_metadata(struct qcow2 *q, uint64_t host,
                              const char *what)
{
    if (host < q->cs ||
        overlaps(host, q->cs, q->l1_offset, (uint64_t)q->l1_size * 8) ||
        overlaps(host, q->cs, q->rt_offset, (uint64_t)q->rt_clusters * q->cs))
        return blk_fail(q->b, "refusing to write: %s at 0x%llx overlaps the "
                        "image's header or top tables", what,
                        (unsigned long long)host);
    return 0;
}

/* The L2 table for L1 entry l1i, made (zeroed) if there is none. */
static int ensure_l2(struct qcow2 *q, uint32_t l1i, uint64_t *l2off)
{
    *l2off = q->l1[l1i] & L1E_OFFSET;
    if (*l2off)
        return check_l2_offset(q, *l2off, l1i) < 0 ? -1
               : check_not_metadata(q, *l2off, "an L2 table");
    if (alloc_cluster(q, l2off) < 0 || zero_cluster_at(q, *l2off) < 0)
        return -1;
    q->l1[l1i] = *l2off | QC_COPIED;
    return write_be64(q, q->l1_offset + (uint64_t)l1i * 8, q->l1[l1i]);
}

static int free_compressed(struct qcow2 *q, uint64_t entry)
{
    uint64_t off, len;

    qc_compressed_extent(q, entry, &off, &len);
    for (uint64_t c = off & ~(q->cs - 1); c < off + len; c += q->cs)
        if (refcount_add(q, c, -1) < 0)
            return -1;
    return 0;
}

/* Gives the guest cluster of m the content `full` (a whole cluster) in a
 * cluster of its own: the preallocated one of a zero cluster, else a new
 * one. */
static int store_cluster(struct qcow2 *q, const struct qc_map *m,
                         const uint8_t *full, uint64_t voff)
{
    uint64_t l2off, host = m->host;

    if (m->kind == QC_ZEROS && host) {
        if (check_data_offset(q, host, voff) < 0 ||
            check_not_metadata(q, host, "a data cluster") < 0 ||
            meta_write(q, full, q->cs, host) < 0)
            return -1;
        return l2_set(q, m->l2off, m->l2i, host | QC_COPIED);
    }
    if (ensure_l2(q, m->l1i, &l2off) < 0 || alloc_cluster(q, &host) < 0 ||
        meta_write(q, full, q->cs, host) < 0 ||
        l2_set(q, l2off, m->l2i, host | QC_COPIED) < 0)
        return -1;
    if (m->kind == QC_COMPRESSED_DATA) {
        if (q->zout_entry == m->entry)
            q->zout_entry = 0;
        return free_compressed(q, m->entry);
    }
    return 0;
}

/* Writes n bytes at voff, within one guest cluster. */
static int write_piece(struct qcow2 *q, uint64_t voff, const uint8_t *buf,
                       size_t n)
{
    size_t in = (size_t)(voff & (q->cs - 1));
    uint64_t start = voff - in;
    struct qc_map m;

    if (qc_map_cluster(q, voff, &m) < 0)
        return -1;
    if (m.kind == QC_DATA) {
        if (check_not_metadata(q, m.host, "a data cluster") < 0 ||
            meta_write(q, buf, n, m.host + in) < 0)
            return -1;
        return 0;
    }
    if (n == q->cs)
        return store_cluster(q, &m, buf, start);
    /* Copy-on-write: the rest of the cluster keeps what it read as. */
    if (read_mapped(q, &m, start, q->cow, q->cs) < 0)
        return -1;
    memcpy(q->cow + in, buf, n);
    return store_cluster(q, &m, q->cow, start);
}

static int qcow2_write(struct blockdev *b, uint64_t off, const void *buf,
                       size_t len)
{
    struct qcow2 *q = b->state;
    const uint8_t *p = buf;

    while (len) {
        size_t in = (size_t)(off & (q->cs - 1));
        size_t n = q->cs - in < len ? q->cs - in : len;

        if (write_piece(q, off, p, n) < 0)
            return -1;
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

static int qcow2_flush(struct blockdev *b)
{
    if (fdatasync(b->fd) < 0 && errno != EINVAL)
        return blk_fail(b, "flush failed: %s", strerror(errno));
    return 0;
}

/* Deflates a cluster into q->zin; returns the compressed length, 0 when
 * it would not be smaller than a cluster, -1 on error. */
static long deflate_cluster(struct qcow2 *q, const void *buf)
{
    z_stream z;
    long n;
    int r;

    memset(&z, 0, sizeof z);
    /* QEMU writes raw deflate with a 4 KiB window (windowBits -12). */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return blk_fail(q->b, "cannot start zlib");
    z.next_in = (Bytef *)buf;
    z.avail_in = (uInt)q->cs;
    z.next_out = q->zin;
    z.avail_out = (uInt)q->cs - 1;
    r = deflate(&z, Z_FINISH);
    n = r == Z_STREAM_END ? (long)z.total_out : 0;
    deflateEnd(&z);
    return n;
}

/* Where n bytes of compressed data go: packed after the previous ones,
 * spilling into the next cluster only if that is the next one allocated. */
static int place_compressed(struct qcow2 *q, uint64_t n, uint64_t *pos)
{
    uint64_t first = q->cbyte & ~(q->cs - 1);
    uint64_t room = q->cbyte ? first + q->cs - q->cbyte : 0;
    uint16_t rc;
    uint64_t next;

    if (q->cbyte && (q->cbyte & (q->cs - 1)) &&
        refcount_get(q, first, &rc) == 0 && rc < 0xffff) {
        if (n <= room) {
            *pos = q->cbyte;
            return refcount_set(q, first, (uint16_t)(rc + 1));
        }
        if (first + q->cs == q->alloc_end) {
            if (alloc_cluster(q, &next) < 0)
                return -1;
            if (next == first + q->cs) {
                *pos = q->cbyte;
                return refcount_set(q, first, (uint16_t)(rc + 1));
            }
            *pos = next;
            return 0;
        }
    }
    return alloc_cluster(q, pos);
}

int qcow2_write_compressed(struct blockdev *b, uint64_t off,
                           const void *buf, size_t len)
{
    struct qcow2 *q = b->format == BLK_QCOW2 ? b->state : NULL;
    struct qc_map m;
    uint64_t l2off, pos, nsect;
    long n;

    if (!q || b->readonly || b->overlay)
        return blk_fail(b, "compressed writes need a writable qcow2 image");
    if (len != q->cs || (off & (q->cs - 1)) || off >= b->size)
        return blk_fail(b, "compressed writes take one whole cluster");
    if (qc_map_cluster(q, off, &m) < 0)
        return -1;
    if (m.kind != QC_UNALLOC && !(m.kind == QC_ZEROS && !m.host))
        return qcow2_write(b, off, buf, len);
    n = deflate_cluster(q, buf);
    if (n <= 0)
        return n < 0 ? -1 : qcow2_write(b, off, buf, len);
    if (ensure_l2(q, m.l1i, &l2off) < 0 ||
        place_compressed(q, (uint64_t)n, &pos) < 0)
        return -1;
    if (pos >> qc_csize_shift(q))
        return blk_fail(b, "compressed data offset 0x%llx does not fit the "
                        "descriptor", (unsigned long long)pos);
    nsect = ((pos + (uint64_t)n - 1) >> 9) - (pos >> 9);
    if (meta_write(q, q->zin, (size_t)n, pos) < 0)
        return -1;
    q->cbyte = pos + (uint64_t)n;
    return l2_set(q, l2off, m.l2i,
                  QC_COMPRESSED | nsect << qc_csize_shift(q) | pos);
}

/* ---- block status ---- */

static int qcow2_status(struct blockdev *b, uint64_t off, uint64_t len,
                        uint64_t *pnum)
{
    struct qcow2 *q = b->state;
    uint64_t l2span = q->cs << q->l2_bits;
    uint64_t done = 0;
    int first = -1;

    /* Bounded work per call: callers ask again from where this stops. */
    for (unsigned steps = 0; done < len && steps < 65536; steps++) {
        uint64_t pos = off + done;
        uint64_t step = q->cs - (pos & (q->cs - 1));
        struct qc_map m;
        int kind;

        if (qc_map_cluster(q, pos, &m) < 0)
            return -1;
        if (!m.l2off)
            step = l2span - (pos & (l2span - 1));
        if (step > len - done)
            step = len - done;
        if (m.kind == QC_UNALLOC && q->backing &&
            pos < blk_size(q->backing)) {
            uint64_t bmax = blk_size(q->backing) - pos;
            kind = blk_block_status(q->backing, pos,
                                    step < bmax ? step : bmax, &step);
            if (kind < 0)
                return blk_fail_as(b, q->backing);
        } else {
            kind = m.kind == QC_DATA || m.kind == QC_COMPRESSED_DATA;
        }
        if (first >= 0 && kind != first)
            break;
        first = kind;
        done += step;
    }
    *pnum = done;
    return first;
}

/* ---- opening ---- */

static void qcow2_close(struct blockdev *b)
{
    struct qcow2 *q = b->state;

    if (!q)
        return;
    blk_close(q->backing);
    for (unsigned s = 0; s < q->l2_slots; s++)
        free(q->l2_tab[s]);
    free(q->l2_tab);
    free(q->l2_off);
    free(q->l2_used);
    if (q->inflater_ready)
        inflateEnd(&q->inflater);
    free(q->zin);
    free(q->zout);
    free(q->cow);
    free(q->zeros);
    free(q->l1);
    free(q->rt);
    free(q->backing_name);
    free(q->backing_fmt);
    free(q->backing_path);
    free(q);
    b->state = NULL;
}

static const struct blk_driver qcow2_driver = {
    .name = "qcow2",
    .read = qcow2_read,
    .write = qcow2_write,
    .flush = qcow2_flush,
    .status = qcow2_status,
    .close = qcow2_close,
};

/* The feature's name from the feature name table, if the image has one. */
static void feature_name(const uint8_t *hdr, size_t hlen, size_t table,
                         uint32_t tlen, unsigned bit, char *out, size_t n)
{
    snprintf(out, n, "bit %u", bit);
    if (!table)
        return;
    for (size_t p = table; p + 48 <= table + tlen && p + 48 <= hlen; p += 48)
        if (hdr[p] == 0 && hdr[p + 1] == bit) {
            snprintf(out, n, "'%.46s' (bit %u)", (const char *)hdr + p + 2,
                     bit);
            return;
        }
}

struct hdr_ext {
    size_t features;     /* offset of the feature name table, 0 if none */
    uint32_t features_len;
};

static int parse_extensions(struct qcow2 *q, const uint8_t *h, size_t hlen,
                            struct hdr_ext *x)
{
    size_t p = q->version >= 3 ? q->header_length : QCOW2_V2_HEADER;

    memset(x, 0, sizeof *x);
    while (p + 8 <= hlen) {
        uint32_t type = be32(h + p), len = be32(h + p + 4);

        if (type == HX_END)
            break;
        if (len > hlen - p - 8)
            return blk_fail(q->b, "header extension 0x%08x of %u bytes runs "
                            "past the first cluster", type, len);
        if (type == HX_BACKING_FMT) {
            free(q->backing_fmt);
            q->backing_fmt = strndup((const char *)h + p + 8,
                                     len < 32 ? len : 32);
            if (!q->backing_fmt)
                return blk_fail(q->b, "out of memory");
        } else if (type == HX_FEATURES) {
            x->features = p + 8;
            x->features_len = len;
        } else if (type == HX_BITMAPS) {
            q->has_bitmaps = true;
        }
        p += 8 + qc_round_up(len, 8);
    }
    return 0;
}

static int check_features(struct qcow2 *q, const uint8_t *h, size_t hlen,
                          const struct hdr_ext *x)
{
    uint64_t unknown = q->incompat & ~(QI_DIRTY | QI_CORRUPT);
    char name[80];

    if (q->incompat & QI_DATA_FILE)
        return blk_fail(q->b, "images with an external data file are not "
                        "supported");
    if ((q->incompat & QI_COMPRESSION) || q->compression_type != 0) {
        if (q->compression_type == 1)
            return blk_fail(q->b, "zstd compression is not supported (only "
                            "zlib)");
        if (q->compression_type == 0)
            return blk_fail(q->b, "the compression type feature bit is set "
                            "without a compression type");
        return blk_fail(q->b, "compression type %u is not supported (only "
                        "zlib)", q->compression_type);
    }
    if (q->incompat & QI_EXTENDED_L2)
        return blk_fail(q->b, "extended L2 entries (subclusters) are not "
                        "supported");
    for (unsigned bit = 0; bit < 64; bit++)
        if (unknown >> bit & 1) {
            feature_name(h, hlen, x->features, x->features_len, bit, name,
                         sizeof name);
            return blk_fail(q->b, "unsupported incompatible feature %s",
                            name);
        }
    return 0;
}

static int parse_header(struct qcow2 *q, const uint8_t *h, size_t got)
{
    struct blockdev *b = q->b;

    if (got < QCOW2_V2_HEADER)
        return blk_fail(b, "truncated header (%zu bytes, a qcow2 header has "
                        "at least 72)", got);
    q->version = be32(h + 4);
    if (q->version != 2 && q->version != 3)
        return blk_fail(b, "unsupported qcow2 version %u", q->version);
    q->cluster_bits = be32(h + 20);
    if (q->cluster_bits < QCOW2_MIN_BITS || q->cluster_bits > QCOW2_MAX_BITS)
        return blk_fail(b, "cluster_bits %u out of range (%u..%u)",
                        q->cluster_bits, QCOW2_MIN_BITS, QCOW2_MAX_BITS);
    q->cs = 1ULL << q->cluster_bits;
    q->l2_bits = q->cluster_bits - 3;
    q->refcount_order = 4;
    q->header_length = QCOW2_V2_HEADER;
    if (q->version >= 3) {
        if (got < QCOW2_V3_HEADER)
            return blk_fail(b, "truncated header (%zu bytes, a version 3 "
                            "header has at least 104)", got);
        q->incompat = be64(h + 72);
        q->compat = be64(h + 80);
        q->autoclear = be64(h + 88);
        q->refcount_order = be32(h + 96);
        q->header_length = be32(h + 100);
        if (q->header_length < QCOW2_V3_HEADER || q->header_length % 8 ||
            q->header_length > q->cs)
            return blk_fail(b, "header length %u is invalid",
                            q->header_length);
        if (q->header_length > got)
            return blk_fail(b, "truncated header (%zu of %u bytes)", got,
                            q->header_length);
        if (q->refcount_order > 6)
            return blk_fail(b, "refcount order %u is invalid (at most 6)",
                            q->refcount_order);
        if (q->header_length > 104)
            q->compression_type = h[104];
    }
    if (be32(h + 32) != 0)
        return blk_fail(b, "encrypted images are not supported");
    return 0;
}

static int check_table(struct qcow2 *q, const char *what, uint64_t off,
                       uint64_t bytes)
{
    if (bytes == 0)
        return 0;
    if (off == 0)
        return blk_fail(q->b, "%s offset 0 overlaps the header", what);
    if (!aligned(q, off))
        return blk_fail(q->b, "%s offset 0x%llx is not cluster-aligned", what,
                        (unsigned long long)off);
    if (off >= q->file_size || bytes > q->file_size - off)
        return blk_fail(q->b, "%s offset 0x%llx past the end of the file",
                        what, (unsigned long long)off);
    return 0;
}

/* Reads a table of n big-endian 64-bit entries into host order. */
static uint64_t *load_table(struct qcow2 *q, uint64_t off, uint64_t n)
{
    uint64_t *t = malloc(n ? n * 8 : 8);

    if (!t) {
        blk_fail(q->b, "out of memory");
        return NULL;
    }
    if (meta_read(q, t, n * 8, off) < 0) {
        free(t);
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++)
        t[i] = be64((const uint8_t *)&t[i]);
    return t;
}

static int load_l1(struct qcow2 *q, const uint8_t *h)
{
    uint64_t size = be64(h + 24);
    uint64_t span = q->cs << q->l2_bits;
    uint64_t need;

    q->l1_size = be32(h + 36);
    q->l1_offset = be64(h + 40);
    if (size > QCOW2_MAX_SIZE)
        return blk_fail(q->b, "virtual size %llu is too large",
                        (unsigned long long)size);
    q->b->size = size;
    need = (size + span - 1) / span;
    if ((uint64_t)q->l1_size * 8 > QCOW2_MAX_L1_BYTES)
        return blk_fail(q->b, "L1 table of %u entries is too large (limit "
                        "%u MiB)", q->l1_size, QCOW2_MAX_L1_BYTES >> 20);
    if (q->l1_size < need)
        return blk_fail(q->b, "L1 table of %u entries is too small for the "
                        "virtual size (needs %llu)", q->l1_size,
                        (unsigned long long)need);
    if (check_table(q, "L1 table", q->l1_offset, (uint64_t)q->l1_size * 8))
        return -1;
    q->l1 = load_table(q, q->l1_offset, q->l1_size);
    return q->l1 ? 0 : -1;
}

static int load_refcount_table(struct qcow2 *q, const uint8_t *h)
{
    uint64_t bytes;

    q->rt_offset = be64(h + 48);
    q->rt_clusters = be32(h + 56);
    bytes = (uint64_t)q->rt_clusters << q->cluster_bits;
    if (q->rt_clusters == 0)
        return blk_fail(q->b, "the refcount table has no clusters");
    if (bytes > QCOW2_MAX_RT_BYTES)
        return blk_fail(q->b, "refcount table of %u clusters is too large "
                        "(limit %u MiB)", q->rt_clusters,
                        QCOW2_MAX_RT_BYTES >> 20);
    if (check_table(q, "refcount table", q->rt_offset, bytes) < 0)
        return -1;
    q->rt_entries = bytes / 8;
    q->rt = load_table(q, q->rt_offset, q->rt_entries);
    return q->rt ? 0 : -1;
}

static int check_snapshots(struct qcow2 *q, const uint8_t *h)
{
    q->nb_snapshots = be32(h + 60);
    q->snapshots_offset = be64(h + 64);
    if (q->nb_snapshots == 0)
        return 0;
    if (q->nb_snapshots > QCOW2_MAX_SNAPSHOTS)
        return blk_fail(q->b, "%u snapshots are too many (limit %u)",
                        q->nb_snapshots, QCOW2_MAX_SNAPSHOTS);
    return check_table(q, "snapshot table", q->snapshots_offset, 40);
}

/* The backing file's name sits in the first cluster, after the header. */
static int read_backing_name(struct qcow2 *q, const uint8_t *h)
{
    uint64_t off = be64(h + 8);
    uint32_t len = be32(h + 16);
    const char *slash;

    if (!off)
        return 0;
    if (len == 0 || len > 1023)
        return blk_fail(q->b, "backing file name length %u out of range "
                        "(1..1023)", len);
    if (off >= q->file_size || len > q->file_size - off)
        return blk_fail(q->b, "backing file name offset 0x%llx past the end "
                        "of the file", (unsigned long long)off);
    q->backing_name = calloc(1, len + 1);
    if (!q->backing_name)
        return blk_fail(q->b, "out of memory");
    if (meta_read(q, q->backing_name, len, off) < 0)
        return -1;
    if (strlen(q->backing_name) != len)
        return blk_fail(q->b, "backing file name contains a NUL byte");
    slash = strrchr(q->b->path, '/');
    if (q->backing_name[0] == '/' || !slash) {
        q->backing_path = strdup(q->backing_name);
    } else {
        size_t dir = (size_t)(slash - q->b->path) + 1;
        q->backing_path = malloc(dir + len + 1);
        if (q->backing_path) {
            memcpy(q->backing_path, q->b->path, dir);
            memcpy(q->backing_path + dir, q->backing_name, len + 1);
        }
    }
    return q->backing_path ? 0 : blk_fail(q->b, "out of memory");
}

static int open_backing(struct qcow2 *q)
{
    enum blk_format fmt = BLK_DETECT;

    if (!q->backing_name)
        return 0;
    if (q->backing_fmt && !blk_format_parse(q->backing_fmt, &fmt))
        return blk_fail(q->b, "backing file format '%s' is not supported",
                        q->backing_fmt);
    q->backing = blk_open_backing(q->b, q->backing_path, fmt);
    return q->backing ? 0 : -1;
}

/* Writable images: clean, 16-bit refcounts, no snapshots; autoclear
 * features we do not keep are cleared first, as the spec asks. */
static int prepare_writes(struct qcow2 *q)
{
    if (q->incompat & QI_CORRUPT)
        return blk_fail(q->b, "the image is marked corrupt; it can only be "
                        "opened read-only");
    if (q->incompat & QI_DIRTY)
        return blk_fail(q->b, "the image is dirty (refcounts not up to "
                        "date); repair it with 'qemu-img check -r all' or "
                        "open it read-only");
    if (q->refcount_order != 4)
        return blk_fail(q->b, "%u-bit refcounts are not supported for "
                        "writing (only 16-bit)", 1u << q->refcount_order);
    if (q->nb_snapshots)
        return blk_fail(q->b, "images with internal snapshots can only be "
                        "opened read-only");
    if (q->version >= 3 && q->autoclear) {
        q->autoclear = 0;
        return write_be64(q, 88, 0);
    }
    return 0;
}

static int alloc_buffers(struct qcow2 *q)
{
    q->l2_slots = (unsigned)(QCOW2_L2_CACHE / q->cs);
    if (q->l2_slots < 4)
        q->l2_slots = 4;
    q->l2_off = calloc(q->l2_slots, sizeof *q->l2_off);
    q->l2_used = calloc(q->l2_slots, sizeof *q->l2_used);
    q->l2_tab = calloc(q->l2_slots, sizeof *q->l2_tab);
    q->zin = malloc(2 * q->cs);
    q->zout = malloc(q->cs);
    q->cow = malloc(q->cs);
    q->zeros = calloc(1, q->cs);
    if (!q->l2_off || !q->l2_used || !q->l2_tab || !q->zin || !q->zout ||
        !q->cow || !q->zeros)
        return blk_fail(q->b, "out of memory");
    return 0;
}

int qcow2_open(struct blockdev *b)
{
    struct qcow2 *q = calloc(1, sizeof *q);
    uint8_t *h;
    size_t hlen;
    ssize_t got;
    struct hdr_ext x;
    int r = -1;

    b->drv = &qcow2_driver;
    b->state = q;
    if (!q)
        return blk_fail(b, "out of memory");
    q->b = b;
    q->file_size = file_size(b->fd);
    /* The header cluster: at most 2 MiB, and never more than the file. */
    hlen = q->file_size < (1u << QCOW2_MAX_BITS) ? (size_t)q->file_size
                                                 : 1u << QCOW2_MAX_BITS;
    h = calloc(1, hlen + 1);
    if (!h)
        return blk_fail(b, "out of memory");
    got = file_read(b->fd, h, hlen, 0);
    if (got < 0) {
        blk_fail(b, "%s", strerror(errno));
        goto out;
    }
    if (parse_header(q, h, (size_t)got) < 0)
        goto out;
    hlen = (size_t)got < q->cs ? (size_t)got : q->cs;
    if (parse_extensions(q, h, hlen, &x) < 0 ||
        check_features(q, h, hlen, &x) < 0 || load_l1(q, h) < 0 ||
        load_refcount_table(q, h) < 0 || check_snapshots(q, h) < 0 ||
        read_backing_name(q, h) < 0 || alloc_buffers(q) < 0)
        goto out;
    q->alloc_end = qc_round_up(q->file_size, q->cs);
    if (!b->file_readonly && prepare_writes(q) < 0)
        goto out;
    r = open_backing(q);
out:
    free(h);
    return r;
}

bool qcow2_get_info(const struct blockdev *b, struct qcow2_info *i)
{
    const struct qcow2 *q = b->format == BLK_QCOW2 ? b->state : NULL;

    if (!q)
        return false;
    i->version = q->version;
    i->cluster_size = q->cs;
    i->refcount_bits = 1u << q->refcount_order;
    i->incompatible = q->incompat;
    i->compatible = q->compat;
    i->autoclear = q->autoclear;
    i->nb_snapshots = q->nb_snapshots;
    i->backing = q->backing_name;
    i->backing_fmt = q->backing_fmt;
    i->backing_path = q->backing_path;
    return true;
}
