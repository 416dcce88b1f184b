/*
 * test_render.c: the text-screen renderer (emu/ui/render.c), the font
 * built from the console fonts, and the PNG writer (emu/ui/png.c) read
 * back through an independent reader (tests/ui/pngread.c).
 *
 * Rules kept here: no SDL, no VGA device: a fake 80x25 buffer; expected
 * pixels come from the attribute rules and the IBM VGA glyph shapes, not
 * from the renderer; the exit status is the number of failed checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/font.h"
#include "ui/png.h"
#include "ui/render.h"
#include "pngread.h"

#include "../unit/check.h"

static uint8_t cells[TEXT_ROWS * TEXT_COLS * 2];
static uint8_t pix[SCREEN_W * SCREEN_H];

static void clear_screen(uint8_t attr)
{
    for (unsigned k = 0; k < TEXT_ROWS * TEXT_COLS; k++) {
        cells[2 * k] = ' ';
        cells[2 * k + 1] = attr;
    }
}

static void put(unsigned row, unsigned col, uint8_t ch, uint8_t attr)
{
    cells[2 * (row * TEXT_COLS + col)] = ch;
    cells[2 * (row * TEXT_COLS + col) + 1] = attr;
}

static uint8_t at(unsigned row, unsigned col, unsigned x, unsigned y)
{
    return pix[(row * CELL_H + y) * SCREEN_W + col * CELL_W + x];
}

/* Every pixel of the cell is colour c. */
static bool cell_is(unsigned row, unsigned col, uint8_t c)
{
    for (unsigned y = 0; y < CELL_H; y++)
        for (unsigned x = 0; x < CELL_W; x++)
            if (at(row, col, x, y) != c)
                return false;
    return true;
}

/* The cell shows the 16 rows `bits` in fg on bg. */
static bool cell_shows(unsigned row, unsigned col, const uint8_t bits[16], uint8_t fg, uint8_t bg)
{
    for (unsigned y = 0; y < CELL_H; y++)
        for (unsigned x = 0; x < CELL_W; x++)
            if (at(row, col, x, y) != ((bits[y] & (0x80 >> x)) ? fg : bg))
                return false;
    return true;
}

static struct text_screen screen(void)
{
    return (struct text_screen){.cells = cells, .blink_enabled = true};
}

/* The IBM VGA 8x16 'A' (and the console fonts' copy of it). */
static const uint8_t glyph_A[16] = {0x00, 0x00, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE,
                                    0xC6, 0xC6, 0xC6, 0xC6, 0x00, 0x00, 0x00, 0x00};

