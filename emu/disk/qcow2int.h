/*
 * qcow2int.h: the qcow2 driver's state and the helpers its files share
 * (qcow2.c reads and writes, qcow2check.c recounts, qcow2create.c makes
 * new images). The on-disk format is QEMU's docs/interop/qcow2.txt.
 *
 * Rules kept here:
 *  - Everything on disk is big-endian; tables in memory are host order.
 *  - A value read from the image is checked before it is used as an
 *    offset, a size or a count.
 */
#ifndef ISOLA_QCOW2INT_H
#define ISOLA_QCOW2INT_H

#include <zlib.h>

#include "disk/blkdrv.h"

#define QCOW2_MAGIC        0x514649fbu
#define QCOW2_V2_HEADER    72u
#define QCOW2_V3_HEADER    104u
#define QCOW2_MIN_BITS     9u
#define QCOW2_MAX_BITS     21u     /* 2 MiB clusters, as QEMU */
#define QCOW2_MAX_L1_BYTES (32u << 20)
#define QCOW2_MAX_RT_BYTES (8u << 20)
#define QCOW2_MAX_SNAPSHOTS 65536u
#define QCOW2_MAX_SIZE     (1ULL << 56)   /* host and guest offsets: 56 bits */
#define QCOW2_L2_CACHE     (4u << 20)     /* bytes of L2 tables kept */

/* Table entry fields (spec, "Cluster mapping"). */
#define L1E_OFFSET   0x00fffffffffffe00ULL
#define L2E_OFFSET   0x00fffffffffffe00ULL
#define RTE_OFFSET   0xfffffffffffffe00ULL
#define QC_COPIED    (1ULL << 63)  /* refcount exactly one */
#define QC_COMPRESSED (1ULL << 62)
#define QC_ZERO      1ULL          /* v3: the cluster reads as zeros */

/* Header extension types. */
#define HX_END          0x00000000u
#define HX_BACKING_FMT  0xe2792acau
#define HX_FEATURES     0x6803f857u
#define HX_BITMAPS      0x23852875u
#define HX_CRYPTO       0x0537be77u
#define HX_DATA_FILE    0x44415441u

/* Incompatible feature bits. */
#define QI_DIRTY       (1ULL << 0)
#define QI_CORRUPT     (1ULL << 1)
#define QI_DATA_FILE   (1ULL << 2)
#define QI_COMPRESSION (1ULL << 3)
#define QI_EXTENDED_L2 (1ULL << 4)

enum qc_kind { QC_UNALLOC, QC_ZEROS, QC_DATA, QC_COMPRESSED_DATA };

/* Where one guest cluster lives. */
struct qc_map {
    enum qc_kind kind;
    uint64_t entry;    /* the L2 entry (0 when no L2 table) */
    uint64_t host;     /* data: the host cluster; zeros: preallocation */
    uint64_t l2off;    /* 0 when the L1 entry is empty */
    uint32_t l1i, l2i;
};

struct qcow2 {
    struct blockdev *b;
    unsigned version;
    unsigned cluster_bits;
    unsigned l2_bits;            /* entries per L2 table: 1 << l2_bits */
    uint64_t cs;                 /* cluster size */
    unsigned refcount_order;
    uint32_t header_length;
    uint64_t incompat, compat, autoclear;
    uint8_t compression_type;
    bool has_bitmaps;

    uint64_t *l1;
    uint32_t l1_size;
    uint64_t l1_offset;

    uint64_t *rt;                /* refcount table */
    uint64_t rt_entries;
    uint64_t rt_offset;
    uint32_t rt_clusters;
    bool rt_moving;              /* growing: keep rt changes in memory */

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;

    char *backing_name;          /* as stored */
    char *backing_fmt;           /* from the header extension */
    char *backing_path;          /* resolved */
    struct blockdev *backing;

    uint64_t file_size;          /* bytes in the file now */
    uint64_t alloc_end;          /* where the next cluster goes */
    uint64_t cbyte;              /* first free byte after packed
                                    compressed data, 0 if none */

    unsigned l2_slots;
    uint64_t *l2_off;            /* 0: slot empty */
    uint64_t **l2_tab;
    uint64_t *l2_used;
    uint64_t l2_clock;

    uint8_t *zin;                /* compressed bytes, 2 clusters */
    uint8_t *zout;               /* the last inflated cluster */
    uint64_t zout_entry;         /* its L2 entry, 0 if none */
    z_stream inflater;
    bool inflater_ready;
    uint8_t *cow;                /* one cluster for read-modify-write */
    uint8_t *zeros;              /* one cluster of zeros, never written */
};

static inline uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

/* Compressed cluster descriptor (spec, "Compressed Clusters Descriptor"):
 * the low 70 - cluster_bits bits are the byte offset, the rest up to
 * bit 61 the count of 512-byte sectors after the first. */
static inline unsigned qc_csize_shift(const struct qcow2 *q)
{
    return 70u - q->cluster_bits;
}

void qc_compressed_extent(const struct qcow2 *q, uint64_t entry,
                          uint64_t *off, uint64_t *len);
int qc_map_cluster(struct qcow2 *q, uint64_t voff, struct qc_map *m);
int qc_read_l2(struct qcow2 *q, uint64_t l2off, uint64_t **tab);
uint64_t qc_refblock_entry(const uint8_t *blk, uint64_t k, unsigned order);
uint64_t qc_round_up(uint64_t v, uint64_t to);

#endif
