/*
 * isola-img: create, convert, inspect, check and compare disk images, with
 * qemu-img's arguments, output and exit statuses where they overlap.
 *
 * Rules kept here:
 *  - An error is one line "isola-img: ..." on stderr and exit status 1,
 *    except where qemu-img says otherwise: compare exits 2 on errors,
 *    check exits 2 for corruptions, 3 for leaks only, 63 for raw images.
 *  - Images are read and written only through block.h / image.h, so this
 *    tool exercises the same code as the emulator.
 *  - Copies are sparse: ranges that read as zeros are not written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "disk/block.h"
#include "disk/image.h"

#define CHUNK (1u << 20)

static bool quiet;

static void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void die_msg(const char *fmt, ...)
{
    va_list ap;

    fputs("isola-img: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int usage(FILE *f, int status)
{
    fputs("Usage: isola-img COMMAND [options]\n"
          "Commands:\n"
          "  create [-q] [-f fmt] [-o options] [-b backing [-F backing_fmt]]"
          " [-u] FILE [SIZE]\n"
          "  convert [-q] [-p] [-f fmt] [-O fmt] [-c] [-o options] SRC DST\n"
          "  info [-f fmt] FILE\n"
          "  check [-q] [-f fmt] FILE\n"
          "  compare [-q] [-s] [-f fmt] [-F fmt] A B\n"
          "Formats: raw, qcow2. SIZE takes k, M, G, T, P, E suffixes "
          "(powers of 1024).\n"
          "Options (-o, comma-separated): cluster_size=SIZE, "
          "compat=0.10|1.1, backing_file=FILE, backing_fmt=FMT\n",
          f);
    return status;
}

/* "10G", "512k", "1.5M", "4096" (bytes). */
static bool parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "BKMGTPE";
    char *end;
    double v;
    const char *u;
    unsigned shift = 0;

    if (!*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s)
        return false;
    if (*end) {
        u = strchr(units, *end >= 'a' && *end <= 'z' ? *end - 32 : *end);
        if (!u || !*u || end[1])
            return false;
        shift = (unsigned)(u - units) * 10;
    }
    v *= (double)(1ULL << shift);
    if (!(v >= 0 && v < 18446744073709551616.0) || v != (double)(uint64_t)v)
        return false;
    *out = (uint64_t)v;
    return true;
}

/* qemu-img's human sizes: the largest unit that keeps the number under
 * 1000, three significant digits. */
static void human_size(uint64_t v, char *out, size_t n)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
                                        "PiB", "EiB" };
    double d = (double)v;
    unsigned i = 0;

    while (i < 6 && d >= 1000.0) {
        d /= 1024.0;
        i++;
    }
    if (i == 0)
        snprintf(out, n, "%" PRIu64 " B", v);
    else
        snprintf(out, n, "%0.3g %s", d, unit[i]);
}

/* getopt's '?' and ':' (optstrings start with ':'): one line, as every
 * other error. */
static int bad_option(int ch, int status)
{
    if (ch == ':')
        die_msg("option '-%c' needs an argument", optopt);
    else
        die_msg("unknown option '-%c'", optopt);
    return status;
}

static bool parse_fmt(const char *s, enum blk_format *f)
{
    if (blk_format_parse(s, f))
        return true;
    die_msg("Unknown file format '%s' (supported: raw, qcow2)", s);
    return false;
}

struct create_opts {
    enum blk_format fmt;
    struct qcow2_create_opts q;
    const char *backing_fmt;
};

