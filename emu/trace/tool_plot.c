/*
 * tool_plot.c: isola-trace plot: an SVG picture of a trace: the TLB miss
 * rate over time (instruction and data TLB) above the reuse-distance
 * histogram. The SVG is written here, element by element.
 *
 * Rules kept here:
 *  - The trace is read once: lookups are counted in windows of a fixed
 *    number of instructions; when there are too many windows, neighbours
 *    merge and the window doubles, so memory stays bounded.
 *  - Every number drawn is computed from the counts, never estimated.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace/tool.h"

#define WINDOWS_MAX 4096
#define WIDTH 900
#define PANEL_H 300
#define LEFT 80
#define RIGHT 30
#define TOP 50

struct window {
    uint64_t lookups[2], misses[2];
};

struct plot {
    struct window w[WINDOWS_MAX];
    unsigned n;            /* windows used */
    uint64_t size;         /* instructions per window */
    uint64_t first;        /* instruction count where window 0 starts */
    bool started;
    struct reuse reuse[2];
};

static void merge_windows(struct plot *p)
{
    for (unsigned k = 0; k < p->n / 2; k++)
        for (unsigned s = 0; s < 2; s++) {
            p->w[k].lookups[s] = p->w[2 * k].lookups[s] + p->w[2 * k + 1].lookups[s];
            p->w[k].misses[s] = p->w[2 * k].misses[s] + p->w[2 * k + 1].misses[s];
        }
    if (p->n & 1) {
        p->w[p->n / 2] = p->w[p->n - 1];
        p->n = p->n / 2 + 1;
    } else {
        p->n /= 2;
    }
    memset(&p->w[p->n], 0, (WINDOWS_MAX - p->n) * sizeof p->w[0]);
    p->size *= 2;
}

static bool count(struct plot *p, const struct tf_record *rec)
{
    if (!p->started) {
        p->first = rec->icount;
        p->started = true;
    }
    uint64_t k;
    while ((k = (rec->icount - p->first) / p->size) >= WINDOWS_MAX)
        merge_windows(p);
    if (k >= p->n)
        p->n = (unsigned)k + 1;
    p->w[k].lookups[rec->itlb]++;
    p->w[k].misses[rec->itlb] += !rec->hit;
    return reuse_use(&p->reuse[rec->itlb], (uint64_t)rec->cr3 << 32 | rec->lin >> 12);
}

/* A round step for an axis spanning max, about five ticks. */
static double tick_step(double max)
{
    double raw = max / 5, mag = pow(10, floor(log10(raw > 0 ? raw : 1)));
    double n = raw / mag;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

static void axes(FILE *out, int top, double xmax, double ymax, const char *xlabel,
                 const char *ylabel, bool xticks)
{
    int w = WIDTH - LEFT - RIGHT, bottom = top + PANEL_H;
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", LEFT,
            bottom, LEFT + w, bottom);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", LEFT, top,
            LEFT, bottom);
    double ys = tick_step(ymax);
    for (double y = 0; y <= ymax * 1.0001; y += ys) {
        double py = bottom - y / ymax * PANEL_H;
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                LEFT, py, LEFT + w, py);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", LEFT - 6,
                py + 4, y);
    }
    if (xticks) {
        double xs = tick_step(xmax);
        for (double x = 0; x <= xmax * 1.0001; x += xs)
            fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
                    LEFT + x / xmax * w, bottom + 18, x);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", LEFT + w / 2,
            bottom + 38, xlabel);
    fprintf(out, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">"
            "%s</text>\n", top + PANEL_H / 2, top + PANEL_H / 2, ylabel);
}

static const char *const colour[2] = {"#1f77b4", "#ff7f0e"};   /* data, instructions */

