/*
 * tracefmt.c: encoding and decoding of isola trace files (see
 * tracefmt.h for the rules, docs/trace-format.md for the layout).
 *
 * Rules kept here:
 *  - The writer encodes into a buffer with room for the largest record
 *    and hands full buffers to zlib at level 1: tracing is bound by
 *    compression speed, and a TLB trace compresses well even so.
 *  - The reader decodes from a window it refills before each record, so
 *    a record is decoded from memory with a bounds check per field.
 */
#include "tracefmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <zlib.h>

#define WBUF_SIZE (1u << 20)
#define RECORD_MAX 512u          /* larger than any record */
#define RBUF_SIZE (1u << 18)

/* ---- writing ---- */

static uint8_t *put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    return p + 2;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
    return p + 4;
}

/* Signed offsets as unsigned varints: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ... */
static uint32_t zigzag(int32_t v)
{
    return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

static int32_t unzigzag(uint32_t v)
{
    return (int32_t)(v >> 1) ^ -(int32_t)(v & 1);
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* Compression runs on a thread of its own, a buffer behind the machine:
 * a TLB trace is bound by zlib's speed, and the second core is usually
 * idle. The bytes compressed, and so the file, do not depend on timing. */
#define WBUFS 4
struct tf_pipe {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    gzFile gz;
    uint8_t *buf[WBUFS];
    size_t len[WBUFS];
    unsigned tail, count;  /* full buffers: tail, tail+1, ... (mod WBUFS) */
    bool closing;
    bool failed;
    int err;
};

static void *compressor(void *arg)
{
    struct tf_pipe *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->count == 0 && !p->closing)
            pthread_cond_wait(&p->cv, &p->lock);
        if (p->count == 0)
            break;
        unsigned k = p->tail;
        bool skip = p->failed;
        pthread_mutex_unlock(&p->lock);
        int zerr = Z_OK;
        bool ok = skip || gzwrite(p->gz, p->buf[k], (unsigned)p->len[k]) == (int)p->len[k];
        if (!ok)
            gzerror(p->gz, &zerr);
        int why = zerr == Z_ERRNO ? errno : EIO;
        pthread_mutex_lock(&p->lock);
        if (!ok) {
            p->failed = true;
            p->err = why;
        }
        p->tail = (p->tail + 1) % WBUFS;
        p->count--;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Queue the buffer being filled; go on in the next free one. */
static void wflush(struct tf_writer *w)
{
    struct tf_pipe *p = w->pipe;
    pthread_mutex_lock(&p->lock);
    p->len[(p->tail + p->count) % WBUFS] = w->len;
    p->count++;
    pthread_cond_broadcast(&p->cv);
    while (p->count == WBUFS)
        pthread_cond_wait(&p->cv, &p->lock);
    w->buf = p->buf[(p->tail + p->count) % WBUFS];
    pthread_mutex_unlock(&p->lock);
    w->len = 0;
}

static void pipe_free(struct tf_pipe *p)
{
    for (unsigned k = 0; k < WBUFS; k++)
        free(p->buf[k]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cv);
    free(p);
}

static struct tf_pipe *pipe_open(gzFile gz)
{
    struct tf_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->gz = gz;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (unsigned k = 0; k < WBUFS; k++)
        if (!(p->buf[k] = malloc(WBUF_SIZE))) {
            pipe_free(p);
            return NULL;
        }
    if (pthread_create(&p->thread, NULL, compressor, p) != 0) {
        pipe_free(p);
        return NULL;
    }
    return p;
}

/* Room for one record; returns where it goes. */
static uint8_t *begin(struct tf_writer *w, unsigned type, uint64_t icount)
{
    if (w->len > WBUF_SIZE - RECORD_MAX)
        wflush(w);
    uint8_t *p = w->buf + w->len;
    *p++ = (uint8_t)type;
    p = put_varint(p, icount - w->icount);
    w->icount = icount;
    return p;
}

static void end(struct tf_writer *w, const uint8_t *p)
{
    w->len = (size_t)(p - w->buf);
    w->records++;
}

bool tfw_open(struct tf_writer *w, const char *path, const char *meta, char *err,
              size_t errlen)
{
    size_t mlen = strlen(meta);
    uint8_t head[16];
    *w = (struct tf_writer){.last_way = {TF_NOWAY, TF_NOWAY}};
    if (mlen > TF_META_MAX) {
        snprintf(err, errlen, "%s: header too long", path);
        return false;
    }
    errno = 0;
    gzFile gz = gzopen(path, "wb1");
    if (!gz) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : ENOMEM));
        return false;
    }
    gzbuffer(gz, WBUF_SIZE);
    memcpy(head, TF_MAGIC, 8);
    put_u16(head + 8, TF_VERSION_MAJOR);
    put_u16(head + 10, TF_VERSION_MINOR);
    put_u32(head + 12, (uint32_t)mlen);
    if (gzwrite(gz, head, sizeof head) != (int)sizeof head ||
        (mlen && gzwrite(gz, meta, (unsigned)mlen) != (int)mlen)) {
        snprintf(err, errlen, "%s: cannot write", path);
        gzclose(gz);
        return false;
    }
    if (!(w->pipe = pipe_open(gz))) {
        snprintf(err, errlen, "%s: cannot start the compressing thread", path);
        gzclose(gz);
        return false;
    }
    w->buf = w->pipe->buf[0];
    return true;
}

