/*
 * trace.c: the tracer: CPU and bus hooks, filters, and the records they
 * write (see trace.h for the rules, docs/trace-format.md for the file).
 *
 * Rules kept here:
 *  - Each hook first decides whether its record passes the filters, then
 *    writes the CR3 record if CR3 changed since the last one, then its
 *    own. A walk or a fill belongs to the lookup before it and passes
 *    when that lookup passed.
 *  - Records carry the retired-instruction count at the moment they are
 *    made: the instruction they belong to is the next one.
 */
#include "trace/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tlb.h"
#include "trace/log.h"
#include "trace/tracefmt.h"

struct tracer {
    struct trace_config cfg;
    cpu_t *c;
    struct bus *bus;
    struct account *acct;
    struct tf_writer w;
    bool writing;
    bool proc_ok;           /* the running process passes the pid/name filter */
    bool lookup_ok;         /* the last TLB lookup passed: its walk and fill do */
    uint64_t dropped;       /* records the filters dropped */
    void (*log_insn)(cpu_t *c, const struct insn *i);
    void (*log_intr)(cpu_t *c, unsigned vec, uint32_t err, bool hw, uint32_t cs,
                     uint32_t eip, unsigned old_cpl);
};

/* ---- -trace ---- */

static const struct {
    const char *name;
    unsigned bit;
    const char *help;
} events[] = {
    {"insn", TRACE_INSN, "each instruction before it runs: CS:EIP and its bytes"},
    {"tlb", TRACE_TLB, "each TLB lookup (hit or miss, address, I/D, r/w/x, CPL, set, way) "
                       "and each fill with what it evicted"},
    {"walk", TRACE_WALK, "each page-table entry a walk reads or writes back: physical "
                         "address, level, value"},
    {"pf", TRACE_PF, "each page fault: CR2, error code, CS:EIP, CR3"},
    {"flush", TRACE_FLUSH, "each CR3 write, INVLPG and whole-TLB flush, with the entries "
                           "dropped"},
    {"int", TRACE_INT, "each exception and interrupt: vector, error code, CS:EIP, CPL "
                       "before and after"},
    {"io", TRACE_IO, "each port access: port, size, value, direction"},
    {"marker", TRACE_MARKER, "the guest's trace markers: processes, regions, points"},
    {"all", TRACE_ALL, "all of the above"},
};
#define NEVENTS (sizeof events / sizeof events[0])

void trace_print_help(FILE *f)
{
    fprintf(f, "Trace events and filters (-trace ITEM[,ITEM...]):\n");
    for (unsigned k = 0; k < NEVENTS; k++)
        fprintf(f, "  %-8s %s\n", events[k].name, events[k].help);
    fprintf(f, "  pid=N    only while the trace marker says process N runs\n"
               "  name=S   only while the process the trace marker named S runs\n"
               "  cr3=X    only while CR3 is X\n"
               "  addr=LO-HI  only records about linear addresses in [LO, HI)\n"
               "  insns=A-B   only records made while the instruction count is in\n"
               "           [A, B); B may be left out; k, M, G suffixes\n");
}

/* A number: decimal, or hex with 0x; with suffixes k/M/G when scaled. */
static bool parse_u64(const char *s, size_t n, bool scaled, uint64_t *out)
{
    uint64_t v = 0, base = 10, mult = 1;
    size_t k = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        k = 2;
    }
    if (scaled && base == 10 && n > 1 && strchr("kMG", s[n - 1])) {
        mult = s[n - 1] == 'k' ? 1000 : s[n - 1] == 'M' ? 1000000 : 1000000000;
        n--;
    }
    if (k == n)
        return false;
    for (; k < n; k++) {
        unsigned d;
        if (s[k] >= '0' && s[k] <= '9')
            d = (unsigned)(s[k] - '0');
        else if (base == 16 && s[k] >= 'a' && s[k] <= 'f')
            d = (unsigned)(s[k] - 'a' + 10);
        else if (base == 16 && s[k] >= 'A' && s[k] <= 'F')
            d = (unsigned)(s[k] - 'A' + 10);
        else
            return false;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    if (v > UINT64_MAX / mult)
        return false;
    *out = v * mult;
    return true;
}

