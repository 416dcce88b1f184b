/*
 * test_i8042.c: the PS/2 controller and keyboard through ports 0x60/0x64
 * and 0x92, with no CPU: self tests, the command byte, keyboard commands,
 * key events with and without set-1 translation, IRQ1 edges, A20 through
 * the output port and port 0x92, reset through 0xFE, 0xD1 and 0x92, and
 * typed text (with and without a clock).
 *
 * Rules kept here: a struct bus and bus_in/bus_out only; each failed check
 * prints a line; the exit status is the number of failed checks.
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "dev/i8042.h"
#include "vtime.h"

#include "check.h"

struct line {
    bool level;
    unsigned edges;
};

struct board {
    int a20_calls, resets;
    bool a20;
};

static struct bus bus;
static struct line irq1, irq12;
static struct board board;
static struct i8042 kbd;

static void line_set(void *opaque, unsigned irq, bool level)
{
    struct line *l = opaque;
    (void)irq;
    if (level && !l->level)
        l->edges++;
    l->level = level;
}

static void on_a20(void *opaque, bool on)
{
    struct board *b = opaque;
    b->a20_calls++;
    b->a20 = on;
}

static void on_reset(void *opaque)
{
    struct board *b = opaque;
    b->resets++;
}

static uint8_t status(void) { return (uint8_t)bus_in(&bus, 0x64, 1); }
static uint8_t data(void) { return (uint8_t)bus_in(&bus, 0x60, 1); }
static void cmd(uint8_t v) { bus_out(&bus, 0x64, 1, v); }
static void put(uint8_t v) { bus_out(&bus, 0x60, 1, v); }

/* Read one byte if the output buffer is full, else -1. */
static int get(void)
{
    return (status() & 1) ? data() : -1;
}

static void setup(void)
{
    bus_init(&bus);
    irq1 = irq12 = (struct line){0};
    board = (struct board){.a20 = true};
    i8042_init(&kbd, &bus, (struct irq_line){line_set, &irq1, 1},
               (struct irq_line){line_set, &irq12, 12}, on_a20, on_reset, &board);
}

static void test_controller(void)
{
    setup();
    EQ(status() & 0x01, 0);
    EQ(status() & 0x14, 0x14);       /* unlocked, system flag */
    cmd(0xAA);
    EQ(status() & 0x09, 0x09);       /* OBF, last write was a command */
    EQ(get(), 0x55);
    EQ(get(), -1);
    cmd(0xAB);
    EQ(get(), 0x00);
    cmd(0xA9);
    EQ(get(), 0x00);
    cmd(0x20);
    EQ(get(), 0x45);
    EQ(irq1.edges, 4);               /* controller replies raise IRQ1 too */
    /* the command byte: IRQ1 off */
    cmd(0x60);
    put(0x44);
    EQ(status() & 0x08, 0);          /* last write was data */
    cmd(0x20);
    EQ(get(), 0x44);
    EQ(irq1.edges, 4);
    cmd(0xAD);
    cmd(0x20);
    EQ(get(), 0x54);
    cmd(0xAE);
    cmd(0xA7);
    cmd(0x20);
    EQ(get(), 0x64);
    cmd(0xA8);
    cmd(0x20);
    EQ(get(), 0x44);
    /* system flag follows command-byte bit 2 */
    cmd(0x60);
    put(0x40);
    EQ(status() & 0x04, 0);
    /* internal RAM beyond the command byte */
    cmd(0x65);
    put(0x5A);
    cmd(0x25);
    EQ(get(), 0x5A);
    /* 0xD2: a byte as if from the keyboard, with IRQ1 when enabled */
    cmd(0x60);
    put(0x01);
    cmd(0xD2);
    put(0x99);
    CHECK(irq1.level);
    EQ(data(), 0x99);
    CHECK(!irq1.level);
    /* 0xD3: as if from the aux device: status bit 5, IRQ12 when enabled */
    cmd(0x60);
    put(0x02);
    cmd(0xD3);
    put(0x77);
    EQ(status() & 0x21, 0x21);
    CHECK(irq12.level && !irq1.level);
    EQ(data(), 0x77);
    CHECK(!irq12.level);
    /* ... even with the aux port disabled (drivers probe the port so) */
    cmd(0xA7);
    cmd(0xD3);
    put(0x5A);
    EQ(status() & 0x21, 0x21);
    EQ(data(), 0x5A);
    cmd(0xA8);
    /* no mouse */
    cmd(0xD4);
    put(0xFF);
    EQ(status() & 0x21, 0x21);
    EQ(data(), 0xFE);
}