bool tfw_close(struct tf_writer *w, uint64_t icount, uint64_t dropped, char *err,
               size_t errlen)
{
    struct tf_pipe *p = w->pipe;
    if (!p)
        return true;
    uint8_t *q = begin(w, TF_EOT, icount);
    q = put_varint(q, w->records);
    q = put_varint(q, dropped);
    end(w, q);
    wflush(w);
    pthread_mutex_lock(&p->lock);
    p->closing = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    int r = gzclose(p->gz);
    bool ok = !p->failed && r == Z_OK;
    if (!ok)
        snprintf(err, errlen, "%s", strerror(p->failed ? p->err : EIO));
    pipe_free(p);
    w->pipe = NULL;
    w->buf = NULL;
    return ok;
}

void tfw_cr3(struct tf_writer *w, uint64_t icount, uint32_t cr3)
{
    uint8_t *p = begin(w, TF_CR3, icount);
    p = put_u32(p, cr3);
    end(w, p);
    w->cr3 = cr3;
    w->cr3_known = true;
}

/* The commonest record by far: a lookup of the page and way this TLB
 * looked up last takes 4 bytes (type, time, page offset). */
void tfw_tlb(struct tf_writer *w, uint64_t icount, uint32_t lin, unsigned acc, bool itlb,
             unsigned cpl, bool sys, bool hit, bool rewalk, unsigned way)
{
    unsigned k = itlb, type = TF_TLB | acc << TF_TLB_ACC_SHIFT;
    uint32_t vpn = lin >> 12;
    bool same = way != TF_NOWAY && vpn == w->last_vpn[k] && way == w->last_way[k];
    bool extra = sys || rewalk || (cpl != 0 && cpl != 3);
    type |= (hit ? TF_TLB_HIT : 0) | (itlb ? TF_TLB_ITLB : 0) | (same ? TF_TLB_SAME : 0) |
            (extra ? TF_TLB_EXTRA : 0) | (cpl == 3 ? TF_TLB_CPL3 : 0);
    uint8_t *p = begin(w, type, icount);
    if (same) {
        p = put_varint(p, zigzag((int32_t)(lin & 0xFFFu) - (int32_t)w->last_off[k]));
    } else {
        p = put_u32(p, lin);
        *p++ = (uint8_t)way;
    }
    if (extra)
        *p++ = (uint8_t)((sys ? TF_TLBX_SYS : 0) | (rewalk ? TF_TLBX_REWALK : 0) |
                         (cpl & 3) << TF_TLBX_CPL_SHIFT);
    end(w, p);
    w->last_vpn[k] = vpn;
    w->last_way[k] = (uint8_t)way;
    w->last_off[k] = lin & 0xFFFu;
}

