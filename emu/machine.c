/*
 * machine.c: builds the isola PC from a machine_config and runs it.
 *
 * Rules kept here:
 *  - RAM is one zeroed host array; the CPU reaches devices only through
 *    the bus, devices reach the CPU only through the PIC's INTR pin and
 *    the A20/reset callbacks wired here.
 *  - Emulated time is the virtual clock's (vtime.h): a function of the
 *    instruction count unless -realtime. The loop runs the CPU up to the
 *    next timer deadline, fires the timers, and lets a halted CPU skip to
 *    the next deadline. Nothing the guest can see depends on the host's
 *    clock, except host input, -realtime and -rtc base=utc|localtime.
 *  - Host input (serial, window) is polled about every 10 ms of host
 *    time, never from a signal handler or another thread.
 *  - Every way a run can end is decided here, after cpu_run() returns, and
 *    gives one line on stderr and a documented exit status (machine.h).
 *    The -stats report is printed after that line, whatever the ending.
 *  - The machine, not the CPU core, decides what a triple fault does: the
 *    core is always told no_reboot, so it stops; we then reset (through
 *    the firmware, or by reloading a -kernel image as QEMU does) or end
 *    the run. A guest's own reset request (i8042, port 0x92) is handled
 *    the same way, silently, after the instruction that asked for it.
 *  - Output is flushed before any message, so stdout and stderr
 *    interleave in the order the guest and the machine produced them.
 */
#include "machine.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dev/ata.h"
#include "dev/chardev.h"
#include "dev/cmos.h"
#include "dev/debugcon.h"
#include "dev/fwcfg.h"
#include "dev/i8042.h"
#include "dev/pci.h"
#include "dev/pic.h"
#include "dev/pit.h"
#include "dev/uart.h"
#include "dev/vga.h"
#include "config.h"
#include "tlb.h"
#include "trace/log.h"
#include "trace/marker.h"
#include "ui/ui.h"
#include "vtime.h"

#define RUN_CHUNK (1u << 20)     /* most instructions in one cpu_run() */
#define ITLB_SEED 0x6A09E667F3BCC909ull
#define POLL_NS 10000000ull      /* host input and the window: every 10 ms */
#define POLL_ITERS 64u           /* loop turns between looks at the host clock... */
#define POLL_INSNS 500000u       /* ...or instructions, whichever comes first */
#define FOUR_GIB 0x100000000ull
#define ONE_MIB 0x100000u

/* The PC's ISA interrupt wiring (ARCHITECTURE.md, "The machine"). */
enum {
    IRQ_PIT = 0, IRQ_KBD = 1, IRQ_COM1 = 4, IRQ_RTC = 8, IRQ_AUX = 12, IRQ_IDE0 = 14
};

struct machine {
    cpu_t cpu;
    struct bus bus;
    struct vclock clock;
    struct debugcon con;
    struct pic pic;
    struct pit pit;
    struct cmos cmos;
    struct uart com1;
    struct i8042 kbd;
    struct vga vga;
    struct pci pci;
    struct ata ata;
    struct fwcfg fwcfg;
    struct marker marker;
    struct tracer *tracer;      /* -trace, -stats: NULL when neither */
    struct account acct;        /* -stats, -stats-file */
    bool accounting;
    struct chardev *serial;
    struct blockdev *disk[DRIVES_MAX];
    struct ui *ui;
    struct rom_image rom;       /* firmware boot */
    struct boot_image image;    /* -kernel boot */
    bool firmware_boot;
    const struct machine_config *cfg;
    uint8_t *ram;
    bool a20;                   /* the A20 gate as the i8042 last set it */
    bool window;                /* an SDL window is open */
    bool pace_idle;             /* a person watches: idle time follows the host clock */
    bool host_input;            /* input may arrive from the host */
    struct vtimer keys_timer;   /* -keys */
    /* host polling */
    uint64_t host_start_ns, last_poll_ns, poll_icount;
    unsigned poll_iters;
    /* the last triple fault, as the core reported it */
    bool triple;
    char why[96];
    uint16_t tf_cs;
    uint32_t tf_eip;
    bool reset_requested;       /* by the guest, through the i8042 or port 0x92 */
    unsigned quiet_resets;      /* resets in a row without guest output */
    uint64_t output_at_boot;    /* con.bytes when the machine was last booted */
    char log402[160];           /* the line port 0x402 is writing */
    unsigned log402_len;
};

