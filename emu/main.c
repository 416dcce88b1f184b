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

#include "machine.h"
#include "trace/log.h"

enum opt_id {
    OPT_KERNEL, OPT_MEM, OPT_APPEND, OPT_LOG_ITEMS, OPT_LOG_FILE, OPT_STATS,
    OPT_NO_REBOOT, OPT_TLB, OPT_INSN_LIMIT, OPT_LOAD, OPT_HELP, OPT_VERSION
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
    {"d", OPT_LOG_ITEMS, "LIST"},
    {"D", OPT_LOG_FILE, "FILE"},
    {"stats", OPT_STATS, NULL},
    {"no-reboot", OPT_NO_REBOOT, NULL},
    {"tlb", OPT_TLB, "SPEC"},
    {"insn-limit", OPT_INSN_LIMIT, "N"},
    {"load", OPT_LOAD, "ADDR"},
    {"help", OPT_HELP, NULL},
    {"h", OPT_HELP, NULL},
    {"version", OPT_VERSION, NULL},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static const char help_text[] =
    "Usage: isola [options] [-kernel FILE | FILE]\n"
    "\n"
    "isola is an i686 PC emulator. Without firmware it boots a Multiboot (v1)\n"
    "kernel, or a flat binary, straight into 32-bit protected mode.\n"
    "\n"
    "Guest:\n"
    "  -kernel FILE     boot FILE as a Multiboot kernel (ELF32 i386, or an image\n"
    "                   with the header's address fields); it must carry a\n"
    "                   Multiboot header in its first 8 KiB\n"
    "  FILE             boot FILE as a Multiboot kernel if it carries a header,\n"
    "                   else as a flat binary loaded at -load ADDR and entered\n"
    "                   there in flat 32-bit ring 0 with ESP at the top of RAM\n"
    "  -append STR      kernel command line (the kernel sees \"FILE STR\")\n"
    "  -load ADDR       load address of a flat binary (default 0x100000)\n"
    "  -m MB            RAM size in MiB, 1 to 3584 (default 128; suffix M or G ok)\n"
    "  -no-reboot       stop at a triple fault (exit status 3) instead of\n"
    "                   reloading the image and starting again\n"
    "  -insn-limit N    stop after N instructions (exit status 4); N may end in\n"
    "                   k, M or G (powers of 1000)\n"
    "\n"
    "TLB:\n"
    "  -tlb SPEC        TLB geometry and policy; SPEC is a comma list of:\n"
    "                     entries=N,ways=W   both TLBs (default ITLB 32, DTLB 64\n"
    "                                        entries, 4 ways)\n"
    "                     i=N[:W], d=N[:W]   ITLB and DTLB separately\n"
    "                     unified | split    one TLB for code and data, or two\n"
    "                     policy=lru|fifo|random   replacement (default lru)\n"
    "                     fast=on|off        the host-pointer fast path (off: every\n"
    "                                        access goes through the TLB model)\n"
    "                   N and W are powers of two, 1 <= N <= 4096, W <= N\n"
    "\n"
    "Debugging:\n"
    "  -d LIST          log items, comma-separated (-d help lists them):\n"
    "                     insn   each instruction: count, CS:EIP, disassembly,\n"
    "                            registers before it runs\n"
    "                     int    each exception and interrupt delivered\n"
    "  -D FILE          write the log to FILE instead of stderr\n"
    "  -stats           at exit print instructions, host time, MIPS, TLB\n"
    "                   lookups/hits/misses, page walks and faults, exceptions,\n"
    "                   interrupts, CR3 writes and TLB flushes on stderr\n"
    "  -h, --help       print this help and exit\n"
    "  --version        print the version and exit\n"
    "\n"
    "Options take one dash or two (-m 64, --m 64, --m=64).\n"
    "\n"
    "Guest ports:\n"
    "  0xE9  debug console: each byte written appears on stdout; reads give 0xE9\n"
    "  0xF4  exit: writing v ends isola with exit status (v << 1) | 1\n"
    "\n"
    "Exit status:\n"
    "  (v<<1)|1  the guest wrote v to port 0xF4 (odd: 1 for v=0)\n"
    "  2         bad command line, or the image is missing, unreadable or malformed\n"
    "  3         triple fault with -no-reboot, or the guest kept resetting\n"
    "            (three resets in a row without printing anything)\n"
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
    case OPT_LOG_ITEMS: cl->cfg.log_mask |= parse_log_items(arg); break;
    case OPT_LOG_FILE: cl->log_path = arg; break;
    case OPT_STATS: cl->cfg.stats = true; break;
    case OPT_NO_REBOOT: cl->cfg.no_reboot = true; break;
    case OPT_TLB:
        if (!tlb_config_parse(&cl->cfg.tlb, arg, err, sizeof err))
            usage_error("%s", err);
        break;
    case OPT_INSN_LIMIT: cl->cfg.insn_limit = parse_insn_limit(arg); break;
    case OPT_LOAD: cl->cfg.load_addr = parse_load(arg); break;
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
    tlb_config_default(&cl.cfg.tlb);
    parse_args(&cl, argc, argv);

    if (cl.kernel && cl.file)
        usage_error("give either -kernel FILE or FILE, not both ('%s' and '%s')", cl.kernel,
                    cl.file);
    if (!cl.kernel && !cl.file)
        usage_error("no kernel or image given (usage: isola [options] [-kernel FILE | FILE]; try --help)");
    cl.cfg.image = cl.kernel ? cl.kernel : cl.file;
    cl.cfg.want = cl.kernel ? LOAD_KERNEL : LOAD_ANY;
    if (cl.log_path && !log_open(cl.log_path))
        usage_error("-D %s: %s", cl.log_path, strerror(errno));

    int status = machine_main(&cl.cfg);
    log_close();
    return status;
}
