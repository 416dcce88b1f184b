/*
 * ui.c: the user interface the machine sees (ui.h), on top of the
 * renderer, the SDL window and the PNG writer.
 *
 * Rules:
 * - The text screen is read from the VGA afresh on every poll and for
 *   every screenshot; the UI keeps no copy of guest state it relies on.
 * - A screenshot shows the visible half of the blink and no cursor, so
 *   the same guest state always gives the same file.
 */
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>

#include "dev/vga.h"
#include "png.h"
#include "render.h"
#include "window.h"

/* Attribute Mode Control register (attribute index 0x10), bit 3:
 * attribute bit 7 blinks (1) or selects bright backgrounds (0). */
#define AC_MODE_CONTROL 0x10
#define AC_MODE_BLINK 0x08

struct ui {
    enum ui_mode mode;
    struct vga *vga;
    struct window *win;  /* UI_SDL only */
};

static void text_screen_of(struct text_screen *s, const struct vga *vga)
{
    static const uint8_t blank[TEXT_ROWS * TEXT_COLS * 2];
    const uint8_t *cells = vga_text(vga);
    s->cells = cells ? cells : blank;
    s->blink_enabled = vga->attr[AC_MODE_CONTROL] & AC_MODE_BLINK;
    vga_cursor(vga, &s->cursor_row, &s->cursor_col, &s->cursor_visible,
               &s->cursor_start, &s->cursor_end);
}

bool ui_display_available(void)
{
    return window_available();
}

struct ui *ui_open(enum ui_mode mode, struct vga *vga, struct i8042 *kbd,
                   char *err, size_t errlen)
{
    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ui->mode = mode;
    ui->vga = vga;
    if (mode == UI_SDL) {
        ui->win = window_open(kbd, err, errlen);
        if (!ui->win) {
            free(ui);
            return NULL;
        }
    }
    return ui;
}

bool ui_poll(struct ui *ui)
{
    if (!ui || !ui->win)
        return true;
    struct text_screen s;
    text_screen_of(&s, ui->vga);
    return window_poll(ui->win, &s);
}

bool ui_screenshot(const struct vga *vga, const char *png_path, char *err, size_t errlen)
{
    uint8_t *pix = malloc(SCREEN_W * SCREEN_H);
    if (!pix) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    struct text_screen s;
    text_screen_of(&s, vga);
    render_text(pix, &s, true, false);
    bool ok = png_write_indexed(png_path, pix, SCREEN_W, SCREEN_H, vga_palette, 16,
                                err, errlen);
    free(pix);
    return ok;
}

void ui_close(struct ui *ui)
{
    if (!ui)
        return;
    if (ui->win)
        window_close(ui->win);
    free(ui);
}
