/*
 * mkfont: a build-time tool that turns Linux console fonts (PSF, gzipped)
 * into the emulator's 8x16 code page 437 font, font8x16.c.
 *
 *   mkfont OUT.c FONT.psf.gz [FONT.psf.gz...]
 *
 * Rules:
 * - Glyphs are chosen by Unicode, never by position: for each CP437 byte
 *   we look up its Unicode code point (then its listed alternates) in
 *   each font's Unicode table, fonts in the order given, and take the
 *   first glyph found. So the first font decides the look.
 * - Only 8x16 fonts are accepted; PSF1 and PSF2 are both read
 *   (format: the kbd project's psf.h documentation / psffontop.c).
 * - 0x00, 0x20 and 0xFF are blank on the VGA and need no glyph; any other
 *   byte with no glyph in any font is left blank with a warning.
 * - The output is written to OUT.c.tmp and renamed, so an interrupted
 *   build leaves no half file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define GLYPH_H 16
#define FONT_MAX_BYTES (4u << 20)
#define ALTS 3

/*
 * Code page 437 as Unicode: the IBM PC's character set, including the
 * graphic symbols the VGA shows for bytes 0x01-0x1F and 0x7F. Each byte
 * lists its code point and up to two stand-ins found in some fonts.
 */
static const uint16_t cp437[256][ALTS] = {
    {0x0000}, {0x263A}, {0x263B}, {0x2665}, {0x2666}, {0x2663}, {0x2660}, {0x2022},
    {0x25D8}, {0x25CB}, {0x25D9}, {0x2642}, {0x2640}, {0x266A}, {0x266B}, {0x263C},
    {0x25BA, 0x25B6, 0x25B8}, {0x25C4, 0x25C0, 0x25C2}, {0x2195}, {0x203C},
    {0x00B6}, {0x00A7}, {0x25AC}, {0x21A8},
    {0x2191}, {0x2193}, {0x2192}, {0x2190}, {0x221F}, {0x2194}, {0x25B2}, {0x25BC},
    /* 0x20-0x7E are ASCII; filled in by cp437_code() */
    [0x7F] = {0x2302},
    {0x00C7}, {0x00FC}, {0x00E9}, {0x00E2}, {0x00E4}, {0x00E0}, {0x00E5}, {0x00E7},
    {0x00EA}, {0x00EB}, {0x00E8}, {0x00EF}, {0x00EE}, {0x00EC}, {0x00C4}, {0x00C5},
    {0x00C9}, {0x00E6}, {0x00C6}, {0x00F4}, {0x00F6}, {0x00F2}, {0x00FB}, {0x00F9},
    {0x00FF}, {0x00D6}, {0x00DC}, {0x00A2}, {0x00A3}, {0x00A5}, {0x20A7}, {0x0192},
    {0x00E1}, {0x00ED}, {0x00F3}, {0x00FA}, {0x00F1}, {0x00D1}, {0x00AA}, {0x00BA},
    {0x00BF}, {0x2310}, {0x00AC}, {0x00BD}, {0x00BC}, {0x00A1}, {0x00AB}, {0x00BB},
    {0x2591}, {0x2592}, {0x2593}, {0x2502}, {0x2524}, {0x2561}, {0x2562}, {0x2556},
    {0x2555}, {0x2563}, {0x2551}, {0x2557}, {0x255D}, {0x255C}, {0x255B}, {0x2510},
    {0x2514}, {0x2534}, {0x252C}, {0x251C}, {0x2500}, {0x253C}, {0x255E}, {0x255F},
    {0x255A}, {0x2554}, {0x2569}, {0x2566}, {0x2560}, {0x2550}, {0x256C}, {0x2567},
    {0x2568}, {0x2564}, {0x2565}, {0x2559}, {0x2558}, {0x2552}, {0x2553}, {0x256B},
    {0x256A}, {0x2518}, {0x250C}, {0x2588}, {0x2584}, {0x258C}, {0x2590}, {0x2580},
    {0x03B1}, {0x00DF}, {0x0393}, {0x03C0}, {0x03A3}, {0x03C3}, {0x00B5}, {0x03C4},
    {0x03A6}, {0x0398}, {0x03A9}, {0x03B4}, {0x221E}, {0x03C6}, {0x03B5}, {0x2229},
    {0x2261}, {0x00B1}, {0x2265}, {0x2264}, {0x2320}, {0x2321}, {0x00F7}, {0x2248},
    {0x00B0}, {0x2219}, {0x00B7}, {0x221A}, {0x207F}, {0x00B2}, {0x25A0}, {0x00A0},
};