static volatile sig_atomic_t host_signal;

static void on_host_signal(int sig)
{
    host_signal = sig;
}

/* ---- -tlb ---- */

void tlb_config_default(struct tlb_config *t)
{
    *t = (struct tlb_config){.policy = TLB_LRU, .fast = true, .global = true};
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
    else if (IS("global=on"))
        t->global = true;
    else if (IS("global=off"))
        t->global = false;
    else if (IS("tagged=on"))
        t->tagged = true;
    else if (IS("tagged=off"))
        t->tagged = false;
    else if (IS("pwc=on"))
        t->pwc = PWC_DEFAULT;
    else if (IS("pwc=off"))
        t->pwc = 0;
    else if (HAS("pwc=") && parse_count(REST("pwc="), &v) && v <= PWC_MAX)
        t->pwc = v;
    else if (HAS("seed=") && parse_count(REST("seed="), &v))
        t->seed = v;
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
                     "i=N[:W], d=N[:W], unified, split, policy=lru|fifo|random, seed=N, "
                     "global=on|off, tagged=on|off, pwc=on|off|N (N <= %u), fast=on|off)",
                     (int)n, p,
                     PWC_MAX);
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
    c->global_pages = r.global;
    c->tlb_tagged = r.tagged;
    mmu_set_pwc(c, r.pwc);
    if (r.seed) {   /* xorshift needs a nonzero state; the ITLB's differs */
        c->dtlb.rng = r.seed;
        c->itlb.rng = r.seed * 0x9E3779B97F4A7C15ull | 1;
    }
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

static void apply_a20(struct machine *m)
{
    cpu_t *c = &m->cpu;
    uint32_t mask = m->a20 ? 0xFFFFFFFFu : ~(1u << 20);
    if (c->a20_mask == mask)
        return;
    c->a20_mask = mask;
    fast_flush(c);
    tlb_flush_all(c, false);
    c->stop_block = true;
}

/* The i8042's output port bit 1, or port 0x92 bit 1: the A20 gate sits
 * outside the CPU, so it survives a CPU reset. */
static void on_set_a20(void *opaque, bool on)
{
    struct machine *m = opaque;
    m->a20 = on;
    apply_a20(m);
}

/* Pulsed from inside an OUT: the reset happens once the instruction is
 * done, when cpu_run() has returned. */
static void on_guest_reset(void *opaque)
{
    struct machine *m = opaque;
    m->reset_requested = true;
    cpu_request_stop(&m->cpu);
}

/* Power-on state, then the firmware's reset vector or the loader's entry
 * state. cpu_reset drops every cached block and TLB entry, so the loader
 * may write RAM directly. */
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
    if (m->tracer)
        tracer_attach(m->tracer);
    if (m->firmware_boot)
        apply_a20(m);
    else
        loader_boot(&m->image, c);
    m->triple = false;
    m->reset_requested = false;
    m->output_at_boot = m->con.bytes;
}

static void firmware_reset(struct machine *m);

/* A hard reset: the CPU and the devices on the system's reset line (the
 * IDE drives, the keyboard controller, which turns A20 back on) start
 * over; the PIC, PIT and RTC keep their state until the firmware or the
 * kernel programs them again, as on a PC. RAM is kept. */
static void machine_reset(struct machine *m)
{
    ata_reset(&m->ata);
    i8042_reset(&m->kbd);
    if (m->firmware_boot)
        firmware_reset(m);
    machine_boot(m);
}

