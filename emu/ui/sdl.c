/*
 * sdl.c: the SDL2 window: shows the rendered text screen, sends host
 * keys to the keyboard controller, and reports the window being closed.
 *
 * Rules:
 * - Host time drives only what the user sees (the blink); nothing here
 *   reaches the guest except key bytes.
 * - The screen is re-rendered only when the cells, the cursor or a blink
 *   phase changed, or the window system asked for a repaint.
 * - SDL must not install signal handlers: SIGINT/SIGTERM belong to the
 *   machine, which ends the run its own way.
 * - A key the guest saw go down is released when the window loses
 *   focus, so no key stays stuck down in the guest.
 * - The picture keeps its 640x400 proportion in a resizable window.
 */
#include "window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "dev/i8042.h"
#include "keymap.h"

/* The VGA's blink counter runs off vertical sync (70 Hz in text mode):
 * the cursor's blink cycle is 16 frames, the characters' 32 frames, so
 * the cursor toggles every 8 frames (~4.4 Hz cycle) and blinking text
 * every 16 (~2.2 Hz). */
#define FRAME_HZ 70
#define CURSOR_HALF_FRAMES 8
#define TEXT_HALF_FRAMES 16

struct window {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    struct i8042 *kbd;
    uint8_t pix[SCREEN_W * SCREEN_H];
    uint32_t argb[SCREEN_W * SCREEN_H];
    uint32_t palette_argb[16];
    bool held[SDL_NUM_SCANCODES];  /* keys the guest saw go down */

    /* what is on the screen now */
    bool drawn;
    uint8_t shown_cells[TEXT_ROWS * TEXT_COLS * 2];
    struct text_screen shown;
    bool shown_text_on, shown_cursor_on;
};

/* Once nothing else of SDL is in use, SDL_Quit frees the rest of it. */
static void video_quit(void)
{
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    if (SDL_WasInit(SDL_INIT_EVERYTHING) == 0)
        SDL_Quit();
}

static bool video_init(char *err, size_t errlen)
{
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot start SDL video: %s", SDL_GetError());
        return false;
    }
    return true;
}

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

bool window_available(void)
{
    char err[256];
    if (!env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY"))
        return false;
    if (!video_init(err, sizeof err))
        return false;
    video_quit();
    return true;
}

/* Twice the VGA's size when the desktop has room for it. */
static int initial_scale(void)
{
    SDL_DisplayMode dm;
    if (SDL_GetDesktopDisplayMode(0, &dm) == 0 &&
        dm.w >= 2 * SCREEN_W + 100 && dm.h >= 2 * SCREEN_H + 100)
        return 2;
    return 1;
}

static bool create_window(struct window *w, char *err, size_t errlen)
{
    int scale = initial_scale();
    w->win = SDL_CreateWindow("isola", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                              SCREEN_W * scale, SCREEN_H * scale, SDL_WINDOW_RESIZABLE);
    if (!w->win) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        return false;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    w->ren = SDL_CreateRenderer(w->win, -1, 0);
    if (!w->ren) {
        snprintf(err, errlen, "cannot create an SDL renderer: %s", SDL_GetError());
        return false;
    }
    SDL_RenderSetLogicalSize(w->ren, SCREEN_W, SCREEN_H);
    w->tex = SDL_CreateTexture(w->ren, SDL_PIXELFORMAT_ARGB8888,
                               SDL_TEXTUREACCESS_STREAMING, SCREEN_W, SCREEN_H);
    if (!w->tex) {
        snprintf(err, errlen, "cannot create an SDL texture: %s", SDL_GetError());
        return false;
    }
    return true;
}

static void destroy(struct window *w)
{
    if (w->tex)
        SDL_DestroyTexture(w->tex);
    if (w->ren)
        SDL_DestroyRenderer(w->ren);
    if (w->win)
        SDL_DestroyWindow(w->win);
    video_quit();
    free(w);
}

struct window *window_open(struct i8042 *kbd, char *err, size_t errlen)
{
    struct window *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!video_init(err, errlen)) {
        free(w);
        return NULL;
    }
    if (!create_window(w, err, errlen)) {
        destroy(w);
        return NULL;
    }
    w->kbd = kbd;
    for (int k = 0; k < 16; k++)
        w->palette_argb[k] = 0xFF000000u | (uint32_t)vga_palette[k][0] << 16 |
                             (uint32_t)vga_palette[k][1] << 8 | vga_palette[k][2];
    /* Keys come as scancodes; text input would only open input methods. */
    SDL_StopTextInput();
    return w;
}