/* "A-B" or "A-" */
static bool parse_range(const char *s, size_t n, bool scaled, uint64_t *lo, uint64_t *hi)
{
    const char *dash = memchr(s, '-', n);
    if (!dash || !parse_u64(s, (size_t)(dash - s), scaled, lo))
        return false;
    size_t rest = n - (size_t)(dash - s) - 1;
    if (rest == 0) {
        *hi = UINT64_MAX;
        return true;
    }
    return parse_u64(dash + 1, rest, scaled, hi) && *hi > *lo;
}

static bool trace_item(struct trace_config *t, const char *s, size_t n)
{
#define HAS(lit) (n > sizeof(lit) - 1 && strncmp(s, lit, sizeof(lit) - 1) == 0)
#define REST(lit) s + sizeof(lit) - 1, n - (sizeof(lit) - 1)
    uint64_t v;
    for (unsigned k = 0; k < NEVENTS; k++)
        if (strlen(events[k].name) == n && strncmp(s, events[k].name, n) == 0) {
            t->events |= events[k].bit;
            return true;
        }
    if (HAS("pid=") && parse_u64(REST("pid="), false, &v) && v <= UINT32_MAX) {
        t->by_pid = true;
        t->pid = (uint32_t)v;
    } else if (HAS("name=") && n - 5 <= MARKER_NAME_MAX) {
        t->by_name = true;
        snprintf(t->name, sizeof t->name, "%.*s", (int)(n - 5), s + 5);
    } else if (HAS("cr3=") && parse_u64(REST("cr3="), false, &v) && v <= UINT32_MAX) {
        t->by_cr3 = true;
        t->cr3 = (uint32_t)v;
    } else if (HAS("addr=") && parse_range(REST("addr="), false, &t->addr_lo, &t->addr_hi) &&
               t->addr_lo <= UINT32_MAX) {
        t->by_addr = true;
    } else if (HAS("insns=") && parse_range(REST("insns="), true, &t->from, &t->to)) {
        return true;
    } else {
        return false;
    }
    return true;
#undef HAS
#undef REST
}

bool trace_config_parse(struct trace_config *t, const char *spec, char *err, size_t errlen)
{
    const char *p = spec;
    if (!t->to)
        t->to = UINT64_MAX;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (!trace_item(t, p, n)) {
            snprintf(err, errlen, "-trace: bad item '%.*s' (events: insn, tlb, walk, pf, "
                     "flush, int, io, marker, all; filters: pid=N, name=S, cr3=X, "
                     "addr=LO-HI, insns=A-B; try -trace help)", (int)n, p);
            return false;
        }
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    size_t used = strlen(t->spec);
    snprintf(t->spec + used, sizeof t->spec - used, "%s%s", used ? "," : "", spec);
    return true;
}

/* ---- filters ---- */

static bool cr3_matches(uint32_t a, uint32_t b)
{
    return ((a ^ b) & ~0x1Fu) == 0;   /* bits 0-4: flags and ignored bits */
}

static bool pass(struct tracer *t)
{
    const cpu_t *c = t->c;
    bool ok = c->icount >= t->cfg.from && c->icount < t->cfg.to && t->proc_ok &&
              (!t->cfg.by_cr3 || cr3_matches(c->cr3, t->cfg.cr3));
    if (!ok)
        t->dropped++;
    return ok;
}

static bool in_range(struct tracer *t, uint32_t lin)
{
    bool ok = !t->cfg.by_addr || (lin >= t->cfg.addr_lo && lin < t->cfg.addr_hi);
    if (!ok)
        t->dropped++;
    return ok;
}

/* Every record that depends on CR3 follows a CR3 record naming it. */
static struct tf_writer *out(struct tracer *t)
{
    if (!t->w.cr3_known || t->w.cr3 != t->c->cr3)
        tfw_cr3(&t->w, t->c->icount, t->c->cr3);
    return &t->w;
}

/* ---- CPU hooks ---- */

/* Sets are stored one after the other, ways within them (tlb.h). */
static unsigned way_of(const struct tlb *t, const struct tlb_entry *e)
{
    return (unsigned)(e - t->e) & (t->ways - 1);
}

static unsigned acc_kind(int acc)
{
    return (acc & 3) == ACC_W ? TF_WRITE : (acc & 3) == ACC_X ? TF_EXEC : TF_READ;
}

