/*
 * qcow2create.c: new, empty images (raw and qcow2).
 *
 * Rules kept here:
 *  - A new qcow2 file is laid out cluster by cluster: the header (with
 *    its extensions and the backing file name) in cluster 0, then the
 *    refcount table, the L1 table, and the refcount blocks that count all
 *    of these. Every cluster is counted once; the file ends on a cluster.
 *  - The refcount table is made large enough for the image to be filled
 *    twice over (rewritten compressed clusters are not reused), so that
 *    growing it is rare.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/image.h"
#include "disk/qcow2int.h"

static int create_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0)
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    return fd;
}

int raw_create(const char *path, uint64_t size, char *err, size_t errlen)
{
    int fd = create_file(path, err, errlen);

    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)size) < 0) {
        snprintf(err, errlen, "%s: cannot set the size: %s", path,
                 strerror(errno));
        close(fd);
        return -1;
    }
    return close(fd);
}

struct layout {
    uint64_t cs;
    uint64_t l1_entries, l1_clusters;
    uint64_t rt_clusters, rb_clusters;
    uint64_t total;                      /* clusters in the new file */
};

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

static int plan(const struct qcow2_create_opts *o, struct layout *l,
                const char *path, char *err, size_t errlen)
{
    unsigned bits = o->cluster_bits;
    uint64_t rb_entries, span, est;

    l->cs = 1ULL << bits;
    rb_entries = l->cs / 2;              /* 16-bit refcounts */
    span = l->cs << (bits - 3);
    l->l1_entries = div_up(o->size, span);
    if (l->l1_entries * 8 > QCOW2_MAX_L1_BYTES) {
        snprintf(err, errlen, "%s: the L1 table would exceed %u MiB; use "
                 "larger clusters", path, QCOW2_MAX_L1_BYTES >> 20);
        return -1;
    }
    l->l1_clusters = div_up(l->l1_entries * 8, l->cs);
    if (l->l1_clusters == 0)
        l->l1_clusters = 1;
    /* Room for header, L1, every L2 table and every data cluster, twice. */
    est = 2 * (1 + l->l1_clusters + l->l1_entries + div_up(o->size, l->cs));
    l->rt_clusters = div_up((div_up(est, rb_entries) + 2) * 8, l->cs);
    if (l->rt_clusters * l->cs > QCOW2_MAX_RT_BYTES)
        l->rt_clusters = QCOW2_MAX_RT_BYTES / l->cs;
    l->rb_clusters = 1;
    for (;;) {
        l->total = 1 + l->rt_clusters + l->l1_clusters + l->rb_clusters;
        if (div_up(l->total, rb_entries) <= l->rb_clusters)
            break;
        l->rb_clusters = div_up(l->total, rb_entries);
    }
    if (l->rb_clusters > l->rt_clusters * l->cs / 8) {
        snprintf(err, errlen, "%s: the image is too large for its cluster "
                 "size", path);
        return -1;
    }
    return 0;
}

/* Cluster 0: the header, its extensions, the backing file's name. */
static int fill_header(uint8_t *h, const struct qcow2_create_opts *o,
                       const struct layout *l)
{
    size_t hlen = o->version >= 3 ? QCOW2_V3_HEADER : QCOW2_V2_HEADER;
    size_t p = hlen;
    size_t blen = o->backing ? strlen(o->backing) : 0;
    size_t flen = o->backing_fmt ? strlen(o->backing_fmt) : 0;

    if (blen > 1023 || flen > 31)
        return -1;
    if (p + 8 + qc_round_up(flen, 8) + 8 + blen > l->cs)
        return -1;
    put_be32(h, QCOW2_MAGIC);
    put_be32(h + 4, o->version);
    put_be32(h + 20, o->cluster_bits);
    put_be64(h + 24, o->size);
    put_be32(h + 36, (uint32_t)l->l1_entries);
    put_be64(h + 40, (1 + l->rt_clusters) * l->cs);
    put_be64(h + 48, l->cs);
    put_be32(h + 56, (uint32_t)l->rt_clusters);
    if (o->version >= 3) {
        put_be32(h + 96, 4);                        /* 16-bit refcounts */
        put_be32(h + 100, QCOW2_V3_HEADER);
    }
    if (flen) {
        put_be32(h + p, HX_BACKING_FMT);
        put_be32(h + p + 4, (uint32_t)flen);
        memcpy(h + p + 8, o->backing_fmt, flen);
        p += 8 + qc_round_up(flen, 8);
    }
    p += 8;                                          /* end of extensions */
    if (blen) {
        put_be64(h + 8, p);
        put_be32(h + 16, (uint32_t)blen);
        memcpy(h + p, o->backing, blen);
    }
    return 0;
}

static int write_layout(int fd, const struct qcow2_create_opts *o,
                        const struct layout *l)
{
    uint64_t rb_first = 1 + l->rt_clusters + l->l1_clusters;
    size_t rt_bytes = (size_t)(l->rt_clusters * l->cs);
    size_t rb_bytes = (size_t)(l->rb_clusters * l->cs);
    uint8_t *h = calloc(1, l->cs), *rt = calloc(1, rt_bytes);
    uint8_t *rb = calloc(1, rb_bytes);
    int r = -1;

    if (!h || !rt || !rb) {
        errno = ENOMEM;
        goto out;
    }
    if (fill_header(h, o, l) < 0) {
        errno = ENAMETOOLONG;
        goto out;
    }
    for (uint64_t i = 0; i < l->rb_clusters; i++)
        put_be64(rt + i * 8, (rb_first + i) * l->cs);
    for (uint64_t c = 0; c < l->total; c++)
        put_be16(rb + c * 2, 1);
    if (ftruncate(fd, (off_t)(l->total * l->cs)) == 0 &&
        file_write(fd, h, l->cs, 0) == 0 &&
        file_write(fd, rt, rt_bytes, l->cs) == 0 &&
        file_write(fd, rb, rb_bytes, rb_first * l->cs) == 0)
        r = 0;
out:
    free(h);
    free(rt);
    free(rb);
    return r;
}

int qcow2_create(const char *path, const struct qcow2_create_opts *o,
                 char *err, size_t errlen)
{
    struct layout l;
    int fd;

    if (o->version != 2 && o->version != 3) {
        snprintf(err, errlen, "%s: qcow2 version %u is not supported", path,
                 o->version);
        return -1;
    }
    if (o->cluster_bits < QCOW2_MIN_BITS || o->cluster_bits > QCOW2_MAX_BITS) {
        snprintf(err, errlen, "%s: cluster size must be a power of two from "
                 "512 bytes to 2 MiB", path);
        return -1;
    }
    if (o->size % 512 || o->size > QCOW2_MAX_SIZE) {
        snprintf(err, errlen, "%s: image size must be a multiple of 512 "
                 "bytes, at most 64 PiB", path);
        return -1;
    }
    if (plan(o, &l, path, err, errlen) < 0)
        return -1;
    fd = create_file(path, err, errlen);
    if (fd < 0)
        return -1;
    if (write_layout(fd, o, &l) < 0) {
        snprintf(err, errlen, "%s: %s", path, errno == ENAMETOOLONG
                 ? "the backing file name does not fit in the header cluster"
                 : strerror(errno));
        close(fd);
        return -1;
    }
    if (close(fd) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
