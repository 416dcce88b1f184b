/*
 * isola-trace.c: reads the traces isola -trace writes (docs/trace-format.md)
 * and turns them into a summary, CSV, Chrome trace-event JSON for
 * Perfetto, or an SVG plot.
 *
 * Rules kept here:
 *  - Exit status 0 when the whole file was read and the output written,
 *    1 for a file that is not a trace, is corrupt or truncated, or an
 *    output that cannot be written, 2 for a bad command line. Every
 *    failure is one line on stderr starting "isola-trace: ".
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace/tool.h"

static const char usage_text[] =
    "Usage: isola-trace COMMAND FILE [options]\n"
    "\n"
    "Reads a trace written by isola -trace ... -trace-file FILE.\n"
    "\n"
    "Commands:\n"
    "  summary FILE [--top N]   TLB miss rates per process and per region, the N\n"
    "                           pages that fault most (default 10), and the\n"
    "                           reuse-distance histogram\n"
    "  csv FILE [-o OUT]        every record as one CSV line\n"
    "  chrome FILE [-o OUT] [--interval N]\n"
    "                           Chrome trace-event JSON (open it in Perfetto or\n"
    "                           chrome://tracing): processes as tracks, regions as\n"
    "                           slices, page faults as instant events, TLB miss\n"
    "                           rates every N instructions (default 100000)\n"
    "  plot FILE -o OUT.svg     the miss rate over time and the reuse-distance\n"
    "                           histogram as an SVG picture\n"
    "\n"
    "Output goes to stdout unless -o names a file. Exit status: 0 done, 1 a bad\n"
    "or truncated trace or an output that cannot be written, 2 bad usage.\n";

static _Noreturn void usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void usage(const char *fmt, ...)
{
    va_list ap;
    fputs("isola-trace: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (try isola-trace --help)\n", stderr);
    exit(2);
}

static uint64_t number(const char *opt, const char *s, uint64_t min)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v < min || s[0] == '-')
        usage("%s: bad number '%s'", opt, s);
    return v;
}

struct args {
    const char *cmd, *file, *out;
    unsigned top;
    uint64_t interval;
};

static void parse(struct args *a, int argc, char **argv)
{
    *a = (struct args){.top = 10, .interval = 100000};
    for (int k = 1; k < argc; k++) {
        const char *s = argv[k];
        bool more = k + 1 < argc;
        if (strcmp(s, "-o") == 0 && more)
            a->out = argv[++k];
        else if (strcmp(s, "--top") == 0 && more)
            a->top = (unsigned)number(s, argv[++k], 1);
        else if (strcmp(s, "--interval") == 0 && more)
            a->interval = number(s, argv[++k], 1);
        else if (s[0] == '-' && s[1])
            usage("unknown option or missing argument '%s'", s);
        else if (!a->cmd)
            a->cmd = s;
        else if (!a->file)
            a->file = s;
        else
            usage("too many arguments ('%s')", s);
    }
    if (!a->cmd)
        usage("no command");
    if (strcmp(a->cmd, "summary") && strcmp(a->cmd, "csv") && strcmp(a->cmd, "chrome") &&
        strcmp(a->cmd, "plot"))
        usage("unknown command '%s' (summary, csv, chrome, plot)", a->cmd);
    if (!a->file)
        usage("%s: no trace file given", a->cmd);
    if (strcmp(a->cmd, "plot") == 0 && !a->out)
        usage("plot: give the picture's file with -o OUT.svg");
}

int main(int argc, char **argv)
{
    struct args a;
    struct tf_reader r;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("isola-trace %s (trace format %d.%d)\n", PACKAGE_VERSION, TF_VERSION_MAJOR,
               TF_VERSION_MINOR);
        return 0;
    }
    parse(&a, argc, argv);
    if (!tfr_open(&r, a.file)) {
        int st = tool_read_error(&r);
        tfr_close(&r);
        return st;
    }
    FILE *out = a.out ? fopen(a.out, "w") : stdout;
    if (!out) {
        fprintf(stderr, "isola-trace: %s: %s\n", a.out, strerror(errno));
        tfr_close(&r);
        return 1;
    }
    int st;
    if (strcmp(a.cmd, "summary") == 0)
        st = cmd_summary(&r, out, a.top);
    else if (strcmp(a.cmd, "csv") == 0)
        st = cmd_csv(&r, out);
    else if (strcmp(a.cmd, "chrome") == 0)
        st = cmd_chrome(&r, out, a.interval);
    else
        st = cmd_plot(&r, out, 0);
    tfr_close(&r);
    if ((out == stdout ? fflush(out) : fclose(out)) != 0 || (out == stdout && ferror(out))) {
        fprintf(stderr, "isola-trace: %s: %s\n", a.out ? a.out : "standard output",
                strerror(errno));
        return 1;
    }
    return st;
}
