/*
 * machine.h: the isola PC as the command line configures it: RAM, the
 * bus, the CPU and its TLBs, the PC devices (PIC, PIT, CMOS, COM1, i8042,
 * VGA, PCI + IDE), the debug ports, the firmware or a kernel loaded
 * without it, and the loop that runs it on virtual time until something
 * ends the run.
 */
#ifndef ISOLA_MACHINE_H
#define ISOLA_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "disk/block.h"
#include "loader.h"
#include "trace/account.h"
#include "trace/trace.h"

/* Exit statuses of the isola command. A guest's write of v to port 0xF4
 * gives (v << 1) | 1, always odd. */
#define EXIT_QUIT 0         /* window closed, Ctrl-A x */
#define EXIT_USAGE 2        /* bad command line, unreadable or malformed image */
#define EXIT_SHUTDOWN 3     /* triple fault with -no-reboot, or endless resets */
#define EXIT_INSN_LIMIT 4   /* -insn-limit reached */
#define EXIT_HALTED 5       /* HLT that nothing can wake */
#define EXIT_INTERRUPTED 130 /* SIGINT / SIGTERM from the host */

#define RAM_MB_DEFAULT 128u
#define RAM_MB_MAX 3584u    /* below the PCI hole at 3.5 GiB */
#define RESETS_MAX 3        /* resets in a row without guest output */
#define IPS_MIN 1000u       /* -icount */
#define KEYS_AT_NS 500000000ull /* -keys are typed at 0.5 emulated seconds */

/* -tlb: 0 entries means the P6-like default (32-entry ITLB, 64-entry DTLB,
 * 4 ways); 0 ways with entries given means min(entries, 4). */
#define TLB_ENTRIES_MAX 4096u
#define PWC_DEFAULT 16u   /* pwc=on */
struct tlb_config {
    unsigned i_entries, i_ways, d_entries, d_ways;
    bool unified;
    enum tlb_policy policy;
    bool fast;          /* the host-pointer fast path in front of the TLB */
    bool global;        /* honour global pages (PTE.G with CR4.PGE) */
    bool tagged;        /* PCID-like tags: CR3 writes keep TLB entries */
    unsigned pwc;       /* page-walk cache entries, 0: none */
    uint64_t seed;      /* policy=random's seed; 0: the built-in ones */
};

/* -hda/-hdb/-drive: the two drives of the primary IDE channel. */
#define DRIVES_MAX 2
struct drive_config {
    const char *path;   /* NULL: no drive at this index */
    enum blk_format format;
    bool readonly;
};

enum display_kind {
    DISPLAY_AUTO,       /* a window if a display is available, else -nographic */
    DISPLAY_SDL,
    DISPLAY_NONE,
    DISPLAY_NOGRAPHIC   /* none, and the serial port on the terminal */
};

struct machine_config {
    uint32_t ram_mb;
    const char *image;  /* the kernel to boot; NULL: boot through the firmware */
    enum load_want want;
    const char *append;
    const char *initrd; /* -initrd: Multiboot modules, QEMU's syntax */
    uint32_t load_addr; /* flat binaries */
    bool no_reboot;
    bool stats;
    const char *stats_file; /* -stats-file: per-process statistics as CSV */
    struct trace_config trace;
    struct cost_model cost;
    uint64_t insn_limit; /* 0: none */
    unsigned log_mask;  /* LOG_* */
    struct tlb_config tlb;
    const char *bios;   /* NULL: the bundled firmware */
    struct drive_config drive[DRIVES_MAX];
    bool snapshot;
    uint64_t ips;       /* -icount */
    uint64_t disk_latency_ns;  /* -disk-latency: each DMA command's; 0: none */
    bool realtime;
    bool rtc_fixed;     /* -rtc base=DATE: rtc_base is that time */
    bool rtc_localtime;
    int64_t rtc_base;   /* seconds since 1970 (UTC) */
    const char *serial; /* chardev spec; NULL: by display */
    enum display_kind display;
    const char *screenshot;
    const char *keys;   /* -keys, escapes already decoded */
};

void tlb_config_default(struct tlb_config *t);
/* Parse a -tlb SPEC onto *t. On error writes a message (without the
 * "isola: " prefix) to err and returns false. */
bool tlb_config_parse(struct tlb_config *t, const char *spec, char *err, size_t errlen);

/* Build the machine, boot the image and run it. Returns the exit status;
 * start-up errors are reported on stderr and give EXIT_USAGE. */
int machine_main(const struct machine_config *cfg);

#endif
