/*
 * pngread.h: a strict reader for the PNGs isola writes (8-bit, palette
 * or RGB, not interlaced), for tests.
 */
#ifndef ISOLA_TESTS_PNGREAD_H
#define ISOLA_TESTS_PNGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct png_image {
    unsigned w, h;
    uint8_t *rgb;   /* w*h*3 bytes: the image's colours */
    uint8_t *index; /* w*h palette indices, or NULL for an RGB image */
    uint8_t palette[256][3];
    unsigned ncolors;
};

/* Read path into img; on failure fills err. Checks the signature, every
 * chunk's CRC, IHDR, the zlib stream and the filter bytes. */
bool png_read(const char *path, struct png_image *img, char *err, size_t errlen);
void png_free(struct png_image *img);

#endif
