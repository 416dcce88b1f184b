/*
 * cmdline.h: the kernel command line, parsed once at boot.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_SERIAL 1u
#define CONSOLE_VGA 2u
#define INIT_ARGS_MAX 8

#define SEGSIZE_DEFAULT (4u << 20)
#define SEGSIZE_MIN (256u << 10)
#define SEGSIZE_MAX (256u << 20)

enum isolation { ISOLATION_PAGING, ISOLATION_SEG, ISOLATION_NONE };

struct boot_options {
    char init[64];
    char *init_argv[INIT_ARGS_MAX + 2];
    unsigned consoles;
    bool quiet;
    bool no_nx, no_pae;
    #define SEGSIZE_DEFAULT (4u << 20)
#define SEGSIZE_MIN (256u << 10)
#define SEGSIZE_MAX (256u << 20)

enum isolation isolation;
    char root[16];             /* root=: "ram", "hda", "hda1", ...; empty: the default */
    bool ata_pio;              /* ata=pio: no bus-master DMA */
    char swap[16];             /* swap=: "hda2", ...; empty: no swap */
    uint32_t segsize;          /* segsize=: a process's region in seg and none */
};

extern struct boot_options boot_options;

/* Parses the command line (a kernel string; the words are copied). */
void cmdline_parse(const char *line);
/* Reports what was asked for but is not honoured (after the console is up). */
void cmdline_report(void);

#endif
