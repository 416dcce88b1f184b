/*
 * marker.h: the trace-marker port, through which a guest names the
 * process it is running and marks the regions of a benchmark
 * (docs/trace-marker.md). isola's own port interface, absent on other
 * PCs: there the writes go nowhere, and a read of the signature port
 * gives all ones.
 *
 *   0x500  32-bit  out: the argument (a pid)   in: signature 'ISTM'
 *   0x504  8-bit   out: one byte of the name   in: interface version
 *   0x505  8-bit   out: a command (below), which takes the argument and
 *                  the name written since the last command
 */
#ifndef ISOLA_TRACE_MARKER_H
#define ISOLA_TRACE_MARKER_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#define MARKER_PORT_ARG 0x500
#define MARKER_PORT_NAME 0x504
#define MARKER_PORT_CMD 0x505
#define MARKER_SIGNATURE 0x4D545349u  /* "ISTM" in memory order */
#define MARKER_VERSION 1
#define MARKER_NAME_MAX 63

enum marker_cmd {
    MARK_PROCESS = 1,  /* the current process is pid ARG, named NAME */
    MARK_BEGIN = 2,    /* region NAME begins (ARG: the pid that says so) */
    MARK_END = 3,      /* region NAME ends */
    MARK_POINT = 4     /* an instant named NAME */
};

typedef void (*marker_fn)(void *ctx, enum marker_cmd cmd, uint32_t arg, const char *name);

struct marker {
    uint32_t arg;
    char name[MARKER_NAME_MAX + 1];
    unsigned len;
    bool closed;        /* a NUL was written: the name is complete */
    marker_fn fn;       /* told of each command; may be NULL */
    void *ctx;
};

void marker_init(struct marker *m, struct bus *b, marker_fn fn, void *ctx);

#endif
