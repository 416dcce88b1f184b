/*
 * tool.h: what the parts of isola-trace share: the replay of a trace's
 * markers (which process runs, which regions are open), a map from
 * pages to counters, and the reuse-distance histogram.
 *
 * Rules kept here:
 *  - Every command reads the file once, front to back, through
 *    tfr_next(), and stops at the first error it reports: a bad file is
 *    a message and status 1, never a crash or a partial success.
 *  - A process is what the markers named (pid and name); before any
 *    marker, or in a trace without them, the CR3 value stands for it.
 */
#ifndef ISOLA_TRACE_TOOL_H
#define ISOLA_TRACE_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/tracefmt.h"

/* ---- replay of markers ---- */

#define TOOL_REGIONS_MAX 64
struct replay {
    bool named;              /* a marker has named the running process */
    uint32_t pid;
    char name[TF_NAME_MAX + 1];
    uint32_t cr3;
    unsigned nopen;          /* regions open now, system-wide */
    char open[TOOL_REGIONS_MAX][TF_NAME_MAX + 1];
    uint32_t open_pid[TOOL_REGIONS_MAX];
    uint64_t open_at[TOOL_REGIONS_MAX];
};
/* Follow one record (call for every record, in order). For TF_END,
 * *ended is the index the region had (its name stays readable in
 * r->open[r->nopen] until the next call), or -1 if none was open. */
void replay_record(struct replay *r, const struct tf_record *rec, int *ended);
/* "pid name", or "cr3=xxxxxxxx" before any marker. */
void replay_process(const struct replay *r, char *buf, size_t len);

/* ---- a hash map from 64-bit keys to small records ---- */

struct pmap {
    uint64_t *keys;          /* key + 1; 0 = empty */
    void *vals;
    size_t vsize, cap, n;
};
bool pmap_init(struct pmap *m, size_t vsize);
void pmap_free(struct pmap *m);
/* The value for key, zeroed when new; NULL when out of memory. */
void *pmap_get(struct pmap *m, uint64_t key, bool *is_new);
/* Walk every entry: fn(key, value, ctx). */
void pmap_each(const struct pmap *m, void (*fn)(uint64_t key, void *val, void *ctx), void *ctx);

/* ---- reuse distance ---- */

/* The number of distinct pages used between two uses of the same page
 * (LRU stack distance; 0: the same page twice in a row), in buckets
 * 0, 1, 2-3, 4-7, ... and cold (the first use). */
#define REUSE_BUCKETS 24
struct reuse {
    struct pmap last;        /* page -> time of its last use */
    uint32_t *tree;          /* Fenwick tree over times */
    uint64_t cap, now;
    uint64_t hist[REUSE_BUCKETS];
    uint64_t cold;
};
bool reuse_init(struct reuse *u);
void reuse_free(struct reuse *u);
/* Count one use of page key. False when out of memory. */
bool reuse_use(struct reuse *u, uint64_t key);
/* The bucket's label ("0", "2-3", ...) */
void reuse_label(unsigned bucket, char *buf, size_t len);

/* ---- the commands ---- */

int cmd_summary(struct tf_reader *r, FILE *out, unsigned top);
int cmd_csv(struct tf_reader *r, FILE *out);
int cmd_chrome(struct tf_reader *r, FILE *out, uint64_t interval);
int cmd_plot(struct tf_reader *r, FILE *out, unsigned points);

/* The error of a failed read, as the commands report it. */
int tool_read_error(const struct tf_reader *r);

#endif
