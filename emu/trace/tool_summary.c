/*
 * tool_summary.c: isola-trace summary: TLB miss rates per process and per
 * region, the pages that fault most, and the reuse-distance histogram.
 *
 * Rules kept here:
 *  - Instructions belong to the process running when they retire (the
 *    difference of instruction counts between consecutive records).
 *  - A region counts every lookup made while it is open, whichever
 *    process makes it, as -stats does.
 *  - A page, for faults and reuse, is a linear page of one address
 *    space: (CR3, linear page number).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace/tool.h"

struct counts {
    uint64_t insns, lookups[2], misses[2], refs, faults;
};

struct entity {
    char label[TF_NAME_MAX + 24];
    unsigned instances;
    struct counts n;
};

struct table {
    struct entity *e;
    unsigned n, cap;
};

struct fault_page {
    uint64_t count;
    unsigned kinds;        /* bit k: PF kind k seen */
    char first[TF_NAME_MAX + 24];  /* the process that faulted first */
};

struct summary {
    struct replay rp;
    struct table procs, regions;
    int cur;               /* index in procs, -1 none yet */
    int open[TOOL_REGIONS_MAX];  /* index in regions of each open region */
    uint64_t last_icount;
    struct pmap faults;
    struct reuse reuse[2]; /* [0] data (or unified), [1] instructions */
    uint64_t records, tlb_records;
    bool oom;
};

static int entity(struct table *t, const char *label)
{
    for (unsigned k = 0; k < t->n; k++)
        if (strcmp(t->e[k].label, label) == 0)
            return (int)k;
    if (t->n == t->cap) {
        unsigned cap = t->cap ? t->cap * 2 : 16;
        struct entity *n = realloc(t->e, cap * sizeof *n);
        if (!n)
            return -1;
        t->e = n;
        t->cap = cap;
    }
    memset(&t->e[t->n], 0, sizeof t->e[0]);
    snprintf(t->e[t->n].label, sizeof t->e[0].label, "%s", label);
    return (int)t->n++;
}

static const char *const pf_kind_names[] = {
    "np-r", "np-w", "np-x", "prot-r", "prot-w", "prot-x", "rsvd"};

/* As enum pf_kind (cpu.h), from the error code (SDM vol. 3, 4.7). */
static unsigned pf_kind(uint32_t err)
{
    unsigned rwx = (err & 16) ? 2 : (err & 2) ? 1 : 0;
    if (err & 8)
        return 6;
    return ((err & 1) ? 3 : 0) + rwx;
}

/* Apply f to the running process and to every open region. */
static void credit(struct summary *s, void (*f)(struct counts *, const struct tf_record *),
                   const struct tf_record *rec)
{
    if (s->cur >= 0)
        f(&s->procs.e[s->cur].n, rec);
    for (unsigned k = 0; k < s->rp.nopen; k++)
        if (s->open[k] >= 0)
            f(&s->regions.e[s->open[k]].n, rec);
}

/* After a region begins or ends: where each open one is counted. */
static void find_open(struct summary *s)
{
    for (unsigned k = 0; k < s->rp.nopen; k++)
        if ((s->open[k] = entity(&s->regions, s->rp.open[k])) < 0)
            s->oom = true;
}

static void add_lookup(struct counts *c, const struct tf_record *rec)
{
    c->lookups[rec->itlb]++;
    c->misses[rec->itlb] += !rec->hit;
}

static void add_ref(struct counts *c, const struct tf_record *rec)
{
    (void)rec;
    c->refs++;
}

static void add_fault(struct counts *c, const struct tf_record *rec)
{
    (void)rec;
    c->faults++;
}

static void switch_process(struct summary *s)
{
    char label[TF_NAME_MAX + 24];
    replay_process(&s->rp, label, sizeof label);
    s->cur = entity(&s->procs, label);
    if (s->cur < 0)
        s->oom = true;
}

static void note_fault(struct summary *s, const struct tf_record *rec)
{
    bool fresh;
    struct fault_page *p = pmap_get(&s->faults, (uint64_t)rec->cr3 << 32 | rec->cr2 >> 12,
                                    &fresh);
    if (!p) {
        s->oom = true;
        return;
    }
    if (fresh)
        replay_process(&s->rp, p->first, sizeof p->first);
    p->count++;
    p->kinds |= 1u << pf_kind(rec->err);
}

