/*
 * account.c: the cycle model and per-process / per-region statistics
 * (see account.h for the rules).
 *
 * The default costs are round figures of the order of a P6-class
 * processor's, meant to make the shares of translation and protection
 * visible, not to predict any one CPU: an instruction 1 cycle (a scalar
 * pipeline), a page-table reference 20 (an access served by the second-
 * level cache), a whole-TLB flush 50 and an INVLPG 25 (serialising
 * instructions; the refills they cause are charged as walks), an
 * exception or interrupt entry 50 (IDT and descriptor reads, the stack
 * switch and pushes), a privilege change 30 (segment reloads, the ring
 * change itself). docs/cli.md lists them; -cost changes them.
 */
#include "account.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *key;
    size_t off;
} cost_keys[] = {
    {"insn", offsetof(struct cost_model, insn)},
    {"walk", offsetof(struct cost_model, walk)},
    {"flush", offsetof(struct cost_model, flush)},
    {"invlpg", offsetof(struct cost_model, invlpg)},
    {"exc", offsetof(struct cost_model, exc)},
    {"int", offsetof(struct cost_model, intr)},
    {"priv", offsetof(struct cost_model, priv)},
};
#define NCOST (sizeof cost_keys / sizeof cost_keys[0])
#define COST_MAX 1000000000ull
/* Beyond these, new processes share one entry and new region names are
 * not counted: a guest cannot make the emulator's memory or its search
 * times grow without bound. */
#define PROCS_MAX 4096u
#define REGIONS_MAX 256u

static const char *const pf_names[PF_KINDS] = {
    "np-r", "np-w", "np-x", "prot-r", "prot-w", "prot-x", "rsvd"};
static const char *const pf_csv[PF_KINDS] = {
    "pf_np_read", "pf_np_write", "pf_np_fetch", "pf_prot_read", "pf_prot_write",
    "pf_prot_fetch", "pf_rsvd"};

void cost_default(struct cost_model *m)
{
    *m = (struct cost_model){.insn = 1, .walk = 20, .flush = 50, .invlpg = 25,
                             .exc = 50, .intr = 50, .priv = 30};
}

static uint64_t *cost_field(struct cost_model *m, unsigned k)
{
    return (uint64_t *)((char *)m + cost_keys[k].off);
}

static bool cost_item(struct cost_model *m, const char *s, size_t n)
{
    for (unsigned k = 0; k < NCOST; k++) {
        size_t kl = strlen(cost_keys[k].key);
        if (n <= kl + 1 || strncmp(s, cost_keys[k].key, kl) != 0 || s[kl] != '=')
            continue;
        uint64_t v = 0;
        for (size_t i = kl + 1; i < n; i++) {
            if (s[i] < '0' || s[i] > '9' || v > COST_MAX)
                return false;
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
        if (v > COST_MAX)
            return false;
        *cost_field(m, k) = v;
        return true;
    }
    return false;
}

bool cost_parse(struct cost_model *m, const char *spec, char *err, size_t errlen)
{
    const char *p = spec;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (!cost_item(m, p, n)) {
            snprintf(err, errlen, "-cost: bad item '%.*s' (items: insn=N, walk=N, flush=N, "
                     "invlpg=N, exc=N, int=N, priv=N; N from 0 to %llu)", (int)n, p,
                     (unsigned long long)COST_MAX);
            return false;
        }
        if (p[n] == '\0')
            return true;
        p += n + 1;
    }
}

