/*
 * main.c: the isola command line.
 *
 * Rules kept here:
 *  - Options are single-dash words as in QEMU (-kernel, -m); the
 *    double-dash form (--kernel) and NAME=VALUE (--m=64) are accepted too.
 *  - Every problem with the command line or the image is one line on
 *    stderr starting "isola: " and naming the option or the file, and
 *    exit status 2 (EXIT_USAGE), before the guest runs.
 *  - --help and docs/cli.md describe the same options; change both.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine.h"
#include "trace/log.h"
#include "vtime.h"

enum opt_id {
    OPT_KERNEL, OPT_MEM, OPT_APPEND, OPT_LOG_ITEMS, OPT_LOG_FILE, OPT_STATS,
    OPT_NO_REBOOT, OPT_TLB, OPT_INSN_LIMIT, OPT_LOAD, OPT_HELP, OPT_VERSION,
    OPT_BIOS, OPT_HDA, OPT_HDB, OPT_DRIVE, OPT_SNAPSHOT, OPT_ICOUNT, OPT_REALTIME, OPT_DISK_LATENCY,
    OPT_RTC, OPT_SERIAL, OPT_DISPLAY, OPT_NOGRAPHIC, OPT_SCREENSHOT, OPT_KEYS, OPT_INITRD,
    OPT_TRACE, OPT_TRACE_FILE, OPT_COST, OPT_STATS_FILE
};

struct option_def {
    const char *name;
    enum opt_id id;
    const char *arg;   /* NULL: takes no argument */
};

