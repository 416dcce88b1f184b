/*
 * machine.c: builds the isola PC from a machine_config and runs it.
 *
 * Rules kept here:
 *  - RAM is one zeroed host array; the CPU reaches devices only through
 *    the bus.
 *  - Every way a run can end is decided here, after cpu_run() returns, and
 *    gives one line on stderr and a documented exit status (machine.h).
 *    The -stats report is printed after that line, whatever the ending.
 *  - The machine, not the CPU core, decides what a triple fault does: the
 *    core is always told no_reboot, so it stops; we then reload the image
 *    (as QEMU's -kernel does on reset) or end the run.
 *  - Output is flushed before any message, so stdout and stderr
 *    interleave in the order the guest and the machine produced them.
 */
#include "machine.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev/debugcon.h"
#include "tlb.h"
#include "trace/log.h"

#define RUN_CHUNK (1u << 20)   /* instructions between checks for host signals */
#define ITLB_SEED 0x6A09E667F3BCC909ull

struct machine {
    cpu_t cpu;
    struct bus bus;
    struct debugcon con;
    struct boot_image image;
    const struct machine_config *cfg;
    uint8_t *ram;
    /* the last triple fault, as the core reported it */
    bool triple;
    char why[96];
    uint16_t tf_cs;
    uint32_t tf_eip;
    unsigned quiet_resets;   /* resets in a row without guest output */
    uint64_t output_at_boot; /* con.bytes when the image was last booted */
};

static volatile sig_atomic_t host_signal;

static void on_host_signal(int sig)
{
    host_signal = sig;
}

/* ---- -tlb ---- */

void tlb_config_default(struct tlb_config *t)
{
    *t = (struct tlb_config){.policy = TLB_LRU, .fast = true};
}

static bool parse_count(const char *s, size_t n, unsigned *out)
{
    unsigned long v = 0;
    if (n == 0 || n > 9)
        return false;
    for (size_t k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return false;
        v = v * 10 + (unsigned)(s[k] - '0');
    }
    *out = (unsigned)v;
    return v != 0;   /* 0 would mean "the default" inside; refuse it outside */
}

/* "N" or "N:W" */
static bool parse_geometry(const char *s, size_t n, unsigned *entries, unsigned *ways)
{
    const char *colon = memchr(s, ':', n);
    if (!colon)
        return parse_count(s, n, entries);
    return parse_count(s, (size_t)(colon - s), entries) &&
           parse_count(colon + 1, n - (size_t)(colon - s) - 1, ways);
}

static bool is_pow2(unsigned x) { return x && !(x & (x - 1)); }

static bool check_geometry(const char *which, unsigned *entries, unsigned *ways,
                           unsigned default_entries, char *err, size_t errlen)
{
    if (!*entries)
        *entries = default_entries;
    if (!*ways)
        *ways = *entries < 4 ? *entries : 4;
    if (!is_pow2(*entries) || *entries > TLB_ENTRIES_MAX) {
        snprintf(err, errlen, "-tlb: %s entries=%u must be a power of two from 1 to %u",
                 which, *entries, TLB_ENTRIES_MAX);
        return false;
    }
    if (!is_pow2(*ways) || *ways > *entries) {
        snprintf(err, errlen, "-tlb: %s ways=%u must be a power of two dividing entries=%u",
                 which, *ways, *entries);
        return false;
    }
    return true;
}

static bool tlb_item(struct tlb_config *t, const char *s, size_t n, bool *split_geometry)
{
#define IS(lit) (n == sizeof(lit) - 1 && strncmp(s, lit, n) == 0)
#define HAS(lit) (n > sizeof(lit) - 1 && strncmp(s, lit, sizeof(lit) - 1) == 0)
#define REST(lit) s + sizeof(lit) - 1, n - (sizeof(lit) - 1)
    unsigned v;
    if (IS("unified"))
        t->unified = true;
    else if (IS("split"))
        t->unified = false;
    else if (IS("policy=lru"))
        t->policy = TLB_LRU;
    else if (IS("policy=fifo"))
        t->policy = TLB_FIFO;
    else if (IS("policy=random"))
        t->policy = TLB_RANDOM;
    else if (IS("fast=on"))
        t->fast = true;
    else if (IS("fast=off"))
        t->fast = false;
    else if (HAS("entries=") && parse_count(REST("entries="), &v))
        t->i_entries = t->d_entries = v;
    else if (HAS("ways=") && parse_count(REST("ways="), &v))
        t->i_ways = t->d_ways = v;
    else if (HAS("i=") && parse_geometry(REST("i="), &t->i_entries, &t->i_ways))
        *split_geometry = true;
    else if (HAS("d=") && parse_geometry(REST("d="), &t->d_entries, &t->d_ways))
        *split_geometry = true;
    else
        return false;
    return true;
#undef IS
#undef HAS
#undef REST
}

