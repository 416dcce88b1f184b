/*
 * window.h: the SDL2 window that shows the text screen and takes keys.
 * Internal to emu/ui; the machine uses ui.h.
 */
#ifndef ISOLA_UI_WINDOW_H
#define ISOLA_UI_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

#include "render.h"

struct i8042;
struct window;

bool window_available(void);
/* kbd may be NULL: keys are then dropped. */
struct window *window_open(struct i8042 *kbd, char *err, size_t errlen);
/* Show s (redrawing only when something changed) and pass host events on.
 * Returns false when the user closed the window. */
bool window_poll(struct window *w, const struct text_screen *s);
void window_close(struct window *w);

#endif
