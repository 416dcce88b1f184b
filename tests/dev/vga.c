/*
 * vga.c (guest): the VGA text-mode registers as a console driver uses
 * them: the text buffer at 0xB8000, the CRTC cursor and start address
 * (byte and word OUTs), input status 1 and the attribute flip-flop, the
 * mono/colour CRTC address choice, the DAC, the sequencer and graphics
 * controller.
 *
 * Rules kept here:
 *  - Expected values come from the IBM VGA technical reference: mode 3
 *    register values (the power-on state isola documents for -kernel
 *    boots, where no BIOS runs), port decoding by misc-output bit 0.
 *  - The screen ends with a known picture: "isola VGA" in row 0 and the
 *    cursor at row 2, column 5.
 */
#include "rt.h"

static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p)); }

#define TEXT ((volatile uint16_t *)0xB8000)

static uint8_t crtc_read(uint8_t idx)
{
    outb(0x3D4, idx);
    return inb(0x3D5);
}

static void crtc_write(uint8_t idx, uint8_t v)
{
    outb(0x3D4, idx);
    outb(0x3D5, v);
}

static void text_buffer(void)
{
    static const char msg[] = "isola VGA";
    for (unsigned k = 0; k < 80 * 25; k++)
        TEXT[k] = 0x0720;
    for (unsigned k = 0; msg[k]; k++)
        TEXT[k] = (uint16_t)(0x1F00 | (uint8_t)msg[k]);
    check(TEXT[0], 0x1F69, "the text buffer at 0xB8000 is memory: 'i' on blue reads back");
}

static void crtc(void)
{
    check(inb(0x3CC), 0x67, "misc output: colour addressing, mode 3 clocks");
    check(crtc_read(0x0A), 0x0D, "cursor start scanline 13 (mode 3)");
    check(crtc_read(0x0B), 0x0E, "cursor end scanline 14 (mode 3)");
    check(crtc_read(0x09) & 0x1F, 0x0F, "16 scanlines per character row");
    check(crtc_read(0x01), 0x4F, "80 characters per row (horizontal display end 79)");
    crtc_write(0x0E, (uint8_t)((2 * 80 + 5) >> 8));
    crtc_write(0x0F, (uint8_t)((2 * 80 + 5) & 0xFF));
    check(crtc_read(0x0F), (2 * 80 + 5) & 0xFF, "cursor location low byte reads back");
    check(inb(0x3D4), 0x0F, "the CRTC index register reads back");
    outw(0x3D4, 0x1E0A);              /* index 0x0A in AL, data 0x1E in AH */
    check(crtc_read(0x0A), 0x1E, "a word OUT writes index and data together");
    outw(0x3D4, 0x2D0A);
    check(crtc_read(0x0A), 0x2D, "cursor-disable bit (0x0A bit 5) is kept");
    outw(0x3D4, 0x0D0A);
    outw(0x3D4, 0x500D);              /* start address 80: one row down */
    check(crtc_read(0x0D), 0x50, "start address low byte reads back");
    outw(0x3D4, 0x000D);
}

static void status_and_attr(void)
{
    uint8_t a = inb(0x3DA), b = inb(0x3DA);
    check(a ^ b, 0x09, "input status 1: retrace bits 3 and 0 change between reads");
    int n = 0;
    while (!(inb(0x3DA) & 0x08) && n < 100)
        n++;
    ok(n < 100, "a wait for vertical retrace ends");
    n = 0;
    while ((inb(0x3DA) & 0x08) && n < 100)
        n++;
    ok(n < 100, "a wait for the end of vertical retrace ends");

    inb(0x3DA);                       /* flip-flop to "index" */
    outb(0x3C0, 0x31);                /* overscan colour, palette source on */
    outb(0x3C0, 0x01);
    check(inb(0x3C0), 0x31, "attribute index reads back at 0x3C0");
    check(inb(0x3C1), 0x01, "attribute data reads back at 0x3C1");
    outb(0x3C0, 0x32);                /* taken as an index: the flip-flop toggled */
    inb(0x3DA);
    outb(0x3C0, 0x31);                /* index again after the reset */
    outb(0x3C0, 0x00);
    outb(0x3C0, 0x31);
    check(inb(0x3C1), 0x00, "reading 0x3DA puts the attribute flip-flop back to index");
    inb(0x3DA);
    outb(0x3C0, 0x20);                /* leave palette source on: display enabled */
}

static void mono_and_others(void)
{
    check(inb(0x3B5), 0xFF, "colour mode: the mono CRTC address is not decoded");
    outb(0x3C2, 0x66);                /* misc bit 0 = 0: CRTC at 0x3B4 */
    outb(0x3B4, 0x0F);
    check(inb(0x3B5), (2 * 80 + 5) & 0xFF, "mono addressing: the same CRTC at 0x3B4/0x3B5");
    check(inb(0x3D5), 0xFF, "... and 0x3D5 is no longer decoded");
    outb(0x3C2, 0x67);

    outb(0x3C8, 0x10);
    outb(0x3C9, 0x3F);
    outb(0x3C9, 0x20);
    outb(0x3C9, 0x01);
    outb(0x3C7, 0x10);
    check(inb(0x3C9), 0x3F, "DAC: red of entry 0x10 reads back");
    check(inb(0x3C9), 0x20, "... green");
    check(inb(0x3C9), 0x01, "... blue");
    check(inb(0x3C7) & 3, 3, "DAC state: read mode");

    outw(0x3C4, 0x0F02);
    check(inb(0x3C5), 0x0F, "sequencer map mask reads back");
    outw(0x3CE, 0x0E06);
    check(inb(0x3CF), 0x0E, "graphics controller misc reads back (text at 0xB8000)");
}

void test_main(void)
{
    text_buffer();
    crtc();
    status_and_attr();
    mono_and_others();
}
