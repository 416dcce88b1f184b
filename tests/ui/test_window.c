/*
 * test_window.c: host keys to PS/2 set 2 (emu/ui/keymap.c) and the SDL
 * window (emu/ui/sdl.c) run headless on SDL's dummy video driver: it
 * opens, redraws, turns pushed key events into set-2 bytes, releases
 * held keys on focus loss, and reports the window being closed.
 *
 * Rules kept here: the keyboard controller is a stub that records the
 * bytes it is given; expected codes come from the set-2 tables of the
 * Microsoft "Keyboard Scan Code Specification"; the exit status is the
 * number of failed checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "dev/i8042.h"
#include "ui/keymap.h"
#include "ui/window.h"

#include "../unit/check.h"

/* ---- the stub keyboard controller ---- */

static struct i8042 fake_kbd;
static uint8_t got[256];
static unsigned ngot;

void i8042_key_set2(struct i8042 *k, const uint8_t *bytes, unsigned n)
{
    CHECK(k == &fake_kbd);
    for (unsigned i = 0; i < n && ngot < sizeof got; i++)
        got[ngot++] = bytes[i];
}

static bool got_is(const uint8_t *want, unsigned n)
{
    bool same = ngot == n && memcmp(got, want, n) == 0;
    if (!same) {
        printf("  got:");
        for (unsigned i = 0; i < ngot; i++)
            printf(" %02X", got[i]);
        printf("\n");
    }
    ngot = 0;
    return same;
}

