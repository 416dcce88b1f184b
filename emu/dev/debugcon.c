/*
 * debugcon.c: port 0xE9 debug console and port 0xF4 isa-debug-exit.
 *
 * Rules kept here:
 *  - Output is line-buffered: flushed at each newline and whenever the
 *    machine stops, so tests that capture stdout see every byte.
 *  - Only the low byte of a wider write to 0xE9 is printed (one character
 *    per OUT, as on QEMU's debugcon).
 *  - The exit port stops the CPU at the next block boundary; nothing the
 *    guest prints after asking to exit is shown.
 */
#include "debugcon.h"

static uint32_t debugcon_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque, (void)port, (void)size;
    return DEBUGCON_PORT;
}

static void debugcon_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct debugcon *d = opaque;
    (void)port, (void)size;
    if (d->exit_requested)
        return;
    fputc((int)(v & 0xFF), d->out);
    d->bytes++;
    if ((v & 0xFF) == '\n')
        fflush(d->out);
}

/* The status is truncated to 8 bits by the host's exit(), as on QEMU. */
static void debug_exit_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct debugcon *d = opaque;
    (void)port, (void)size;
    if (d->exit_requested)
        return;
    d->exit_requested = true;
    d->exit_status = (int)(((v << 1) | 1u) & 0xFFu);
    debugcon_flush(d);
    cpu_request_stop(d->cpu);
}

void debugcon_init(struct debugcon *d, struct bus *b, cpu_t *c, FILE *out)
{
    *d = (struct debugcon){.cpu = c, .out = out};
    bus_register_io(b, DEBUGCON_PORT, 1, debugcon_read, debugcon_write, d);
    bus_register_io(b, DEBUG_EXIT_PORT, 1, NULL, debug_exit_write, d);
}

void debugcon_flush(struct debugcon *d)
{
    fflush(d->out);
}