/* Instructions retired since the last record belong to the process
 * running and to every open region. */
static void count_insns(struct summary *s, uint64_t n)
{
    if (!n)
        return;
    if (s->cur >= 0)
        s->procs.e[s->cur].n.insns += n;
    for (unsigned k = 0; k < s->rp.nopen; k++)
        if (s->open[k] >= 0)
            s->regions.e[s->open[k]].n.insns += n;
}

static void step(struct summary *s, const struct tf_record *rec)
{
    int ended;
    if (s->cur < 0)   /* the trace begins here: nothing before it is known */
        s->last_icount = rec->icount;
    count_insns(s, rec->icount - s->last_icount);
    s->last_icount = rec->icount;
    s->records++;
    bool was_named = s->rp.named;
    uint32_t old_cr3 = s->rp.cr3;
    replay_record(&s->rp, rec, &ended);
    if (s->cur < 0 || rec->type == TF_PROC ||
        (!was_named && rec->type == TF_CR3 && rec->cr3 != old_cr3))
        switch_process(s);
    if (rec->type == TF_BEGIN || rec->type == TF_END)
        find_open(s);
    if (rec->type == TF_BEGIN && s->rp.nopen && s->open[s->rp.nopen - 1] >= 0 &&
        strcmp(s->rp.open[s->rp.nopen - 1], rec->name) == 0)
        s->regions.e[s->open[s->rp.nopen - 1]].instances++;
    if (rec->type == TF_TLB) {
        s->tlb_records++;
        credit(s, add_lookup, rec);
        if (!reuse_use(&s->reuse[rec->itlb], (uint64_t)rec->cr3 << 32 | rec->lin >> 12))
            s->oom = true;
    } else if (rec->type == TF_WALK && !(rec->flags & (TF_WALK_CACHED | TF_WALK_AD))) {
        credit(s, add_ref, rec);
    } else if (rec->type == TF_PF) {
        credit(s, add_fault, rec);
        note_fault(s, rec);
    }
}

/* ---- printing ---- */

static double rate(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_table(FILE *out, const struct table *t, bool regions, bool itlb)
{
    fprintf(out, "  %-28s %12s %10s %8s %6s %10s %8s %6s %9s %7s\n",
            regions ? "region (instances)" : "process", "instructions", itlb ? "ITLB" : "",
            itlb ? "misses" : "", itlb ? "rate" : "", itlb ? "DTLB" : "TLB", "misses", "rate",
            "walk refs", "faults");
    for (unsigned k = 0; k < t->n; k++) {
        const struct entity *e = &t->e[k];
        char label[TF_NAME_MAX + 40];
        if (!e->n.insns && !e->n.lookups[0] && !e->n.lookups[1] && !e->n.faults && !regions)
            continue;   /* a CR3 seen between two records, nothing more */
        if (regions)
            snprintf(label, sizeof label, "%s (%u)", e->label, e->instances);
        else
            snprintf(label, sizeof label, "%s", e->label);
        fprintf(out, "  %-28.28s %12" PRIu64, label, e->n.insns);
        if (itlb)
            fprintf(out, " %10" PRIu64 " %8" PRIu64 " %5.2f%%", e->n.lookups[1], e->n.misses[1],
                    rate(e->n.misses[1], e->n.lookups[1]));
        else
            fprintf(out, " %10s %8s %6s", "", "", "");
        fprintf(out, " %10" PRIu64 " %8" PRIu64 " %5.2f%% %9" PRIu64 " %7" PRIu64 "\n",
                e->n.lookups[0], e->n.misses[0], rate(e->n.misses[0], e->n.lookups[0]),
                e->n.refs, e->n.faults);
    }
}

struct top {
    uint64_t key;
    struct fault_page *p;
};

static void gather(uint64_t key, void *val, void *ctx)
{
    struct top **t = ctx;
    (*t)->key = key;
    (*t)->p = val;
    (*t)++;
}

static int by_count(const void *a, const void *b)
{
    const struct top *x = a, *y = b;
    if (x->p->count != y->p->count)
        return x->p->count < y->p->count ? 1 : -1;
    return (x->key > y->key) - (x->key < y->key);
}

static void print_faults(FILE *out, const struct summary *s, unsigned top)
{
    size_t n = s->faults.n;
    fprintf(out, "\ntop faulting pages (of %zu that faulted):\n", n);
    if (!n)
        return;
    struct top *all = malloc(n * sizeof *all), *p = all;
    if (!all) {
        fprintf(out, "  (out of memory)\n");
        return;
    }
    pmap_each(&s->faults, gather, &p);
    qsort(all, n, sizeof *all, by_count);
    fprintf(out, "  %8s  %-10s %-10s %-24s %s\n", "faults", "page", "cr3", "first process",
            "kinds");
    for (size_t k = 0; k < n && k < top; k++) {
        char kinds[80] = "";
        for (unsigned b = 0; b < 7; b++)
            if (all[k].p->kinds & (1u << b))
                snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s",
                         kinds[0] ? " " : "", pf_kind_names[b]);
        fprintf(out, "  %8" PRIu64 "  %08" PRIx64 "   %08" PRIx64 "   %-24.24s %s\n",
                all[k].p->count, (all[k].key & 0xFFFFFu) << 12, all[k].key >> 32,
                all[k].p->first, kinds);
    }
    free(all);
}