static void on_tlb(cpu_t *c, uint32_t lin, int acc, const struct tlb *tl,
                   const struct tlb_entry *e, unsigned flags)
{
    struct tracer *t = c->tracer;
    t->lookup_ok = pass(t) && in_range(t, lin);
    if (!t->lookup_ok || !(t->cfg.events & TRACE_TLB))
        return;
    unsigned way = e ? way_of(tl, e) : TF_NOWAY;
    tfw_tlb(out(t), c->icount, lin, acc_kind(acc), tl == &c->itlb && !c->tlb_unified,
            c->cpl, (acc & ACC_SYS) != 0, (flags & TLBEV_HIT) != 0,
            (flags & TLBEV_REWALK) != 0, way);
}

static void on_walk(cpu_t *c, uint64_t paddr, unsigned level, uint64_t value, unsigned flags)
{
    struct tracer *t = c->tracer;
    if (t->lookup_ok)
        tfw_walk(out(t), c->icount, level, flags, paddr, value);
}

static unsigned fill_attr(const struct tlb_entry *e, const struct tlb_entry *evicted)
{
    return (e->user ? TF_ATTR_USER : 0) | (e->writable ? TF_ATTR_WRITE : 0) |
           (e->nx ? TF_ATTR_NX : 0) | (e->global ? TF_ATTR_GLOBAL : 0) |
           (e->large ? TF_ATTR_LARGE : 0) | (e->dirty ? TF_ATTR_DIRTY : 0) |
           (evicted ? TF_ATTR_EVICT : 0);
}

static void on_fill(cpu_t *c, const struct tlb *tl, const struct tlb_entry *e,
                    const struct tlb_entry *evicted)
{
    struct tracer *t = c->tracer;
    if (!t->lookup_ok)
        return;
    tfw_fill(out(t), c->icount, tl == &c->itlb && !c->tlb_unified,
             way_of(tl, e), e->vpn, e->pfn, fill_attr(e, evicted),
             evicted ? evicted->vpn : 0);
}

static void on_flush(cpu_t *c, enum flush_kind kind, uint32_t arg, unsigned dropped)
{
    struct tracer *t = c->tracer;
    if (kind == FLUSH_CR3 && t->acct)
        account_cr3(t->acct);
    if (!(t->cfg.events & TRACE_FLUSH) || !pass(t) ||
        (kind == FLUSH_INVLPG && !in_range(t, arg)))
        return;
    unsigned k = kind == FLUSH_CR3 ? TF_FLUSH_CR3 : kind == FLUSH_INVLPG ? TF_FLUSH_INVLPG
                                                                         : TF_FLUSH_ALL;
    tfw_flush(out(t), c->icount, k, arg, dropped);
}

static void on_insn(cpu_t *c, const struct insn *i)
{
    struct tracer *t = c->tracer;
    uint32_t lin = c->seg[SR_CS].base + c->eip;
    if (pass(t) && in_range(t, lin)) {
        uint8_t bytes[15];
        unsigned n = guest_peek(c, lin, bytes, i->len <= 15 ? i->len : 15);
        tfw_insn(out(t), c->icount, c->seg[SR_CS].sel, c->eip, bytes, n);
    }
    if (t->log_insn)
        t->log_insn(c, i);
}

/* Called before delivery: the CPL is still the interrupted code's. */
static void on_intr(cpu_t *c, unsigned vec, uint32_t err, bool hw, uint32_t cs,
                    uint32_t eip, unsigned old_cpl)
{
    struct tracer *t = c->tracer;
    if ((t->cfg.events & TRACE_PF) && vec == EXC_PF && pass(t) && in_range(t, c->cr2))
        tfw_pf(out(t), c->icount, c->cr2, err, (uint16_t)cs, eip);
    if ((t->cfg.events & TRACE_INT) && pass(t)) {
        int new_cpl = intr_handler_cpl(c, vec, old_cpl);
        unsigned flags = (hw ? TF_INT_HW : 0) | (err != NO_ERRCODE ? TF_INT_ERR : 0) |
                         (old_cpl & 3) << TF_INT_OLD_SHIFT |
                         (new_cpl < 0 ? TF_INT_NEW_UNKNOWN
                                      : (unsigned)new_cpl << TF_INT_NEW_SHIFT);
        tfw_int(out(t), c->icount, vec, flags, err, (uint16_t)cs, eip);
    }
    if (t->log_intr)
        t->log_intr(c, vec, err, hw, cs, eip, old_cpl);
}

