/*
 * pngread.c: reads back the PNGs isola writes (PNG specification, 2nd
 * ed., W3C 2003), for tests.
 *
 * Rules: everything that does not check out is an error (a bad CRC, a
 * chunk out of order, trailing data, unknown filter types); it accepts
 * bit depth 8 with colour type 3 (palette) or 2 (RGB), no interlace, and
 * undoes the five filter types of section 9.
 */
#include "pngread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define FILE_MAX (64u << 20)

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(FILE_MAX);
    *len = buf ? fread(buf, 1, FILE_MAX, f) : 0;
    fclose(f);
    return buf;
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

/* Undo the filters in place; raw has h rows of 1 + stride bytes, bpp
 * bytes per pixel. Writes the unfiltered rows to out. */
static bool unfilter(const uint8_t *raw, uint8_t *out, unsigned h, size_t stride, unsigned bpp)
{
    for (unsigned y = 0; y < h; y++) {
        const uint8_t *in = raw + y * (stride + 1) + 1;
        uint8_t *cur = out + y * stride;
        const uint8_t *up = y ? cur - stride : NULL;
        unsigned type = in[-1];
        for (size_t x = 0; x < stride; x++) {
            int a = x >= bpp ? cur[x - bpp] : 0, b = up ? up[x] : 0;
            int c = up && x >= bpp ? up[x - bpp] : 0, pred;
            switch (type) {
            case 0: pred = 0; break;
            case 1: pred = a; break;
            case 2: pred = b; break;
            case 3: pred = (a + b) / 2; break;
            case 4: pred = paeth(a, b, c); break;
            default: return false;
            }
            cur[x] = (uint8_t)(in[x] + pred);
        }
    }
    return true;
}

#define FAIL(...)                                   \
    do {                                            \
        snprintf(err, errlen, __VA_ARGS__);         \
        goto out;                                   \
    } while (0)

bool png_read(const char *path, struct png_image *img, char *err, size_t errlen)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    size_t len, pos = 8, zlen = 0;
    uint8_t *d = slurp(path, &len), *z = NULL, *raw = NULL, *px = NULL;
    bool ok = false, seen_ihdr = false, seen_iend = false;
    unsigned ctype = 0;
    memset(img, 0, sizeof *img);
    if (!d)
        FAIL("cannot read %s", path);
    if (len < 8 || memcmp(d, sig, 8) != 0)
        FAIL("%s: bad signature", path);
    z = malloc(len);
    if (!z)
        FAIL("out of memory");
    while (pos < len && !seen_iend) {
        if (len - pos < 12)
            FAIL("%s: truncated chunk at %zu", path, pos);
        uint32_t n = be32(d + pos);
        const uint8_t *type = d + pos + 4, *data = d + pos + 8;
        if (n > len - pos - 12)
            FAIL("%s: chunk length %u overruns the file", path, n);
        if (crc32(crc32(0, type, 4), data, n) != be32(data + n))
            FAIL("%s: bad CRC in %.4s", path, (const char *)type);
        if (!seen_ihdr && memcmp(type, "IHDR", 4) != 0)
            FAIL("%s: first chunk is %.4s, not IHDR", path, (const char *)type);
        if (memcmp(type, "IHDR", 4) == 0) {
            if (seen_ihdr || n != 13)
                FAIL("%s: bad IHDR", path);
            img->w = be32(data);
            img->h = be32(data + 4);
            ctype = data[9];
            if (data[8] != 8 || (ctype != 2 && ctype != 3) || data[10] || data[11] ||
                data[12] || img->w == 0 || img->h == 0 || img->w > 16384 || img->h > 16384)
                FAIL("%s: unsupported IHDR", path);
            seen_ihdr = true;
        } else if (memcmp(type, "PLTE", 4) == 0) {
            if (n % 3 || n > 768 || n == 0)
                FAIL("%s: bad PLTE", path);
            memcpy(img->palette, data, n);
            img->ncolors = n / 3;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(z + zlen, data, n);
            zlen += n;
        } else if (memcmp(type, "IEND", 4) == 0) {
            seen_iend = true;
        } else if (!(type[0] & 0x20)) {
            FAIL("%s: unknown critical chunk %.4s", path, (const char *)type);
        }
        pos += 12 + n;
    }
    if (!seen_iend || pos != len)
        FAIL("%s: no IEND at the end", path);
    if (ctype == 3 && img->ncolors == 0)
        FAIL("%s: palette image without PLTE", path);

    unsigned bpp = ctype == 3 ? 1 : 3;
    size_t stride = (size_t)img->w * bpp;
    uLongf raw_len = (uLongf)((stride + 1) * img->h);
    raw = malloc(raw_len + 1);
    px = malloc(stride * img->h);
    img->rgb = malloc((size_t)img->w * img->h * 3);
    if (!raw || !px || !img->rgb)
        FAIL("out of memory");
    uLongf got = raw_len + 1;
    if (uncompress(raw, &got, z, zlen) != Z_OK || got != raw_len)
        FAIL("%s: IDAT does not inflate to %lu bytes", path, (unsigned long)raw_len);
    if (!unfilter(raw, px, img->h, stride, bpp))
        FAIL("%s: unknown filter type", path);

    if (ctype == 2) {
        memcpy(img->rgb, px, stride * img->h);
    } else {
        for (size_t k = 0; k < (size_t)img->w * img->h; k++) {
            if (px[k] >= img->ncolors)
                FAIL("%s: pixel %zu uses colour %u past the palette", path, k, px[k]);
            memcpy(img->rgb + 3 * k, img->palette[px[k]], 3);
        }
        img->index = px;
        px = NULL;
    }
    ok = true;
out:
    free(d);
    free(z);
    free(raw);
    free(px);
    if (!ok)
        png_free(img);
    return ok;
}

void png_free(struct png_image *img)
{
    free(img->rgb);
    free(img->index);
    img->rgb = img->index = NULL;
}