static const struct option_def options[] = {
    {"kernel", OPT_KERNEL, "FILE"},
    {"m", OPT_MEM, "MB"},
    {"append", OPT_APPEND, "STR"},
    {"initrd", OPT_INITRD, "\"FILE ARGS,FILE ARGS...\""},
    {"d", OPT_LOG_ITEMS, "LIST"},
    {"D", OPT_LOG_FILE, "FILE"},
    {"stats", OPT_STATS, NULL},
    {"stats-file", OPT_STATS_FILE, "FILE"},
    {"trace", OPT_TRACE, "LIST"},
    {"trace-file", OPT_TRACE_FILE, "FILE"},
    {"cost", OPT_COST, "LIST"},
    {"no-reboot", OPT_NO_REBOOT, NULL},
    {"tlb", OPT_TLB, "SPEC"},
    {"insn-limit", OPT_INSN_LIMIT, "N"},
    {"load", OPT_LOAD, "ADDR"},
    {"bios", OPT_BIOS, "FILE"},
    {"hda", OPT_HDA, "FILE"},
    {"hdb", OPT_HDB, "FILE"},
    {"drive", OPT_DRIVE, "SPEC"},
    {"snapshot", OPT_SNAPSHOT, NULL},
    {"icount", OPT_ICOUNT, "IPS"},
    {"realtime", OPT_REALTIME, NULL},
    {"disk-latency", OPT_DISK_LATENCY, "US"},
    {"rtc", OPT_RTC, "base=WHEN"},
    {"serial", OPT_SERIAL, "DEV"},
    {"display", OPT_DISPLAY, "sdl|none"},
    {"nographic", OPT_NOGRAPHIC, NULL},
    {"screenshot", OPT_SCREENSHOT, "FILE"},
    {"keys", OPT_KEYS, "STR"},
    {"help", OPT_HELP, NULL},
    {"h", OPT_HELP, NULL},
    {"version", OPT_VERSION, NULL},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static const char help_text[] =
    "Usage: isola [options] [-kernel FILE | FILE]\n"
    "\n"
    "isola is an i686 PC emulator. Without a kernel it resets into the bundled\n"
    "firmware, which boots the first disk's MBR. With -kernel FILE (or FILE) it\n"
    "boots a Multiboot (v1) kernel, or a flat binary, straight into 32-bit\n"
    "protected mode; the devices are there too, but no firmware runs.\n"
    "\n"
    "Machine:\n"
    "  -m MB            RAM size in MiB, 1 to 3584 (default 128; suffix M or G ok)\n"
    "  -bios FILE       firmware image of 64, 128 or 256 KiB (default: the\n"
    "                   bundled firmware/bios.bin)\n"
    "  -hda FILE        primary master disk (raw or qcow2, detected)\n"
    "  -hdb FILE        primary slave disk\n"
    "  -drive SPEC      a disk; SPEC is a comma list of file=FILE,\n"
    "                   format=raw|qcow2, readonly=on|off, if=ide, index=0|1,\n"
    "                   media=disk (',,' in FILE stands for a comma)\n"
    "  -snapshot        writes to every disk go to a temporary overlay that is\n"
    "                   dropped at exit; the image files are not changed\n"
    "  -no-reboot       stop at a triple fault or a guest reset (exit status 3)\n"
    "                   instead of resetting the machine\n"
    "\n"
    "Kernel boot (no firmware):\n"
    "  -kernel FILE     boot FILE as a Multiboot kernel (ELF32 i386, or an image\n"
    "                   with the header's address fields); it must carry a\n"
    "                   Multiboot header in its first 8 KiB\n"
    "  FILE             boot FILE as a Multiboot kernel if it carries a header,\n"
    "                   else as a flat binary loaded at -load ADDR and entered\n"
    "                   there in flat 32-bit ring 0 with ESP at the top of RAM\n"
    "  -append STR      kernel command line (the kernel sees \"FILE STR\")\n"
    "  -initrd \"FILE ARGS,FILE ARGS\"  Multiboot modules, loaded page aligned\n"
    "                   after the kernel; each module's string is its item, file\n"
    "                   name and arguments (\",,\" stands for a comma)\n"
    "  -load ADDR       load address of a flat binary (default 0x100000)\n"
    "\n"
    "Time:\n"
    "  -icount IPS      instructions per emulated second (default 100M; suffix\n"
    "                   k, M or G). Time follows the instruction count, so runs\n"
    "                   repeat exactly; a halted CPU skips to the next timer\n"
    "  -realtime        emulated time follows the host clock instead (not\n"
    "                   reproducible)\n"
    "  -rtc base=WHEN   the CMOS clock's start: utc (the host's time, default),\n"
    "                   localtime, or YYYY-MM-DD[THH:MM:SS] in UTC. A fixed date\n"
    "                   makes runs fully reproducible\n"
    "  -insn-limit N    stop after N instructions (exit status 4); N may end in\n"
    "                   k, M or G (powers of 1000)\n"
    "  -disk-latency US a bus-master DMA command ends US emulated microseconds\n"
    "                   (up to 1000000) plus 10 ns a byte after it starts, as a\n"
    "                   disk's seek and transfer would (default 0: at once)\n"
    "\n"
    "Display and I/O:\n"
    "  -display sdl|none  a window showing the VGA text screen (with keyboard\n"
    "                   input), or none. Default: sdl when a display is\n"
    "                   available, else as -nographic\n"
    "  -nographic       no window; the serial port is on the terminal (Ctrl-A x\n"
    "                   quits, Ctrl-A h lists the other Ctrl-A keys)\n"
    "  -serial DEV      COM1: stdio, file:PATH (output only), pipe:PATH (PATH.in\n"
    "                   and PATH.out FIFOs), or none. Default: stdio without a\n"
    "                   window, none with one\n"
    "  -keys STR        type STR on the PS/2 keyboard at 0.5 emulated seconds\n"
    "                   (\\n is Enter, \\t Tab, \\b Backspace, \\e Escape, \\\\ a\n"
    "                   backslash); deterministic input for tests\n"
    "  -screenshot FILE.png  when the run ends, save the text screen as a PNG\n"
    "\n"
    "TLB:\n"
    "  -tlb SPEC        TLB geometry and policy; SPEC is a comma list of:\n"
    "                     entries=N,ways=W   both TLBs (default ITLB 32, DTLB 64\n"
    "                                        entries, 4 ways)\n"
    "                     i=N[:W], d=N[:W]   ITLB and DTLB separately\n"
    "                     unified | split    one TLB for code and data, or two\n"
    "                     policy=lru|fifo|random   replacement (default lru)\n"
    "                     seed=N             seed of policy=random\n"
    "                     global=on|off      honour global pages (default on)\n"
    "                     tagged=on|off      keep TLB entries across CR3 writes,\n"
    "                                        tagged with CR3, as PCID (default off)\n"
    "                     pwc=on|off|N       a page-walk cache of N entries (on: 16;\n"
    "                                        default off)\n"
    "                     fast=on|off        the host-pointer fast path (off: every\n"
    "                                        access goes through the TLB model)\n"
    "                   N and W are powers of two, 1 <= N <= 4096, W <= N\n"
    "\n"
    "Tracing and the cycle model:\n"
    "  -trace LIST      record events to a compressed trace file; LIST is a comma\n"
    "                   list of events (insn, tlb, walk, pf, flush, int, io,\n"
    "                   marker, all) and filters (pid=N, name=S, cr3=X,\n"
    "                   addr=LO-HI, insns=A-B); -trace help describes them\n"
    "  -trace-file FILE where the trace goes (default isola.isotrace.gz); read it\n"
    "                   with isola-trace\n"
    "  -cost LIST       cycles charged per event, a comma list of insn=N, walk=N,\n"
    "                   flush=N, invlpg=N, exc=N, int=N, priv=N (default\n"
    "                   insn=1,walk=20,flush=50,invlpg=25,exc=50,int=50,priv=30)\n"
    "  -stats-file FILE the per-process and per-region statistics as CSV\n"
    "\n"
    "Debugging:\n"
    "  -d LIST          log items, comma-separated (-d help lists them):\n"
    "                     insn   each instruction: count, CS:EIP, disassembly,\n"
    "                            registers before it runs\n"
    "                     int    each exception and interrupt delivered\n"
    "  -D FILE          write the log to FILE instead of stderr\n"
    "  -stats           at exit print instructions, emulated and host time, MIPS,\n"
    "                   TLB lookups/hits/misses, page walks and faults,\n"
    "                   exceptions, interrupts, CR3 writes and TLB flushes on stderr,\n"
    "                   then per process and per marked region: instructions,\n"
    "                   simulated cycles, TLB hits and misses, walks per 1,000\n"
    "                   instructions, page faults by kind\n"
    "  -h, --help       print this help and exit\n"
    "  --version        print the version and exit\n"
    "\n"
    "Options take one dash or two (-m 64, --m 64, --m=64).\n"
    "\n"
    "Guest ports (besides the PC's own devices):\n"
    "  0xE9  debug console: each byte written appears on stdout; reads give 0xE9\n"
    "  0xF4  exit: writing v ends isola with exit status (v << 1) | 1\n"
    "  0x500-0x505  trace marker: the guest names its processes and marks\n"
    "        benchmark regions (docs/trace-marker.md)\n"
    "\n"
    "Exit status:\n"
    "  (v<<1)|1  the guest wrote v to port 0xF4 (odd: 1 for v=0)\n"
    "  0         the window was closed, or Ctrl-A x\n"
    "  2         bad command line, or an image, disk or firmware file is\n"
    "            missing, unreadable or malformed\n"
    "  3         triple fault or guest reset with -no-reboot, or the guest kept\n"
    "            resetting (three triple faults in a row without printing)\n"
    "  4         -insn-limit reached\n"
    "  5         the CPU halted and nothing can wake it\n"
    "  130       stopped by SIGINT or SIGTERM\n";

static _Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("isola: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_USAGE);
}

static const struct option_def *find_option(const char *name, size_t n)
{
    for (size_t k = 0; k < NOPTIONS; k++)
        if (strlen(options[k].name) == n && strncmp(options[k].name, name, n) == 0)
            return &options[k];
    return NULL;
}

/* An unsigned number: decimal, or hex with 0x. Then an optional suffix
 * from `suffixes`, each char standing for the multiplier at the same index
 * of `scale`. */
static bool parse_number(const char *s, const char *suffixes, const uint64_t *scale,
                         uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    const char *digits = p;
    for (; *p; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            break;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    if (p == digits)
        return false;
    if (*p) {
        const char *sfx = suffixes ? strchr(suffixes, *p) : NULL;
        if (!sfx || p[1] || base == 16)
            return false;
        uint64_t m = scale[sfx - suffixes];
        if (v > UINT64_MAX / m)
            return false;
        v *= m;
    }
    *out = v;
    return true;
}

static uint32_t parse_mem(const char *s)
{
    static const uint64_t scale[] = {1, 1, 1024, 1024};
    uint64_t v;
    if (!parse_number(s, "MmGg", scale, &v) || v < 1 || v > RAM_MB_MAX)
        usage_error("-m: bad RAM size '%s' (MiB, 1 to %u)", s, RAM_MB_MAX);
    return (uint32_t)v;
}

static uint64_t parse_insn_limit(const char *s)
{
    static const uint64_t scale[] = {1000, 1000, 1000000, 1000000000};
    uint64_t v;
    if (!parse_number(s, "kKMG", scale, &v) || v == 0)
        usage_error("-insn-limit: bad count '%s' (a positive number)", s);
    return v;
}

static uint32_t parse_load(const char *s)
{
    uint64_t v;
    if (!parse_number(s, NULL, NULL, &v) || v > 0xFFFFFFFFu)
        usage_error("-load: bad address '%s' (decimal, or hex with 0x)", s);
    return (uint32_t)v;
}

/* Strings made from option values (-keys, -drive file=) live for the whole
 * run; they are held here, so even a usage error's exit leaks nothing. */
#define KEPT_MAX 8
static char *kept[KEPT_MAX];

static char *kept_alloc(size_t n)
{
    for (unsigned k = 0; k < KEPT_MAX; k++)
        if (!kept[k]) {
            kept[k] = malloc(n);
            if (!kept[k])
                usage_error("out of memory");
            return kept[k];
        }
    usage_error("too many -keys and -drive options");
}

static void kept_free(const char *p)
{
    for (unsigned k = 0; k < KEPT_MAX; k++)
        if (p && kept[k] == p) {
            free(kept[k]);
            kept[k] = NULL;
        }
}

static void kept_free_all(void)
{
    for (unsigned k = 0; k < KEPT_MAX; k++) {
        free(kept[k]);
        kept[k] = NULL;
    }
}

static uint64_t parse_ips(const char *s)
{
    static const uint64_t scale[] = {1000, 1000, 1000000, 1000000000};
    uint64_t v;
    if (!parse_number(s, "kKMG", scale, &v) || v < IPS_MIN || v > 1000000000000ull)
        usage_error("-icount: bad rate '%s' (instructions per second, 1k to 1000G)", s);
    return v;
}

static uint64_t parse_disk_latency(const char *s)
{
    static const uint64_t scale[] = {1};
    uint64_t v;
    if (!parse_number(s, "", scale, &v) || v > 1000000)
        usage_error("-disk-latency: bad time '%s' (microseconds, 0 to 1000000)", s);
    return v * 1000;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", UTC. */
static bool parse_datetime(const char *s, int64_t *out)
{
    struct tm tm = {0};
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 ||
        n != 10)
        return false;
    if (s[n] == 'T') {
        int m = 0;
        if (sscanf(s + n + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &m) != 3 ||
            m != 8 || s[n + 1 + m] != '\0')
            return false;
    } else if (s[n] != '\0') {
        return false;
    }
    if (tm.tm_year < 1970 || tm.tm_year > 2099 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
        tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 59 || tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
        return false;
    int mday = tm.tm_mday, mon = tm.tm_mon;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != mday || tm.tm_mon != mon - 1)
        return false;   /* timegm normalised an impossible date (Feb 30) */
    *out = (int64_t)t;
    return true;
}

static void parse_rtc(struct machine_config *cfg, const char *s)
{
    if (strncmp(s, "base=", 5) != 0)
        usage_error("-rtc: bad setting '%s' (base=utc, base=localtime or "
                    "base=YYYY-MM-DDTHH:MM:SS)", s);
    const char *when = s + 5;
    cfg->rtc_fixed = cfg->rtc_localtime = false;
    if (strcmp(when, "utc") == 0)
        return;
    if (strcmp(when, "localtime") == 0) {
        cfg->rtc_localtime = true;
        return;
    }
    if (!parse_datetime(when, &cfg->rtc_base))
        usage_error("-rtc: bad date '%s' (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, UTC, "
                    "1970 to 2099)", when);
    cfg->rtc_fixed = true;
}

static void parse_serial(struct machine_config *cfg, const char *s)
{
    if (strcmp(s, "stdio") != 0 && strcmp(s, "none") != 0 &&
        !(strncmp(s, "file:", 5) == 0 && s[5]) && !(strncmp(s, "pipe:", 5) == 0 && s[5]))
        usage_error("-serial: unknown device '%s' (stdio, file:PATH, pipe:PATH, none)", s);
    cfg->serial = s;
}

static enum display_kind parse_display(const char *s)
{
    if (strcmp(s, "sdl") == 0)
        return DISPLAY_SDL;
    if (strcmp(s, "none") == 0)
        return DISPLAY_NONE;
    usage_error("-display: unknown display '%s' (sdl or none)", s);
}

/* -keys: C-like escapes, so a test can type Enter without a literal newline. */
static char *parse_keys(const char *s)
{
    char *out = kept_alloc(strlen(s) + 1), *o = out;
    for (const char *p = s; *p; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        switch (*++p) {
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'b': *o++ = '\b'; break;
        case 'e': *o++ = '\033'; break;
        case '\\': *o++ = '\\'; break;
        default:
            usage_error("-keys: unknown escape '\\%.1s' (\\n \\r \\t \\b \\e \\\\)", p);
        }
    }
    *o = '\0';
    return out;
}

/* ---- disks ---- */

/* Which -hda/-hdb/-drive named each index, for messages. */
struct drive_slots {
    const char *by[DRIVES_MAX];
};

static void set_drive(struct machine_config *cfg, struct drive_slots *ds, int index,
                      const struct drive_config *d, const char *opt)
{
    if (index < 0) {
        for (index = 0; index < DRIVES_MAX && cfg->drive[index].path; index++)
            ;
        if (index == DRIVES_MAX)
            usage_error("%s: both IDE drives are taken (isola has a primary master "
                        "and slave)", opt);
    }
    if (cfg->drive[index].path)
        usage_error("%s: drive index %d is already %s ('%s')", opt, index, ds->by[index],
                    cfg->drive[index].path);
    cfg->drive[index] = *d;
    ds->by[index] = opt;
}

/* Copy the value of a key (up to the next single comma; ",," is a comma)
 * into a fresh string; *p moves past it. */
static char *drive_value(const char **p)
{
    const char *s = *p;
    char *v = kept_alloc(strlen(s) + 1), *o = v;
    while (*s) {
        if (*s == ',' && s[1] == ',') {
            *o++ = ',';
            s += 2;
        } else if (*s == ',') {
            break;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    *p = *s ? s + 1 : s;
    return v;
}

static bool on_off(const char *v, bool *out)
{
    if (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
        *out = true;
    else if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
        *out = false;
    else
        return false;
    return true;
}

static void parse_drive(struct machine_config *cfg, struct drive_slots *ds, const char *spec)
{
    struct drive_config d = {.format = BLK_DETECT};
    int index = -1;
    const char *p = spec;
    while (*p) {
        size_t klen = strcspn(p, "=,");
        if (p[klen] != '=')
            usage_error("-drive: '%.*s' is not KEY=VALUE (keys: file, format, readonly, "
                        "if, index, media)", (int)klen, p);
        char key[16];
        snprintf(key, sizeof key, "%.*s", (int)(klen < 15 ? klen : 15), p);
        p += klen + 1;
        char *v = drive_value(&p);
        if (strcmp(key, "file") == 0 && klen == 4) {
            if (!*v)
                usage_error("-drive: file= is empty");
            kept_free(d.path);
            d.path = v;   /* kept for the whole run */
            continue;
        }
        if (strcmp(key, "format") == 0 && klen == 6) {
            if (strcmp(v, "raw") == 0)
                d.format = BLK_RAW;
            else if (strcmp(v, "qcow2") == 0)
                d.format = BLK_QCOW2;
            else
                usage_error("-drive: unknown format '%s' (raw or qcow2)", v);
        } else if (strcmp(key, "readonly") == 0 && klen == 8) {
            if (!on_off(v, &d.readonly))
                usage_error("-drive: readonly='%s' (on or off)", v);
        } else if (strcmp(key, "if") == 0 && klen == 2) {
            if (strcmp(v, "ide") != 0)
                usage_error("-drive: interface if=%s is not available (isola has ide)", v);
        } else if (strcmp(key, "index") == 0 && klen == 5) {
            if ((strcmp(v, "0") != 0 && strcmp(v, "1") != 0))
                usage_error("-drive: index=%s (0: primary master, 1: primary slave)", v);
            index = v[0] - '0';
        } else if (strcmp(key, "media") == 0 && klen == 5) {
            if (strcmp(v, "disk") != 0)
                usage_error("-drive: media=%s is not available (isola has disk)", v);
        } else {
            usage_error("-drive: unknown key '%.*s' (keys: file, format, readonly, if, "
                        "index, media)", (int)klen, key);
        }
        kept_free(v);
    }
    if (!d.path)
        usage_error("-drive: no file= given in '%s'", spec);
    set_drive(cfg, ds, index, &d, "-drive");
}

static unsigned parse_log_items(const char *s)
{
    unsigned mask;
    const char *bad;
    if (strcmp(s, "help") == 0) {
        log_print_items(stdout);
        exit(0);
    }
    if (!log_parse_items(s, &mask, &bad))
        usage_error("-d: unknown log item '%.*s' (try -d help)",
                    (int)strcspn(bad, ","), bad);
    return mask;
}

struct cli {
    struct machine_config cfg;
    struct drive_slots drives;
    const char *kernel;   /* -kernel */
    const char *file;     /* positional */
    const char *log_path; /* -D */
};

static void apply_option(struct cli *cl, const struct option_def *o, const char *arg)
{
    char err[256];
    switch (o->id) {
    case OPT_KERNEL:
        if (cl->kernel)
            usage_error("-kernel given twice ('%s' and '%s')", cl->kernel, arg);
        cl->kernel = arg;
        break;
    case OPT_MEM: cl->cfg.ram_mb = parse_mem(arg); break;
    case OPT_APPEND: cl->cfg.append = arg; break;
    case OPT_INITRD:
        if (cl->cfg.initrd)
            usage_error("-initrd given twice ('%s' and '%s'); list the modules in one, "
                        "separated by commas", cl->cfg.initrd, arg);
        cl->cfg.initrd = arg;
        break;
    case OPT_LOG_ITEMS: cl->cfg.log_mask |= parse_log_items(arg); break;
    case OPT_LOG_FILE: cl->log_path = arg; break;
    case OPT_STATS: cl->cfg.stats = true; break;
    case OPT_STATS_FILE: cl->cfg.stats_file = arg; break;
    case OPT_TRACE:
        if (strcmp(arg, "help") == 0) {
            trace_print_help(stdout);
            exit(0);
        }
        if (!trace_config_parse(&cl->cfg.trace, arg, err, sizeof err))
            usage_error("%s", err);
        break;
    case OPT_TRACE_FILE: cl->cfg.trace.path = arg; break;
    case OPT_COST:
        if (!cost_parse(&cl->cfg.cost, arg, err, sizeof err))
            usage_error("%s", err);
        break;
    case OPT_NO_REBOOT: cl->cfg.no_reboot = true; break;
    case OPT_TLB:
        if (!tlb_config_parse(&cl->cfg.tlb, arg, err, sizeof err))
            usage_error("%s", err);
        break;
    case OPT_INSN_LIMIT: cl->cfg.insn_limit = parse_insn_limit(arg); break;
    case OPT_LOAD: cl->cfg.load_addr = parse_load(arg); break;
    case OPT_BIOS: cl->cfg.bios = arg; break;
    case OPT_HDA:
    case OPT_HDB: {
        struct drive_config d = {.path = arg, .format = BLK_DETECT};
        set_drive(&cl->cfg, &cl->drives, o->id == OPT_HDA ? 0 : 1, &d,
                  o->id == OPT_HDA ? "-hda" : "-hdb");
        break;
    }
    case OPT_DRIVE: parse_drive(&cl->cfg, &cl->drives, arg); break;
    case OPT_SNAPSHOT: cl->cfg.snapshot = true; break;
    case OPT_ICOUNT: cl->cfg.ips = parse_ips(arg); break;
    case OPT_REALTIME: cl->cfg.realtime = true; break;
    case OPT_DISK_LATENCY: cl->cfg.disk_latency_ns = parse_disk_latency(arg); break;
    case OPT_RTC: parse_rtc(&cl->cfg, arg); break;
    case OPT_SERIAL: parse_serial(&cl->cfg, arg); break;
    case OPT_DISPLAY: cl->cfg.display = parse_display(arg); break;
    case OPT_NOGRAPHIC: cl->cfg.display = DISPLAY_NOGRAPHIC; break;
    case OPT_SCREENSHOT: cl->cfg.screenshot = arg; break;
    case OPT_KEYS:
        kept_free(cl->cfg.keys);   /* the last -keys wins */
        cl->cfg.keys = parse_keys(arg);
        break;
    case OPT_HELP:
        fputs(help_text, stdout);
        exit(0);
    case OPT_VERSION:
        printf("isola %s\n", PACKAGE_VERSION);
        exit(0);
    }
}

static void set_file(struct cli *cl, const char *arg)
{
    if (cl->file)
        usage_error("more than one image given ('%s' and '%s')", cl->file, arg);
    cl->file = arg;
}

static void parse_args(struct cli *cl, int argc, char **argv)
{
    bool options_done = false;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            set_file(cl, a);
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        const char *name = a + (a[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        const struct option_def *o = find_option(name, n);
        if (!o)
            usage_error("unknown option '%s' (try --help)", a);
        const char *arg = NULL;
        if (o->arg && eq)
            arg = eq + 1;
        else if (o->arg && k + 1 < argc)
            arg = argv[++k];
        else if (o->arg)
            usage_error("option -%s needs an argument (%s)", o->name, o->arg);
        else if (eq)
            usage_error("option -%s takes no argument ('%s')", o->name, a);
        apply_option(cl, o, arg);
    }
}

int main(int argc, char **argv)
{
    struct cli cl = {0};
    cl.cfg.ram_mb = RAM_MB_DEFAULT;
    cl.cfg.load_addr = FLAT_DEFAULT_ADDR;
    cl.cfg.ips = VTIME_DEFAULT_IPS;
    tlb_config_default(&cl.cfg.tlb);
    cost_default(&cl.cfg.cost);
    parse_args(&cl, argc, argv);

    if (cl.kernel && cl.file)
        usage_error("give either -kernel FILE or FILE, not both ('%s' and '%s')", cl.kernel,
                    cl.file);
    cl.cfg.image = cl.kernel ? cl.kernel : cl.file;
    if (cl.cfg.image && cl.cfg.bios)
        usage_error("-bios %s: a kernel ('%s') boots without firmware; give one or the other",
                    cl.cfg.bios, cl.cfg.image);
    cl.cfg.want = cl.kernel ? LOAD_KERNEL : LOAD_ANY;
    if (cl.cfg.initrd && !cl.cfg.image)
        usage_error("-initrd %s: modules need a Multiboot kernel (-kernel FILE)", cl.cfg.initrd);
    if (cl.cfg.trace.path && !cl.cfg.trace.events)
        usage_error("-trace-file %s: no events to trace (give -trace LIST)", cl.cfg.trace.path);
    if (cl.log_path && !log_open(cl.log_path))
        usage_error("-D %s: %s", cl.log_path, strerror(errno));

    int status = machine_main(&cl.cfg);
    log_close();
    kept_free_all();
    return status;
}