static void print_reuse(FILE *out, const struct reuse *u, const char *side)
{
    uint64_t total = u->cold, cum = 0;
    for (unsigned b = 0; b < REUSE_BUCKETS; b++)
        total += u->hist[b];
    fprintf(out, "\nreuse distance, %s (distinct pages used between two uses of a page):\n",
            side);
    if (!total) {
        fprintf(out, "  (no lookups)\n");
        return;
    }
    fprintf(out, "  %-14s %12s %7s %7s\n", "distance", "lookups", "share", "cumul");
    unsigned last = 0;
    for (unsigned b = 0; b < REUSE_BUCKETS; b++)
        if (u->hist[b])
            last = b;
    for (unsigned b = 0; b <= last; b++) {
        char label[32];
        reuse_label(b, label, sizeof label);
        cum += u->hist[b];
        fprintf(out, "  %-14s %12" PRIu64 " %6.2f%% %6.2f%%\n", label, u->hist[b],
                rate(u->hist[b], total), rate(cum, total));
    }
    fprintf(out, "  %-14s %12" PRIu64 " %6.2f%%\n", "cold (first)", u->cold,
            rate(u->cold, total));
}

static void print_summary(FILE *out, const struct tf_reader *r, const struct summary *s,
                          uint64_t dropped, unsigned top)
{
    bool split = !r->hdr.unified;
    fprintf(out, "trace %s: %" PRIu64 " records over %" PRIu64 " instructions "
            "(%" PRIu64 " dropped by filters)\n", r->path, s->records, r->icount, dropped);
    fprintf(out, "header:");
    for (const char *p = r->hdr.meta; *p; p++)
        fputc(*p == '\n' ? ' ' : *p, out);
    fputc('\n', out);
    if (!s->tlb_records)
        fprintf(out, "(no TLB lookups in this trace: record them with -trace tlb)\n");
    fprintf(out, "\nTLB miss rate by process:\n");
    print_table(out, &s->procs, false, split);
    if (s->regions.n) {
        fprintf(out, "\nTLB miss rate by region (all processes while it is open):\n");
        print_table(out, &s->regions, true, split);
    }
    print_faults(out, s, top);
    print_reuse(out, &s->reuse[0], split ? "data TLB" : "unified TLB");
    if (split)
        print_reuse(out, &s->reuse[1], "instruction TLB");
}

int cmd_summary(struct tf_reader *r, FILE *out, unsigned top)
{
    struct summary s = {.cur = -1};
    struct tf_record rec;
    int st = 0, status = 0;
    uint64_t dropped = 0;
    if (!pmap_init(&s.faults, sizeof(struct fault_page)) || !reuse_init(&s.reuse[0]) ||
        !reuse_init(&s.reuse[1]))
        s.oom = true;
    while (!s.oom && (st = tfr_next(r, &rec)) > 0) {
        if (rec.type == TF_EOT)
            dropped = rec.dropped_records;
        step(&s, &rec);
    }
    if (s.oom) {
        fprintf(stderr, "isola-trace: out of memory\n");
        status = 1;
    } else if (st < 0) {
        status = tool_read_error(r);
    } else {
        print_summary(out, r, &s, dropped, top);
    }
    free(s.procs.e);
    free(s.regions.e);
    pmap_free(&s.faults);
    reuse_free(&s.reuse[0]);
    reuse_free(&s.reuse[1]);
    return status;
}