static void send_key(struct window *w, SDL_Scancode sc, bool down)
{
    uint8_t seq[KEYMAP_SEQ_MAX];
    unsigned n = keymap_set2(sc, down, seq);
    if ((unsigned)sc < SDL_NUM_SCANCODES)
        w->held[sc] = down;
    if (n && w->kbd)
        i8042_key_set2(w->kbd, seq, n);
}

static void release_all(struct window *w)
{
    for (unsigned sc = 0; sc < SDL_NUM_SCANCODES; sc++)
        if (w->held[sc])
            send_key(w, (SDL_Scancode)sc, false);
}

/* Returns false when the window was closed. */
static bool handle_event(struct window *w, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        return false;
    case SDL_KEYDOWN:
        send_key(w, e->key.keysym.scancode, true);
        break;
    case SDL_KEYUP:
        if ((unsigned)e->key.keysym.scancode < SDL_NUM_SCANCODES &&
            w->held[e->key.keysym.scancode])
            send_key(w, e->key.keysym.scancode, false);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_FOCUS_LOST)
            release_all(w);
        else if (e->window.event == SDL_WINDOWEVENT_EXPOSED ||
                 e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            w->drawn = false;
        break;
    }
    return true;
}

static bool any_blinking(const struct text_screen *s)
{
    if (!s->blink_enabled)
        return false;
    for (unsigned k = 0; k < TEXT_ROWS * TEXT_COLS; k++)
        if (s->cells[2 * k + 1] & 0x80)
            return true;
    return false;
}

static bool screen_changed(const struct window *w, const struct text_screen *s,
                           bool text_on, bool cursor_on)
{
    const struct text_screen *o = &w->shown;
    return !w->drawn || text_on != w->shown_text_on || cursor_on != w->shown_cursor_on ||
           s->blink_enabled != o->blink_enabled ||
           s->cursor_visible != o->cursor_visible || s->cursor_row != o->cursor_row ||
           s->cursor_col != o->cursor_col || s->cursor_start != o->cursor_start ||
           s->cursor_end != o->cursor_end ||
           memcmp(s->cells, w->shown_cells, sizeof w->shown_cells) != 0;
}

static void present(struct window *w, const struct text_screen *s, bool text_on,
                    bool cursor_on)
{
    render_text(w->pix, s, text_on, cursor_on);
    for (unsigned k = 0; k < SCREEN_W * SCREEN_H; k++)
        w->argb[k] = w->palette_argb[w->pix[k] & 15];
    SDL_UpdateTexture(w->tex, NULL, w->argb, SCREEN_W * sizeof w->argb[0]);
    SDL_SetRenderDrawColor(w->ren, 0, 0, 0, 255);
    SDL_RenderClear(w->ren);
    SDL_RenderCopy(w->ren, w->tex, NULL, NULL);
    SDL_RenderPresent(w->ren);

    memcpy(w->shown_cells, s->cells, sizeof w->shown_cells);
    w->shown = *s;
    w->shown.cells = w->shown_cells;
    w->shown_text_on = text_on;
    w->shown_cursor_on = cursor_on;
    w->drawn = true;
}

bool window_poll(struct window *w, const struct text_screen *s)
{
    SDL_Event e;
    bool open = true;
    while (SDL_PollEvent(&e))
        if (!handle_event(w, &e))
            open = false;
    if (!open)
        return false;

    /* A blink phase that changes nothing on the screen is not a change. */
    uint64_t frame = SDL_GetTicks64() * FRAME_HZ / 1000;
    bool text_on = (frame / TEXT_HALF_FRAMES) % 2 == 0 || !any_blinking(s);
    bool cursor_on = (frame / CURSOR_HALF_FRAMES) % 2 == 0 && s->cursor_visible;
    if (screen_changed(w, s, text_on, cursor_on))
        present(w, s, text_on, cursor_on);
    return true;
}

void window_close(struct window *w)
{
    if (w)
        destroy(w);
}
