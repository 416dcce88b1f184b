/*
 * i8042.c: the PS/2 controller, its keyboard, and port 0x92.
 * References: IBM PS/2 Hardware Interface Technical Reference
 * ("Keyboard/Auxiliary Device Controller", "Keyboard and Auxiliary
 * Device"), and the behaviour OSDev's "8042 PS/2 Controller" and "PS/2
 * Keyboard" pages describe.
 *
 * Rules kept here:
 *  - Every command completes at once, so the input buffer is never full
 *    (status bit 1 reads 0) and a reply is ready as soon as the OUT ends.
 *  - One byte sits in the output buffer at a time. The rest wait in three
 *    queues, served in this order: controller replies, keyboard, aux.
 *    The keyboard and aux queues wait while their port is disabled in the
 *    command byte (bits 4 and 5).
 *  - IRQ1 is high while the output buffer holds a non-aux byte and
 *    command-byte bit 0 is set; IRQ12 likewise for aux bytes and bit 1.
 *    Reading port 0x60 empties the buffer, drops the line, and moves the
 *    next byte in, which raises it again: one edge per byte for the 8259.
 *  - The keyboard produces scancode set 2 (or set 1 when told so). With
 *    command-byte bit 6 the controller translates each byte it takes from
 *    the keyboard to set 1 (the 8042's fixed table; a set-2 0xF0 prefix
 *    is swallowed and ORs 0x80 into the next code), replies included.
 *  - There is no mouse: bytes sent to it (0xD4) come back as 0xFE.
 *  - A20 is one line with one state. Output-port bit 1 (0xD1, 0xDD, 0xDF)
 *    and port 0x92 bit 1 both drive it, the last write wins, and both
 *    read back the line's state. The callbacks fire only on a change.
 *  - The power-on state is what a PC BIOS leaves: command byte 0x45
 *    (keyboard IRQ, system flag, translation), keyboard scanning in set 2,
 *    A20 on (isola's machine starts with A20 enabled, as QEMU's does).
 */
#include "i8042.h"

#include <string.h>

#define ST_OBF 0x01
#define ST_IBF 0x02
#define ST_SYS 0x04
#define ST_A2 0x08       /* last write was to 0x64 (command) */
#define ST_UNLOCKED 0x10 /* keyboard inhibit switch off */
#define ST_AUXB 0x20     /* the output buffer holds an aux byte */

#define CB_IRQ1 0x01
#define CB_IRQ12 0x02
#define CB_SYS 0x04
#define CB_KBD_OFF 0x10
#define CB_AUX_OFF 0x20
#define CB_XLATE 0x40
#define CB_DEFAULT (CB_IRQ1 | CB_SYS | CB_XLATE)

/* A controller-queue entry that enters the output buffer as aux data. */
#define CTRL_AUX 0x100

#define KBD_ACK 0xFA
#define KBD_RESEND 0xFE
#define KBD_BAT_OK 0xAA
#define KBD_ECHO 0xEE

/*
 * The 8042's set 2 -> set 1 table for codes 0x00-0x7F, read row by row
 * (eight codes each). Codes 0x80 and up pass unchanged except 0x83 (F7)
 * and 0x84 (Alt+SysRq), which the table folds back into the 7-bit range.
 */
static const uint8_t xlat_table[128] = {
    0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, /* 00 err F9 -  F5 F3 F1 F2 F12 */
    0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59, /* 08 -  F10 F8 F6 F4 Tab ` - */
    0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, /* 10 -  LAlt LShift - LCtrl Q 1 - */
    0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B, /* 18 -  -  Z  S  A  W  2  - */
    0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, /* 20 -  C  X  D  E  4  3  - */
    0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D, /* 28 -  Space V F T R 5 - */
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, /* 30 -  N  B  H  G  Y  6  - */
    0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F, /* 38 -  -  M  J  U  7  8  - */
    0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, /* 40 -  ,  K  I  O  0  9  - */
    0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61, /* 48 -  .  /  L  ;  P  -  - */
    0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, /* 50 -  -  '  -  [  =  -  - */
    0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76, /* 58 Caps RShift Enter ] - \ - - */
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, /* 60 -  <> -  -  -  -  BkSp - */
    0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F, /* 68 -  KP1 - KP4 KP7 - - - */
    0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45, /* 70 KP0 KP. KP2 KP5 KP6 KP8 Esc NumLk */
    0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54, /* 78 F11 KP+ KP3 KP- KP* KP9 ScrLk - */
};

