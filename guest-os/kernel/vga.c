/*
 * vga.c: the VGA text screen, 80x25 cells of (character, attribute) at
 * physical 0xB8000, with the hardware cursor moved through the CRT
 * controller's cursor-location registers (0x0E, 0x0F at port 0x3D4).
 */
#include "console.h"
#include "lib.h"
#include "mmu.h"
#include "x86.h"

#define COLS 80
#define ROWS 25
#define ATTR 0x0700
#define CRTC_INDEX 0x3D4
#define CRTC_DATA 0x3D5

static uint16_t *screen;
static unsigned pos;

static void move_cursor(void)
{
    outb(CRTC_INDEX, 0x0E);
    outb(CRTC_DATA, (uint8_t)(pos >> 8));
    outb(CRTC_INDEX, 0x0F);
    outb(CRTC_DATA, (uint8_t)pos);
}

void vga_init(void)
{
    screen = P2V(0xB8000);
    for (unsigned i = 0; i < COLS * ROWS; i++)
        screen[i] = ATTR | ' ';
    pos = 0;
    move_cursor();
}

static void scroll(void)
{
    memmove(screen, screen + COLS, (ROWS - 1) * COLS * sizeof *screen);
    for (unsigned i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
        screen[i] = ATTR | ' ';
    pos -= COLS;
}

void vga_putc(char c)
{
    if (!screen)
        return;
    switch (c) {
    case '\n': pos += COLS - pos % COLS; break;
    case '\r': pos -= pos % COLS; break;
    case '\b':
        if (pos % COLS)
            screen[--pos] = ATTR | ' ';
        break;
    case '\t': pos = (pos + 8) & ~7u; break;
    default: screen[pos++] = (uint16_t)(ATTR | (uint8_t)c); break;
    }
    if (pos >= COLS * ROWS)
        scroll();
    move_cursor();
}