static void say(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void debug402_flush(struct machine *m);

static void say(struct machine *m, const char *fmt, ...)
{
    va_list ap;
    debugcon_flush(&m->con);
    debug402_flush(m);
    if (m->serial)
        chardev_flush(m->serial);
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
    machine_reset(m);
    return -1;
}

static int guest_reset(struct machine *m)
{
    cpu_t *c = &m->cpu;
    if (m->cfg->no_reboot) {
        say(m, "guest requested a reset at %04x:%08x; stopping (-no-reboot)",
            c->seg[SR_CS].sel, c->eip);
        return EXIT_SHUTDOWN;
    }
    machine_reset(m);
    return -1;
}

/* ---- the host side: time, input, the window ---- */

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void host_sleep(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / NS_PER_SEC), (long)(ns % NS_PER_SEC)};
    nanosleep(&ts, NULL);
}

/* Pull host input and refresh the window. Returns an exit status when
 * the user ended the run, else -1. */
static int poll_host(struct machine *m)
{
    m->last_poll_ns = host_ns();
    m->poll_icount = m->cpu.icount;
    m->poll_iters = 0;
    uart_poll(&m->com1);
    if (chardev_quit_requested(m->serial)) {
        say(m, "quit (Ctrl-A x)");
        return EXIT_QUIT;
    }
    if (!ui_poll(m->ui)) {
        say(m, "window closed");
        return EXIT_QUIT;
    }
    return -1;
}

/* The host clock is read only every so many loop turns or instructions,
 * so a loop turning fast (short timer periods) stays cheap. */
static int maybe_poll_host(struct machine *m)
{
    if (++m->poll_iters < POLL_ITERS && m->cpu.icount - m->poll_icount < POLL_INSNS)
        return -1;
    m->poll_iters = 0;
    m->poll_icount = m->cpu.icount;
    if (host_ns() - m->last_poll_ns < POLL_NS)
        return -1;
    return poll_host(m);
}

/* HLT with IF=1: wait for the next timer. Without pacing the clock jumps
 * there at once (or, with -realtime, sleeps until it); with pacing,
 * emulated time may not run ahead of the host's since the start, so an
 * idle guest costs no host CPU and its clock keeps pace with the wall.
 * Returns an exit status, -1 to go on, or -2 when nothing can ever wake
 * the CPU. */
static int idle(struct machine *m)
{
    uint64_t next = vclock_next_deadline(&m->clock), wait;
    if (m->cpu.intr)   /* a timer that just fired has raised it: take it first */
        return -1;
    if (next == VTIME_NEVER && !m->host_input)
        return -2;
    if (next == VTIME_NEVER) {   /* only the user can wake it */
        host_sleep(POLL_NS);
        return poll_host(m);
    }
    if (m->cfg->realtime)
        wait = next - vclock_now(&m->clock);
    else if (m->pace_idle)
        wait = next - (host_ns() - m->host_start_ns);
    else
        wait = 0;
    if ((int64_t)wait > (int64_t)POLL_NS) {   /* not due within a poll: come back */
        host_sleep(POLL_NS);
        return poll_host(m);
    }
    if (!m->cfg->realtime && (int64_t)wait > 0)
        host_sleep(wait);
    vclock_idle(&m->clock);
    vclock_run_expired(&m->clock);
    return -1;
}

/* HLT that nothing will end. A window stays open until it is closed, so
 * the last screen can be read. */
static int halted(struct machine *m)
{
    cpu_t *c = &m->cpu;
    if (c->eflags & FL_IF)
        say(m, "CPU halted waiting for an interrupt that no device will raise at %04x:%08x",
            c->seg[SR_CS].sel, c->eip);
    else
        say(m, "CPU halted with interrupts disabled at %04x:%08x", c->seg[SR_CS].sel, c->eip);
    while (m->window && !host_signal && ui_poll(m->ui))
        host_sleep(POLL_NS);
    return EXIT_HALTED;
}

/* ---- the loop ---- */

/* What one cpu_run() ended with. Returns the exit status, or -1 to go on. */
static int after_run(struct machine *m, enum cpu_exit r)
{
    cpu_t *c = &m->cpu;
    uint64_t limit = m->cfg->insn_limit;
    if (m->con.exit_requested)
        return m->con.exit_status;
    if (m->triple || r == CPU_EXIT_SHUTDOWN || c->shutdown)
        return triple_fault(m);
    if (m->reset_requested)
        return guest_reset(m);
    if (r == CPU_EXIT_HALT) {
        int st = (c->eflags & FL_IF) ? idle(m) : -2;
        return st == -2 ? halted(m) : st;
    }
    if (limit && c->icount >= limit) {
        say(m, "instruction limit (%llu) reached at %04x:%08x",
            (unsigned long long)limit, c->seg[SR_CS].sel, c->eip);
        return EXIT_INSN_LIMIT;
    }
    return -1;
}

