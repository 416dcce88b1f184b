/*
 * keymap.h: host keys (SDL scancodes, which are USB HID usage IDs) as
 * PS/2 scan code set 2 byte sequences.
 */
#ifndef ISOLA_UI_KEYMAP_H
#define ISOLA_UI_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <SDL_scancode.h>

#define KEYMAP_SEQ_MAX 8

/* The set-2 bytes for pressing (down) or releasing key sc, written to out.
 * Returns how many; 0 if the key has no PS/2 code (or, for Pause, no
 * release code). */
unsigned keymap_set2(SDL_Scancode sc, bool down, uint8_t out[KEYMAP_SEQ_MAX]);

#endif
