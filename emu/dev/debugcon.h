/*
 * debugcon.h: the debug console (port 0xE9: each byte written appears on
 * the host's stdout, a read returns 0xE9, as in Bochs and QEMU) and the
 * isa-debug-exit port (0xF4: a write of v ends the emulator with exit
 * status (v << 1) | 1, as QEMU's isa-debug-exit does).
 */
#ifndef ISOLA_DEV_DEBUGCON_H
#define ISOLA_DEV_DEBUGCON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "cpu.h"

#define DEBUGCON_PORT 0xE9
#define DEBUG_EXIT_PORT 0xF4

struct debugcon {
    cpu_t *cpu;          /* stopped when the guest writes the exit port */
    FILE *out;           /* stdout */
    uint64_t bytes;      /* bytes the guest has printed, ever */
    bool exit_requested;
    int exit_status;     /* (v << 1) | 1, valid when exit_requested */
};

void debugcon_init(struct debugcon *d, struct bus *b, cpu_t *c, FILE *out);
void debugcon_flush(struct debugcon *d);

#endif
