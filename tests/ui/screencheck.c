/*
 * screencheck: checks text cells in a screenshot isola wrote.
 *
 *   screencheck FILE.png ROW,COL,CHAR,ATTR...   (numbers in C syntax: 0x41)
 *
 * Rules: the image must be 640x400 (80x25 cells of 8x16); each listed
 * cell must show exactly the font's glyph for CHAR in the foreground
 * colour of ATTR on its background (no blink: ATTR < 0x80), in the VGA's
 * default colours, restated here so the renderer is not its own judge.
 * Exit status 0 when every cell matches, 1 otherwise, 2 on bad use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/font.h"
#include "pngread.h"

static const uint8_t colours[16][3] = {
    {0, 0, 0}, {0, 0, 170}, {0, 170, 0}, {0, 170, 170},
    {170, 0, 0}, {170, 0, 170}, {170, 85, 0}, {170, 170, 170},
    {85, 85, 85}, {85, 85, 255}, {85, 255, 85}, {85, 255, 255},
    {255, 85, 85}, {255, 85, 255}, {255, 255, 85}, {255, 255, 255},
};

static bool cell_ok(const struct png_image *img, unsigned row, unsigned col,
                    unsigned ch, unsigned attr)
{
    for (unsigned y = 0; y < 16; y++)
        for (unsigned x = 0; x < 8; x++) {
            bool on = font8x16[ch][y] & (0x80 >> x);
            const uint8_t *want = colours[on ? attr & 15 : attr >> 4 & 7];
            const uint8_t *got = img->rgb + 3 * ((row * 16 + y) * img->w + col * 8 + x);
            if (memcmp(want, got, 3) != 0) {
                printf("cell %u,%u: pixel (%u,%u) is %02X%02X%02X, expected %02X%02X%02X "
                       "for char 0x%02X attr 0x%02X\n", row, col, x, y, got[0], got[1],
                       got[2], want[0], want[1], want[2], ch, attr);
                return false;
            }
        }
    return true;
}

int main(int argc, char **argv)
{
    struct png_image img;
    char err[512];
    if (argc < 2) {
        fprintf(stderr, "usage: screencheck FILE.png ROW,COL,CHAR,ATTR...\n");
        return 2;
    }
    if (!png_read(argv[1], &img, err, sizeof err)) {
        printf("%s\n", err);
        return 1;
    }
    if (img.w != 640 || img.h != 400) {
        printf("%s is %ux%u, not 640x400\n", argv[1], img.w, img.h);
        return 1;
    }
    int bad = 0;
    for (int a = 2; a < argc; a++) {
        unsigned long v[4];
        char *p = argv[a];
        for (int k = 0; k < 4; k++) {
            v[k] = strtoul(p, &p, 0);
            if (*p != (k < 3 ? ',' : '\0')) {
                fprintf(stderr, "screencheck: bad cell '%s'\n", argv[a]);
                return 2;
            }
            p++;
        }
        if (v[0] >= 25 || v[1] >= 80 || v[2] > 255 || v[3] > 0x7F) {
            fprintf(stderr, "screencheck: cell '%s' out of range\n", argv[a]);
            return 2;
        }
        bad += !cell_ok(&img, (unsigned)v[0], (unsigned)v[1], (unsigned)v[2], (unsigned)v[3]);
    }
    png_free(&img);
    return bad ? 1 : 0;
}