uint8_t i8042_translate(uint8_t b)
{
    if (b < 0x80)
        return xlat_table[b];
    if (b == 0x83)
        return 0x41;
    if (b == 0x84)
        return 0x54;
    return b;
}

/* ---- queues ---- */

static bool q_push(struct i8042_queue *q, uint16_t b)
{
    if (q->count == I8042_QUEUE)
        return false;
    q->data[(q->head + q->count) % I8042_QUEUE] = b;
    q->count++;
    return true;
}

static uint16_t q_pop(struct i8042_queue *q)
{
    uint16_t b = q->data[q->head];
    q->head = (q->head + 1) % I8042_QUEUE;
    q->count--;
    return b;
}

static void q_clear(struct i8042_queue *q)
{
    q->head = q->count = 0;
}

/* ---- output buffer and IRQs ---- */

static void update_irqs(struct i8042 *k)
{
    bool full = k->status & ST_OBF, aux = k->status & ST_AUXB;
    bool l1 = full && !aux && (k->ram[0] & CB_IRQ1);
    bool l12 = full && aux && (k->ram[0] & CB_IRQ12);
    if (l1 != k->irq1_level)
        l1 ? irq_raise(&k->irq1) : irq_lower(&k->irq1);
    if (l12 != k->irq12_level)
        l12 ? irq_raise(&k->irq12) : irq_lower(&k->irq12);
    k->irq1_level = l1;
    k->irq12_level = l12;
}

static void fill_obf(struct i8042 *k, uint8_t b, bool aux)
{
    k->obf = b;
    k->status |= ST_OBF;
    if (aux)
        k->status |= ST_AUXB;
    else
        k->status &= ~ST_AUXB;
}

/* Move the next waiting byte into an empty output buffer. */
static void transfer(struct i8042 *k)
{
    while (!(k->status & ST_OBF)) {
        if (k->ctrl.count) {
            uint16_t e = q_pop(&k->ctrl);
            fill_obf(k, (uint8_t)e, e & CTRL_AUX);
        } else if (k->kbd.count && !(k->ram[0] & CB_KBD_OFF)) {
            uint8_t b = (uint8_t)q_pop(&k->kbd);
            if (!(k->ram[0] & CB_XLATE)) {
                fill_obf(k, b, false);
            } else if (b == 0xF0) {
                k->xlat_break = true;
            } else {
                fill_obf(k, i8042_translate(b) | (k->xlat_break ? 0x80 : 0), false);
                k->xlat_break = false;
            }
        } else if (k->aux.count && !(k->ram[0] & CB_AUX_OFF)) {
            fill_obf(k, (uint8_t)q_pop(&k->aux), true);
        } else {
            break;
        }
    }
    update_irqs(k);
}

static void ctrl_reply(struct i8042 *k, uint8_t b)
{
    q_push(&k->ctrl, b);
    transfer(k);
}

/* ---- the keyboard ---- */

static void kbd_send(struct i8042 *k, uint8_t b)
{
    q_push(&k->kbd, b);
    k->last_sent = b;
}

static void kbd_defaults(struct i8042 *k)
{
    k->scancode_set = 2;
    k->kbd_expect = 0;
}

/* The argument byte of ED (LEDs), F3 (typematic) or F0 (scancode set). */
static void kbd_argument(struct i8042 *k, uint8_t cmd, uint8_t arg)
{
    if (cmd == 0xED) {
        k->leds = arg & 7;
    } else if (cmd == 0xF0) {
        if (arg == 0) {
            kbd_send(k, KBD_ACK);
            kbd_send(k, k->scancode_set);
            return;
        }
        /* Set 3 is not implemented; refusing it makes drivers stay on 2. */
        if (arg > 2) {
            kbd_send(k, KBD_RESEND);
            return;
        }
        k->scancode_set = arg;
    }
    kbd_send(k, KBD_ACK);
}

