/*
 * marker.c: the trace-marker port (see marker.h, docs/trace-marker.md).
 *
 * Rules kept here:
 *  - The port only collects what the guest says and passes each command
 *    on; it keeps no state beyond the argument and the name being
 *    written, and never touches the CPU.
 *  - A name is the bytes written to the name port since the last
 *    command, up to the first NUL and at most MARKER_NAME_MAX; the rest
 *    is dropped. A command clears it; the argument stays.
 *  - Accesses the interface does not define (other sizes, unknown
 *    commands) are ignored, as an absent port's are.
 */
#include "marker.h"

#include <string.h>

static uint32_t marker_read(void *opaque, uint16_t port, unsigned size)
{
    uint32_t mask = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    (void)opaque;
    if (port == MARKER_PORT_ARG)
        return MARKER_SIGNATURE & mask;
    if (port == MARKER_PORT_NAME)
        return MARKER_VERSION;
    return 0;
}

static void marker_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct marker *m = opaque;
    switch (port) {
    case MARKER_PORT_ARG:
        if (size == 4)
            m->arg = v;
        break;
    case MARKER_PORT_NAME:
        if (size != 1 || m->closed || m->len == MARKER_NAME_MAX)
            break;
        if ((v & 0xFF) == 0)
            m->closed = true;
        else
            m->name[m->len++] = (char)v;
        break;
    case MARKER_PORT_CMD:
        if (size != 1)
            break;
        m->name[m->len] = '\0';
        if (v >= MARK_PROCESS && v <= MARK_POINT && m->fn)
            m->fn(m->ctx, (enum marker_cmd)v, m->arg, m->name);
        m->len = 0;
        m->closed = false;
        m->name[0] = '\0';
        break;
    }
}

void marker_init(struct marker *m, struct bus *b, marker_fn fn, void *ctx)
{
    memset(m, 0, sizeof *m);
    m->fn = fn;
    m->ctx = ctx;
    bus_register_io(b, MARKER_PORT_ARG, 6, marker_read, marker_write, m);
}