static bool parse_o(char *list, struct create_opts *c)
{
    for (char *save = NULL, *kv = strtok_r(list, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        char *val = strchr(kv, '=');
        uint64_t n;

        if (!val) {
            die_msg("Invalid option '%s' (expected key=value)", kv);
            return false;
        }
        *val++ = 0;
        if (strcmp(kv, "cluster_size") == 0) {
            if (!parse_size(val, &n) || n < 512 || n > (2u << 20) ||
                (n & (n - 1))) {
                die_msg("Cluster size must be a power of two between 512 "
                        "and 2M");
                return false;
            }
            c->q.cluster_bits = (unsigned)__builtin_ctzll(n);
        } else if (strcmp(kv, "compat") == 0) {
            if (strcmp(val, "0.10") == 0 || strcmp(val, "v2") == 0)
                c->q.version = 2;
            else if (strcmp(val, "1.1") == 0 || strcmp(val, "v3") == 0)
                c->q.version = 3;
            else {
                die_msg("Invalid compatibility level: '%s'", val);
                return false;
            }
        } else if (strcmp(kv, "backing_file") == 0) {
            c->q.backing = val;
        } else if (strcmp(kv, "backing_fmt") == 0) {
            c->backing_fmt = val;
        } else {
            die_msg("Invalid parameter '%s'", kv);
            return false;
        }
    }
    return true;
}

static struct blockdev *open_image(const char *path, enum blk_format f,
                                   bool readonly)
{
    struct blk_options o = { f, readonly, false };
    char err[600];
    struct blockdev *b = blk_open(path, &o, err, sizeof err);

    if (!b)
        die_msg("%s", err);
    return b;
}

/* The backing file as the new image will find it: relative names are
 * relative to the image's folder. */
static char *backing_as_seen(const char *image, const char *backing)
{
    const char *slash = strrchr(image, '/');
    size_t dir = slash ? (size_t)(slash - image) + 1 : 0;
    char *p = malloc(dir + strlen(backing) + 1);

    if (!p)
        return NULL;
    if (backing[0] == '/')
        dir = 0;
    memcpy(p, image, dir);
    strcpy(p + dir, backing);
    return p;
}

static int make_image(const char *path, struct create_opts *c)
{
    char err[600];
    int r;

    if (c->fmt == BLK_RAW) {
        if (c->q.backing) {
            die_msg("Backing files are supported only by qcow2");
            return -1;
        }
        r = raw_create(path, c->q.size, err, sizeof err);
    } else {
        c->q.backing_fmt = c->backing_fmt;
        r = qcow2_create(path, &c->q, err, sizeof err);
    }
    if (r < 0)
        die_msg("%s", err);
    else if (!quiet) {
        printf("Formatting '%s', fmt=%s", path, blk_format_name(c->fmt));
        if (c->fmt == BLK_QCOW2)
            printf(" cluster_size=%llu compat=%s",
                   1ULL << c->q.cluster_bits,
                   c->q.version == 2 ? "0.10" : "1.1");
        if (c->q.backing)
            printf(" backing_file=%s", c->q.backing);
        if (c->backing_fmt)
            printf(" backing_fmt=%s", c->backing_fmt);
        printf(" size=%" PRIu64 "\n", c->q.size);
    }
    return r;
}

static void create_defaults(struct create_opts *c)
{
    memset(c, 0, sizeof *c);
    c->fmt = BLK_RAW;
    c->q.version = 3;
    c->q.cluster_bits = 16;
}

/* With a backing file and no size, the size is the backing file's. */
static int backing_size(const char *path, struct create_opts *c,
                        bool have_size, bool unsafe)
{
    enum blk_format bf = BLK_DETECT;
    struct blockdev *b;
    char *seen;

    if (!c->q.backing || unsafe) {
        if (!have_size) {
            die_msg("Image creation needs a size parameter");
            return -1;
        }
        return 0;
    }
    if (c->backing_fmt && !parse_fmt(c->backing_fmt, &bf))
        return -1;
    seen = backing_as_seen(path, c->q.backing);
    b = seen ? open_image(seen, bf, true) : NULL;
    free(seen);
    if (!b)
        return -1;
    if (!c->backing_fmt)
        c->backing_fmt = blk_format_name(blk_format_of(b));
    if (!have_size)
        c->q.size = blk_size(b);
    blk_close(b);
    return 0;
}

static int cmd_create(int argc, char **argv)
{
    struct create_opts c;
    bool unsafe = false, have_size = false;
    int ch;

    create_defaults(&c);
    while ((ch = getopt(argc, argv, ":hqf:o:b:F:u")) != -1) {
        switch (ch) {
        case 'q': quiet = true; break;
        case 'f': if (!parse_fmt(optarg, &c.fmt)) return 1; break;
        case 'o': if (!parse_o(optarg, &c)) return 1; break;
        case 'b': c.q.backing = optarg; break;
        case 'F': c.backing_fmt = optarg; break;
        case 'u': unsafe = true; break;
        case 'h': return usage(stdout, 0);
        default: return bad_option(ch, 1);
        }
    }
    if (argc - optind < 1 || argc - optind > 2) {
        die_msg("Expecting image file name%s", argc - optind > 2
                ? " and size only" : "");
        return 1;
    }
    if (argc - optind == 2) {
        if (!parse_size(argv[optind + 1], &c.q.size)) {
            die_msg("Invalid image size '%s' (use k, M, G, T, P or E "
                    "suffixes)", argv[optind + 1]);
            return 1;
        }
        have_size = true;
    }
    if (backing_size(argv[optind], &c, have_size, unsafe) < 0)
        return 1;
    if (c.fmt == BLK_QCOW2 && c.q.size % 512)
        c.q.size += 512 - c.q.size % 512;
    return make_image(argv[optind], &c) < 0 ? 1 : 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Copies src to dst unit by unit (unit: dst's cluster), skipping ranges
 * that read as zeros; with compress, whole units go through deflate. */
static int copy_image(struct blockdev *src, struct blockdev *dst,
                      uint64_t unit, bool compress)
{
    uint64_t size = blk_size(src), pos = 0, n;
    uint8_t *buf = calloc(1, unit);
    int r = -1;

    if (!buf) {
        die_msg("out of memory");
        return -1;
    }
    while (pos < size) {
        uint64_t len = size - pos < unit ? size - pos : unit;
        int st = blk_block_status(src, pos, size - pos, &n);

        if (st < 0) {
            die_msg("%s", blk_error(src));
            goto out;
        }
        if (st == 0 && n >= len) {
            pos = n >= size - pos ? size : pos + n / unit * unit;
            continue;
        }
        memset(buf, 0, unit);
        if (blk_read(src, pos, buf, (size_t)len) < 0) {
            die_msg("%s", blk_error(src));
            goto out;
        }
        if (!all_zero(buf, (size_t)len) &&
            (compress ? qcow2_write_compressed(dst, pos, buf, (size_t)unit)
                      : blk_write(dst, pos, buf, (size_t)len)) < 0) {
            die_msg("%s", blk_error(dst));
            goto out;
        }
        pos += len;
    }
    if (blk_flush(dst) < 0)
        die_msg("%s", blk_error(dst));
    else
        r = 0;
out:
    free(buf);
    return r;
}

static int cmd_convert(int argc, char **argv)
{
    struct create_opts c;
    enum blk_format in = BLK_DETECT;
    bool compress = false;
    struct blockdev *src, *dst;
    int ch, r;

    create_defaults(&c);
    while ((ch = getopt(argc, argv, ":hqpcf:O:o:")) != -1) {
        switch (ch) {
        case 'q': quiet = true; break;
        case 'p': break;
        case 'c': compress = true; break;
        case 'f': if (!parse_fmt(optarg, &in)) return 1; break;
        case 'O': if (!parse_fmt(optarg, &c.fmt)) return 1; break;
        case 'o': if (!parse_o(optarg, &c)) return 1; break;
        case 'h': return usage(stdout, 0);
        default: return bad_option(ch, 1);
        }
    }
    if (argc - optind != 2) {
        die_msg("Expecting one source and one target file name");
        return 1;
    }
    if (compress && c.fmt != BLK_QCOW2) {
        die_msg("Compression (-c) needs -O qcow2");
        return 1;
    }
    if (c.q.backing) {
        die_msg("convert makes standalone images; backing_file is not "
                "supported");
        return 1;
    }
    src = open_image(argv[optind], in, true);
    if (!src)
        return 1;
    c.q.size = blk_size(src);
    if (c.fmt == BLK_QCOW2 && c.q.size % 512)
        c.q.size += 512 - c.q.size % 512;
    quiet = true;
    if (make_image(argv[optind + 1], &c) < 0 ||
        !(dst = open_image(argv[optind + 1], c.fmt, false))) {
        blk_close(src);
        return 1;
    }
    r = copy_image(src, dst, c.fmt == BLK_QCOW2 ? 1ULL << c.q.cluster_bits
                                                : 65536, compress);
    blk_close(src);
    blk_close(dst);
    return r < 0 ? 1 : 0;
}

static void print_qcow2_info(const struct qcow2_info *i)
{
    printf("cluster_size: %" PRIu64 "\n", i->cluster_size);
    if (i->backing) {
        printf("backing file: %s", i->backing);
        if (strcmp(i->backing, i->backing_path) != 0)
            printf(" (actual path: %s)", i->backing_path);
        printf("\n");
    }
    if (i->backing_fmt)
        printf("backing file format: %s\n", i->backing_fmt);
    if (i->nb_snapshots)
        printf("snapshots: %u\n", i->nb_snapshots);
    printf("Format specific information:\n");
    printf("    compat: %s\n", i->version == 2 ? "0.10" : "1.1");
    if (i->version >= 3) {
        printf("    compression type: zlib\n");
        printf("    lazy refcounts: %s\n",
               i->compatible & QCOW2_COMPAT_LAZY ? "true" : "false");
    }
    printf("    refcount bits: %u\n", i->refcount_bits);
    printf("    corrupt: %s\n",
           i->incompatible & QCOW2_INCOMPAT_CORRUPT ? "true" : "false");
    if (i->incompatible & QCOW2_INCOMPAT_DIRTY)
        printf("    dirty: true\n");
    if (i->version >= 3)
        printf("    extended l2: false\n");
}

static int cmd_info(int argc, char **argv)
{
    enum blk_format f = BLK_DETECT;
    struct blockdev *b;
    struct qcow2_info qi;
    struct stat st;
    char vs[32], ds[32];
    int ch;

    while ((ch = getopt(argc, argv, ":hf:")) != -1) {
        switch (ch) {
        case 'f': if (!parse_fmt(optarg, &f)) return 1; break;
        case 'h': return usage(stdout, 0);
        default: return bad_option(ch, 1);
        }
    }
    if (argc - optind != 1) {
        die_msg("Expecting one image file name");
        return 1;
    }
    b = open_image(argv[optind], f, true);
    if (!b)
        return 1;
    human_size(blk_size(b), vs, sizeof vs);
    human_size(stat(argv[optind], &st) == 0 ? (uint64_t)st.st_blocks * 512
                                            : 0, ds, sizeof ds);
    printf("image: %s\n", argv[optind]);
    printf("file format: %s\n", blk_format_name(blk_format_of(b)));
    printf("virtual size: %s (%" PRIu64 " bytes)\n", vs, blk_size(b));
    printf("disk size: %s\n", ds);
    if (qcow2_get_info(b, &qi))
        print_qcow2_info(&qi);
    blk_close(b);
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    enum blk_format f = BLK_DETECT;
    struct qcow2_check_result r;
    struct blockdev *b;
    int ch;

    while ((ch = getopt(argc, argv, ":hqf:r:")) != -1) {
        switch (ch) {
        case 'q': quiet = true; break;
        case 'f': if (!parse_fmt(optarg, &f)) return 1; break;
        case 'r':
            die_msg("Repairing (-r) is not supported; use qemu-img check -r");
            return 1;
        case 'h': return usage(stdout, 0);
        default: return bad_option(ch, 1);
        }
    }
    if (argc - optind != 1) {
        die_msg("Expecting one image file name");
        return 1;
    }
    b = open_image(argv[optind], f, true);
    if (!b)
        return 1;
    if (blk_format_of(b) != BLK_QCOW2) {
        die_msg("This image format does not support checks");
        blk_close(b);
        return 63;
    }
    if (qcow2_check(b, &r, stderr) < 0) {
        die_msg("%s", blk_error(b));
        blk_close(b);
        return 1;
    }
    blk_close(b);
    if (!quiet) {
        if (r.corruptions)
            printf("\n%" PRIu64 " errors were found on the image.\nData may "
                   "be corrupted, or further writes to the image may "
                   "corrupt it.\n", r.corruptions);
        if (r.leaks)
            printf("\n%" PRIu64 " leaked clusters were found on the image.\n"
                   "This means waste of disk space, but no harm to data.\n",
                   r.leaks);
        if (!r.corruptions && !r.leaks)
            printf("No errors were found on the image.\n");
        printf("%" PRIu64 "/%" PRIu64 " = %.2f%% allocated, %.2f%% "
               "compressed clusters\n", r.allocated_clusters,
               r.total_clusters, r.total_clusters
               ? 100.0 * (double)r.allocated_clusters /
                 (double)r.total_clusters : 0.0,
               r.allocated_clusters ? 100.0 * (double)r.compressed_clusters /
                 (double)r.allocated_clusters : 0.0);
        printf("Image end offset: %" PRIu64 "\n", r.image_end);
    }
    return r.corruptions ? 2 : r.leaks ? 3 : 0;
}

/* The first offset in [pos, pos+len) where a and b differ, or -1. */
static int64_t first_difference(const uint8_t *a, const uint8_t *b,
                                uint64_t pos, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i])
            return (int64_t)(pos + i);
    return -1;
}

/* Compares [pos, end) of a and b (b NULL: a must read as zeros).
 * Returns 1 with *where set at a difference, 0 when equal, -1 on error. */
static int compare_range(struct blockdev *a, struct blockdev *b,
                         uint64_t pos, uint64_t end, uint8_t *ba,
                         uint8_t *bb, uint64_t *where)
{
    while (pos < end) {
        uint64_t na, nb = end - pos;
        int sa = blk_block_status(a, pos, end - pos, &na);
        int sb = b ? blk_block_status(b, pos, end - pos, &nb) : 0;
        uint64_t n = na < nb ? na : nb;
        int64_t d;

        if (sa < 0 || sb < 0) {
            die_msg("%s", blk_error(sa < 0 ? a : b));
            return -1;
        }
        if (sa == 0 && sb == 0) {
            pos += n;
            continue;
        }
        if (n > CHUNK)
            n = CHUNK;
        memset(bb, 0, (size_t)n);
        if (blk_read(a, pos, ba, (size_t)n) < 0 ||
            (b && blk_read(b, pos, bb, (size_t)n) < 0)) {
            die_msg("%s", blk_error(b && blk_error(b)[0] ? b : a));
            return -1;
        }
        d = first_difference(ba, bb, pos, (size_t)n);
        if (d >= 0) {
            *where = (uint64_t)d & ~511ULL;
            return 1;
        }
        pos += n;
    }
    return 0;
}

static int cmd_compare(int argc, char **argv)
{
    enum blk_format fa = BLK_DETECT, fb = BLK_DETECT;
    bool strict = false;
    struct blockdev *a, *b;
    uint8_t *ba = NULL, *bb = NULL;
    uint64_t sa, sb, common, where = 0;
    int ch, r = -1;

    while ((ch = getopt(argc, argv, ":hqsf:F:")) != -1) {
        switch (ch) {
        case 'q': quiet = true; break;
        case 's': strict = true; break;
        case 'f': if (!parse_fmt(optarg, &fa)) return 2; break;
        case 'F': if (!parse_fmt(optarg, &fb)) return 2; break;
        case 'h': return usage(stdout, 0);
        default: return bad_option(ch, 2);
        }
    }
    if (argc - optind != 2) {
        die_msg("Expecting two image file names");
        return 2;
    }
    a = open_image(argv[optind], fa, true);
    b = a ? open_image(argv[optind + 1], fb, true) : NULL;
    ba = malloc(CHUNK);
    bb = malloc(CHUNK);
    if (!a || !b || !ba || !bb)
        goto out;
    sa = blk_size(a);
    sb = blk_size(b);
    if (strict && sa != sb) {
        if (!quiet)
            printf("Image size mismatch!\n");
        r = 1;
        goto out;
    }
    common = sa < sb ? sa : sb;
    r = compare_range(a, b, 0, common, ba, bb, &where);
    if (r == 0 && sa != sb)
        r = compare_range(sa > sb ? a : b, NULL, common, sa > sb ? sa : sb,
                          ba, bb, &where);
    if (r == 1 && !quiet)
        printf("Content mismatch at offset %" PRIu64 "!\n", where);
    if (r == 0 && !quiet)
        printf("Images are identical.\n");
out:
    free(ba);
    free(bb);
    blk_close(a);
    blk_close(b);
    return r < 0 ? 2 : r;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {
        { "create", cmd_create }, { "convert", cmd_convert },
        { "info", cmd_info }, { "check", cmd_check },
        { "compare", cmd_compare },
    };

    opterr = 0;
    if (argc < 2)
        return usage(stderr, 1);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return usage(stdout, 0);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].run(argc - 1, argv + 1);
    die_msg("Command not found: %s", argv[1]);
    return 1;
}
