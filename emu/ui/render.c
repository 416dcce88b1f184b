/*
 * render.c: the VGA text screen as pixels.
 *
 * Rules (IBM VGA Technical Reference, "Attribute Controller"; FreeVGA
 * "Text Mode"):
 * - A cell is a character byte and an attribute byte: bits 0-3 the
 *   foreground colour, bits 4-6 the background, bit 7 either blink (the
 *   default) or background intensity, as the Attribute Mode Control
 *   register's blink bit selects.
 * - A blinking character is drawn in its background colour during the
 *   off half of the blink; its background does not blink.
 * - The cursor is drawn in the cell's foreground colour on the scanlines
 *   cursor_start..cursor_end. A start after the end shows no cursor
 *   (the VGA does not wrap it).
 * - Cells are 8 pixels wide: the VGA's ninth column is not drawn.
 */
#include "render.h"

#include "font.h"

/* The VGA DAC's default first 16 entries (6-bit values 00, 2A, 15, 3F
 * scaled to 8 bits), the CGA colours with brown for 6. */
const uint8_t vga_palette[16][3] = {
    {0x00, 0x00, 0x00}, {0x00, 0x00, 0xAA}, {0x00, 0xAA, 0x00}, {0x00, 0xAA, 0xAA},
    {0xAA, 0x00, 0x00}, {0xAA, 0x00, 0xAA}, {0xAA, 0x55, 0x00}, {0xAA, 0xAA, 0xAA},
    {0x55, 0x55, 0x55}, {0x55, 0x55, 0xFF}, {0x55, 0xFF, 0x55}, {0x55, 0xFF, 0xFF},
    {0xFF, 0x55, 0x55}, {0xFF, 0x55, 0xFF}, {0xFF, 0xFF, 0x55}, {0xFF, 0xFF, 0xFF},
};

static void draw_cell(uint8_t *pix, unsigned row, unsigned col, uint8_t ch,
                      uint8_t fg, uint8_t bg)
{
    uint8_t *p = pix + row * CELL_H * SCREEN_W + col * CELL_W;
    for (unsigned y = 0; y < CELL_H; y++, p += SCREEN_W) {
        uint8_t bits = font8x16[ch][y];
        for (unsigned x = 0; x < CELL_W; x++)
            p[x] = bits & (0x80 >> x) ? fg : bg;
    }
}

static void draw_cursor(uint8_t *pix, const struct text_screen *s)
{
    unsigned row = s->cursor_row, col = s->cursor_col;
    unsigned end = s->cursor_end < CELL_H ? s->cursor_end : CELL_H - 1;
    if (!s->cursor_visible || row >= TEXT_ROWS || col >= TEXT_COLS ||
        s->cursor_start > end)
        return;
    uint8_t fg = s->cells[2 * (row * TEXT_COLS + col) + 1] & 0x0F;
    uint8_t *p = pix + row * CELL_H * SCREEN_W + col * CELL_W;
    for (unsigned y = s->cursor_start; y <= end; y++)
        for (unsigned x = 0; x < CELL_W; x++)
            p[y * SCREEN_W + x] = fg;
}

void render_text(uint8_t *pix, const struct text_screen *s, bool text_on, bool cursor_on)
{
    for (unsigned row = 0; row < TEXT_ROWS; row++)
        for (unsigned col = 0; col < TEXT_COLS; col++) {
            const uint8_t *cell = s->cells + 2 * (row * TEXT_COLS + col);
            uint8_t attr = cell[1], fg = attr & 0x0F, bg = attr >> 4;
            if (s->blink_enabled) {
                bg &= 7;
                if ((attr & 0x80) && !text_on)
                    fg = bg;
            }
            draw_cell(pix, row, col, cell[0], fg, bg);
        }
    if (cursor_on)
        draw_cursor(pix, s);
}