static void on_io(void *ctx, uint16_t port, unsigned size, uint32_t v, bool is_out)
{
    struct tracer *t = ctx;
    if (pass(t))
        tfw_io(out(t), t->c->icount, port, size, is_out, v);
}

/* ---- markers ---- */

static bool name_matches(const struct trace_config *cfg, uint32_t pid, const char *name)
{
    return (!cfg->by_pid || cfg->pid == pid) && (!cfg->by_name || strcmp(cfg->name, name) == 0);
}

void tracer_marker(void *tracer, enum marker_cmd cmd, uint32_t arg, const char *name)
{
    static const unsigned type[] = {[MARK_PROCESS] = TF_PROC, [MARK_BEGIN] = TF_BEGIN,
                                    [MARK_END] = TF_END, [MARK_POINT] = TF_POINT};
    struct tracer *t = tracer;
    if (cmd == MARK_PROCESS && (t->cfg.by_pid || t->cfg.by_name))
        t->proc_ok = name_matches(&t->cfg, arg, name);
    if (t->acct && cmd == MARK_PROCESS)
        account_process(t->acct, arg, name);
    else if (t->acct && (cmd == MARK_BEGIN || cmd == MARK_END))
        account_region(t->acct, cmd == MARK_BEGIN, arg, name);
    if (t->writing && (t->cfg.events & TRACE_MARKER))
        tfw_marker(out(t), t->c->icount, type[cmd], arg, name);
}

/* ---- life cycle ---- */

struct tracer *tracer_open(const struct trace_config *cfg, cpu_t *c, struct bus *bus,
                           struct account *acct, const char *meta, char *err,
                           size_t errlen)
{
    struct tracer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->cfg = *cfg;
    if (!t->cfg.to)
        t->cfg.to = UINT64_MAX;
    t->c = c;
    t->bus = bus;
    t->acct = acct;
    /* a process filter passes nothing until the guest names a process */
    t->proc_ok = !cfg->by_pid && !cfg->by_name;
    if (cfg->events) {
        const char *path = cfg->path ? cfg->path : TRACE_FILE_DEFAULT;
        if (!tfw_open(&t->w, path, meta, err, errlen)) {
            free(t);
            return NULL;
        }
        t->writing = true;
    }
    return t;
}

void tracer_attach(struct tracer *t)
{
    cpu_t *c = t->c;
    unsigned ev = t->cfg.events;
    c->tracer = t;
    if (ev & (TRACE_TLB | TRACE_WALK)) {
        fast_flush(c);
        c->fast_enabled = false;
    }
    c->on_tlb = (ev & (TRACE_TLB | TRACE_WALK)) ? on_tlb : NULL;
    c->on_walk = (ev & TRACE_WALK) ? on_walk : NULL;
    c->on_fill = (ev & TRACE_TLB) ? on_fill : NULL;
    c->on_flush = (ev & TRACE_FLUSH) || t->acct ? on_flush : NULL;
    if ((ev & TRACE_INSN) && c->on_insn != on_insn) {
        t->log_insn = c->on_insn;
        c->on_insn = on_insn;
    }
    if ((ev & (TRACE_INT | TRACE_PF)) && c->on_intr != on_intr) {
        t->log_intr = c->on_intr;
        c->on_intr = on_intr;
    }
    t->bus->on_io = (ev & TRACE_IO) ? on_io : NULL;
    t->bus->io_ctx = t;
}

bool tracer_close(struct tracer *t, char *err, size_t errlen)
{
    bool ok = true;
    if (t->writing)
        ok = tfw_close(&t->w, t->c->icount, t->dropped, err, errlen);
    cpu_t *c = t->c;
    c->on_tlb = NULL;
    c->on_walk = NULL;
    c->on_fill = NULL;
    c->on_flush = NULL;
    if (c->on_insn == on_insn)
        c->on_insn = t->log_insn;
    if (c->on_intr == on_intr)
        c->on_intr = t->log_intr;
    c->tracer = NULL;
    t->bus->on_io = NULL;
    free(t);
    return ok;
}
