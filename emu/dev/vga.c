/*
 * vga.c: VGA registers for 80x25 text mode. Register names and reset
 * values follow the IBM VGA Technical Reference (mode 3 register tables).
 *
 * Rules kept here:
 *  - The text buffer is guest RAM at 0xB8000; we never copy it. The CRTC
 *    start address (0x0C/0x0D, in character cells) moves the visible
 *    window through the 32 KiB at 0xB8000; a start that would show bytes
 *    past 0xBFFFF (outside guest-visible text memory) is taken as 0.
 *  - The CRTC answers at 0x3D4/0x3D5 when misc-output bit 0 is 1 (colour,
 *    the power-on value) and at 0x3B4/0x3B5 when it is 0, as on a real
 *    VGA; the other pair reads 0xFF. Input status 1 follows the same
 *    choice (0x3DA or 0x3BA).
 *  - Input status 1 alternates the retrace bits (3 and 0) on every read,
 *    so "wait for retrace, then wait for its end" loops finish at once
 *    and deterministically. Reading it also resets the attribute
 *    controller's flip-flop to "index next".
 *  - The cursor location is an address in display memory like the start
 *    address; vga_cursor reports it relative to the start, and not
 *    visible when CRTC 0x0A bit 5 is set, when the start scanline is
 *    below the end scanline (no cursor on a VGA), or off screen.
 *  - A 16-bit OUT writes the index and the data port in one go
 *    (low byte to the port, high byte to the port + 1).
 *  - Sequencer, graphics controller, attribute controller and DAC keep
 *    what is written and give it back; they do not change the picture.
 */
#include "vga.h"

#include <string.h>

#define VGA_WINDOW 0x8000u  /* bytes at 0xB8000 a colour text mode can show */

#define MISC_COLOR 0x01
#define CRTC_CURSOR_START 0x0A
#define CRTC_CURSOR_END 0x0B
#define CRTC_START_HI 0x0C
#define CRTC_START_LO 0x0D
#define CRTC_CURSOR_HI 0x0E
#define CRTC_CURSOR_LO 0x0F
#define CURSOR_OFF 0x20

/* Mode 3 (80x25 text, 9x16 cells) as the BIOS sets it up. */
static const uint8_t mode3_crtc[25] = {
    0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E,
    0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
};
static const uint8_t mode3_seq[5] = {0x03, 0x00, 0x03, 0x00, 0x02};
static const uint8_t mode3_gc[9] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF};
static const uint8_t mode3_attr[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
    0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00,
};

static bool crtc_port_live(const struct vga *v, uint16_t port)
{
    bool mono_port = (port & 0xFFF0) == 0x3B0;
    return mono_port != ((v->misc & MISC_COLOR) != 0);
}

static uint8_t input_status1(struct vga *v)
{
    v->attr_data_next = false;
    v->status_reads++;
    return (v->status_reads & 1) ? 0x09 : 0x00;
}

static uint8_t dac_read_data(struct vga *v)
{
    uint8_t c = v->dac[v->dac_read][v->dac_comp];
    if (++v->dac_comp == 3) {
        v->dac_comp = 0;
        v->dac_read++;
    }
    return c;
}

static void dac_write_data(struct vga *v, uint8_t c)
{
    v->dac[v->dac_write][v->dac_comp] = c & 0x3F;
    if (++v->dac_comp == 3) {
        v->dac_comp = 0;
        v->dac_write++;
    }
}

static uint8_t vga_read8(struct vga *v, uint16_t port)
{
    switch (port) {
    case 0x3B4: case 0x3D4:
        return crtc_port_live(v, port) ? v->crtc_index : 0xFF;
    case 0x3B5: case 0x3D5:
        if (!crtc_port_live(v, port))
            return 0xFF;
        return v->crtc_index < sizeof v->crtc ? v->crtc[v->crtc_index] : 0xFF;
    case 0x3BA: case 0x3DA:
        return crtc_port_live(v, port) ? input_status1(v) : 0xFF;
    case 0x3C0:
        return v->attr_index;
    case 0x3C1:
        return v->attr[v->attr_index & 0x1F];
    case 0x3C2:
        return 0x00;  /* input status 0: no retrace interrupt pending */
    case 0x3C4:
        return v->seq_index;
    case 0x3C5:
        return v->seq[v->seq_index & 7];
    case 0x3C6:
        return v->dac_mask;
    case 0x3C7:
        return v->dac_reading ? 0x03 : 0x00;
    case 0x3C8:
        return v->dac_write;
    case 0x3C9:
        return dac_read_data(v);
    case 0x3CA:
        return v->feature;
    case 0x3CC:
        return v->misc;
    case 0x3CE:
        return v->gc_index;
    case 0x3CF:
        return v->gc[v->gc_index & 15];
    default:
        return 0xFF;
    }
}

