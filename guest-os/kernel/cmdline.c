/*
 * cmdline.c: the kernel command line. Words are separated by spaces;
 * `name=value` sets an option, a bare word a flag, and the words after
 * `--` become init's arguments. Unknown words are reported, not fatal:
 * a typo must not keep the system from booting.
 *
 *   init=PATH                  the first program (default /sbin/init)
 *   console=ttyS0|tty0         where the console is; may be repeated
 *   quiet                      no boot messages
 *   isolation=paging|seg|none  how processes are kept apart: page tables
 *                              and ring 3; paging off, a segment per
 *                              process and ring 3; paging off, ring 0
 *                              (segmode.c, vm_region.c)
 *   segsize=N[K|M]             seg and none: each process's region
 *                              (default 4M; 256K to 256M, whole 64 KiB)
 *   nx=off, pae=off            do without no-execute pages / PAE paging
 *   root=ram|hda|hdb|hdaN|hdbN the root file system: the boot module, a
 *                              disk or its MBR partition N (main.c)
 *   ata=pio                    disks without bus-master DMA
 *   swap=hdaN|hdbN|hda|hdb     the swap area: an MBR partition of type
 *                              0x82, or a whole disk (swap.c)
 */
#include "cmdline.h"
#include "lib.h"

struct boot_options boot_options = {.init = "/sbin/init", .segsize = SEGSIZE_DEFAULT};

static char words[512];
static char unknown[128];

static void note_unknown(const char *w)
{
    size_t n = strlen(unknown);
    if (n + strlen(w) + 2 < sizeof unknown) {
        if (n)
            unknown[n++] = ' ';
        strlcpy(unknown + n, w, sizeof unknown - n);
    }
}

static void set_isolation(const char *v)
{
    if (!strcmp(v, "paging"))
        boot_options.isolation = ISOLATION_PAGING;
    else if (!strcmp(v, "seg"))
        boot_options.isolation = ISOLATION_SEG;
    else if (!strcmp(v, "none"))
        boot_options.isolation = ISOLATION_NONE;
    else
        note_unknown(v);
}

/* segsize=: bytes, or K or M of them; false when out of range. */
static bool set_segsize(const char *v)
{
    uint32_t n = 0;
    const char *c = v;
    for (; *c >= '0' && *c <= '9' && n < 0x10000000u; c++)
        n = n * 10 + (uint32_t)(*c - '0');
    if (c == v)
        return false;
    if (*c == 'K' || *c == 'k')
        n = n < (1u << 22) ? n << 10 : 0, c++;
    else if (*c == 'M' || *c == 'm')
        n = n < (1u << 12) ? n << 20 : 0, c++;
    if (*c || n < SEGSIZE_MIN || n > SEGSIZE_MAX || n % 0x10000u)
        return false;
    boot_options.segsize = n;
    return true;
}

/* Returns false for a word it does not know. */
static bool set_option(char *w)
{
    char *eq = strchr(w, '=');
    char *v = eq ? eq + 1 : NULL;
    if (eq)
        *eq = 0;
    if (!strcmp(w, "quiet") && !v)
        boot_options.quiet = true;
    else if (!strcmp(w, "init") && v)
        strlcpy(boot_options.init, v, sizeof boot_options.init);
    else if (!strcmp(w, "console") && v && !strcmp(v, "ttyS0"))
        boot_options.consoles |= CONSOLE_SERIAL;
    else if (!strcmp(w, "console") && v && !strcmp(v, "tty0"))
        boot_options.consoles |= CONSOLE_VGA;
    else if (!strcmp(w, "isolation") && v)
        set_isolation(v);
    else if (!strcmp(w, "segsize") && v && set_segsize(v))
        ;
    else if (!strcmp(w, "nx") && v && !strcmp(v, "off"))
        boot_options.no_nx = true;
    else if (!strcmp(w, "pae") && v && !strcmp(v, "off"))
        boot_options.no_pae = true;
    else if (!strcmp(w, "root") && v && *v && strlen(v) < sizeof boot_options.root)
        strlcpy(boot_options.root, v, sizeof boot_options.root);
    else if (!strcmp(w, "ata") && v && !strcmp(v, "pio"))
        boot_options.ata_pio = true;
    else if (!strcmp(w, "swap") && v && *v && strlen(v) < sizeof boot_options.swap)
        strlcpy(boot_options.swap, v, sizeof boot_options.swap);
    else {
        if (eq)
            *eq = '=';
        return false;
    }
    return true;
}

void cmdline_parse(const char *line)
{
    strlcpy(words, line ? line : "", sizeof words);
    bool init_args = false, first = true;
    int argc = 1;
    char *p = words;
    while (*p) {
        while (*p == ' ')
            *p++ = 0;
        if (!*p)
            break;
        char *w = p;
        while (*p && *p != ' ')
            p++;
        if (*p)
            *p++ = 0;
        if (init_args && argc <= INIT_ARGS_MAX)
            boot_options.init_argv[argc++] = w;
        else if (!strcmp(w, "--"))
            init_args = true;
        else if (!init_args && !set_option(w) && !first)
            note_unknown(w);
        first = false;
    }
    boot_options.init_argv[0] = boot_options.init;
    boot_options.init_argv[argc] = NULL;
    if (!boot_options.consoles)
        boot_options.consoles = CONSOLE_SERIAL | CONSOLE_VGA;
}

void cmdline_report(void)
{
    if (unknown[0])
        printk("cmdline: ignoring unknown options: %s\n", unknown);
}