void cost_format(const struct cost_model *m, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < NCOST && used < len; k++) {
        uint64_t v = *cost_field((struct cost_model *)m, k);
        int n = snprintf(buf + used, len - used, "%s%s=%" PRIu64, k ? "," : "",
                         cost_keys[k].key, v);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* ---- counting ---- */

static void counts_add(struct acct_counts *to, const struct acct_counts *d)
{
    uint64_t *t = (uint64_t *)to;
    const uint64_t *s = (const uint64_t *)d;
    for (size_t k = 0; k < sizeof *d / sizeof(uint64_t); k++)
        t[k] += s[k];
}

/* What happened since the last sample, and what it cost. */
static void delta(const struct account *a, struct acct_counts *d)
{
    const struct cpu_stats *now = &a->c->stats, *was = &a->last;
    const struct cost_model *m = &a->cost;
    *d = (struct acct_counts){
        .insns = a->c->icount - a->last_icount,
        .itlb_hits = now->itlb_hits - was->itlb_hits,
        .itlb_misses = now->itlb_misses - was->itlb_misses,
        .dtlb_hits = now->dtlb_hits - was->dtlb_hits,
        .dtlb_misses = now->dtlb_misses - was->dtlb_misses,
        .walks = now->walks - was->walks,
        .walk_refs = now->walk_refs - was->walk_refs,
        .flushes = now->tlb_flushes - was->tlb_flushes,
        .invlpg = now->invlpg - was->invlpg,
        .exceptions = now->exceptions - was->exceptions,
        .interrupts = now->interrupts - was->interrupts,
        .priv = now->cpl_changes - was->cpl_changes,
    };
    for (unsigned k = 0; k < PF_KINDS; k++)
        d->pf[k] = now->pf_kind[k] - was->pf_kind[k];
    d->cycles = m->insn * d->insns + m->walk * d->walk_refs + m->flush * d->flushes +
                m->invlpg * d->invlpg + m->exc * d->exceptions + m->intr * d->interrupts +
                m->priv * d->priv;
}

void account_sample(struct account *a)
{
    struct acct_counts d;
    mmu_fold_stats(a->c);   /* fast-path hits are TLB hits of the running process */
    delta(a, &d);
    counts_add(&a->total, &d);
    counts_add(&a->procs[a->cur].n, &d);
    for (unsigned k = 0; k < a->nregions; k++)
        if (a->regions[k].open)
            counts_add(&a->regions[k].n, &d);
    a->last = a->c->stats;
    a->last_icount = a->c->icount;
}

/* The entry for a process, made if new; UINT_MAX when out of memory. */
static unsigned find_proc(struct account *a, bool by_cr3, uint32_t pid, uint32_t cr3,
                          const char *name)
{
    for (unsigned k = 0; k < a->nprocs; k++) {
        const struct acct_proc *p = &a->procs[k];
        if (p->by_cr3 == by_cr3 && (by_cr3 ? p->cr3 == cr3
                                           : p->pid == pid && strcmp(p->name, name) == 0))
            return k;
    }
    if (a->nprocs >= PROCS_MAX) {
        by_cr3 = false;
        pid = UINT32_MAX;
        name = "(other processes)";
        for (unsigned k = 0; k < a->nprocs; k++)
            if (a->procs[k].pid == pid && strcmp(a->procs[k].name, name) == 0)
                return k;
    }
    if (a->nprocs == a->proc_cap) {
        unsigned cap = a->proc_cap ? a->proc_cap * 2 : 8;
        struct acct_proc *n = realloc(a->procs, sizeof *n * cap);
        if (!n)
            return (unsigned)-1;
        a->procs = n;
        a->proc_cap = cap;
    }
    struct acct_proc *p = &a->procs[a->nprocs];
    *p = (struct acct_proc){.by_cr3 = by_cr3, .pid = pid, .cr3 = cr3};
    snprintf(p->name, sizeof p->name, "%s", name);
    return a->nprocs++;
}

static void switch_to(struct account *a, unsigned k)
{
    if (k == (unsigned)-1 || k == a->cur)
        return;
    account_sample(a);
    a->cur = k;
}

bool account_init(struct account *a, cpu_t *c, const struct cost_model *cost)
{
    *a = (struct account){.c = c, .cost = *cost, .unified = c->tlb_unified};
    mmu_fold_stats(c);
    a->last = c->stats;
    a->last_icount = c->icount;
    a->cur = find_proc(a, true, 0, c->cr3, "");
    return a->cur != (unsigned)-1;
}

void account_free(struct account *a)
{
    free(a->procs);
    free(a->regions);
    a->procs = NULL;
    a->regions = NULL;
}

void account_process(struct account *a, uint32_t pid, const char *name)
{
    a->markers = true;
    switch_to(a, find_proc(a, false, pid, 0, name));
}

void account_cr3(struct account *a)
{
    if (!a->markers)
        switch_to(a, find_proc(a, true, 0, a->c->cr3, ""));
}

static struct acct_region *find_region(struct account *a, const char *name, uint32_t pid)
{
    for (unsigned k = 0; k < a->nregions; k++)
        if (strcmp(a->regions[k].name, name) == 0)
            return &a->regions[k];
    if (a->nregions >= REGIONS_MAX)
        return NULL;
    if (a->nregions == a->region_cap) {
        unsigned cap = a->region_cap ? a->region_cap * 2 : 8;
        struct acct_region *n = realloc(a->regions, sizeof *n * cap);
        if (!n)
            return NULL;
        a->regions = n;
        a->region_cap = cap;
    }
    struct acct_region *r = &a->regions[a->nregions++];
    *r = (struct acct_region){.pid = pid};
    snprintf(r->name, sizeof r->name, "%s", name);
    return r;
}

/* A region begun twice before it ends counts once, and ends at the
 * matching end; an end without a begin is ignored. */
void account_region(struct account *a, bool begin, uint32_t pid, const char *name)
{
    struct acct_region *r = find_region(a, name, pid);
    if (!r || (!begin && !r->open))
        return;
    account_sample(a);
    if (begin) {
        if (r->open++ == 0)
            r->instances++;
    } else {
        r->open--;
    }
}

/* ---- reports ---- */

static uint64_t pf_total(const struct acct_counts *n)
{
    uint64_t t = 0;
    for (unsigned k = 0; k < PF_KINDS; k++)
        t += n->pf[k];
    return t;
}

static void pf_text(const struct acct_counts *n, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "%" PRIu64, pf_total(n));
    const char *sep = " (";
    for (unsigned k = 0; k < PF_KINDS && used < len; k++) {
        if (!n->pf[k])
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s %" PRIu64, sep, pf_names[k],
                                 n->pf[k]);
        sep = ", ";
    }
    if (used < len && strcmp(sep, ", ") == 0)
        snprintf(buf + used, len - used, ")");
}

