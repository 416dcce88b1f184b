/*
 * vga.h: VGA in 80x25 text mode, as far as a text console needs it. The
 * text buffer at 0xB8000 is plain guest RAM; this device holds the
 * registers: CRTC (cursor shape and place, start address), misc output,
 * input status 1, attribute controller, sequencer, graphics controller
 * and DAC. Only the CRTC's cursor and start address change what is shown.
 */
#ifndef ISOLA_DEV_VGA_H
#define ISOLA_DEV_VGA_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#define VGA_TEXT_BASE 0xB8000u
#define VGA_COLS 80
#define VGA_ROWS 25

struct vga {
    uint8_t *ram;            /* guest RAM; the text buffer is at VGA_TEXT_BASE */
    uint8_t misc;            /* bit 0: CRTC at 0x3Dx (1) or 0x3Bx (0) */
    uint8_t crtc_index, crtc[32];
    uint8_t seq_index, seq[8];
    uint8_t gc_index, gc[16];
    uint8_t attr_index, attr[32];
    bool attr_data_next;     /* attribute flip-flop: next 0x3C0 write is data */
    uint8_t feature;
    uint8_t dac_mask, dac_read, dac_write, dac_comp;
    bool dac_reading;
    uint8_t dac[256][3];
    unsigned status_reads;   /* toggles retrace bits in input status 1 */
};

void vga_init(struct vga *v, struct bus *b, uint8_t *ram);
/* 80x25 character+attribute pairs, from the CRTC start address. */
const uint8_t *vga_text(const struct vga *v);
/* The cursor on the screen shown by vga_text: row/col, whether it shows,
 * and its first and last scanline within the character cell. */
void vga_cursor(const struct vga *v, unsigned *row, unsigned *col, bool *visible,
                unsigned *start_line, unsigned *end_line);

#endif