void tfw_walk(struct tf_writer *w, uint64_t icount, unsigned level, unsigned flags,
              uint64_t paddr, uint64_t value)
{
    uint8_t *p = begin(w, TF_WALK, icount);
    *p++ = (uint8_t)level;
    *p++ = (uint8_t)flags;
    p = put_varint(p, paddr);
    p = put_varint(p, value);
    end(w, p);
}

void tfw_fill(struct tf_writer *w, uint64_t icount, bool itlb, unsigned way, uint32_t vpn,
              uint32_t pfn, unsigned attr, uint32_t evicted_vpn)
{
    uint8_t *p = begin(w, TF_FILL, icount);
    *p++ = itlb;
    *p++ = (uint8_t)way;
    p = put_u32(p, vpn);
    p = put_u32(p, pfn);
    *p++ = (uint8_t)attr;
    if (attr & TF_ATTR_EVICT)
        p = put_u32(p, evicted_vpn);
    end(w, p);
    /* the filled way is where the next lookup of the page hits */
    w->last_vpn[itlb] = vpn;
    w->last_way[itlb] = (uint8_t)way;
}

void tfw_pf(struct tf_writer *w, uint64_t icount, uint32_t cr2, uint32_t err, uint16_t cs,
            uint32_t eip)
{
    uint8_t *p = begin(w, TF_PF, icount);
    p = put_u32(p, cr2);
    p = put_varint(p, err);
    p = put_u16(p, cs);
    p = put_u32(p, eip);
    end(w, p);
}

void tfw_int(struct tf_writer *w, uint64_t icount, unsigned vec, unsigned flags, uint32_t err,
             uint16_t cs, uint32_t eip)
{
    uint8_t *p = begin(w, TF_INT, icount);
    *p++ = (uint8_t)vec;
    *p++ = (uint8_t)flags;
    if (flags & TF_INT_ERR)
        p = put_varint(p, err);
    p = put_u16(p, cs);
    p = put_u32(p, eip);
    end(w, p);
}

void tfw_flush(struct tf_writer *w, uint64_t icount, unsigned kind, uint32_t arg,
               unsigned dropped)
{
    uint8_t *p = begin(w, TF_FLUSH, icount);
    *p++ = (uint8_t)kind;
    p = put_u32(p, arg);
    p = put_varint(p, dropped);
    end(w, p);
    /* the lookups after a flush cannot be of an entry still there */
    w->last_way[0] = w->last_way[1] = TF_NOWAY;
}

void tfw_io(struct tf_writer *w, uint64_t icount, uint16_t port, unsigned size, bool out,
            uint32_t v)
{
    uint8_t *p = begin(w, TF_IO, icount);
    *p++ = (uint8_t)((out ? 1u : 0u) | (size & 7u) << 1);
    p = put_u16(p, port);
    p = put_varint(p, v);
    end(w, p);
}

void tfw_insn(struct tf_writer *w, uint64_t icount, uint16_t cs, uint32_t eip,
              const uint8_t *bytes, unsigned n)
{
    uint8_t *p = begin(w, TF_INSN, icount);
    if (n > 15)
        n = 15;
    p = put_u16(p, cs);
    p = put_u32(p, eip);
    *p++ = (uint8_t)n;
    memcpy(p, bytes, n);
    end(w, p + n);
}

void tfw_marker(struct tf_writer *w, uint64_t icount, unsigned type, uint32_t pid,
                const char *name)
{
    size_t n = strnlen(name, TF_NAME_MAX);
    uint8_t *p = begin(w, type, icount);
    p = put_varint(p, pid);
    *p++ = (uint8_t)n;
    memcpy(p, name, n);
    end(w, p + n);
}

/* ---- reading ---- */

static bool fail(struct tf_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct tf_reader *r, const char *fmt, ...)
{
    va_list ap;
    char msg[200];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!r->err[0])
        snprintf(r->err, sizeof r->err, "%s: %s", r->path, msg);
    return false;
}

/* Make at least want bytes available at r->pos, as far as the stream
 * has them. False on a decompression error. */