static void kbd_command(struct i8042 *k, uint8_t b)
{
    uint8_t expect = k->kbd_expect;
    k->kbd_expect = 0;
    /* A command byte (0xED and up) in place of an argument starts over. */
    if (expect && b < 0xED) {
        kbd_argument(k, expect, b);
        return;
    }
    switch (b) {
    case 0xED: case 0xF0: case 0xF3:
        kbd_send(k, KBD_ACK);
        k->kbd_expect = b;
        break;
    case 0xEE:
        kbd_send(k, KBD_ECHO);
        break;
    case 0xF2:
        kbd_send(k, KBD_ACK);
        kbd_send(k, 0xAB);
        kbd_send(k, 0x83);
        break;
    case 0xF4:
        k->scanning = true;
        kbd_send(k, KBD_ACK);
        break;
    case 0xF5:  /* disable also restores the defaults and clears the buffer */
        q_clear(&k->kbd);
        kbd_defaults(k);
        k->scanning = false;
        kbd_send(k, KBD_ACK);
        break;
    case 0xF6:
        q_clear(&k->kbd);
        kbd_defaults(k);
        kbd_send(k, KBD_ACK);
        break;
    case 0xF7: case 0xF8: case 0xF9: case 0xFA:
    case 0xFB: case 0xFC: case 0xFD:  /* set-3 key types: accepted, no effect */
        kbd_send(k, KBD_ACK);
        break;
    case 0xFE:
        q_push(&k->kbd, k->last_sent);
        break;
    case 0xFF:
        q_clear(&k->kbd);
        kbd_defaults(k);
        k->leds = 0;
        k->scanning = true;
        kbd_send(k, KBD_ACK);
        kbd_send(k, KBD_BAT_OK);
        break;
    default:
        kbd_send(k, KBD_RESEND);
        break;
    }
}

/* A whole set-2 event rewritten in set 1 (for a keyboard switched to set 1). */
static unsigned set2_to_set1(const uint8_t *in, unsigned n, uint8_t *out)
{
    unsigned m = 0;
    bool brk = false;
    for (unsigned j = 0; j < n; j++) {
        if (in[j] == 0xF0) {
            brk = true;
            continue;
        }
        out[m++] = i8042_translate(in[j]) | (brk ? 0x80 : 0);
        brk = false;
    }
    return m;
}

static bool kbd_event(struct i8042 *k, const uint8_t *bytes, unsigned n)
{
    uint8_t set1[16];
    if (!k->scanning)
        return true;
    if (k->scancode_set == 1 && n <= sizeof set1) {
        n = set2_to_set1(bytes, n, set1);
        bytes = set1;
    }
    if (I8042_QUEUE - k->kbd.count < n)
        return false;  /* the keyboard's buffer is full: the event is lost */
    for (unsigned j = 0; j < n; j++)
        kbd_send(k, bytes[j]);
    transfer(k);
    return true;
}

void i8042_key_set2(struct i8042 *k, const uint8_t *bytes, unsigned n)
{
    kbd_event(k, bytes, n);
}

/* ---- typing text ---- */

/* US layout, set 2: the key for each ASCII character from 0x20 to 0x7E
 * and whether it needs Shift (bit 7 of the entry). */