/* Run until the guest, a fault, a limit, the user or the host ends it. */
static int run(struct machine *m)
{
    cpu_t *c = &m->cpu;
    uint64_t limit = m->cfg->insn_limit;
    for (;;) {
        uint64_t budget = vclock_budget(&m->clock, RUN_CHUNK);
        if (limit && limit - c->icount < budget)
            budget = limit - c->icount;
        enum cpu_exit r = cpu_run(c, budget);
        vclock_run_expired(&m->clock);
        int st = after_run(m, r);
        if (st >= 0)
            return st;
        if (host_signal) {
            say(m, "stopped by signal %d at %04x:%08x", (int)host_signal,
                c->seg[SR_CS].sel, c->eip);
            return EXIT_INTERRUPTED;
        }
        if ((st = maybe_poll_host(m)) >= 0)
            return st;
    }
}

/* ---- building the machine ---- */

static struct irq_line pic_line(struct machine *m, unsigned irq)
{
    return (struct irq_line){pic_set_irq, &m->pic, irq};
}

/* The firmware's high alias below 4 GiB: reads of the ROM file itself. */
static uint32_t rom_read(void *opaque, uint32_t offset, unsigned size)
{
    const struct rom_image *r = opaque;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint32_t)(offset + k < r->size ? r->data[offset + k] : 0xFF) << (8 * k);
    return v;
}

/* The ROM answers at the top of the 4 GiB space, where the CPU fetches
 * its first instruction (0xFFFFFFF0, SDM vol. 3, 9.1.4), and its last
 * 128 KiB at most just below 1 MiB, where real-mode code at F000:xxxx
 * runs. The low copy is RAM the bus makes read-only. */
static bool map_firmware(struct machine *m)
{
    const struct rom_image *r = &m->rom;
    uint32_t low = r->size < ROM_LOW_MAX ? r->size : ROM_LOW_MAX;
    memcpy(m->ram + ONE_MIB - low, r->data + r->size - low, low);
    m->bus.rom_base = ONE_MIB - low;
    m->bus.rom_len = low;
    if (!bus_register_mmio(&m->bus, (uint32_t)(FOUR_GIB - r->size), r->size, rom_read, NULL,
                           &m->rom)) {
        fprintf(stderr, "isola: no room on the bus for the firmware\n");
        return false;
    }
    return true;
}

static bool open_boot(struct machine *m, const struct machine_config *cfg, uint32_t ram_size)
{
    char err[512], path[4096];
    if (cfg->image) {
        if (loader_open(&m->image, cfg->image, cfg->want, cfg->load_addr, ram_size,
                        cfg->append, cfg->initrd, err, sizeof err))
            return true;
        fprintf(stderr, "isola: %s\n", err);
        return false;
    }
    m->firmware_boot = true;
    if (cfg->bios) {
        if (rom_open(&m->rom, cfg->bios, err, sizeof err))
            return true;
        fprintf(stderr, "isola: -bios %s\n", err);
        return false;
    }
    if (rom_find_default(path, sizeof path, err, sizeof err) &&
        rom_open(&m->rom, path, err, sizeof err))
        return true;
    fprintf(stderr, "isola: %s\n", err);
    return false;
}

static bool open_disks(struct machine *m, const struct machine_config *cfg)
{
    char err[512];
    for (unsigned k = 0; k < DRIVES_MAX; k++) {
        const struct drive_config *d = &cfg->drive[k];
        if (!d->path)
            continue;
        struct blk_options o = {d->format, d->readonly, cfg->snapshot};
        m->disk[k] = blk_open(d->path, &o, err, sizeof err);
        if (!m->disk[k]) {
            fprintf(stderr, "isola: %s\n", err);
            return false;
        }
    }
    return true;
}