static bool refill(struct tf_reader *r, size_t want)
{
    if (r->len - r->pos >= want || r->eof)
        return true;
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->base += r->pos;
    r->len -= r->pos;
    r->pos = 0;
    while (r->len < want && !r->eof) {
        int n = gzread(r->gz, r->buf + r->len, (unsigned)(RBUF_SIZE - r->len));
        int zerr;
        const char *msg = gzerror(r->gz, &zerr);
        if (n < 0 || (zerr != Z_OK && zerr != Z_BUF_ERROR) ||
            (n == 0 && zerr == Z_BUF_ERROR))
            return fail(r, "corrupt or truncated compressed data after byte %llu (%s)",
                        (unsigned long long)(r->base + r->len),
                        zerr == Z_ERRNO ? strerror(errno) : msg);
        if (n == 0)
            r->eof = true;
        r->len += (size_t)n;
    }
    return true;
}

/* A cursor over one record in the window. */
struct cur {
    struct tf_reader *r;
    const uint8_t *p, *end;
    uint64_t start;
    bool bad;
};

static bool short_record(struct cur *c)
{
    if (!c->bad)
        fail(c->r, "truncated: the file ends inside the record at byte %llu",
             (unsigned long long)c->start);
    c->bad = true;
    return false;
}

static uint8_t get_u8(struct cur *c)
{
    if (c->p + 1 > c->end)
        return short_record(c), 0;
    return *c->p++;
}

static uint32_t get_u16(struct cur *c)
{
    if (c->p + 2 > c->end)
        return short_record(c), 0;
    uint32_t v = c->p[0] | (uint32_t)c->p[1] << 8;
    c->p += 2;
    return v;
}

static uint32_t get_u32(struct cur *c)
{
    if (c->p + 4 > c->end)
        return short_record(c), 0;
    uint32_t v = c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 |
                 (uint32_t)c->p[3] << 24;
    c->p += 4;
    return v;
}

static uint64_t get_varint(struct cur *c, uint64_t max, const char *what)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < 10; k++) {
        if (c->p >= c->end)
            return short_record(c), 0;
        uint8_t b = *c->p++;
        if (k == 9 && b > 1)
            break;
        v |= (uint64_t)(b & 0x7F) << (7 * k);
        if (!(b & 0x80)) {
            if (v > max && !c->bad) {
                fail(c->r, "bad %s %llu in the record at byte %llu", what,
                     (unsigned long long)v, (unsigned long long)c->start);
                c->bad = true;
            }
            return v;
        }
    }
    if (!c->bad)
        fail(c->r, "bad %s (an over-long number) in the record at byte %llu", what,
             (unsigned long long)c->start);
    c->bad = true;
    return 0;
}

static bool bad_field(struct cur *c, const char *what, unsigned v)
{
    if (!c->bad)
        fail(c->r, "bad %s %u in the %s record at byte %llu", what, v,
             tf_type_name(*(c->r->buf + (c->start - c->r->base))),
             (unsigned long long)c->start);
    c->bad = true;
    return false;
}

static unsigned set_of(const struct tf_reader *r, bool itlb, uint32_t vpn)
{
    unsigned sets = itlb && !r->hdr.unified ? r->hdr.itlb_sets : r->hdr.dtlb_sets;
    return sets ? vpn & (sets - 1) : 0;
}

