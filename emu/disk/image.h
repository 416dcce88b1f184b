/*
 * image.h: what the image tool (disks/isola-img.c) needs beyond block.h:
 * creating images, asking how a range reads, writing compressed clusters,
 * and looking inside a qcow2 file (info, check).
 *
 * Rules kept here:
 *  - Same error convention as block.h: one line naming the file.
 *  - Nothing here is needed to run a guest.
 */
#ifndef ISOLA_IMAGE_H
#define ISOLA_IMAGE_H

#include <stdio.h>

#include "disk/block.h"

enum blk_format blk_format_of(const struct blockdev *b);
const char *blk_format_name(enum blk_format f);
/* "raw" / "qcow2" to a format; false for anything else. */
bool blk_format_parse(const char *name, enum blk_format *f);

/* How [off, off+len) reads: *pnum bytes (at least 1, at most len) from off
 * are data (returns 1) or known zeros (returns 0); -1 on error. */
int blk_block_status(struct blockdev *b, uint64_t off, uint64_t len,
                     uint64_t *pnum);

/* Creates (or truncates) a raw image of size bytes, sparse. */
int raw_create(const char *path, uint64_t size, char *err, size_t errlen);

struct qcow2_create_opts {
    uint64_t size;               /* virtual size; a multiple of 512 */
    unsigned version;            /* 2 or 3 */
    unsigned cluster_bits;       /* 9..21 */
    const char *backing;         /* stored as given, or NULL */
    const char *backing_fmt;     /* "raw", "qcow2" or NULL */
};
int qcow2_create(const char *path, const struct qcow2_create_opts *o,
                 char *err, size_t errlen);

/* Stores one whole guest cluster (offset cluster-aligned, len = cluster
 * size, the cluster not yet allocated) deflated, when that makes it
 * smaller; otherwise writes it as usual. */
int qcow2_write_compressed(struct blockdev *b, uint64_t off,
                           const void *buf, size_t len);

struct qcow2_info {
    unsigned version;
    uint64_t cluster_size;
    unsigned refcount_bits;
    uint64_t incompatible, compatible, autoclear;
    uint32_t nb_snapshots;
    const char *backing;         /* as stored, or NULL */
    const char *backing_fmt;     /* from the header extension, or NULL */
    const char *backing_path;    /* resolved against the image's folder */
};
/* False (b not qcow2) or fills *i; strings live as long as b. */
bool qcow2_get_info(const struct blockdev *b, struct qcow2_info *i);

#define QCOW2_INCOMPAT_DIRTY   (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ULL << 1)
#define QCOW2_COMPAT_LAZY      (1ULL << 0)

struct qcow2_check_result {
    uint64_t corruptions;
    uint64_t leaks;
    uint64_t allocated_clusters;  /* guest clusters with data */
    uint64_t compressed_clusters;
    uint64_t total_clusters;      /* guest clusters in the virtual size */
    uint64_t image_end;           /* end of the last used host cluster */
};
/* Recounts every reference and compares with the stored refcounts;
 * each problem is one line on `report`. -1 when the check could not be
 * done (the reason in blk_error). */
int qcow2_check(struct blockdev *b, struct qcow2_check_result *r,
                FILE *report);

#endif
