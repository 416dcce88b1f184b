/*
 * trace.h: event tracing (-trace, -trace-file) and the observer that
 * feeds the per-process statistics: the one place that installs the
 * CPU's and the bus's tracing hooks.
 *
 * Rules kept here:
 *  - Only the hooks the chosen events need are installed; with no -trace
 *    and no -stats none is, and the CPU runs as if this file did not
 *    exist.
 *  - Tracing TLB lookups or walks turns the CPU's fast tables off: every
 *    access then takes the exact TLB path, where it is seen and counted
 *    (a fast-table hit would be invisible). The model is then exact for
 *    LRU too; the run is slower.
 *  - Filters drop records, never change the machine. Markers and CR3
 *    records pass every filter: they say how to read the others.
 *  - Observing never changes the machine: instruction bytes are read
 *    with guest_peek (trace/log.h), which walks nothing into the TLB.
 */
#ifndef ISOLA_TRACE_TRACE_H
#define ISOLA_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "account.h"
#include "cpu.h"
#include "trace/marker.h"

/* Events, selected with -trace EVENT[,EVENT...]. */
#define TRACE_INSN 0x01u
#define TRACE_TLB 0x02u
#define TRACE_WALK 0x04u
#define TRACE_PF 0x08u
#define TRACE_FLUSH 0x10u
#define TRACE_INT 0x20u
#define TRACE_IO 0x40u
#define TRACE_MARKER 0x80u
#define TRACE_ALL 0xFFu

#define TRACE_FILE_DEFAULT "isola.isotrace.gz"

struct trace_config {
    unsigned events;        /* 0: no tracing */
    const char *path;       /* -trace-file; NULL: TRACE_FILE_DEFAULT */
    char spec[512];         /* the -trace lists given, for the file's header */
    bool by_pid, by_name, by_cr3, by_addr;
    uint32_t pid, cr3;
    char name[MARKER_NAME_MAX + 1];
    uint64_t addr_lo, addr_hi;   /* [lo, hi) */
    uint64_t from, to;           /* instruction window [from, to) */
};

/* Parse a -trace list onto *t (several -trace options add up). On error
 * writes a message (without "isola: ") to err and returns false. */
bool trace_config_parse(struct trace_config *t, const char *spec, char *err, size_t errlen);
void trace_print_help(FILE *f);   /* -trace help */

struct tracer;

/* A tracer for cfg (cfg->events may be 0: statistics only) writing to its
 * file with the header metadata meta, feeding acct when not NULL. NULL
 * with a message in err when the file cannot be made. */
struct tracer *tracer_open(const struct trace_config *cfg, cpu_t *c, struct bus *bus,
                           struct account *acct, const char *meta, char *err,
                           size_t errlen);
/* Install the hooks; again after anything resets the CPU's observers (it
 * chains to the -d log's on_insn/on_intr found there). */
void tracer_attach(struct tracer *t);
/* A command from the trace-marker port (a marker_fn). */
void tracer_marker(void *tracer, enum marker_cmd cmd, uint32_t arg, const char *name);
/* Finish the file. False with a message in err if it could not be
 * written whole. Frees t. */
bool tracer_close(struct tracer *t, char *err, size_t errlen);

#endif