static unsigned cp437_code(unsigned byte, unsigned alt)
{
    if (byte >= 0x20 && byte < 0x7F)
        return alt == 0 ? byte : 0;
    return cp437[byte][alt];
}

/* One font: its glyphs and, for each glyph, the code points it shows. */
struct font {
    const char *path;
    const uint8_t *glyphs;  /* nglyphs * GLYPH_H bytes, one per row */
    unsigned nglyphs;
    uint32_t *uni_code;  /* pairs (code point, glyph), nuni of them */
    uint32_t *uni_glyph;
    unsigned nuni, uni_cap;
    uint8_t *data;
};

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "mkfont: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static uint8_t *read_gz(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        die("cannot open %s (install console-setup-linux)", path);
    uint8_t *buf = malloc(FONT_MAX_BYTES);
    if (!buf)
        die("out of memory reading %s", path);
    int n = gzread(f, buf, FONT_MAX_BYTES);
    gzclose(f);
    if (n <= 0)
        die("cannot read %s", path);
    *len = (size_t)n;
    return buf;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void add_uni(struct font *f, uint32_t code, unsigned glyph)
{
    if (f->nuni == f->uni_cap) {
        f->uni_cap = f->uni_cap ? 2 * f->uni_cap : 1024;
        f->uni_code = realloc(f->uni_code, f->uni_cap * sizeof *f->uni_code);
        f->uni_glyph = realloc(f->uni_glyph, f->uni_cap * sizeof *f->uni_glyph);
        if (!f->uni_code || !f->uni_glyph)
            die("out of memory in %s", f->path);
    }
    f->uni_code[f->nuni] = code;
    f->uni_glyph[f->nuni] = glyph;
    f->nuni++;
}

/*
 * PSF1 Unicode table: for each glyph, 16-bit little-endian code points,
 * then optional sequences each introduced by 0xFFFE, ended by 0xFFFF.
 * Sequences (combining forms) are skipped: we only want single code points.
 */
static void psf1_table(struct font *f, const uint8_t *p, const uint8_t *end)
{
    for (unsigned g = 0; g < f->nglyphs && p + 2 <= end; g++) {
        bool in_seq = false;
        while (p + 2 <= end) {
            unsigned v = p[0] | p[1] << 8;
            p += 2;
            if (v == 0xFFFF)
                break;
            if (v == 0xFFFE)
                in_seq = true;
            else if (!in_seq)
                add_uni(f, v, g);
        }
    }
}

/* Decode one UTF-8 sequence at *pp; returns the code point or -1. */
static long utf8_next(const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    unsigned n = *p < 0x80 ? 0 : *p < 0xE0 ? 1 : *p < 0xF0 ? 2 : 3;
    long v = n == 0 ? *p : *p & (0x3F >> n);
    if (p + n >= end)
        return -1;
    for (unsigned k = 1; k <= n; k++)
        v = v << 6 | (p[k] & 0x3F);
    *pp = p + n + 1;
    return v;
}

/* PSF2 Unicode table: the same shape in UTF-8, 0xFE starts a sequence,
 * 0xFF ends a glyph's entry. */
static void psf2_table(struct font *f, const uint8_t *p, const uint8_t *end)
{
    for (unsigned g = 0; g < f->nglyphs && p < end; g++) {
        bool in_seq = false;
        while (p < end) {
            if (*p == 0xFF) {
                p++;
                break;
            }
            if (*p == 0xFE) {
                in_seq = true;
                p++;
                continue;
            }
            long v = utf8_next(&p, end);
            if (v < 0)
                return;
            if (!in_seq)
                add_uni(f, (uint32_t)v, g);
        }
    }
}