#define SH 0x80
static const uint8_t ascii_keys[95] = {
    0x29, 0x16 | SH, 0x52 | SH, 0x26 | SH, 0x25 | SH, 0x2E | SH, 0x3D | SH, 0x52,  /*  !"#$%&' */
    0x46 | SH, 0x45 | SH, 0x3E | SH, 0x55 | SH, 0x41, 0x4E, 0x49, 0x4A,            /* ()*+,-./ */
    0x45, 0x16, 0x1E, 0x26, 0x25, 0x2E, 0x36, 0x3D,                                /* 01234567 */
    0x3E, 0x46, 0x4C | SH, 0x4C, 0x41 | SH, 0x55, 0x49 | SH, 0x4A | SH,            /* 89:;<=>? */
    0x1E | SH, 0x1C | SH, 0x32 | SH, 0x21 | SH, 0x23 | SH, 0x24 | SH, 0x2B | SH, 0x34 | SH, /* @ABCDEFG */
    0x33 | SH, 0x43 | SH, 0x3B | SH, 0x42 | SH, 0x4B | SH, 0x3A | SH, 0x31 | SH, 0x44 | SH, /* HIJKLMNO */
    0x4D | SH, 0x15 | SH, 0x2D | SH, 0x1B | SH, 0x2C | SH, 0x3C | SH, 0x2A | SH, 0x1D | SH, /* PQRSTUVW */
    0x22 | SH, 0x35 | SH, 0x1A | SH, 0x54, 0x5D, 0x5B, 0x36 | SH, 0x4E | SH,      /* XYZ[\]^_ */
    0x0E, 0x1C, 0x32, 0x21, 0x23, 0x24, 0x2B, 0x34,                                /* `abcdefg */
    0x33, 0x43, 0x3B, 0x42, 0x4B, 0x3A, 0x31, 0x44,                                /* hijklmno */
    0x4D, 0x15, 0x2D, 0x1B, 0x2C, 0x3C, 0x2A, 0x1D,                                /* pqrstuvw */
    0x22, 0x35, 0x1A, 0x54 | SH, 0x5D | SH, 0x5B | SH, 0x0E | SH,                  /* xyz{|}~ */
};
#define KEY_LSHIFT 0x12

static uint8_t char_key(char ch)
{
    unsigned char c = (unsigned char)ch;
    switch (c) {
    case '\n': case '\r': return 0x5A;
    case '\t': return 0x0D;
    case '\b': return 0x66;
    case 0x1B: return 0x76;
    }
    if (c >= 0x20 && c <= 0x7E)
        return ascii_keys[c - 0x20];
    return 0;
}

unsigned i8042_char_set2(char ch, uint8_t *buf)
{
    uint8_t key = char_key(ch), code = key & 0x7F;
    unsigned n = 0;
    if (!key)
        return 0;
    if (key & SH)
        buf[n++] = KEY_LSHIFT;
    buf[n++] = code;
    buf[n++] = 0xF0;
    buf[n++] = code;
    if (key & SH) {
        buf[n++] = 0xF0;
        buf[n++] = KEY_LSHIFT;
    }
    return n;
}

/* Type the next waiting character if the keyboard is ready for it. */
static bool type_one(struct i8042 *k)
{
    uint8_t buf[8];
    unsigned n;
    if (k->type_pos == k->type_len || !k->scanning)
        return false;
    n = i8042_char_set2(k->typing[k->type_pos], buf);
    if (I8042_QUEUE - k->kbd.count < n)
        return false;
    k->type_pos++;
    kbd_event(k, buf, n);
    return true;
}

/* Without a clock: keep the keyboard's buffer topped up. */
static void type_unpaced(struct i8042 *k)
{
    if (!k->clock)
        while (type_one(k))
            ;
}

static void type_tick(void *opaque, uint64_t now)
{
    struct i8042 *k = opaque;
    if (!k->kbd.count)
        type_one(k);
    if (k->type_pos < k->type_len)
        vtimer_arm(k->clock, &k->type_timer, now + I8042_TYPE_INTERVAL_NS);
}

bool i8042_type_string(struct i8042 *k, const char *s)
{
    size_t n = strlen(s);
    uint8_t buf[8];
    for (size_t j = 0; j < n; j++)
        if (!i8042_char_set2(s[j], buf))
            return false;
    if (k->type_pos == k->type_len)
        k->type_pos = k->type_len = 0;
    if (n > sizeof k->typing - k->type_len)
        return false;
    memcpy(k->typing + k->type_len, s, n);
    k->type_len += (unsigned)n;
    if (k->clock && !k->type_timer.armed)
        vtimer_arm(k->clock, &k->type_timer, vclock_now(k->clock) + I8042_TYPE_INTERVAL_NS);
    type_unpaced(k);
    return true;
}

