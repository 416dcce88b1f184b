/*
 * test_format.c: the trace format round trip. Writes a trace of every
 * record type with random field values through the writer (tracefmt.h),
 * reads it back with the reader and compares every field; then writes
 * the same values, one JSON object per record, for roundtrip.py, which
 * checks what isola-trace csv and chrome make of the file.
 *
 * Usage: test_format OUT.isotrace.gz OUT.truth [SEED]
 *
 * Rules kept here: the values come from a seeded generator, so a failure
 * repeats; the exit status is the number of mismatches (0 = pass).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/tracefmt.h"

#define RECORDS 20000
#define ITLB_SETS 8   /* itlb=32:4 in the header */
#define DTLB_SETS 16  /* dtlb=64:4 */

static uint64_t rng;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}
static uint32_t rnd32(void) { return (uint32_t)rnd(0x10000) << 16 | rnd(0x10000); }

static const char *const names[] = {"init", "sh", "a, b", "quote\"d", "caf\xc3\xa9", "x"};
static int failures;

/* What was written, for the comparison. */
static struct tf_record want[RECORDS];
static unsigned nwant;
static uint64_t icount;

static struct tf_record *next_record(unsigned type)
{
    struct tf_record *r = &want[nwant++];
    memset(r, 0, sizeof *r);
    icount += rnd(4) ? rnd(20) : rnd32();
    r->type = type;
    r->icount = icount;
    return r;
}

static void gen_tlb(struct tf_writer *w, uint32_t *last_lin, unsigned *last_way)
{
    struct tf_record *r = next_record(TF_TLB);
    r->itlb = rnd(2);
    r->hit = rnd(4) != 0;
    r->acc = r->itlb ? TF_EXEC : rnd(2);
    r->cpl = rnd(5) == 0 ? rnd(4) : (rnd(2) ? 3 : 0);
    r->sys = rnd(10) == 0;
    r->rewalk = r->hit && rnd(10) == 0;
    r->way = r->hit ? rnd(4) : TF_NOWAY;
    /* often the page and way of the last lookup: the compact form */
    if (r->hit && rnd(2) && last_way[r->itlb] == r->way)
        r->lin = (last_lin[r->itlb] & ~0xFFFu) | rnd(4096);
    else
        r->lin = rnd32();
    r->set = (r->lin >> 12) & ((r->itlb ? ITLB_SETS : DTLB_SETS) - 1);
    last_lin[r->itlb] = r->lin;
    last_way[r->itlb] = r->way;
    tfw_tlb(w, r->icount, r->lin, r->acc, r->itlb, r->cpl, r->sys, r->hit, r->rewalk, r->way);
}

static void gen_fill(struct tf_writer *w, uint32_t *last_lin, unsigned *last_way)
{
    struct tf_record *r = next_record(TF_FILL);
    r->itlb = rnd(2);
    r->way = rnd(4);
    r->vpn = rnd32() >> 12;
    r->lin = r->vpn << 12;
    r->pfn = rnd32() >> 8;
    r->attr = rnd(64) | (rnd(2) ? TF_ATTR_EVICT : 0);
    r->evicted_vpn = (r->attr & TF_ATTR_EVICT) ? rnd32() >> 12 : 0;
    r->set = r->vpn & ((r->itlb ? ITLB_SETS : DTLB_SETS) - 1);
    last_lin[r->itlb] = r->vpn << 12;   /* the offset of a later compact lookup is relative */
    last_way[r->itlb] = r->way;
    tfw_fill(w, r->icount, r->itlb, r->way, r->vpn, r->pfn, r->attr, r->evicted_vpn);
}

