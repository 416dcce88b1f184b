/*
 * font.h: the 8x16 code page 437 font of the text screen.
 *
 * font8x16.c is generated at build time by mkfont from the Linux console
 * fonts of Debian's console-setup-linux package; it is not in the tree.
 * Row r of glyph c is font8x16[c][r]; bit 7 is the leftmost pixel.
 */
#ifndef ISOLA_UI_FONT_H
#define ISOLA_UI_FONT_H

#include <stdint.h>

extern const uint8_t font8x16[256][16];

#endif