static void decode_tlb(struct cur *c, unsigned type, struct tf_record *rec)
{
    struct tf_reader *r = c->r;
    rec->hit = (type & TF_TLB_HIT) != 0;
    rec->itlb = (type & TF_TLB_ITLB) != 0;
    rec->acc = (type >> TF_TLB_ACC_SHIFT) & 3;
    rec->cpl = (type & TF_TLB_CPL3) ? 3 : 0;
    rec->type = TF_TLB;
    if (rec->acc > TF_EXEC)
        return (void)bad_field(c, "access kind", rec->acc);
    unsigned k = rec->itlb;
    if (type & TF_TLB_SAME) {
        if (r->last_way[k] == TF_NOWAY) {
            fail(r, "a short TLB record with no lookup before it, at byte %llu",
                 (unsigned long long)c->start);
            c->bad = true;
            return;
        }
        int32_t off = (int32_t)r->last_off[k] +
                      unzigzag((uint32_t)get_varint(c, 0x1FFF, "page offset"));
        if (!c->bad && (off < 0 || off > 0xFFF))
            return (void)bad_field(c, "page offset", (unsigned)off);
        rec->lin = r->last_vpn[k] << 12 | (uint32_t)off;
        rec->way = r->last_way[k];
    } else {
        rec->lin = get_u32(c);
        rec->way = get_u8(c);
    }
    if (type & TF_TLB_EXTRA) {
        unsigned x = get_u8(c);
        if (x >> 4)
            return (void)bad_field(c, "flags", x);
        rec->sys = (x & TF_TLBX_SYS) != 0;
        rec->rewalk = (x & TF_TLBX_REWALK) != 0;
        rec->cpl = (x >> TF_TLBX_CPL_SHIFT) & 3;
    }
    if (rec->hit != (rec->way != TF_NOWAY))
        return (void)bad_field(c, "way", rec->way);
    rec->set = set_of(r, rec->itlb, rec->lin >> 12);
    r->last_vpn[k] = rec->lin >> 12;
    r->last_way[k] = (uint8_t)rec->way;
    r->last_off[k] = rec->lin & 0xFFFu;
}

static void decode_walk(struct cur *c, struct tf_record *rec)
{
    rec->level = get_u8(c);
    rec->flags = get_u8(c);
    rec->paddr = get_varint(c, UINT64_MAX, "address");
    rec->value = get_varint(c, UINT64_MAX, "entry");
    if (!c->bad && (rec->level < 1 || rec->level > 3))
        bad_field(c, "level", rec->level);
    if (!c->bad && rec->flags > 3)
        bad_field(c, "flags", rec->flags);
}

static void decode_fill(struct cur *c, struct tf_record *rec)
{
    struct tf_reader *r = c->r;
    unsigned which = get_u8(c);
    rec->itlb = which == 1;
    rec->way = get_u8(c);
    rec->vpn = get_u32(c);
    rec->pfn = get_u32(c);
    rec->attr = get_u8(c);
    if (rec->attr & TF_ATTR_EVICT)
        rec->evicted_vpn = get_u32(c);
    if (c->bad)
        return;
    if (which > 1)
        return (void)bad_field(c, "TLB", which);
    if (rec->way == TF_NOWAY)
        return (void)bad_field(c, "way", rec->way);
    if (rec->attr & 0x40)
        return (void)bad_field(c, "attributes", rec->attr);
    rec->set = set_of(r, rec->itlb, rec->vpn);
    rec->lin = rec->vpn << 12;
    r->last_vpn[rec->itlb] = rec->vpn;
    r->last_way[rec->itlb] = (uint8_t)rec->way;
}

static void decode_int(struct cur *c, struct tf_record *rec)
{
    rec->vec = get_u8(c);
    rec->flags = get_u8(c);
    rec->err = (rec->flags & TF_INT_ERR) ? (uint32_t)get_varint(c, UINT32_MAX, "error code") : 0;
    rec->cs = (uint16_t)get_u16(c);
    rec->eip = get_u32(c);
    if (!c->bad && (rec->flags & 0x80))
        bad_field(c, "flags", rec->flags);
}

static void decode_name(struct cur *c, struct tf_record *rec)
{
    rec->pid = (uint32_t)get_varint(c, UINT32_MAX, "pid");
    unsigned n = get_u8(c);
    if (c->bad)
        return;
    if (c->p + n > c->end)
        return (void)short_record(c);
    memcpy(rec->name, c->p, n);
    rec->name[n] = '\0';
    c->p += n;
    if (strlen(rec->name) != n)
        bad_field(c, "name with a NUL byte, length", n);
}