static void attr_write(struct vga *v, uint8_t b)
{
    if (v->attr_data_next)
        v->attr[v->attr_index & 0x1F] = b;
    else
        v->attr_index = b & 0x3F;  /* bit 5: palette address source */
    v->attr_data_next = !v->attr_data_next;
}

static void vga_write8(struct vga *v, uint16_t port, uint8_t b)
{
    switch (port) {
    case 0x3B4: case 0x3D4:
        if (crtc_port_live(v, port))
            v->crtc_index = b;
        break;
    case 0x3B5: case 0x3D5:
        if (crtc_port_live(v, port) && v->crtc_index < sizeof v->crtc)
            v->crtc[v->crtc_index] = b;
        break;
    case 0x3BA: case 0x3DA:
        if (crtc_port_live(v, port))
            v->feature = b;
        break;
    case 0x3C0:
        attr_write(v, b);
        break;
    case 0x3C2:
        v->misc = b;
        break;
    case 0x3C4:
        v->seq_index = b;
        break;
    case 0x3C5:
        v->seq[v->seq_index & 7] = b;
        break;
    case 0x3C6:
        v->dac_mask = b;
        break;
    case 0x3C7:
        v->dac_read = b;
        v->dac_comp = 0;
        v->dac_reading = true;
        break;
    case 0x3C8:
        v->dac_write = b;
        v->dac_comp = 0;
        v->dac_reading = false;
        break;
    case 0x3C9:
        dac_write_data(v, b);
        break;
    case 0x3CE:
        v->gc_index = b;
        break;
    case 0x3CF:
        v->gc[v->gc_index & 15] = b;
        break;
    default:
        break;
    }
}

static uint32_t vga_read(void *opaque, uint16_t port, unsigned size)
{
    struct vga *v = opaque;
    uint32_t r = 0;
    for (unsigned j = 0; j < size; j++)
        r |= (uint32_t)vga_read8(v, (uint16_t)(port + j)) << (8 * j);
    return r;
}

static void vga_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct vga *v = opaque;
    for (unsigned j = 0; j < size; j++)
        vga_write8(v, (uint16_t)(port + j), (uint8_t)(val >> (8 * j)));
}

static unsigned crtc_word(const struct vga *v, unsigned hi)
{
    return (unsigned)v->crtc[hi] << 8 | v->crtc[hi + 1];
}

/* The start address in bytes from 0xB8000, kept inside the window. */
static unsigned start_offset(const struct vga *v)
{
    unsigned off = 2 * crtc_word(v, CRTC_START_HI);
    return off + 2 * VGA_COLS * VGA_ROWS <= VGA_WINDOW ? off : 0;
}

const uint8_t *vga_text(const struct vga *v)
{
    return v->ram + VGA_TEXT_BASE + start_offset(v);
}

void vga_cursor(const struct vga *v, unsigned *row, unsigned *col, bool *visible,
                unsigned *start_line, unsigned *end_line)
{
    unsigned start = start_offset(v) / 2;
    unsigned loc = crtc_word(v, CRTC_CURSOR_HI);
    unsigned cell = loc - start;  /* wraps to a huge value when above the screen */
    uint8_t cs = v->crtc[CRTC_CURSOR_START], ce = v->crtc[CRTC_CURSOR_END];
    bool on_screen = loc >= start && cell < VGA_COLS * VGA_ROWS;
    *row = on_screen ? cell / VGA_COLS : 0;
    *col = on_screen ? cell % VGA_COLS : 0;
    *start_line = cs & 0x1F;
    *end_line = ce & 0x1F;
    *visible = on_screen && !(cs & CURSOR_OFF) && *start_line <= *end_line;
}

void vga_init(struct vga *v, struct bus *b, uint8_t *ram)
{
    memset(v, 0, sizeof *v);
    v->ram = ram;
    v->misc = 0x67;
    v->dac_mask = 0xFF;
    memcpy(v->crtc, mode3_crtc, sizeof mode3_crtc);
    memcpy(v->seq, mode3_seq, sizeof mode3_seq);
    memcpy(v->gc, mode3_gc, sizeof mode3_gc);
    memcpy(v->attr, mode3_attr, sizeof mode3_attr);
    v->attr_index = 0x20;  /* palette address source set: display enabled */
    bus_register_io(b, 0x3B4, 2, vga_read, vga_write, v);
    bus_register_io(b, 0x3BA, 1, vga_read, vga_write, v);
    bus_register_io(b, 0x3C0, 16, vga_read, vga_write, v);
    bus_register_io(b, 0x3D4, 2, vga_read, vga_write, v);
    bus_register_io(b, 0x3DA, 1, vga_read, vga_write, v);
}
