/*
 * png.c: an 8-bit palette PNG writer (PNG specification, 2nd ed., W3C
 * 2003: sections 5 "Datastream structure", 11 "Chunk specifications").
 *
 * Rules:
 * - Chunks are length (big-endian), type, data, and a CRC-32 of type and
 *   data; we write IHDR, PLTE, one IDAT and IEND.
 * - Every scanline has filter type 0 (None); IDAT holds the zlib stream
 *   of the filtered scanlines.
 * - The file is written to PATH.tmp and renamed, so a reader never sees
 *   half an image.
 */
#include "png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static bool write_chunk(FILE *f, const char type[4], const uint8_t *data, size_t len)
{
    uint8_t head[8], tail[4];
    put_be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, (uInt)len);
    put_be32(tail, (uint32_t)crc);
    return fwrite(head, 1, 8, f) == 8 && (len == 0 || fwrite(data, 1, len, f) == len) &&
           fwrite(tail, 1, 4, f) == 4;
}

/* The zlib stream of the scanlines, each preceded by its filter byte. */
static uint8_t *deflate_rows(const uint8_t *pix, unsigned w, unsigned h, uLongf *out_len)
{
    size_t raw_len = (size_t)(w + 1) * h;
    uint8_t *raw = malloc(raw_len);
    uLongf cap = compressBound(raw_len);
    uint8_t *z = malloc(cap);
    if (!raw || !z) {
        free(raw);
        free(z);
        return NULL;
    }
    for (unsigned y = 0; y < h; y++) {
        raw[(size_t)y * (w + 1)] = 0;
        memcpy(raw + (size_t)y * (w + 1) + 1, pix + (size_t)y * w, w);
    }
    *out_len = cap;
    int rc = compress2(z, out_len, raw, raw_len, Z_BEST_COMPRESSION);
    free(raw);
    if (rc != Z_OK) {
        free(z);
        return NULL;
    }
    return z;
}

static bool write_png(FILE *f, const uint8_t *pix, unsigned w, unsigned h,
                      const uint8_t (*palette)[3], unsigned ncolors)
{
    uint8_t ihdr[13];
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 3;  /* colour type: indexed */
    ihdr[10] = 0;  /* compression: deflate */
    ihdr[11] = 0;  /* filter method 0 */
    ihdr[12] = 0;  /* no interlace */

    uLongf zlen;
    uint8_t *z = deflate_rows(pix, w, h, &zlen);
    if (!z)
        return false;
    bool ok = fwrite(png_signature, 1, 8, f) == 8 &&
              write_chunk(f, "IHDR", ihdr, sizeof ihdr) &&
              write_chunk(f, "PLTE", &palette[0][0], 3 * (size_t)ncolors) &&
              write_chunk(f, "IDAT", z, zlen) &&
              write_chunk(f, "IEND", NULL, 0);
    free(z);
    return ok;
}

bool png_write_indexed(const char *path, const uint8_t *pix, unsigned w, unsigned h,
                       const uint8_t (*palette)[3], unsigned ncolors,
                       char *err, size_t errlen)
{
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    bool ok = write_png(f, pix, w, h, palette, ncolors);
    int saved = errno;
    if (fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0) {
        saved = errno;
        ok = false;
    }
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(saved));
        remove(tmp);
    }
    free(tmp);
    return ok;
}
