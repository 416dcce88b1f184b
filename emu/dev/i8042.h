/*
 * i8042.h: the PS/2 keyboard controller (ports 0x60/0x64, keyboard on
 * IRQ1, aux on IRQ12), the keyboard behind it, and System Control Port A
 * (port 0x92: fast A20 and fast reset).
 *
 * The keyboard speaks scancode set 2; the controller translates to set 1
 * when command-byte bit 6 is set, as on every PC. Host key events enter
 * as set-2 byte sequences (i8042_key_set2). There is no mouse: commands
 * for the aux device are answered with 0xFE (resend).
 *
 * A20 and reset leave the device through the callbacks the machine gives.
 */
#ifndef ISOLA_DEV_I8042_H
#define ISOLA_DEV_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq.h"
#include "vtime.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64
#define SYSCTL_A_PORT 0x92
#define I8042_QUEUE 256
/* Virtual time between two characters typed by i8042_type_string. */
#define I8042_TYPE_INTERVAL_NS 10000000ull

struct i8042_queue {
    uint16_t data[I8042_QUEUE];  /* a byte, plus a flag in the controller's queue */
    unsigned head, count;
};

struct i8042 {
    struct irq_line irq1, irq12;
    void (*set_a20)(void *opaque, bool on);
    void (*reset)(void *opaque);
    void *cb_opaque;

    /* controller */
    uint8_t status;
    uint8_t ram[32];          /* ram[0] is the command byte */
    uint8_t pending;          /* command waiting for its data byte at 0x60, or 0 */
    uint8_t obf;              /* the byte in the output buffer (valid if status & 1) */
    bool a20;
    bool xlat_break;          /* translation saw a set-2 0xF0 prefix */
    bool irq1_level, irq12_level;
    struct i8042_queue ctrl;  /* controller replies */
    struct i8042_queue aux;   /* bytes from the aux port */
    uint8_t port92;

    /* keyboard */
    struct i8042_queue kbd;   /* bytes the keyboard has to send */
    bool scanning;
    uint8_t kbd_expect;       /* keyboard command waiting for an argument, or 0 */
    uint8_t scancode_set;
    uint8_t leds;
    uint8_t last_sent;        /* for the 0xFE resend command */

    /* paced typing (i8042_type_string) */
    struct vclock *clock;
    struct vtimer type_timer;
    char typing[1024];
    unsigned type_pos, type_len;
};

void i8042_init(struct i8042 *k, struct bus *b, struct irq_line irq1,
                struct irq_line irq12, void (*set_a20)(void *, bool),
                void (*reset)(void *), void *cb_opaque);
/* Back to the power-on state, A20 on (through set_a20 if it was off).
 * Callbacks, clock and text still being typed are kept. */
void i8042_reset(struct i8042 *k);
/* A host key event as PS/2 set-2 bytes: make 0x1C ('A'), break F0 1C,
 * extended E0 ..; dropped while the keyboard is not scanning. */
void i8042_key_set2(struct i8042 *k, const uint8_t *bytes, unsigned n);
/* Optional: with a clock, i8042_type_string types one character every
 * I8042_TYPE_INTERVAL_NS; without one it queues them all at once. */
void i8042_set_clock(struct i8042 *k, struct vclock *clock);
/* Type ASCII text (printable, \n = Enter, \t = Tab, \b = Backspace,
 * \033 = Esc) as set-2 make/break codes, with Shift where needed.
 * Returns false (typing nothing) if a character has no key or the text
 * does not fit. */
bool i8042_type_string(struct i8042 *k, const char *s);
/* The set-2 make/break bytes for one ASCII character; returns the count
 * (0 when the character has no key). buf needs 8 bytes. */
unsigned i8042_char_set2(char ch, uint8_t *buf);
/* The controller's set-2 -> set-1 translation of one byte (no prefix logic). */
uint8_t i8042_translate(uint8_t set2);

#endif
