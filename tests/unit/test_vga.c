/*
 * test_vga.c: the VGA text-mode registers through their ports, with no
 * CPU: the cursor through the CRTC (place, shape, disable bit, start
 * address), 16-bit index+data writes, the mono/colour CRTC choice,
 * input status 1 toggling and the attribute flip-flop, the DAC.
 *
 * Rules kept here: a struct bus and bus_in/bus_out only; each failed check
 * prints a line; the exit status is the number of failed checks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bus.h"
#include "dev/vga.h"

#include "check.h"

static struct bus bus;
static struct vga vga;
static uint8_t *ram;

static uint8_t in(uint16_t p) { return (uint8_t)bus_in(&bus, p, 1); }
static void out(uint16_t p, uint8_t v) { bus_out(&bus, p, 1, v); }

static void crtc(uint8_t idx, uint8_t v)
{
    out(0x3D4, idx);
    out(0x3D5, v);
}

static void test_cursor(void)
{
    unsigned row, col, s, e;
    bool vis;
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    CHECK(vis);
    EQ(row, 0);
    EQ(col, 0);
    EQ(s, 13);                       /* mode 3: lines 13-14 of a 16-line cell */
    EQ(e, 14);
    /* position 12*80+34 */
    crtc(0x0E, (12 * 80 + 34) >> 8);
    crtc(0x0F, (12 * 80 + 34) & 0xFF);
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    EQ(row, 12);
    EQ(col, 34);
    out(0x3D4, 0x0F);
    EQ(in(0x3D5), (12 * 80 + 34) & 0xFF);
    EQ(in(0x3D4), 0x0F);
    /* a 16-bit OUT: index in the low byte, data in the high byte */
    bus_out(&bus, 0x3D4, 2, 0x0100 | 0x0E);
    bus_out(&bus, 0x3D4, 2, 0x9000 | 0x0F);   /* 0x190 = 400 = row 5 col 0 */
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    EQ(row, 5);
    EQ(col, 0);
    /* shape and the disable bit */
    crtc(0x0A, 0x00);
    crtc(0x0B, 0x0F);
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    CHECK(vis);
    EQ(s, 0);
    EQ(e, 15);
    crtc(0x0A, 0x20);
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    CHECK(!vis);
    crtc(0x0A, 0x0E);
    crtc(0x0B, 0x0D);                /* start below end: no cursor */
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    CHECK(!vis);
    crtc(0x0A, 0x0D);
    crtc(0x0B, 0x0E);
    /* start address: the screen begins 80 cells (one line) further */
    CHECK(vga_text(&vga) == ram + 0xB8000);
    crtc(0x0C, 0);
    crtc(0x0D, 80);
    CHECK(vga_text(&vga) == ram + 0xB8000 + 160);
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    EQ(row, 4);
    EQ(col, 0);
    CHECK(vis);
    crtc(0x0E, 0);
    crtc(0x0F, 10);                  /* above the screen now */
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    CHECK(!vis);
    crtc(0x0C, 0xFF);                /* outside the window: taken as 0 */
    CHECK(vga_text(&vga) == ram + 0xB8000);
    crtc(0x0C, 0);
    crtc(0x0D, 0);
}

static void test_status_and_attr(void)
{
    uint8_t a = in(0x3DA), b = in(0x3DA), c = in(0x3DA);
    EQ(a ^ b, 0x09);                 /* retrace bits alternate */
    EQ(a, c);
    /* a polling loop in both directions ends */
    int n = 0;
    while (!(in(0x3DA) & 0x08) && n < 10)
        n++;
    CHECK(n < 10);
    n = 0;
    while ((in(0x3DA) & 0x08) && n < 10)
        n++;
    CHECK(n < 10);
    /* attribute controller: index, data, flip-flop reset by 0x3DA */
    in(0x3DA);
    out(0x3C0, 0x31);                /* index 0x11 (overscan), PAS on */
    out(0x3C0, 0x05);
    EQ(in(0x3C0), 0x31);
    EQ(in(0x3C1), 0x05);
    out(0x3C0, 0x12);                /* flip-flop: this is an index */
    in(0x3DA);
    out(0x3C0, 0x11);                /* reset: index again */
    out(0x3C0, 0x07);
    EQ(vga.attr[0x11], 0x07);
    EQ(vga.attr[0x12], 0x0F);        /* untouched */
    /* misc output */
    EQ(in(0x3CC), 0x67);
    /* sequencer and graphics controller keep what they are given */
    out(0x3C4, 0x02);
    out(0x3C5, 0x0F);
    EQ(in(0x3C5), 0x0F);
    EQ(in(0x3C4), 0x02);
    out(0x3CE, 0x06);
    EQ(in(0x3CF), 0x0E);
    bus_out(&bus, 0x3CE, 2, 0x0505);
    EQ(in(0x3CF), 0x05);
}

static void test_mono_alias(void)
{
    EQ(in(0x3B5), 0xFF);             /* colour mode: mono CRTC not decoded */
    out(0x3C2, 0x66);                /* misc bit 0 = 0: CRTC at 0x3B4 */
    out(0x3B4, 0x0E);
    out(0x3B5, 0x00);
    out(0x3B4, 0x0F);
    out(0x3B5, 81);
    unsigned row, col, s, e;
    bool vis;
    vga_cursor(&vga, &row, &col, &vis, &s, &e);
    EQ(row, 1);
    EQ(col, 1);
    EQ(in(0x3D5), 0xFF);
    uint8_t a = in(0x3BA), b = in(0x3BA);
    EQ(a ^ b, 0x09);
    out(0x3C2, 0x67);
    out(0x3D4, 0x0F);
    EQ(in(0x3D5), 81);               /* one CRTC behind both addresses */
}

static void test_dac(void)
{
    out(0x3C8, 5);
    out(0x3C9, 0x3F);
    out(0x3C9, 0x40 | 0x10);         /* 6-bit values */
    out(0x3C9, 0x01);
    out(0x3C9, 0x02);                /* entry 6 begins */
    EQ(in(0x3C8), 6);
    EQ(in(0x3C7), 0x00);             /* write mode */
    out(0x3C7, 5);
    EQ(in(0x3C7), 0x03);             /* read mode */
    EQ(in(0x3C9), 0x3F);
    EQ(in(0x3C9), 0x10);
    EQ(in(0x3C9), 0x01);
    EQ(in(0x3C9), 0x02);
    EQ(in(0x3C6), 0xFF);
}

int main(void)
{
    ram = calloc(1, 1 << 20);
    if (!ram)
        return 1;
    bus_init(&bus);
    vga_init(&vga, &bus, ram);
    test_cursor();
    test_status_and_attr();
    test_mono_alias();
    test_dac();
    free(ram);
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures;
}