static void decode_body(struct cur *c, unsigned type, struct tf_record *rec)
{
    struct tf_reader *r = c->r;
    switch (type) {
    case TF_INSN:
        rec->cs = (uint16_t)get_u16(c);
        rec->eip = get_u32(c);
        rec->nbytes = get_u8(c);
        if (c->bad || rec->nbytes > 15)
            return (void)(c->bad || bad_field(c, "length", rec->nbytes));
        if (c->p + rec->nbytes > c->end)
            return (void)short_record(c);
        memcpy(rec->bytes, c->p, rec->nbytes);
        c->p += rec->nbytes;
        return;
    case TF_WALK: decode_walk(c, rec); return;
    case TF_FILL: decode_fill(c, rec); return;
    case TF_PF:
        rec->cr2 = get_u32(c);
        rec->err = (uint32_t)get_varint(c, UINT32_MAX, "error code");
        rec->cs = (uint16_t)get_u16(c);
        rec->eip = get_u32(c);
        rec->vec = 14;
        return;
    case TF_INT: decode_int(c, rec); return;
    case TF_FLUSH:
        rec->kind = get_u8(c);
        rec->arg = get_u32(c);
        rec->dropped = (unsigned)get_varint(c, UINT32_MAX, "count");
        if (!c->bad && rec->kind > TF_FLUSH_ALL)
            return (void)bad_field(c, "kind", rec->kind);
        r->last_way[0] = r->last_way[1] = TF_NOWAY;
        return;
    case TF_IO: {
        unsigned f = get_u8(c);
        rec->out = f & 1;
        rec->size = (f >> 1) & 7;
        rec->port = (uint16_t)get_u16(c);
        rec->v = (uint32_t)get_varint(c, UINT32_MAX, "value");
        if (!c->bad && ((f >> 4) || (rec->size != 1 && rec->size != 2 && rec->size != 4)))
            bad_field(c, "flags", f);
        return;
    }
    case TF_PROC: case TF_BEGIN: case TF_END: case TF_POINT:
        decode_name(c, rec);
        return;
    case TF_CR3:
        rec->cr3 = r->cr3 = get_u32(c);
        return;
    case TF_EOT:
        get_varint(c, UINT64_MAX, "count");
        rec->dropped_records = get_varint(c, UINT64_MAX, "count");
        return;
    default:
        fail(r, "unknown record type 0x%02x at byte %llu", type, (unsigned long long)c->start);
        c->bad = true;
    }
}

int tfr_next(struct tf_reader *r, struct tf_record *rec)
{
    if (r->err[0])
        return -1;
    if (r->done)
        return 0;
    if (!refill(r, RECORD_MAX))
        return -1;
    if (r->pos == r->len)
        return fail(r, "truncated: no end-of-trace record after byte %llu (the run that "
                    "wrote it did not finish)", (unsigned long long)(r->base + r->pos)),
               -1;
    struct cur c = {r, r->buf + r->pos, r->buf + r->len, r->base + r->pos, false};
    unsigned type = get_u8(&c);
    uint64_t dt = get_varint(&c, UINT64_MAX, "instruction count");
    memset(rec, 0, offsetof(struct tf_record, name) + 1);
    rec->dropped_records = 0;
    rec->type = type;
    rec->offset = c.start;
    if (!c.bad && r->icount + dt < r->icount)
        fail(r, "instruction count overflows at byte %llu", (unsigned long long)c.start),
            c.bad = true;
    r->icount += dt;
    rec->icount = r->icount;
    if (!c.bad) {
        if (type & TF_TLB)
            decode_tlb(&c, type, rec);
        else
            decode_body(&c, type, rec);
    }
    if (c.bad)
        return -1;
    rec->cr3 = r->cr3;
    r->pos = (size_t)(c.p - r->buf);
    if (type == TF_EOT) {
        r->done = true;
        if (!refill(r, 1))
            return -1;
        if (r->pos != r->len)
            return fail(r, "data after the end-of-trace record at byte %llu",
                        (unsigned long long)(r->base + r->pos)), -1;
    }
    return 1;
}

/* itlb=ENTRIES:WAYS and the like: the sets, or 0 when malformed. */
static unsigned meta_sets(const char *meta, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = meta; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        unsigned e, w;
        if (strncmp(p, key, kl) == 0 && p[kl] == '=' && sscanf(p + kl + 1, "%u:%u", &e, &w) == 2 &&
            e && w && e <= 4096 && w <= e && !(e & (e - 1)) && !(w & (w - 1)))
            return e / w;
    }
    return 0;
}