static enum ui_mode display_mode(const struct machine_config *cfg)
{
    switch (cfg->display) {
    case DISPLAY_SDL: return UI_SDL;
    case DISPLAY_NONE: return UI_NONE;
    case DISPLAY_NOGRAPHIC: return UI_NOGRAPHIC;
    case DISPLAY_AUTO: break;
    }
    return ui_display_available() ? UI_SDL : UI_NOGRAPHIC;
}

static bool open_io(struct machine *m, const struct machine_config *cfg)
{
    char err[512];
    enum ui_mode mode = display_mode(cfg);
    const char *serial = cfg->serial ? cfg->serial : mode == UI_SDL ? "none" : "stdio";
    m->serial = chardev_open(serial, err, sizeof err);
    if (!m->serial) {
        fprintf(stderr, "isola: -serial %s: %s\n", serial, err);
        return false;
    }
    m->ui = ui_open(mode, &m->vga, &m->kbd, err, sizeof err);
    if (!m->ui) {
        fprintf(stderr, "isola: -display %s: %s\n", mode == UI_SDL ? "sdl" : "none", err);
        return false;
    }
    m->window = mode == UI_SDL;
    bool serial_tty = strcmp(serial, "stdio") == 0 && isatty(STDIN_FILENO);
    m->pace_idle = m->window || serial_tty;
    m->host_input = m->pace_idle || strncmp(serial, "pipe:", 5) == 0;
    return true;
}

static int64_t rtc_base(const struct machine_config *cfg)
{
    if (cfg->rtc_fixed)
        return cfg->rtc_base;
    time_t now = time(NULL);
    if (cfg->rtc_localtime) {
        struct tm tm;
        localtime_r(&now, &tm);
        return (int64_t)now + tm.tm_gmtoff;
    }
    return (int64_t)now;
}

static void type_keys(void *opaque, uint64_t now_ns)
{
    struct machine *m = opaque;
    (void)now_ns;
    i8042_type_string(&m->kbd, m->cfg->keys);
}

static bool keys_typable(const char *s)
{
    uint8_t buf[8];
    if (strlen(s) >= sizeof ((struct i8042 *)0)->typing) {
        fprintf(stderr, "isola: -keys: text too long (at most %zu characters)\n",
                sizeof ((struct i8042 *)0)->typing - 1);
        return false;
    }
    for (const char *p = s; *p; p++)
        if (i8042_char_set2(*p, buf) == 0) {
            fprintf(stderr, "isola: -keys: no key types character 0x%02x\n",
                    (unsigned char)*p);
            return false;
        }
    return true;
}

/* ---- what a firmware built for QEMU's PC expects (SeaBIOS) ---- */

/* The i440FX's PAM registers (82441FX datasheet, 3.2.18; config 0x59-0x5F)
 * route each segment of 0xC0000-0xFFFFF to DRAM or to the ROM, for reads
 * and for writes apart. Here the low copy of the ROM always sits in RAM
 * and is always read from there; the registers decide only which of its
 * segments take writes (bit 1 of a nibble, "WE"). SeaBIOS opens them to
 * write its variables and closes them before it boots, all but the
 * segments it keeps for its own use (upper-memory malloc, its extra stack
 * at 0xE8000-0xEFFFF). The bus has one read-only range, so it covers the
 * run of closed segments nearest 1 MiB (the F segment: entry points and
 * tables); closed segments below an open one take writes. */
#define PAM0 0x59
#define PAM_SEGMENT 0x4000u            /* PAM1-6: two 16 KiB segments each */
#define PAM_FIRST 0xC0000u
#define PAM_F_SEGMENT 0xF0000u         /* PAM0: one 64 KiB segment */

static bool pam_write_enabled(const uint8_t *cfg, uint32_t addr)
{
    if (addr >= PAM_F_SEGMENT)
        return cfg[PAM0] & 0x20;
    unsigned seg = (addr - PAM_FIRST) / PAM_SEGMENT;
    uint8_t r = cfg[PAM0 + 1 + seg / 2];
    return ((seg & 1) ? r >> 4 : r) & 0x2;
}