static double per_k(uint64_t x, uint64_t insns)
{
    return insns ? (double)x * 1000.0 / (double)insns : 0.0;
}

static void row(FILE *f, const char *who, const struct acct_counts *n, bool unified)
{
    char pf[160];
    pf_text(n, pf, sizeof pf);
    fprintf(f, "  %-24.24s %12" PRIu64 " %13" PRIu64, who, n->insns, n->cycles);
    if (unified)
        fprintf(f, " %10s %8s", "-", "-");
    else
        fprintf(f, " %10" PRIu64 " %8" PRIu64, n->itlb_hits, n->itlb_misses);
    fprintf(f, " %10" PRIu64 " %8" PRIu64 " %8.2f  %s\n", n->dtlb_hits, n->dtlb_misses,
            per_k(n->walks, n->insns), pf);
}

static void proc_label(const struct acct_proc *p, char *buf, size_t len)
{
    if (p->by_cr3)
        snprintf(buf, len, "cr3=%08x", p->cr3);
    else
        snprintf(buf, len, "%u %s", p->pid, p->name);
}

void account_print(const struct account *a, FILE *f)
{
    char costs[160], who[ACCT_NAME_MAX + 16];
    const char *tlb_d = a->unified ? "TLB hits" : "DTLB hits";
    cost_format(&a->cost, costs, sizeof costs);
    fprintf(f, "isola per-process statistics (%s; cycles: %s):\n",
            a->markers ? "processes named by the trace marker" : "processes told apart by CR3",
            costs);
    fprintf(f, "  %-24s %12s %13s %10s %8s %10s %8s %8s  %s\n", "process", "instructions",
            "cycles", "ITLB hits", "misses", tlb_d, "misses", "walks/1k", "page faults");
    for (unsigned k = 0; k < a->nprocs; k++) {
        const struct acct_proc *p = &a->procs[k];
        if (!p->n.insns && !p->n.cycles && !(a->markers && !p->by_cr3))
            continue;   /* a CR3 that never ran an instruction */
        proc_label(p, who, sizeof who);
        row(f, who, &p->n, a->unified);
    }
    row(f, "total", &a->total, a->unified);
    if (!a->nregions)
        return;
    fprintf(f, "isola regions (everything that ran between a region's begin and end):\n");
    fprintf(f, "  %-24s %12s %13s %10s %8s %10s %8s %8s  %s\n", "region (instances)",
            "instructions", "cycles", "ITLB hits", "misses", tlb_d, "misses", "walks/1k",
            "page faults");
    for (unsigned k = 0; k < a->nregions; k++) {
        const struct acct_region *r = &a->regions[k];
        snprintf(who, sizeof who, "%s (%u)", r->name, r->instances);
        row(f, who, &r->n, a->unified);
    }
}

/* CSV fields are the guest's names: quote them, doubling quotes. */
static void csv_name(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc((unsigned char)*s >= 0x20 ? *s : '?', f);
    }
    fputc('"', f);
}

static void csv_counts(FILE *f, const struct acct_counts *n)
{
    fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%.3f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64,
            n->insns, n->cycles, n->itlb_hits, n->itlb_misses, n->dtlb_hits, n->dtlb_misses,
            n->walks, n->walk_refs, per_k(n->walks, n->insns), n->flushes, n->invlpg,
            n->exceptions, n->interrupts, n->priv);
    for (unsigned k = 0; k < PF_KINDS; k++)
        fprintf(f, ",%" PRIu64, n->pf[k]);
    fputc('\n', f);
}

bool account_write_csv(const struct account *a, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "scope,pid,name,cr3,instances,instructions,cycles,itlb_hits,itlb_misses,"
            "dtlb_hits,dtlb_misses,walks,walk_refs,walks_per_kinsn,flushes,invlpg,"
            "exceptions,interrupts,priv_changes");
    for (unsigned k = 0; k < PF_KINDS; k++)
        fprintf(f, ",%s", pf_csv[k]);
    fputc('\n', f);
    fprintf(f, "total,,,,1");
    csv_counts(f, &a->total);
    for (unsigned k = 0; k < a->nprocs; k++) {
        const struct acct_proc *p = &a->procs[k];
        if (p->by_cr3)
            fprintf(f, "process,,,%08x,1", p->cr3);
        else {
            fprintf(f, "process,%u,", p->pid);
            csv_name(f, p->name);
            fprintf(f, ",,1");
        }
        csv_counts(f, &p->n);
    }
    for (unsigned k = 0; k < a->nregions; k++) {
        const struct acct_region *r = &a->regions[k];
        fprintf(f, "region,%u,", r->pid);
        csv_name(f, r->name);
        fprintf(f, ",,%u", r->instances);
        csv_counts(f, &r->n);
    }
    return fclose(f) == 0;
}
