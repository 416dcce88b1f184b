/*
 * fuzz_reader.c: the trace reader on damaged files. Takes a valid trace,
 * damages it many ways (bytes flipped, cut short, bytes inserted, in the
 * compressed file or in the stream inside it) and reads each result to
 * the end. The reader must end every one with a record count or a
 * message, never a crash, a hang or a read out of bounds (run it under
 * ASan to see those).
 *
 * Usage: fuzz_reader VALID.isotrace.gz SCRATCH ITERATIONS [SEED]
 *
 * Rules kept here: seeded, so a failure repeats with its seed; each
 * damaged file is written to SCRATCH and read from there; exit 0 unless
 * the reader misbehaves in a way that can be seen without a sanitizer
 * (an error without a message, or an undamaged file refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "trace/tracefmt.h"

static uint64_t rng;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (unsigned)(rng % n) : 0;
}

static unsigned char *slurp(const char *path, size_t *len, int gunzip)
{
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    gzFile g = gunzip ? gzopen(path, "rb") : NULL;
    FILE *f = gunzip ? NULL : fopen(path, "rb");
    if (!buf || (gunzip ? !g : !f))
        return NULL;
    for (;;) {
        if (n == cap && !(buf = realloc(buf, cap *= 2)))
            return NULL;
        int got = gunzip ? gzread(g, buf + n, (unsigned)(cap - n))
                         : (int)fread(buf + n, 1, cap - n, f);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    gunzip ? gzclose(g) : fclose(f);
    *len = n;
    return buf;
}

/* Damage a copy of in: returns its length. */
static size_t damage(const unsigned char *in, size_t len, unsigned char *out)
{
    memcpy(out, in, len);
    switch (rnd(4)) {
    case 0:   /* flip a few bytes */
        for (unsigned k = 1 + rnd(8); k; k--)
            out[rnd((unsigned)len)] ^= (unsigned char)(1 + rnd(255));
        return len;
    case 1:   /* cut short */
        return rnd((unsigned)len);
    case 2: { /* insert bytes */
        size_t at = rnd((unsigned)len), n = 1 + rnd(16);
        memmove(out + at + n, in + at, len - at);
        for (size_t k = 0; k < n; k++)
            out[at + k] = (unsigned char)rnd(256);
        return len + n;
    }
    default:  /* a byte set to a record type or a varint continuation */
        out[rnd((unsigned)len)] = (unsigned char)(rnd(2) ? 0x80 | rnd(128) : rnd(16));
        return len;
    }
}

static int write_file(const char *path, const unsigned char *b, size_t n, int gzip)
{
    if (gzip) {
        gzFile g = gzopen(path, "wb1");
        int ok = g && (n == 0 || gzwrite(g, b, (unsigned)n) == (int)n);
        return g && gzclose(g) == Z_OK && ok;
    }
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(b, 1, n, f) == n;
    return f && fclose(f) == 0 && ok;
}

/* Read path to the end: 1 read whole, 0 refused with a message, -1 the
 * reader broke its contract. */
static int read_all(const char *path, unsigned long long *records)
{
    struct tf_reader r;
    struct tf_record rec;
    int st = 0;
    *records = 0;
    if (tfr_open(&r, path))
        while ((st = tfr_next(&r, &rec)) > 0)
            (*records)++;
    else
        st = -1;
    int bad = st < 0 && !r.err[0];
    tfr_close(&r);
    return bad ? -1 : st == 0;
}

int main(int argc, char **argv)
{
    size_t zlen = 0, rlen = 0;
    if (argc < 4) {
        fprintf(stderr, "usage: fuzz_reader VALID.isotrace.gz SCRATCH ITERATIONS [SEED]\n");
        return 99;
    }
    rng = argc > 4 ? strtoull(argv[4], NULL, 0) | 1 : 88172645463325252ull;
    unsigned long iters = strtoul(argv[3], NULL, 0), whole = 0, refused = 0;
    unsigned char *z = slurp(argv[1], &zlen, 0), *raw = slurp(argv[1], &rlen, 1);
    size_t cap = (zlen > rlen ? zlen : rlen) + 64;
    unsigned char *buf = malloc(cap);
    unsigned long long n;
    if (!z || !raw || !buf || !zlen || !rlen) {
        fprintf(stderr, "fuzz_reader: cannot read %s\n", argv[1]);
        return 99;
    }
    if (read_all(argv[1], &n) != 1) {
        printf("not ok: the undamaged trace is refused\n");
        return 1;
    }
    for (unsigned long k = 0; k < iters; k++) {
        unsigned mode = rnd(3);   /* 0: the gzip file, 1: the stream, raw; 2: recompressed */
        size_t len = mode == 0 ? damage(z, zlen, buf) : damage(raw, rlen, buf);
        if (!write_file(argv[2], buf, len, mode == 2)) {
            fprintf(stderr, "fuzz_reader: cannot write %s\n", argv[2]);
            return 99;
        }
        int r = read_all(argv[2], &n);
        if (r < 0) {
            printf("not ok: iteration %lu: an error without a message\n", k);
            return 1;
        }
        r ? whole++ : refused++;
    }
    printf("ok: %lu damaged traces: %lu read to the end, %lu refused with a message\n",
           iters, whole, refused);
    free(z);
    free(raw);
    free(buf);
    return 0;
}