static void pam_apply(struct machine *m)
{
    const uint8_t *cfg = m->pci.host_bridge.config;
    uint32_t first = ONE_MIB - (m->rom.size < ROM_LOW_MAX ? m->rom.size : ROM_LOW_MAX);
    uint32_t hi = ONE_MIB, lo;
    while (hi > first && pam_write_enabled(cfg, hi - PAM_SEGMENT))
        hi -= PAM_SEGMENT;
    for (lo = hi; lo > first && !pam_write_enabled(cfg, lo - PAM_SEGMENT); lo -= PAM_SEGMENT)
        ;
    uint32_t base = lo < hi ? lo : 0, len = lo < hi ? hi - lo : 0;
    if (m->bus.rom_base == base && m->bus.rom_len == len)
        return;
    m->bus.rom_base = base;
    m->bus.rom_len = len;
    /* cached host pointers may allow or refuse writes the new range changes */
    fast_flush(&m->cpu);
    tlb_flush_all(&m->cpu, false);
    m->cpu.stop_block = true;
}

static void on_host_bridge_written(struct pci_function *f, unsigned offset, unsigned size,
                                   uint32_t v)
{
    (void)v;
    if (offset + size > PAM0 && offset <= PAM0 + 6)
        pam_apply(f->opaque);
}

/* Power-on state of the BIOS area: the registers say "ROM" (datasheet
 * default 00h) and the low copy is the ROM image again, whatever the
 * firmware wrote there while it was open. */
static void firmware_reset(struct machine *m)
{
    uint32_t low = m->rom.size < ROM_LOW_MAX ? m->rom.size : ROM_LOW_MAX;
    memcpy(m->ram + ONE_MIB - low, m->rom.data + m->rom.size - low, low);
    memset(&m->pci.host_bridge.config[PAM0], 0, 7);
    pam_apply(m);
}

/* Port 0x402, QEMU's debugcon as SeaBIOS uses it: SeaBIOS logs there once
 * a read gives 0xE9. The log goes to stderr, a line at a time: on stdout
 * it would garble the console SeaBIOS prints on COM1 at the same time. */
#define SEABIOS_DEBUG_PORT 0x402

static uint32_t debug402_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque, (void)port, (void)size;
    return DEBUGCON_PORT;
}

static void debug402_flush(struct machine *m)
{
    if (m->log402_len)
        fwrite(m->log402, 1, m->log402_len, stderr);
    m->log402_len = 0;
}

static void debug402_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct machine *m = opaque;
    (void)port, (void)size;
    m->log402[m->log402_len++] = (char)v;
    if ((char)v == '\n' || m->log402_len == sizeof m->log402) {
        debugcon_flush(&m->con);
        if (m->serial)
            chardev_flush(m->serial);
        debug402_flush(m);
    }
}

/* fw_cfg as QEMU fills it for a PC, as far as SeaBIOS needs: RAM (the
 * "etc/e820" map), one CPU, and "no graphics" unless a window shows the
 * VGA screen: there is no VGA BIOS for SeaBIOS, so without a window it
 * puts its console and INT 10h on COM1 (its "sercon"), as under QEMU's
 * -nographic. QEMU gives every PCI function subsystem 1AF4:1100; SeaBIOS
 * looks for it on 00:00.0 before it trusts fw_cfg. */
static void wire_qemu_platform(struct machine *m)
{
    uint8_t e820[20];
    uint8_t *hb = m->pci.host_bridge.config;
    hb[PCI_SUBSYS_VENDOR] = 0xF4, hb[PCI_SUBSYS_VENDOR + 1] = 0x1A;
    hb[PCI_SUBSYS_ID] = 0x00, hb[PCI_SUBSYS_ID + 1] = 0x11;
    m->pci.host_bridge.opaque = m;
    m->pci.host_bridge.config_written = on_host_bridge_written;
    m->pci.reset = on_guest_reset;   /* port 0xCF9, SeaBIOS's way to reboot */
    m->pci.reset_opaque = m;
    fwcfg_init(&m->fwcfg, &m->bus);
    fwcfg_add_u64(&m->fwcfg, FWCFG_RAM_SIZE, m->cpu.ram_size);
    fwcfg_add_u16(&m->fwcfg, FWCFG_NOGRAPHIC, !m->window);
    fwcfg_add_u16(&m->fwcfg, FWCFG_NB_CPUS, 1);
    fwcfg_add_u16(&m->fwcfg, FWCFG_MAX_CPUS, 1);
    fwcfg_add_u16(&m->fwcfg, FWCFG_BOOT_MENU, 0);
    fwcfg_e820_entry(e820, 0, m->cpu.ram_size, 1);
    fwcfg_add_file(&m->fwcfg, "etc/e820", e820, sizeof e820);
    bus_register_io(&m->bus, SEABIOS_DEBUG_PORT, 1, debug402_read, debug402_write, m);
}