static void miss_rate_panel(FILE *out, const struct plot *p, bool split)
{
    int w = WIDTH - LEFT - RIGHT, bottom = TOP + PANEL_H;
    double xmax = (double)p->n * (double)p->size / 1e6, ymax = 0;
    for (unsigned k = 0; k < p->n; k++)
        for (unsigned s = 0; s < 2; s++)
            if (p->w[k].lookups[s]) {
                double r = 100.0 * (double)p->w[k].misses[s] / (double)p->w[k].lookups[s];
                ymax = r > ymax ? r : ymax;
            }
    ymax = ymax > 0 ? ymax * 1.1 : 1;
    xmax = xmax > 0 ? xmax : 1;
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"16\">TLB miss rate over time "
            "(windows of %" PRIu64 " instructions)</text>\n", LEFT, TOP - 15, p->size);
    axes(out, TOP, xmax, ymax, "million instructions from the first lookup", "misses per 100 lookups",
         true);
    for (unsigned s = 0; s < (split ? 2u : 1u); s++) {
        fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                colour[s]);
        for (unsigned k = 0; k < p->n; k++) {
            if (!p->w[k].lookups[s])
                continue;
            double r = 100.0 * (double)p->w[k].misses[s] / (double)p->w[k].lookups[s];
            double x = ((double)k + 0.5) * (double)p->size / 1e6;
            fprintf(out, "%.1f,%.1f ", LEFT + x / xmax * w, bottom - r / ymax * PANEL_H);
        }
        fprintf(out, "\"/>\n");
        fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", LEFT + w - 200,
                TOP + 20 + 18 * (int)s, colour[s],
                !split ? "unified TLB" : s ? "instruction TLB" : "data TLB");
    }
}

static void reuse_panel(FILE *out, const struct plot *p, bool split)
{
    int top = TOP + PANEL_H + 90, w = WIDTH - LEFT - RIGHT, bottom = top + PANEL_H;
    unsigned nb = REUSE_BUCKETS + 1;   /* the last bar: cold */
    double share[2][REUSE_BUCKETS + 1], ymax = 0;
    for (unsigned s = 0; s < 2; s++) {
        uint64_t total = p->reuse[s].cold;
        for (unsigned b = 0; b < REUSE_BUCKETS; b++)
            total += p->reuse[s].hist[b];
        for (unsigned b = 0; b < nb; b++) {
            uint64_t v = b < REUSE_BUCKETS ? p->reuse[s].hist[b] : p->reuse[s].cold;
            share[s][b] = total ? 100.0 * (double)v / (double)total : 0;
            ymax = share[s][b] > ymax ? share[s][b] : ymax;
        }
    }
    ymax = ymax > 0 ? ymax * 1.1 : 1;
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"16\">Reuse distance of TLB lookups "
            "(distinct pages between two uses of a page)</text>\n", LEFT, top - 15);
    axes(out, top, 1, ymax, "reuse distance (pages)", "share of lookups (%)", false);
    double slot = (double)w / nb, bar = slot * 0.4;
    for (unsigned b = 0; b < nb; b++) {
        char label[32];
        if (b < REUSE_BUCKETS)
            reuse_label(b, label, sizeof label);
        else
            snprintf(label, sizeof label, "cold");
        for (unsigned s = 0; s < (split ? 2u : 1u); s++) {
            double h = share[s][b] / ymax * PANEL_H;
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"%s\"><title>%s: %.2f%%</title></rect>\n",
                    LEFT + slot * b + slot * 0.1 + bar * s, bottom - h, bar, h, colour[s],
                    label, share[s][b]);
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" font-size=\"10\" "
                "transform=\"rotate(-45 %.1f %d)\">%s</text>\n", LEFT + slot * (b + 0.5),
                bottom + 12, LEFT + slot * (b + 0.5), bottom + 12, label);
    }
}

int cmd_plot(struct tf_reader *r, FILE *out, unsigned points)
{
    struct plot *p = calloc(1, sizeof *p);
    struct tf_record rec;
    int st = 0;
    bool oom = !p || !reuse_init(&p->reuse[0]) || !reuse_init(&p->reuse[1]);
    (void)points;
    if (!oom)
        p->size = 1000;
    while (!oom && (st = tfr_next(r, &rec)) > 0)
        if (rec.type == TF_TLB && !count(p, &rec))
            oom = true;
    int status = 0;
    if (oom) {
        fprintf(stderr, "isola-trace: out of memory\n");
        status = 1;
    } else if (st < 0) {
        status = tool_read_error(r);
    } else {
        bool split = !r->hdr.unified;
        fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "font-family=\"sans-serif\" font-size=\"12\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", WIDTH,
                TOP + 2 * PANEL_H + 150);
        miss_rate_panel(out, p, split);
        reuse_panel(out, p, split);
        fprintf(out, "</svg>\n");
    }
    if (p) {
        reuse_free(&p->reuse[0]);
        reuse_free(&p->reuse[1]);
    }
    free(p);
    return status;
}