static void test_font(void)
{
    static const uint8_t full[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t none[16];
    CHECK(memcmp(font8x16['A'], glyph_A, 16) == 0);
    CHECK(memcmp(font8x16[0xDB], full, 16) == 0);            /* full block */
    CHECK(memcmp(font8x16[0x00], none, 16) == 0);
    CHECK(memcmp(font8x16[' '], none, 16) == 0);
    CHECK(memcmp(font8x16[0xFF], none, 16) == 0);            /* no-break space */
    for (unsigned y = 0; y < 16; y++) {
        CHECK(font8x16[0xDC][y] == (y >= 8 ? 0xFF : 0x00)); /* lower half block */
        CHECK(font8x16[0xDD][y] == 0xF0);                   /* left half block */
        CHECK(font8x16[0xDE][y] == 0x0F);                   /* right half block */
        CHECK(font8x16[0xB3][y] == 0x18);                   /* vertical line */
        CHECK(font8x16[0xBA][y] == 0x36);                   /* double vertical */
    }
    /* a horizontal line: exactly one full row; double: two rows */
    unsigned single = 0, dbl = 0;
    for (unsigned y = 0; y < 16; y++) {
        single += font8x16[0xC4][y] == 0xFF;
        dbl += font8x16[0xCD][y] == 0xFF;
    }
    CHECK(single == 1 && dbl == 2);
    /* every graphic CP437 byte has a glyph, and none is another's */
    for (unsigned a = 1; a < 256; a++) {
        if (a == ' ' || a == 0xFF)
            continue;
        CHECK(memcmp(font8x16[a], none, 16) != 0);
        for (unsigned b = a + 1; b < 255; b++)
            if (b != ' ' && memcmp(font8x16[a], font8x16[b], 16) == 0) {
                printf("glyphs 0x%02X and 0x%02X are the same\n", a, b);
                failures++;
            }
    }
}

static void test_attributes(void)
{
    clear_screen(0x07);
    put(0, 0, 0xDB, 0x0E);      /* full block, yellow on black */
    put(0, 1, ' ', 0x1F);       /* blank, white on blue */
    put(0, 2, 'A', 0x1F);
    put(24, 79, 'A', 0x4A);     /* bright green on red, last cell */
    put(3, 5, 0xDB, 0x8E);      /* blinking full block */
    put(3, 6, 'A', 0xF0);       /* blinking black on (bright) white */
    struct text_screen s = screen();

    render_text(pix, &s, true, false);
    CHECK(cell_is(0, 0, 14));
    CHECK(cell_is(0, 1, 1));
    CHECK(cell_shows(0, 2, glyph_A, 15, 1));
    CHECK(cell_shows(24, 79, glyph_A, 10, 4));
    CHECK(cell_is(1, 0, 0));    /* space on black */
    /* blink enabled: bit 7 blinks, the background has 3 bits */
    CHECK(cell_is(3, 5, 14));
    CHECK(cell_shows(3, 6, glyph_A, 0, 7));
    render_text(pix, &s, false, false);
    CHECK(cell_is(3, 5, 0));
    CHECK(cell_is(3, 6, 7));
    CHECK(cell_is(0, 0, 14));   /* a non-blinking cell stays */
    /* blink disabled: bit 7 is background intensity, nothing blinks */
    s.blink_enabled = false;
    render_text(pix, &s, false, false);
    CHECK(cell_shows(3, 5, font8x16[0xDB], 14, 8));
    CHECK(cell_shows(3, 6, glyph_A, 0, 15));
}

static void test_cursor(void)
{
    clear_screen(0x07);
    put(2, 3, 'A', 0x1E);
    struct text_screen s = screen();
    s.cursor_visible = true;
    s.cursor_row = 2;
    s.cursor_col = 3;
    s.cursor_start = 14;
    s.cursor_end = 15;
    uint8_t expect[16];
    memcpy(expect, glyph_A, 16);
    expect[14] = expect[15] = 0xFF;

    render_text(pix, &s, true, true);
    CHECK(cell_shows(2, 3, expect, 14, 1));     /* in the foreground colour */
    render_text(pix, &s, true, false);          /* off half of the blink */
    CHECK(cell_shows(2, 3, glyph_A, 14, 1));
    s.cursor_visible = false;
    render_text(pix, &s, true, true);
    CHECK(cell_shows(2, 3, glyph_A, 14, 1));
    s.cursor_visible = true;
    s.cursor_start = 15;                        /* start after end: none */
    s.cursor_end = 3;
    render_text(pix, &s, true, true);
    CHECK(cell_shows(2, 3, glyph_A, 14, 1));
    s.cursor_start = 0;                         /* a block; end clamped */
    s.cursor_end = 31;
    render_text(pix, &s, true, true);
    CHECK(cell_is(2, 3, 14));
    s.cursor_row = 25;                          /* off the screen */
    render_text(pix, &s, true, true);
    CHECK(cell_shows(2, 3, glyph_A, 14, 1));
}

static void test_png(void)
{
    clear_screen(0x07);
    for (unsigned k = 0; k < 256; k++)
        put(k / 80, k % 80, (uint8_t)k, (uint8_t)(k * 7 + 1));
    struct text_screen s = screen();
    render_text(pix, &s, true, false);

    char path[] = "/tmp/isola-test-render-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    char err[256];
    bool ok = png_write_indexed(path, pix, SCREEN_W, SCREEN_H, vga_palette, 16, err, sizeof err);
    CHECK(ok);
    if (!ok)
        printf("png_write_indexed: %s\n", err);

    struct png_image img;
    ok = png_read(path, &img, err, sizeof err);
    CHECK(ok);
    if (ok) {
        CHECK(img.w == SCREEN_W && img.h == SCREEN_H);
        CHECK(img.ncolors == 16 && memcmp(img.palette, vga_palette, sizeof vga_palette) == 0);
        CHECK(img.index && memcmp(img.index, pix, sizeof pix) == 0);
        /* cell (0,0xDB/80...) in RGB: the full block at k=0xDB, attr 0xDB*7+1 */
        unsigned k = 0xDB, fg = (k * 7 + 1) & 15;
        size_t p = ((k / 80) * CELL_H * SCREEN_W + (k % 80) * CELL_W) * 3;
        CHECK(memcmp(img.rgb + p, vga_palette[fg], 3) == 0);
        png_free(&img);
    } else {
        printf("png_read: %s\n", err);
    }
    unlink(path);

    /* a file that cannot be created is an error with a message */
    ok = png_write_indexed("/nonexistent-dir/x.png", pix, SCREEN_W, SCREEN_H, vga_palette, 16,
                           err, sizeof err);
    CHECK(!ok && strstr(err, "/nonexistent-dir/x.png.tmp"));
}

int main(void)
{
    test_font();
    test_attributes();
    test_cursor();
    test_png();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures;
}