/* The PC of ARCHITECTURE.md: devices at their ISA ports and IRQs. */
static void wire_devices(struct machine *m, const struct machine_config *cfg)
{
    cpu_t *c = &m->cpu;
    debugcon_init(&m->con, &m->bus, c, stdout);
    pic_init(&m->pic, &m->bus, c);
    c->intr_ack = pic_ack;
    c->intr_opaque = &m->pic;
    pit_init(&m->pit, &m->bus, &m->clock, pic_line(m, IRQ_PIT));
    cmos_init(&m->cmos, &m->bus, &m->clock, pic_line(m, IRQ_RTC), rtc_base(cfg),
              c->ram_size);
    uart_init(&m->com1, &m->bus, UART_COM1_BASE, pic_line(m, IRQ_COM1), m->serial);
    uart_set_clock(&m->com1, &m->clock);
    m->a20 = true;
    i8042_init(&m->kbd, &m->bus, pic_line(m, IRQ_KBD), pic_line(m, IRQ_AUX), on_set_a20,
               on_guest_reset, m);
    i8042_set_clock(&m->kbd, &m->clock);
    vga_init(&m->vga, &m->bus, m->ram);
    pci_init(&m->pci, &m->bus);
    ata_init(&m->ata, &m->bus, &m->pci, c, pic_line(m, IRQ_IDE0), m->disk[0], m->disk[1]);
    ata_set_latency(&m->ata, &m->clock, cfg->disk_latency_ns);
    marker_init(&m->marker, &m->bus, NULL, NULL);   /* heard once a tracer exists */
    wire_qemu_platform(m);
    if (cfg->keys) {
        vtimer_init(&m->keys_timer, type_keys, m);
        vtimer_arm(&m->clock, &m->keys_timer, KEYS_AT_NS);
    }
}

/* What a trace file says about the run that made it (trace-format.md). */
static void trace_meta(const struct machine *m, const struct machine_config *cfg, char *buf,
                       size_t len)
{
    const cpu_t *c = &m->cpu;
    const struct tlb *i = c->tlb_unified ? &c->dtlb : &c->itlb;
    static const char *const policies[] = {"lru", "fifo", "random"};
    char costs[160];
    cost_format(&cfg->cost, costs, sizeof costs);
    snprintf(buf, len,
             "isola=%s\nimage=%s\nevents=%s\nitlb=%u:%u\ndtlb=%u:%u\nunified=%d\n"
             "policy=%s\nseed=%llu\nglobal=%d\ntagged=%d\npwc=%u\nips=%llu\ncost=%s\n",
             PACKAGE_VERSION, cfg->image ? cfg->image : "(firmware)",
             cfg->trace.spec, i->entries, i->ways, c->dtlb.entries,
             c->dtlb.ways, c->tlb_unified, policies[c->dtlb.policy],
             (unsigned long long)cfg->tlb.seed, cfg->tlb.global, cfg->tlb.tagged, c->pwc.entries,
             (unsigned long long)cfg->ips, costs);
}