static void gen(struct tf_writer *w, uint32_t *last_lin, unsigned *last_way)
{
    unsigned k = rnd(100);
    struct tf_record *r;
    if (k < 40)
        return gen_tlb(w, last_lin, last_way);
    if (k < 50)
        return gen_fill(w, last_lin, last_way);
    if (k < 65) {
        r = next_record(TF_WALK);
        r->level = 1 + rnd(3);
        r->flags = rnd(4);
        r->paddr = (uint64_t)rnd32() << rnd(5);
        r->value = (uint64_t)rnd32() << 32 | rnd32();
        tfw_walk(w, r->icount, r->level, r->flags, r->paddr, r->value);
    } else if (k < 70) {
        r = next_record(TF_PF);
        r->cr2 = rnd32();
        r->err = rnd(32);
        r->cs = (uint16_t)rnd(0x10000);
        r->eip = rnd32();
        tfw_pf(w, r->icount, r->cr2, r->err, r->cs, r->eip);
    } else if (k < 75) {
        r = next_record(TF_INT);
        r->vec = rnd(256);
        r->flags = rnd(0x80);
        r->err = (r->flags & TF_INT_ERR) ? rnd32() : 0;
        r->cs = (uint16_t)rnd(0x10000);
        r->eip = rnd32();
        tfw_int(w, r->icount, r->vec, r->flags, r->err, r->cs, r->eip);
    } else if (k < 80) {
        r = next_record(TF_FLUSH);
        r->kind = rnd(3);
        r->arg = rnd32();
        r->dropped = rnd(5000);
        tfw_flush(w, r->icount, r->kind, r->arg, r->dropped);
        last_way[0] = last_way[1] = TF_NOWAY;
    } else if (k < 85) {
        r = next_record(TF_IO);
        r->port = (uint16_t)rnd(0x10000);
        r->size = 1u << rnd(3);
        r->out = rnd(2);
        r->v = rnd32() & (r->size == 4 ? 0xFFFFFFFFu : (1u << (8 * r->size)) - 1);
        tfw_io(w, r->icount, r->port, r->size, r->out, r->v);
    } else if (k < 90) {
        r = next_record(TF_INSN);
        r->cs = (uint16_t)rnd(0x10000);
        r->eip = rnd32();
        r->nbytes = rnd(16);
        for (unsigned b = 0; b < r->nbytes; b++)
            r->bytes[b] = (uint8_t)rnd(256);
        tfw_insn(w, r->icount, r->cs, r->eip, r->bytes, r->nbytes);
    } else if (k < 95) {
        r = next_record(TF_CR3);
        r->cr3 = rnd32() & ~0xFFFu;
        tfw_cr3(w, r->icount, r->cr3);
    } else {
        static const unsigned types[] = {TF_PROC, TF_BEGIN, TF_END, TF_POINT};
        r = next_record(types[rnd(4)]);
        r->pid = rnd(4) ? rnd(100) : rnd32();
        snprintf(r->name, sizeof r->name, "%s", names[rnd(6)]);
        tfw_marker(w, r->icount, r->type, r->pid, r->name);
    }
}