bool tlb_config_parse(struct tlb_config *t, const char *spec, char *err, size_t errlen)
{
    bool split_geometry = false;
    const char *p = spec;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (!tlb_item(t, p, n, &split_geometry)) {
            snprintf(err, errlen, "-tlb: bad item '%.*s' (items: entries=N, ways=N, "
                     "i=N[:W], d=N[:W], unified, split, policy=lru|fifo|random, "
                     "fast=on|off)", (int)n, p);
            return false;
        }
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    if (t->unified && split_geometry) {
        snprintf(err, errlen, "-tlb: a unified TLB has one geometry: use entries= and ways=");
        return false;
    }
    struct tlb_config r = *t;   /* defaults filled in a copy: a later -tlb may change them */
    return check_geometry("ITLB", &r.i_entries, &r.i_ways, 32, err, errlen) &&
           check_geometry("DTLB", &r.d_entries, &r.d_ways, 64, err, errlen);
}

/* mmu_init takes one geometry for both TLBs; a different ITLB replaces
 * the one it made (no access has happened yet, so nothing mirrors it). */
static bool tlb_apply(cpu_t *c, const struct tlb_config *t)
{
    struct tlb_config r = *t;
    char err[160];
    if (!check_geometry("ITLB", &r.i_entries, &r.i_ways, 32, err, sizeof err) ||
        !check_geometry("DTLB", &r.d_entries, &r.d_ways, 64, err, sizeof err)) {
        fprintf(stderr, "isola: %s\n", err);
        return false;
    }
    mmu_init(c, r.d_entries, r.d_ways, r.unified, r.policy);
    if (!r.unified && (r.i_entries != r.d_entries || r.i_ways != r.d_ways)) {
        tlb_release(&c->itlb);
        if (!tlb_setup(&c->itlb, r.i_entries, r.i_ways, r.policy, ITLB_SEED)) {
            fprintf(stderr, "isola: out of memory for the ITLB\n");
            return false;
        }
    }
    c->fast_enabled = r.fast;
    return true;
}

/* ---- booting and resetting ---- */

static void on_reset(cpu_t *c, const char *why)
{
    struct machine *m = c->observer;
    if (!m->triple) {
        m->triple = true;
        /* the core says "triple fault"; only a more specific reason is worth repeating */
        snprintf(m->why, sizeof m->why, "%s", why && strcmp(why, "triple fault") ? why : "");
        m->tf_cs = c->seg[SR_CS].sel;
        m->tf_eip = c->eip;
    }
    cpu_request_stop(c);
}

/* Power-on state, then the loader's entry state. cpu_reset drops every
 * cached block and TLB entry, so the loader may write RAM directly. */
static void machine_boot(struct machine *m)
{
    cpu_t *c = &m->cpu;
    cpu_reset(c);
    c->shutdown = false;
    c->stop_request = false;
    c->no_reboot = true;
    c->observer = m;
    c->on_reset = on_reset;
    log_attach(c, m->cfg->log_mask);
    loader_boot(&m->image, c);
    m->triple = false;
    m->output_at_boot = m->con.bytes;
}

