/*
 * png.h: writes 8-bit palette PNG images (the screenshot format).
 */
#ifndef ISOLA_UI_PNG_H
#define ISOLA_UI_PNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write w x h palette indices (row-major, one byte each) with ncolors
 * palette entries (R, G, B) to path. On failure fills err. */
bool png_write_indexed(const char *path, const uint8_t *pix, unsigned w, unsigned h,
                       const uint8_t (*palette)[3], unsigned ncolors,
                       char *err, size_t errlen);

#endif
