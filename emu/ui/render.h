/*
 * render.h: draws the VGA text screen into a pixel buffer. The SDL window
 * and the PNG screenshot both show what this draws.
 *
 * Pixels are palette indices 0-15 (one byte each, SCREEN_W x SCREEN_H,
 * row-major); vga_palette gives their colours.
 */
#ifndef ISOLA_UI_RENDER_H
#define ISOLA_UI_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#define TEXT_COLS 80
#define TEXT_ROWS 25
#define CELL_W 8
#define CELL_H 16
#define SCREEN_W (TEXT_COLS * CELL_W)
#define SCREEN_H (TEXT_ROWS * CELL_H)

/* What the renderer needs to know of the text screen. */
struct text_screen {
    const uint8_t *cells;  /* TEXT_ROWS*TEXT_COLS (character, attribute) pairs */
    bool blink_enabled;  /* attribute bit 7 blinks (else it brightens the background) */
    bool cursor_visible;
    unsigned cursor_row, cursor_col;
    unsigned cursor_start, cursor_end;  /* scanlines of the cell, 0-15 */
};

extern const uint8_t vga_palette[16][3];  /* R, G, B */

/*
 * Draw s into pix. text_on: the visible half of the character blink
 * (blinking characters are shown); cursor_on: the cursor is drawn.
 */
void render_text(uint8_t *pix, const struct text_screen *s, bool text_on, bool cursor_on);

#endif