static void say(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct machine *m, const char *fmt, ...)
{
    va_list ap;
    debugcon_flush(&m->con);
    log_flush();
    fputs("isola: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Returns the exit status, or -1 after a reset to keep running. */
static int triple_fault(struct machine *m)
{
    cpu_t *c = &m->cpu;
    char where[160];
    if (!m->triple) {   /* the core stopped without telling us why */
        m->tf_cs = c->seg[SR_CS].sel;
        m->tf_eip = c->eip;
        m->why[0] = '\0';
    }
    snprintf(where, sizeof where, "%s%s%s at %04x:%08x", m->why[0] ? " (" : "", m->why,
             m->why[0] ? ")" : "", m->tf_cs, m->tf_eip);
    if (m->cfg->no_reboot) {
        say(m, "triple fault%s; stopping (-no-reboot)", where);
        return EXIT_SHUTDOWN;
    }
    if (m->con.bytes != m->output_at_boot)
        m->quiet_resets = 0;
    if (m->quiet_resets == RESETS_MAX) {
        say(m, "triple fault%s", where);
        say(m, "guest keeps resetting; giving up");
        return EXIT_SHUTDOWN;
    }
    m->quiet_resets++;
    say(m, "triple fault%s; resetting", where);
    machine_boot(m);
    return -1;
}

static int halted(struct machine *m)
{
    cpu_t *c = &m->cpu;
    if (c->eflags & FL_IF)
        say(m, "CPU halted waiting for an interrupt that no device will raise at %04x:%08x",
            c->seg[SR_CS].sel, c->eip);
    else
        say(m, "CPU halted with interrupts disabled at %04x:%08x", c->seg[SR_CS].sel, c->eip);
    return EXIT_HALTED;
}

/* Run until the guest, a fault, a limit or the host ends it. */
static int run(struct machine *m)
{
    cpu_t *c = &m->cpu;
    uint64_t limit = m->cfg->insn_limit;
    for (;;) {
        uint64_t budget = RUN_CHUNK;
        if (limit && limit - c->icount < budget)
            budget = limit - c->icount;
        enum cpu_exit r = cpu_run(c, budget);
        if (m->con.exit_requested)
            return m->con.exit_status;
        if (m->triple || r == CPU_EXIT_SHUTDOWN || c->shutdown) {
            int st = triple_fault(m);
            if (st >= 0)
                return st;
            continue;
        }
        if (r == CPU_EXIT_HALT)
            return halted(m);
        if (limit && c->icount >= limit) {
            say(m, "instruction limit (%llu) reached at %04x:%08x",
                (unsigned long long)limit, c->seg[SR_CS].sel, c->eip);
            return EXIT_INSN_LIMIT;
        }
        if (host_signal) {
            say(m, "stopped by signal %d at %04x:%08x", (int)host_signal,
                c->seg[SR_CS].sel, c->eip);
            return EXIT_INTERRUPTED;
        }
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool machine_build(struct machine *m, const struct machine_config *cfg)
{
    char err[512];
    uint32_t ram_size = cfg->ram_mb << 20;
    m->cfg = cfg;
    if (!loader_open(&m->image, cfg->image, cfg->want, cfg->load_addr, ram_size,
                     cfg->append, err, sizeof err)) {
        fprintf(stderr, "isola: %s\n", err);
        return false;
    }
    m->ram = calloc(ram_size, 1);
    if (!m->ram) {
        fprintf(stderr, "isola: -m %u: cannot allocate %u MiB of RAM\n", cfg->ram_mb,
                cfg->ram_mb);
        return false;
    }
    bus_init(&m->bus);
    cpu_init(&m->cpu, m->ram, ram_size, &m->bus);
    debugcon_init(&m->con, &m->bus, &m->cpu, stdout);
    if (!tlb_apply(&m->cpu, &cfg->tlb))
        return false;
    if (cfg->log_mask && !log_attach(&m->cpu, cfg->log_mask)) {
        fprintf(stderr, "isola: -d: cannot open the Capstone disassembler\n");
        return false;
    }
    return true;
}

static void machine_free(struct machine *m)
{
    if (m->cpu.bc) {
        mmu_free(&m->cpu);
        cpu_free(&m->cpu);
    }
    loader_free(&m->image);
    free(m->ram);
    free(m);
}

int machine_main(const struct machine_config *cfg)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        fprintf(stderr, "isola: out of memory\n");
        return EXIT_USAGE;
    }
    if (!machine_build(m, cfg)) {
        machine_free(m);
        return EXIT_USAGE;
    }
    signal(SIGINT, on_host_signal);
    signal(SIGTERM, on_host_signal);
    machine_boot(m);
    m->cpu.stats = (struct cpu_stats){0};   /* count the guest's work, not power-on */
    double start = now();
    int status = run(m);
    double secs = now() - start;
    debugcon_flush(&m->con);
    log_flush();
    if (cfg->stats)
        stats_print(&m->cpu, stderr, secs);
    machine_free(m);
    return status;
}