static void test_keyboard_commands(void)
{
    setup();
    cmd(0x60);
    put(0x00);                       /* no IRQs, no translation */
    put(0xFF);
    EQ(get(), 0xFA);
    EQ(get(), 0xAA);
    put(0xF2);
    EQ(get(), 0xFA);
    EQ(get(), 0xAB);
    EQ(get(), 0x83);
    put(0xEE);
    EQ(get(), 0xEE);
    put(0xED);
    EQ(get(), 0xFA);
    put(0x07);
    EQ(get(), 0xFA);
    EQ(kbd.leds, 7);
    put(0xF3);
    EQ(get(), 0xFA);
    put(0x20);
    EQ(get(), 0xFA);
    put(0xF0);
    EQ(get(), 0xFA);
    put(0x00);
    EQ(get(), 0xFA);
    EQ(get(), 0x02);
    put(0xF0);
    get();
    put(0x03);
    EQ(get(), 0xFE);                 /* set 3 refused */
    put(0x12);
    EQ(get(), 0xFE);                 /* not a command */
    put(0xFE);
    EQ(get(), 0xFE);                 /* resend the last byte */
    /* scanning off: key events are dropped */
    put(0xF5);
    EQ(get(), 0xFA);
    i8042_key_set2(&kbd, (const uint8_t[]){0x1C}, 1);
    EQ(get(), -1);
    put(0xF4);
    EQ(get(), 0xFA);
    i8042_key_set2(&kbd, (const uint8_t[]){0x1C}, 1);
    EQ(get(), 0x1C);
    /* with translation the identify reply is translated too (83 -> 41) */
    cmd(0x60);
    put(0x40);
    put(0xF2);
    EQ(get(), 0xFA);
    EQ(get(), 0xAB);
    EQ(get(), 0x41);
}

static void test_keys(void)
{
    static const uint8_t a_make[] = {0x1C}, a_break[] = {0xF0, 0x1C};
    static const uint8_t rctrl[] = {0xE0, 0x14, 0xE0, 0xF0, 0x14};
    static const uint8_t f7[] = {0x83, 0xF0, 0x83};
    setup();
    /* translation on (the default), IRQ1 on */
    i8042_key_set2(&kbd, a_make, 1);
    CHECK(irq1.level);
    EQ(irq1.edges, 1);
    EQ(data(), 0x1E);
    CHECK(!irq1.level);
    i8042_key_set2(&kbd, a_break, 2);
    EQ(irq1.edges, 2);
    EQ(data(), 0x9E);
    i8042_key_set2(&kbd, rctrl, sizeof rctrl);
    EQ(data(), 0xE0);
    EQ(data(), 0x1D);
    EQ(data(), 0xE0);
    EQ(data(), 0x9D);
    EQ(irq1.edges, 6);               /* one edge per byte */
    i8042_key_set2(&kbd, f7, sizeof f7);
    EQ(data(), 0x41);
    EQ(data(), 0xC1);
    CHECK(!irq1.level);
    /* translation off: set 2 as the keyboard sends it */
    cmd(0x60);
    put(0x01);
    i8042_key_set2(&kbd, a_make, 1);
    i8042_key_set2(&kbd, a_break, 2);
    EQ(get(), 0x1C);
    EQ(get(), 0xF0);
    EQ(get(), 0x1C);
    EQ(get(), -1);
    /* the keyboard port disabled: bytes wait, then come */
    cmd(0xAD);
    i8042_key_set2(&kbd, a_make, 1);
    EQ(get(), -1);
    cmd(0xAE);
    EQ(get(), 0x1C);
    /* the keyboard itself in set 1, no controller translation */
    put(0xF0);
    get();
    put(0x01);
    EQ(get(), 0xFA);
    i8042_key_set2(&kbd, a_break, 2);
    EQ(get(), 0x9E);
    /* the translation table, spot checks */
    EQ(i8042_translate(0x76), 0x01);  /* Esc */
    EQ(i8042_translate(0x5A), 0x1C);  /* Enter */
    EQ(i8042_translate(0x29), 0x39);  /* Space */
    EQ(i8042_translate(0x16), 0x02);  /* 1 */
    EQ(i8042_translate(0x78), 0x57);  /* F11 */
    EQ(i8042_translate(0x07), 0x58);  /* F12 */
    EQ(i8042_translate(0x12), 0x2A);  /* LShift */
    EQ(i8042_translate(0xE0), 0xE0);
}