static void font_load(struct font *f, const char *path)
{
    size_t len;
    uint8_t *d = read_gz(path, &len);
    *f = (struct font){.path = path, .data = d};
    if (len >= 4 && d[0] == 0x36 && d[1] == 0x04) {
        /* PSF1: magic, mode (bit 0: 512 glyphs; bits 1-2: has table), charsize */
        f->nglyphs = d[2] & 1 ? 512 : 256;
        if (d[3] != GLYPH_H || 4 + (size_t)f->nglyphs * GLYPH_H > len)
            die("%s is not an 8x16 PSF1 font", path);
        f->glyphs = d + 4;
        if (d[2] & 6)
            psf1_table(f, d + 4 + f->nglyphs * GLYPH_H, d + len);
    } else if (len >= 32 && le32(d) == 0x864AB572) {
        /* PSF2: magic, version, headersize, flags (bit 0: has table),
         * length, charsize, height, width */
        uint32_t hdr = le32(d + 8), flags = le32(d + 12);
        f->nglyphs = le32(d + 16);
        if (le32(d + 20) != GLYPH_H || le32(d + 24) != GLYPH_H || le32(d + 28) != 8 ||
            hdr > len || f->nglyphs > (len - hdr) / GLYPH_H)
            die("%s is not an 8x16 PSF2 font", path);
        f->glyphs = d + hdr;
        if (flags & 1)
            psf2_table(f, d + hdr + f->nglyphs * GLYPH_H, d + len);
    } else {
        die("%s is not a PSF font", path);
    }
    if (f->nuni == 0)
        die("%s has no Unicode table", path);
}

static void font_free(struct font *f)
{
    free(f->data);
    free(f->uni_code);
    free(f->uni_glyph);
}

static const uint8_t *font_find(const struct font *f, uint32_t code)
{
    for (unsigned k = 0; k < f->nuni; k++)
        if (f->uni_code[k] == code)
            return f->glyphs + f->uni_glyph[k] * GLYPH_H;
    return NULL;
}

static const uint8_t *glyph_for(unsigned byte, const struct font *fonts, int nfonts)
{
    for (int fi = 0; fi < nfonts; fi++)
        for (unsigned alt = 0; alt < ALTS; alt++) {
            unsigned code = cp437_code(byte, alt);
            const uint8_t *g = code ? font_find(&fonts[fi], code) : NULL;
            if (g)
                return g;
        }
    return NULL;
}

static void emit(FILE *out, const struct font *fonts, int nfonts)
{
    static const uint8_t blank[GLYPH_H];
    fprintf(out, "/* Generated by emu/ui/mkfont from");
    for (int fi = 0; fi < nfonts; fi++)
        fprintf(out, " %s", fonts[fi].path);
    fprintf(out, ". Do not edit. */\n#include \"ui/font.h\"\n\n");
    fprintf(out, "const uint8_t font8x16[256][16] = {\n");
    for (unsigned b = 0; b < 256; b++) {
        const uint8_t *g = glyph_for(b, fonts, nfonts);
        bool blank_ok = b == 0x00 || b == 0x20 || b == 0xFF;
        if (!g && !blank_ok)
            fprintf(stderr, "mkfont: warning: no glyph for CP437 0x%02X (U+%04X)\n",
                    b, cp437_code(b, 0));
        if (!g || b == 0x00)
            g = blank;
        fprintf(out, "    [0x%02X] = {", b);
        for (int r = 0; r < GLYPH_H; r++)
            fprintf(out, "0x%02X%s", g[r], r + 1 < GLYPH_H ? "," : "");
        fprintf(out, "},\n");
    }
    fprintf(out, "};\n");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mkfont OUT.c FONT.psf.gz...\n");
        return 2;
    }
    int nfonts = argc - 2;
    struct font *fonts = calloc((size_t)nfonts, sizeof *fonts);
    if (!fonts)
        die("%s", "out of memory");
    for (int fi = 0; fi < nfonts; fi++)
        font_load(&fonts[fi], argv[2 + fi]);

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "w");
    if (!out)
        die("cannot create %s", tmp);
    emit(out, fonts, nfonts);
    if (fclose(out) != 0 || rename(tmp, argv[1]) != 0)
        die("cannot write %s", argv[1]);
    for (int fi = 0; fi < nfonts; fi++)
        font_free(&fonts[fi]);
    free(fonts);
    return 0;
}
