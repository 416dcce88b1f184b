/*
 * account.h: the cycle model (-cost) and per-process and per-region
 * statistics (-stats, -stats-file).
 *
 * Rules kept here:
 *  - Simulated cycles are a linear function of the CPU's event counters:
 *    each instruction, page-table reference, TLB flush, INVLPG, exception
 *    or interrupt entry and privilege change costs what the model says.
 *    Nothing is charged on the fast path; the counters are read when
 *    the running process changes, so accounting costs nothing per access.
 *  - The running process is the one the trace-marker port last named;
 *    until a guest names one, each CR3 value stands for a process.
 *  - A region counts everything the machine does from its begin to its
 *    end marker, whichever process runs meanwhile (a ping-pong between
 *    two processes is one region).
 */
#ifndef ISOLA_TRACE_ACCOUNT_H
#define ISOLA_TRACE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"

/* Cycles charged per event (docs/cli.md, "The cycle model"). */
struct cost_model {
    uint64_t insn;     /* each instruction retired */
    uint64_t walk;     /* each page-table entry a walk reads from memory */
    uint64_t flush;    /* each whole-TLB flush (CR3 write, CR4/CR0 change) */
    uint64_t invlpg;   /* each INVLPG */
    uint64_t exc;      /* each exception delivered */
    uint64_t intr;     /* each interrupt delivered (IRQ or INT n) */
    uint64_t priv;     /* each change of privilege level */
};
void cost_default(struct cost_model *m);
/* Parse "key=N,..." onto *m; false with a message (no "isola: " prefix). */
bool cost_parse(struct cost_model *m, const char *spec, char *err, size_t errlen);
/* "insn=1,walk=20,..." */
void cost_format(const struct cost_model *m, char *buf, size_t len);

struct acct_counts {
    uint64_t insns, cycles;
    uint64_t itlb_hits, itlb_misses, dtlb_hits, dtlb_misses;
    uint64_t walks, walk_refs, flushes, invlpg, exceptions, interrupts, priv;
    uint64_t pf[PF_KINDS];
};

#define ACCT_NAME_MAX 64
struct acct_proc {
    bool by_cr3;           /* no marker yet: a CR3 value stands for it */
    uint32_t pid, cr3;
    char name[ACCT_NAME_MAX];
    struct acct_counts n;
};
struct acct_region {
    char name[ACCT_NAME_MAX];
    uint32_t pid;          /* the process that first began it */
    unsigned instances, open;
    struct acct_counts n;
};

struct account {
    cpu_t *c;
    struct cost_model cost;
    struct cpu_stats last;
    uint64_t last_icount;
    struct acct_counts total;
    struct acct_proc *procs;
    unsigned nprocs, proc_cap, cur;
    struct acct_region *regions;
    unsigned nregions, region_cap;
    bool markers;          /* a guest has named a process */
    bool unified;
};

/* Start counting from the CPU's state now. False when out of memory. */
bool account_init(struct account *a, cpu_t *c, const struct cost_model *cost);
void account_free(struct account *a);
/* The guest named the running process (trace marker). */
void account_process(struct account *a, uint32_t pid, const char *name);
/* CR3 was written (counts as a process switch until markers appear). */
void account_cr3(struct account *a);
void account_region(struct account *a, bool begin, uint32_t pid, const char *name);
/* Take the counts up to now (before printing). */
void account_sample(struct account *a);
void account_print(const struct account *a, FILE *f);
/* The same as CSV; false with errno set. */
bool account_write_csv(const struct account *a, const char *path);

#endif
