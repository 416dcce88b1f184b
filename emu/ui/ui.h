/*
 * The user interface: what the host shows of the machine and how host
 * keys reach it.
 *
 * Rules:
 * - The UI only reads the VGA text state (vga_text, vga_cursor) and only
 *   writes keyboard input (i8042_key_set2); it owns no guest state.
 * - Blinking (cursor, attribute bit 7) follows host time, never guest time:
 *   it is display-only and must not affect determinism.
 * - ui_screenshot draws with the same renderer the window uses.
 */
#ifndef ISOLA_UI_H
#define ISOLA_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vga;
struct i8042;
struct ui;

enum ui_mode {
    UI_SDL,  /* an SDL2 window showing the VGA text screen */
    UI_NONE,  /* no display at all */
    UI_NOGRAPHIC,  /* no display; the machine puts the serial port on the terminal */
};

/* Open the UI. Returns NULL and fills err on failure. kbd may be NULL. */
struct ui *ui_open(enum ui_mode mode, struct vga *vga, struct i8042 *kbd,
                   char *err, size_t errlen);

/* Called by the machine loop about every 10 ms of host time: redraw if
 * needed, blink, pump host events. Returns false when the user closed the
 * window (power off). */
bool ui_poll(struct ui *ui);

/* Write the current text screen as a 640x400 PNG. */
bool ui_screenshot(const struct vga *vga, const char *png_path,
                   char *err, size_t errlen);

/* True if SDL can open a window here (a display is set and SDL video starts). */
bool ui_display_available(void);

void ui_close(struct ui *ui);

#endif