void i8042_set_clock(struct i8042 *k, struct vclock *clock)
{
    k->clock = clock;
}

/* ---- the controller ---- */

static void set_a20(struct i8042 *k, bool on)
{
    if (on == k->a20)
        return;
    k->a20 = on;
    if (k->set_a20)
        k->set_a20(k->cb_opaque, on);
}

static void system_reset(struct i8042 *k)
{
    if (k->reset)
        k->reset(k->cb_opaque);
}

/* Output port: bit 0 reset (active low), bit 1 A20, bits 4/5 the buffer-full
 * lines that drive IRQ1/IRQ12, bits 6/7 keyboard clock and data. */
static uint8_t output_port(const struct i8042 *k)
{
    return (uint8_t)(0x01 | (k->a20 ? 0x02 : 0) | (k->irq1_level ? 0x10 : 0) |
                     (k->irq12_level ? 0x20 : 0) | 0xC0);
}

static void write_output_port(struct i8042 *k, uint8_t v)
{
    set_a20(k, v & 0x02);
    if (!(v & 0x01))
        system_reset(k);
}

static void write_command_byte(struct i8042 *k, uint8_t v)
{
    k->ram[0] = v;
    k->status = (uint8_t)((k->status & ~ST_SYS) | (v & CB_SYS));
    transfer(k);
}

/* The data byte that follows a controller command. */
static void command_data(struct i8042 *k, uint8_t cmd, uint8_t v)
{
    if (cmd == 0x60) {
        write_command_byte(k, v);
    } else if (cmd > 0x60 && cmd < 0x80) {
        k->ram[cmd & 0x1F] = v;
    } else if (cmd == 0xD1) {
        write_output_port(k, v);
    } else if (cmd == 0xD2) {
        ctrl_reply(k, v);
    } else if (cmd == 0xD3) {
        /* Straight into the output buffer as aux data, even with the aux
         * port disabled: drivers probe for the port with this loopback. */
        q_push(&k->ctrl, v | CTRL_AUX);
        transfer(k);
    } else if (cmd == 0xD4) {
        k->ram[0] &= ~CB_AUX_OFF;  /* talking to the device enables its port */
        q_push(&k->aux, KBD_RESEND);
        transfer(k);
    }
}

static void controller_command(struct i8042 *k, uint8_t cmd)
{
    k->pending = 0;
    if (cmd >= 0x20 && cmd < 0x40) {
        ctrl_reply(k, k->ram[cmd & 0x1F]);
        return;
    }
    if ((cmd >= 0x60 && cmd < 0x80) || (cmd >= 0xD1 && cmd <= 0xD4)) {
        k->pending = cmd;
        return;
    }
    /* 0xF0-0xFF pulse output-port bits 0-3 low for those bits that are 0
     * in the command; bit 0 is the CPU reset line. */
    if (cmd >= 0xF0) {
        if (!(cmd & 0x01))
            system_reset(k);
        return;
    }
    switch (cmd) {
    case 0xA4: ctrl_reply(k, 0xF1); break;          /* no password installed */
    case 0xA7: write_command_byte(k, k->ram[0] | CB_AUX_OFF); break;
    case 0xA8: write_command_byte(k, k->ram[0] & ~CB_AUX_OFF); break;
    case 0xA9: ctrl_reply(k, 0x00); break;          /* aux interface test: OK */
    case 0xAA:                                      /* self test */
        k->status |= ST_SYS;
        ctrl_reply(k, 0x55);
        break;
    case 0xAB: ctrl_reply(k, 0x00); break;          /* keyboard interface test: OK */
    case 0xAD: write_command_byte(k, k->ram[0] | CB_KBD_OFF); break;
    case 0xAE: write_command_byte(k, k->ram[0] & ~CB_KBD_OFF); break;
    case 0xC0: ctrl_reply(k, 0x80); break;          /* input port: keyboard not inhibited */
    case 0xD0: ctrl_reply(k, output_port(k)); break;
    case 0xDD: set_a20(k, false); break;
    case 0xDF: set_a20(k, true); break;
    case 0xE0: ctrl_reply(k, 0x00); break;          /* test inputs */
    default: break;                                 /* unknown: ignored */
    }
}