#define SAME(f)                                                                           \
    do {                                                                                  \
        if (got->f != exp->f) {                                                           \
            printf("not ok: record %u (%s): %s is %llu, wrote %llu\n", k,                 \
                   tf_type_name(exp->type), #f, (unsigned long long)got->f,               \
                   (unsigned long long)exp->f);                                           \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

static void compare(unsigned k, const struct tf_record *got, const struct tf_record *exp)
{
    SAME(type);
    SAME(icount);
    switch (exp->type) {
    case TF_TLB:
        SAME(lin); SAME(acc); SAME(cpl); SAME(way); SAME(set); SAME(itlb); SAME(hit);
        SAME(sys); SAME(rewalk);
        break;
    case TF_FILL:
        SAME(itlb); SAME(way); SAME(vpn); SAME(pfn); SAME(attr); SAME(evicted_vpn); SAME(set);
        break;
    case TF_WALK: SAME(level); SAME(flags); SAME(paddr); SAME(value); break;
    case TF_PF: SAME(cr2); SAME(err); SAME(cs); SAME(eip); break;
    case TF_INT: SAME(vec); SAME(flags); SAME(err); SAME(cs); SAME(eip); break;
    case TF_FLUSH: SAME(kind); SAME(arg); SAME(dropped); break;
    case TF_IO: SAME(port); SAME(size); SAME(out); SAME(v); break;
    case TF_INSN:
        SAME(cs); SAME(eip); SAME(nbytes);
        if (memcmp(got->bytes, exp->bytes, exp->nbytes)) {
            printf("not ok: record %u: instruction bytes differ\n", k);
            failures++;
        }
        break;
    case TF_CR3: SAME(cr3); break;
    default:
        SAME(pid);
        if (strcmp(got->name, exp->name)) {
            printf("not ok: record %u: name '%s', wrote '%s'\n", k, got->name, exp->name);
            failures++;
        }
    }
}

static void truth_line(FILE *f, const struct tf_record *r)
{
    fprintf(f, "{\"type\":\"%s\",\"icount\":%" PRIu64, tf_type_name(r->type), r->icount);
    switch (r->type) {
    case TF_TLB:
        fprintf(f, ",\"lin\":%u,\"acc\":\"%s\",\"cpl\":%u,\"way\":%d,\"set\":%u,\"tlb\":\"%s\","
                "\"hit\":%d,\"sys\":%d,\"rewalk\":%d", r->lin, tf_acc_name(r->acc), r->cpl,
                r->hit ? (int)r->way : -1, r->set, r->itlb ? "I" : "D", r->hit, r->sys,
                r->rewalk);
        break;
    case TF_FILL:
        fprintf(f, ",\"lin\":%u,\"tlb\":\"%s\",\"way\":%u,\"set\":%u,\"paddr\":%" PRIu64
                ",\"attr\":%u,\"evicted\":%u", r->lin, r->itlb ? "I" : "D", r->way, r->set,
                (uint64_t)r->pfn << 12, r->attr, r->evicted_vpn << 12);
        break;
    case TF_WALK:
        fprintf(f, ",\"level\":%u,\"flags\":%u,\"paddr\":%" PRIu64 ",\"value\":%" PRIu64,
                r->level, r->flags, r->paddr, r->value);
        break;
    case TF_PF:
        fprintf(f, ",\"cr2\":%u,\"err\":%u,\"cs\":%u,\"eip\":%u", r->cr2, r->err, r->cs, r->eip);
        break;
    case TF_INT:
        fprintf(f, ",\"vec\":%u,\"flags\":%u,\"err\":%u,\"cs\":%u,\"eip\":%u", r->vec, r->flags,
                r->err, r->cs, r->eip);
        break;
    case TF_FLUSH:
        fprintf(f, ",\"kind\":\"%s\",\"arg\":%u,\"dropped\":%u", tf_flush_name(r->kind), r->arg,
                r->dropped);
        break;
    case TF_IO:
        fprintf(f, ",\"port\":%u,\"size\":%u,\"out\":%d,\"value\":%u", r->port, r->size, r->out,
                r->v);
        break;
    case TF_INSN:
        fprintf(f, ",\"cs\":%u,\"eip\":%u,\"bytes\":\"", r->cs, r->eip);
        for (unsigned b = 0; b < r->nbytes; b++)
            fprintf(f, "%s%02x", b ? " " : "", r->bytes[b]);
        fputc('"', f);
        break;
    case TF_CR3:
        fprintf(f, ",\"cr3\":%u", r->cr3);
        break;
    default:
        fprintf(f, ",\"pid\":%u,\"name\":[", r->pid);
        for (const char *p = r->name; *p; p++)
            fprintf(f, "%s%u", p == r->name ? "" : ",", (unsigned char)*p);
        fputc(']', f);
    }
    fputs("}\n", f);
}

int main(int argc, char **argv)
{
    struct tf_writer w;
    struct tf_reader r;
    struct tf_record got;
    char err[256];
    uint32_t last_lin[2] = {0, 0};
    unsigned last_way[2] = {TF_NOWAY, TF_NOWAY};
    if (argc < 3) {
        fprintf(stderr, "usage: test_format OUT.isotrace.gz OUT.truth [SEED]\n");
        return 99;
    }
    rng = argc > 3 ? strtoull(argv[3], NULL, 0) | 1 : 0x1234567;
    if (!tfw_open(&w, argv[1], "isola=test\nitlb=32:4\ndtlb=64:4\nunified=0\nips=1000000\n",
                  err, sizeof err)) {
        fprintf(stderr, "test_format: %s\n", err);
        return 99;
    }
    while (nwant < RECORDS - 1)
        gen(&w, last_lin, last_way);
    if (!tfw_close(&w, icount, 42, err, sizeof err)) {
        fprintf(stderr, "test_format: %s\n", err);
        return 99;
    }
    if (!tfr_open(&r, argv[1])) {
        printf("not ok: %s\n", r.err);
        return 1;
    }
    unsigned k = 0;
    int st;
    while ((st = tfr_next(&r, &got)) > 0 && got.type != TF_EOT && k < nwant)
        compare(k, &got, &want[k]), k++;
    if (st < 0 || k != nwant || got.type != TF_EOT || got.dropped_records != 42 ||
        tfr_next(&r, &got) != 0) {
        printf("not ok: read %u of %u records (%s)\n", k, nwant, r.err[0] ? r.err : "no end");
        failures++;
    }
    tfr_close(&r);
    FILE *f = fopen(argv[2], "w");
    if (!f)
        return 99;
    for (k = 0; k < nwant; k++)
        truth_line(f, &want[k]);
    fclose(f);
    if (!failures)
        printf("ok: %u records of every type read back as written\n", nwant);
    return failures > 99 ? 99 : failures;
}