#define GOT(...)                                                          \
    got_is((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

/* ---- keymap ---- */

static bool seq_is(SDL_Scancode sc, bool down, const uint8_t *want, unsigned n)
{
    uint8_t out[KEYMAP_SEQ_MAX];
    unsigned k = keymap_set2(sc, down, out);
    return k == n && memcmp(out, want, n) == 0;
}

#define SEQ(sc, down, ...)                                                \
    seq_is(sc, down, (const uint8_t[]){__VA_ARGS__},                      \
           sizeof((const uint8_t[]){__VA_ARGS__}))

static void test_keymap(void)
{
    uint8_t out[KEYMAP_SEQ_MAX];
    CHECK(SEQ(SDL_SCANCODE_A, true, 0x1C));
    CHECK(SEQ(SDL_SCANCODE_A, false, 0xF0, 0x1C));
    CHECK(SEQ(SDL_SCANCODE_Z, true, 0x1A));
    CHECK(SEQ(SDL_SCANCODE_1, true, 0x16));
    CHECK(SEQ(SDL_SCANCODE_0, true, 0x45));
    CHECK(SEQ(SDL_SCANCODE_RETURN, true, 0x5A));
    CHECK(SEQ(SDL_SCANCODE_ESCAPE, false, 0xF0, 0x76));
    CHECK(SEQ(SDL_SCANCODE_BACKSPACE, true, 0x66));
    CHECK(SEQ(SDL_SCANCODE_SPACE, true, 0x29));
    CHECK(SEQ(SDL_SCANCODE_F1, true, 0x05));
    CHECK(SEQ(SDL_SCANCODE_F7, true, 0x83));
    CHECK(SEQ(SDL_SCANCODE_F12, true, 0x07));
    CHECK(SEQ(SDL_SCANCODE_LSHIFT, true, 0x12));
    CHECK(SEQ(SDL_SCANCODE_RSHIFT, true, 0x59));
    CHECK(SEQ(SDL_SCANCODE_RCTRL, true, 0xE0, 0x14));
    CHECK(SEQ(SDL_SCANCODE_RALT, false, 0xE0, 0xF0, 0x11));
    CHECK(SEQ(SDL_SCANCODE_UP, true, 0xE0, 0x75));
    CHECK(SEQ(SDL_SCANCODE_LEFT, false, 0xE0, 0xF0, 0x6B));
    CHECK(SEQ(SDL_SCANCODE_DELETE, true, 0xE0, 0x71));
    CHECK(SEQ(SDL_SCANCODE_KP_PERIOD, true, 0x71));      /* the same key without E0 */
    CHECK(SEQ(SDL_SCANCODE_KP_ENTER, true, 0xE0, 0x5A));
    CHECK(SEQ(SDL_SCANCODE_KP_DIVIDE, true, 0xE0, 0x4A));
    CHECK(SEQ(SDL_SCANCODE_PRINTSCREEN, true, 0xE0, 0x12, 0xE0, 0x7C));
    CHECK(SEQ(SDL_SCANCODE_PRINTSCREEN, false, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12));
    CHECK(SEQ(SDL_SCANCODE_PAUSE, true, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77));
    CHECK(keymap_set2(SDL_SCANCODE_PAUSE, false, out) == 0);
    CHECK(keymap_set2(SDL_SCANCODE_UNKNOWN, true, out) == 0);
    CHECK(keymap_set2(SDL_SCANCODE_MUTE, true, out) == 0);
    CHECK(keymap_set2((SDL_Scancode)SDL_NUM_SCANCODES, true, out) == 0);

    /* no two keys share a make code, except the ISO '#' key with '\' */
    for (int a = 0; a < SDL_NUM_SCANCODES; a++) {
        uint8_t sa[KEYMAP_SEQ_MAX], sb[KEYMAP_SEQ_MAX];
        unsigned na = keymap_set2((SDL_Scancode)a, true, sa);
        if (na == 0 || a == SDL_SCANCODE_NONUSHASH)
            continue;
        for (int b = a + 1; b < SDL_NUM_SCANCODES; b++) {
            unsigned nb = keymap_set2((SDL_Scancode)b, true, sb);
            if (b != SDL_SCANCODE_NONUSHASH && nb == na && memcmp(sa, sb, na) == 0) {
                printf("FAIL: scancodes %d and %d share a make code\n", a, b);
                failures++;
            }
        }
    }
}

/* ---- the window ---- */

static void push_key(SDL_Scancode sc, bool down)
{
    SDL_Event e = {.type = down ? SDL_KEYDOWN : SDL_KEYUP};
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.scancode = sc;
    SDL_PushEvent(&e);
}

static void push_window_event(Uint8 what)
{
    SDL_Event e = {.type = SDL_WINDOWEVENT};
    e.window.event = what;
    SDL_PushEvent(&e);
}

static void test_window(void)
{
    static uint8_t cells[TEXT_ROWS * TEXT_COLS * 2];
    for (unsigned k = 0; k < TEXT_ROWS * TEXT_COLS; k++) {
        cells[2 * k] = (uint8_t)k;
        cells[2 * k + 1] = (uint8_t)(k | 0x80);
    }
    struct text_screen s = {.cells = cells, .blink_enabled = true, .cursor_visible = true,
                            .cursor_row = 3, .cursor_col = 4, .cursor_start = 14,
                            .cursor_end = 15};
    char err[256] = "";

    struct window *w = window_open(&fake_kbd, err, sizeof err);
    CHECK(w != NULL);
    if (!w) {
        printf("window_open: %s\n", err);
        return;
    }
    for (int k = 0; k < 5; k++) {
        CHECK(window_poll(w, &s));
        cells[0]++;
        s.cursor_col = (unsigned)k;
        SDL_Delay(10);
    }
    CHECK(ngot == 0);

    push_key(SDL_SCANCODE_A, true);
    push_key(SDL_SCANCODE_A, true);           /* host key repeat: another make */
    push_key(SDL_SCANCODE_A, false);
    CHECK(window_poll(w, &s));
    CHECK(GOT(0x1C, 0x1C, 0xF0, 0x1C));

    push_key(SDL_SCANCODE_UP, true);
    push_key(SDL_SCANCODE_UP, false);
    push_key(SDL_SCANCODE_MUTE, true);        /* no PS/2 code: nothing */
    CHECK(window_poll(w, &s));
    CHECK(GOT(0xE0, 0x75, 0xE0, 0xF0, 0x75));

    /* a release the guest never saw pressed is not sent */
    push_key(SDL_SCANCODE_B, false);
    CHECK(window_poll(w, &s));
    CHECK(ngot == 0);

    /* keys held when the focus goes are released */
    push_key(SDL_SCANCODE_LSHIFT, true);
    push_key(SDL_SCANCODE_RCTRL, true);
    push_window_event(SDL_WINDOWEVENT_FOCUS_LOST);
    CHECK(window_poll(w, &s));
    CHECK(GOT(0x12, 0xE0, 0x14, 0xF0, 0x12, 0xE0, 0xF0, 0x14));
    push_key(SDL_SCANCODE_LSHIFT, false);     /* already released */
    push_window_event(SDL_WINDOWEVENT_EXPOSED);
    CHECK(window_poll(w, &s));
    CHECK(ngot == 0);

    SDL_Event quit = {.type = SDL_QUIT};
    SDL_PushEvent(&quit);
    CHECK(!window_poll(w, &s));
    window_close(w);

    /* it opens again after a close */
    w = window_open(NULL, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        push_key(SDL_SCANCODE_A, true);       /* no keyboard: dropped */
        CHECK(window_poll(w, &s));
        CHECK(ngot == 0);
        window_close(w);
    }
}

/* No display, no window: even SDL's dummy driver does not count. */
static void test_available(void)
{
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    CHECK(!window_available());
}

int main(void)
{
    test_keymap();
    /* headless, whatever the environment */
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    test_window();
    test_available();
    SDL_Quit();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures;
}