static void test_a20_and_reset(void)
{
    setup();
    cmd(0xD0);
    EQ(get() & 0x03, 0x03);
    cmd(0xD1);
    put(0xDD);                       /* A20 off, reset line high */
    EQ(board.a20_calls, 1);
    CHECK(!board.a20);
    EQ(board.resets, 0);
    cmd(0xD0);
    EQ(get() & 0x03, 0x01);
    EQ(bus_in(&bus, 0x92, 1) & 0x02, 0);
    cmd(0xD1);
    put(0xDD);                       /* no change, no call */
    EQ(board.a20_calls, 1);
    cmd(0xDF);
    CHECK(board.a20);
    EQ(board.a20_calls, 2);
    cmd(0xDD);
    CHECK(!board.a20);
    /* port 0x92 */
    bus_out(&bus, 0x92, 1, 0x02);
    CHECK(board.a20);
    EQ(board.a20_calls, 4);
    EQ(bus_in(&bus, 0x92, 1), 0x02);
    cmd(0xD0);
    EQ(get() & 0x02, 0x02);
    bus_out(&bus, 0x92, 1, 0x00);
    CHECK(!board.a20);
    EQ(board.resets, 0);
    bus_out(&bus, 0x92, 1, 0x03);    /* fast reset on 0 -> 1 of bit 0 */
    EQ(board.resets, 1);
    CHECK(board.a20);
    bus_out(&bus, 0x92, 1, 0x03);    /* still 1: no new reset */
    EQ(board.resets, 1);
    /* the controller's reset pulse */
    cmd(0xFE);
    EQ(board.resets, 2);
    cmd(0xFF);                       /* pulses nothing */
    EQ(board.resets, 2);
    cmd(0xD1);
    put(0x02);                       /* output-port bit 0 low: reset */
    EQ(board.resets, 3);
    /* i8042_reset puts A20 back on */
    cmd(0xDD);
    i8042_reset(&kbd);
    CHECK(board.a20);
}

static void drain_set1(char *out, size_t n)
{
    size_t m = 0;
    int b;
    while ((b = get()) >= 0 && m + 1 < n)
        out[m++] = (char)b;
    out[m] = 0;
}

static void test_typing(void)
{
    uint8_t buf[8];
    char got[64];
    uint64_t icount = 0;
    struct vclock clk;

    EQ(i8042_char_set2('a', buf), 3);
    CHECK(memcmp(buf, (const uint8_t[]){0x1C, 0xF0, 0x1C}, 3) == 0);
    EQ(i8042_char_set2('A', buf), 6);
    CHECK(memcmp(buf, (const uint8_t[]){0x12, 0x1C, 0xF0, 0x1C, 0xF0, 0x12}, 6) == 0);
    EQ(i8042_char_set2('\n', buf), 3);
    EQ(buf[0], 0x5A);
    EQ(i8042_char_set2('\x7f', buf), 0);

    /* without a clock, all at once (translated: set 1) */
    setup();
    CHECK(i8042_type_string(&kbd, "a!"));
    drain_set1(got, sizeof got);
    CHECK(memcmp(got, "\x1E\x9E\x2A\x02\x82\xAA", 7) == 0);
    CHECK(!i8042_type_string(&kbd, "\x01"));

    /* with a clock, one character per interval */
    setup();
    vclock_init(&clk, &icount, VTIME_DEFAULT_IPS, false);
    i8042_set_clock(&kbd, &clk);
    CHECK(i8042_type_string(&kbd, "ab"));
    EQ(get(), -1);
    icount = I8042_TYPE_INTERVAL_NS / 10;  /* 100 M instructions per second */
    vclock_run_expired(&clk);
    EQ(get(), 0x1E);
    EQ(get(), 0x9E);
    EQ(get(), -1);
    icount *= 2;
    vclock_run_expired(&clk);
    EQ(get(), 0x30);
    EQ(get(), 0xB0);
    EQ(get(), -1);
    CHECK(!kbd.type_timer.armed);
}

int main(void)
{
    test_controller();
    test_keyboard_commands();
    test_keys();
    test_a20_and_reset();
    test_typing();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures;
}