static uint64_t meta_u64(const char *meta, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = meta; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, kl) == 0 && p[kl] == '=')
            return strtoull(p + kl + 1, NULL, 10);
    return 0;
}

static bool read_header(struct tf_reader *r)
{
    if (!refill(r, 16))
        return false;
    if (r->len < 8 || memcmp(r->buf, TF_MAGIC, 8) != 0)
        return fail(r, "not an isola trace (no ISOTRACE header)");
    if (r->len < 16)
        return fail(r, "truncated: the file ends inside the header");
    const uint8_t *h = r->buf;
    r->hdr.major = h[8] | (unsigned)h[9] << 8;
    r->hdr.minor = h[10] | (unsigned)h[11] << 8;
    uint32_t mlen = h[12] | (uint32_t)h[13] << 8 | (uint32_t)h[14] << 16 | (uint32_t)h[15] << 24;
    if (r->hdr.major != TF_VERSION_MAJOR)
        return fail(r, "trace format version %u.%u; this reader knows version %u.x",
                    r->hdr.major, r->hdr.minor, TF_VERSION_MAJOR);
    if (mlen > TF_META_MAX)
        return fail(r, "bad header: %u bytes of metadata (at most %u)", mlen, TF_META_MAX);
    r->pos = 16;
    if (!refill(r, mlen))
        return false;
    if (r->len - r->pos < mlen)
        return fail(r, "truncated: the file ends inside the header");
    r->hdr.meta = malloc(mlen + 1);
    if (!r->hdr.meta)
        return fail(r, "out of memory");
    memcpy(r->hdr.meta, r->buf + r->pos, mlen);
    r->hdr.meta[mlen] = '\0';
    r->pos += mlen;
    r->hdr.unified = meta_u64(r->hdr.meta, "unified") != 0;
    r->hdr.itlb_sets = meta_sets(r->hdr.meta, "itlb");
    r->hdr.dtlb_sets = meta_sets(r->hdr.meta, "dtlb");
    r->hdr.ips = meta_u64(r->hdr.meta, "ips");
    return true;
}

bool tfr_open(struct tf_reader *r, const char *path)
{
    *r = (struct tf_reader){.path = path, .last_way = {TF_NOWAY, TF_NOWAY}};
    r->buf = malloc(RBUF_SIZE);
    if (!r->buf)
        return fail(r, "out of memory");
    errno = 0;
    r->gz = gzopen(path, "rb");
    if (!r->gz)
        return fail(r, "%s", strerror(errno ? errno : ENOMEM));
    gzbuffer(r->gz, 1u << 17);
    return read_header(r);
}

void tfr_close(struct tf_reader *r)
{
    if (r->gz)
        gzclose(r->gz);
    free(r->buf);
    free(r->hdr.meta);
    r->gz = NULL;
    r->buf = NULL;
    r->hdr.meta = NULL;
}

/* ---- names ---- */

const char *tf_type_name(unsigned type)
{
    static const char *const names[] = {
        [TF_INSN] = "insn", [TF_WALK] = "walk", [TF_FILL] = "fill", [TF_PF] = "pf",
        [TF_INT] = "int", [TF_FLUSH] = "flush", [TF_IO] = "io", [TF_PROC] = "proc",
        [TF_BEGIN] = "begin", [TF_END] = "end", [TF_POINT] = "point", [TF_CR3] = "cr3",
        [TF_EOT] = "eot"};
    if (type & TF_TLB)
        return "tlb";
    return type < sizeof names / sizeof names[0] && names[type] ? names[type] : "?";
}

const char *tf_acc_name(unsigned acc)
{
    return acc == TF_WRITE ? "w" : acc == TF_EXEC ? "x" : "r";
}

const char *tf_flush_name(unsigned kind)
{
    return kind == TF_FLUSH_CR3 ? "cr3" : kind == TF_FLUSH_INVLPG ? "invlpg" : "all";
}