/* The tracer observes for -trace and for the per-process statistics. */
static bool open_tracer(struct machine *m, const struct machine_config *cfg)
{
    char meta[1024], err[512];
    m->accounting = cfg->stats || cfg->stats_file;
    if (!cfg->trace.events && !m->accounting)
        return true;
    trace_meta(m, cfg, meta, sizeof meta);
    m->tracer = tracer_open(&cfg->trace, &m->cpu, &m->bus, m->accounting ? &m->acct : NULL,
                            meta, err, sizeof err);
    if (!m->tracer) {
        fprintf(stderr, "isola: -trace-file %s\n", err);
        return false;
    }
    m->marker.fn = tracer_marker;
    m->marker.ctx = m->tracer;
    return true;
}

static bool machine_build(struct machine *m, const struct machine_config *cfg)
{
    uint32_t ram_size = cfg->ram_mb << 20;
    m->cfg = cfg;
    if (!open_boot(m, cfg, ram_size) || !open_disks(m, cfg))
        return false;
    if (cfg->keys && !keys_typable(cfg->keys))
        return false;
    m->ram = calloc(ram_size, 1);
    if (!m->ram) {
        fprintf(stderr, "isola: -m %u: cannot allocate %u MiB of RAM\n", cfg->ram_mb,
                cfg->ram_mb);
        return false;
    }
    bus_init(&m->bus);
    cpu_init(&m->cpu, m->ram, ram_size, &m->bus);
    vclock_init(&m->clock, &m->cpu.icount, cfg->ips, cfg->realtime);
    if (m->firmware_boot && !map_firmware(m))
        return false;
    if (!open_io(m, cfg))
        return false;
    wire_devices(m, cfg);
    if (!tlb_apply(&m->cpu, &cfg->tlb))
        return false;
    if (cfg->log_mask && !log_attach(&m->cpu, cfg->log_mask)) {
        fprintf(stderr, "isola: -d: cannot open the Capstone disassembler\n");
        return false;
    }
    return open_tracer(m, cfg);
}

static void machine_free(struct machine *m)
{
    char err[256];
    if (m->tracer)
        tracer_close(m->tracer, err, sizeof err);
    account_free(&m->acct);
    if (m->cpu.bc) {
        mmu_free(&m->cpu);
        cpu_free(&m->cpu);
    }
    ui_close(m->ui);
    if (m->serial)
        chardev_close(m->serial);
    for (unsigned k = 0; k < DRIVES_MAX; k++)
        if (m->disk[k])
            blk_close(m->disk[k]);
    loader_free(&m->image);
    rom_free(&m->rom);
    free(m->ram);
    free(m);
}

static void screenshot(struct machine *m)
{
    char err[512];
    if (!ui_screenshot(&m->vga, m->cfg->screenshot, err, sizeof err))
        say(m, "-screenshot %s: %s", m->cfg->screenshot, err);
}

/* Close the trace file and write -stats-file; each failure is one line. */
static void finish_tracing(struct machine *m, const struct machine_config *cfg)
{
    char err[256];
    if (m->accounting)
        account_sample(&m->acct);
    if (m->tracer && !tracer_close(m->tracer, err, sizeof err))
        say(m, "-trace-file %s: %s", cfg->trace.path ? cfg->trace.path : TRACE_FILE_DEFAULT,
            err);
    m->tracer = NULL;
    m->marker.fn = NULL;
    if (cfg->stats_file && !account_write_csv(&m->acct, cfg->stats_file))
        say(m, "-stats-file %s: %s", cfg->stats_file, strerror(errno));
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
    if (m->accounting && !account_init(&m->acct, &m->cpu, &cfg->cost)) {
        fprintf(stderr, "isola: out of memory\n");
        machine_free(m);
        return EXIT_USAGE;
    }
    m->host_start_ns = m->last_poll_ns = host_ns();
    int status = run(m);
    double secs = (double)(host_ns() - m->host_start_ns) * 1e-9;
    debugcon_flush(&m->con);
    debug402_flush(m);
    chardev_flush(m->serial);
    log_flush();
    if (cfg->screenshot)
        screenshot(m);
    finish_tracing(m, cfg);
    if (cfg->stats) {
        stats_print(&m->cpu, stderr, secs);
        fprintf(stderr, "  %-22s %.6f\n", "emulated seconds",
                (double)vclock_now(&m->clock) * 1e-9);
        account_print(&m->acct, stderr);
    }
    machine_free(m);
    return status;
}