static void data_write(struct i8042 *k, uint8_t v)
{
    uint8_t cmd = k->pending;
    k->pending = 0;
    if (cmd) {
        command_data(k, cmd, v);
        return;
    }
    /* A byte for the keyboard also enables the keyboard port, as the
     * AMI and Phoenix controllers do; otherwise its reply could not come. */
    k->ram[0] &= ~CB_KBD_OFF;
    kbd_command(k, v);
    transfer(k);
}

static uint8_t data_read(struct i8042 *k)
{
    uint8_t v = k->obf;
    if (k->status & ST_OBF) {
        k->status &= ~(ST_OBF | ST_AUXB);
        update_irqs(k);
        type_unpaced(k);
        transfer(k);
    }
    return v;
}

static uint32_t i8042_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8042 *k = opaque;
    (void)size;
    if (port == I8042_DATA_PORT)
        return data_read(k);
    return k->status;
}

static void i8042_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct i8042 *k = opaque;
    (void)size;
    if (port == I8042_DATA_PORT) {
        k->status &= ~ST_A2;
        data_write(k, (uint8_t)v);
    } else {
        k->status |= ST_A2;
        controller_command(k, (uint8_t)v);
    }
}

/* System Control Port A (IBM PS/2 "Fast A20"): bit 0 fast reset on a
 * 0 -> 1 write, bit 1 A20; bit 3 (power-on password lock) is stored. */
static uint32_t port92_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8042 *k = opaque;
    (void)port, (void)size;
    return (uint8_t)((k->port92 & ~0x02) | (k->a20 ? 0x02 : 0));
}

static void port92_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct i8042 *k = opaque;
    uint8_t v = (uint8_t)val, old = k->port92;
    (void)port, (void)size;
    k->port92 = v;
    set_a20(k, v & 0x02);
    if ((v & 0x01) && !(old & 0x01))
        system_reset(k);
}

/* Text being typed survives: the user at the host keeps typing. */
void i8042_reset(struct i8042 *k)
{
    q_clear(&k->ctrl);
    q_clear(&k->kbd);
    q_clear(&k->aux);
    memset(k->ram, 0, sizeof k->ram);
    k->ram[0] = CB_DEFAULT;
    k->status = ST_UNLOCKED | ST_SYS;
    k->pending = 0;
    k->xlat_break = false;
    set_a20(k, true);
    k->port92 = 0x02;
    k->scanning = true;
    k->leds = 0;
    k->last_sent = 0;
    kbd_defaults(k);
    update_irqs(k);
}

void i8042_init(struct i8042 *k, struct bus *b, struct irq_line irq1,
                struct irq_line irq12, void (*set_a20_cb)(void *, bool),
                void (*reset_cb)(void *), void *cb_opaque)
{
    memset(k, 0, sizeof *k);
    k->irq1 = irq1;
    k->irq12 = irq12;
    k->set_a20 = set_a20_cb;
    k->reset = reset_cb;
    k->cb_opaque = cb_opaque;
    k->a20 = true;  /* the machine's power-on state: no callback needed */
    vtimer_init(&k->type_timer, type_tick, k);
    i8042_reset(k);
    bus_register_io(b, I8042_DATA_PORT, 1, i8042_read, i8042_write, k);
    bus_register_io(b, I8042_CMD_PORT, 1, i8042_read, i8042_write, k);
    bus_register_io(b, SYSCTL_A_PORT, 1, port92_read, port92_write, k);
}
