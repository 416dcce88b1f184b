/*
 * keyboard.c: the i8042 keyboard controller at POST, IRQ 1 (INT 09h) and
 * the keyboard services (INT 16h).
 *
 * Rules it keeps:
 * - The controller translates the keyboard's scan code set 2 into set 1
 *   (command byte bit 6), so INT 09h decodes set 1: a make code, its break
 *   code with bit 7 set, 0xE0 before the keys the 101-key board added.
 * - A key becomes one word in the BDA's ring buffer (0x41E-0x43D, head at
 *   0x41A, tail at 0x41C, offsets from 0x400): ASCII in the low byte, the
 *   BIOS scan code in the high byte; keys without a character have ASCII 0
 *   (0xE0 for the 101-key duplicates). A full buffer drops the key.
 * - Shift, Ctrl, Alt and the locks live in BDA 0x417, 0x418 and 0x496
 *   (bit meanings in Ralf Brown's list, MEMORY.LST).
 * - Controller waits are bounded: a missing or silent device costs a
 *   timeout, never a hang.
 */
#include "bios.h"

#define KBC_DATA    0x60
#define KBC_STATUS  0x64
#define KBC_CMD     0x64
#define KBC_OBF     0x01            /* output buffer full: a byte to read */
#define KBC_IBF     0x02            /* input buffer full: busy */
#define KBC_AUXB    0x20            /* the byte is from the mouse */

/* BDA 0x417 */
#define SH_RSHIFT   0x01
#define SH_LSHIFT   0x02
#define SH_CTRL     0x04
#define SH_ALT      0x08
#define SH_SCROLL   0x10
#define SH_NUM      0x20
#define SH_CAPS     0x40
#define SH_INSERT   0x80
/* BDA 0x418 */
#define HELD_LCTRL  0x01
#define HELD_LALT   0x02
#define HELD_SCROLL 0x10
#define HELD_NUM    0x20
#define HELD_CAPS   0x40
#define HELD_INSERT 0x80
/* BDA 0x496 */
#define K2_E1       0x01
#define K2_E0       0x02
#define K2_RCTRL    0x04
#define K2_RALT     0x08
#define K2_101KEYS  0x10

/* Set 1 make codes 0x00-0x39 to ASCII, without and with Shift. */
static const __seg_gs char key_plain[0x3A] ROM =
    "\0\x1b" "1234567890-=\b\t"
    "qwertyuiop[]\r\0"
    "asdfghjkl;'`\0\\"
    "zxcvbnm,./\0*\0 ";
static const __seg_gs char key_shift[0x3A] ROM =
    "\0\x1b" "!@#$%^&*()_+\b\0"
    "QWERTYUIOP{}\r\0"
    "ASDFGHJKL:\"~\0|"
    "ZXCVBNM<>?\0*\0 ";
/* The keypad, 0x47-0x53, with Num Lock. */
static const __seg_gs char key_pad[13] ROM = "789-456+1230.";

static bool kbc_wait_write(void)
{
    for (uint32_t n = 0; n < 200000; n++) {
        if (!(inb(KBC_STATUS) & KBC_IBF))
            return true;
    }
    return false;
}

/* The next byte from the controller, or -1 after a timeout. */
static int kbc_read(void)
{
    for (uint32_t n = 0; n < 200000; n++) {
        if (inb(KBC_STATUS) & KBC_OBF)
            return inb(KBC_DATA);
    }
    return -1;
}

static void kbc_command(uint8_t cmd)
{
    if (kbc_wait_write())
        outb(KBC_CMD, cmd);
}

static void kbc_data(uint8_t v)
{
    if (kbc_wait_write())
        outb(KBC_DATA, v);
}

static void kbc_flush(void)
{
    for (unsigned n = 0; n < 16 && (inb(KBC_STATUS) & KBC_OBF); n++)
        inb(KBC_DATA);
}

/* Send a byte to the keyboard; true when it answers ACK (0xFA). */
static bool kbd_send(uint8_t v)
{
    kbc_data(v);
    return kbc_read() == 0xFA;
}

/*
 * POST: controller self-test (0xAA answers 0x55), command byte with
 * translation and no IRQ while we talk to the keyboard, keyboard reset
 * (ACK, then 0xAA when its self-test passes), then IRQ 1 on.
 */
void kbd_init(void)
{
    BDA->kbd_start = 0x1E;
    BDA->kbd_end = 0x3E;
    BDA->kbd_head = 0x1E;
    BDA->kbd_tail = 0x1E;
    BDA->kbd_flags0 = SH_NUM;
    BDA->kbd_flags2 = K2_101KEYS;

    kbc_command(0xAD);              /* keyboard interface off */
    kbc_command(0xA7);              /* mouse interface off */
    kbc_flush();
    kbc_command(0xAA);
    kbc_read();
    kbc_command(0x60);
    kbc_data(0x64);                 /* translate, system flag, mouse off */
    kbc_command(0xAE);              /* keyboard interface on */
    if (kbd_send(0xFF))
        kbc_read();                 /* the keyboard's 0xAA */
    kbd_send(0xF4);                 /* scanning on */
    kbc_flush();
    kbc_command(0x60);
    kbc_data(0x65);                 /* ... and IRQ 1 */
}

static bool kbd_enqueue(uint16_t key)
{
    uint16_t tail = BDA->kbd_tail;
    uint16_t next = tail + 2;

    if (next >= BDA->kbd_end)
        next = BDA->kbd_start;
    if (next == BDA->kbd_head)
        return false;
    *(volatile __seg_fs uint16_t *)(0x400 + tail) = key;
    BDA->kbd_tail = next;
    return true;
}

/* Modifier and lock keys: true when sc was one (make or break). */
static bool kbd_modifier(uint8_t sc, bool brk, bool e0)
{
    uint8_t f0 = BDA->kbd_flags0, f1 = BDA->kbd_flags1, f2 = BDA->kbd_flags2;
    uint8_t lock = 0, held = 0;

    switch (sc) {
    case 0x2A:
        if (e0)
            return true;            /* fake shift around PrtSc and friends */
        f0 = brk ? f0 & ~SH_LSHIFT : f0 | SH_LSHIFT;
        break;
    case 0x36:
        if (e0)
            return true;
        f0 = brk ? f0 & ~SH_RSHIFT : f0 | SH_RSHIFT;
        break;
    case 0x1D:
        if (e0)
            f2 = brk ? f2 & ~K2_RCTRL : f2 | K2_RCTRL;
        else
            f1 = brk ? f1 & ~HELD_LCTRL : f1 | HELD_LCTRL;
        f0 = ((f1 & HELD_LCTRL) || (f2 & K2_RCTRL)) ? f0 | SH_CTRL : f0 & ~SH_CTRL;
        break;
    case 0x38:
        if (e0)
            f2 = brk ? f2 & ~K2_RALT : f2 | K2_RALT;
        else
            f1 = brk ? f1 & ~HELD_LALT : f1 | HELD_LALT;
        f0 = ((f1 & HELD_LALT) || (f2 & K2_RALT)) ? f0 | SH_ALT : f0 & ~SH_ALT;
        break;
    case 0x3A:
        lock = SH_CAPS, held = HELD_CAPS;
        break;
    case 0x45:
        lock = SH_NUM, held = HELD_NUM;
        break;
    case 0x46:
        lock = SH_SCROLL, held = HELD_SCROLL;
        break;
    default:
        return false;
    }
    if (lock) {
        /* A lock toggles on the first make only, not on typematic repeats. */
        if (brk)
            f1 &= ~held;
        else if (!(f1 & held)) {
            f1 |= held;
            f0 ^= lock;
        }
    }
    BDA->kbd_flags0 = f0;
    BDA->kbd_flags1 = f1;
    BDA->kbd_flags2 = f2;
    return true;
}

/* F1-F10 (0x3B-0x44), F11, F12: ASCII 0 and a scan code per shift state. */
static uint16_t kbd_function_key(uint8_t sc, uint8_t f0)
{
    if (sc >= 0x3B && sc <= 0x44) {
        if (f0 & SH_ALT)
            sc += 0x2D;
        else if (f0 & SH_CTRL)
            sc += 0x23;
        else if (f0 & (SH_LSHIFT | SH_RSHIFT))
            sc += 0x19;
    } else {
        sc = sc == 0x57 ? 0x85 : 0x86;
        if (f0 & SH_ALT)
            sc += 6;
        else if (f0 & SH_CTRL)
            sc += 4;
        else if (f0 & (SH_LSHIFT | SH_RSHIFT))
            sc += 2;
    }
    return (uint16_t)(sc << 8);
}

/* The key word for a make code, or 0 when the key gives none. */
static uint16_t kbd_translate(uint8_t sc, bool e0)
{
    uint8_t f0 = BDA->kbd_flags0;
    bool shift = f0 & (SH_LSHIFT | SH_RSHIFT);

    if (e0) {
        if (sc == 0x1C)
            return 0xE00D;          /* keypad Enter */
        if (sc == 0x35)
            return 0xE02F;          /* keypad / */
        if (sc >= 0x47 && sc <= 0x53)
            return (uint16_t)(sc << 8 | 0xE0);  /* the grey cursor keys */
        return 0;
    }
    if ((sc >= 0x3B && sc <= 0x44) || sc == 0x57 || sc == 0x58)
        return kbd_function_key(sc, f0);
    if (sc >= 0x47 && sc <= 0x53) {
        uint8_t c = (uint8_t)key_pad[sc - 0x47];
        if (c == '-' || c == '+' || (!!(f0 & SH_NUM) != shift && !(f0 & SH_ALT)))
            return (uint16_t)(sc << 8 | c);
        return (uint16_t)(sc << 8);
    }
    if (sc >= sizeof(key_plain))
        return 0;
    uint8_t c = (uint8_t)key_plain[sc];
    if (f0 & SH_ALT)
        return (uint16_t)(sc << 8);
    if (f0 & SH_CTRL) {
        if (c >= 'a' && c <= 'z')
            return (uint16_t)(sc << 8 | (c - 'a' + 1));
        switch (c) {
        case '\r': c = '\n'; break;
        case '\b': c = 0x7F; break;
        case '[': c = 0x1B; break;
        case '\\': c = 0x1C; break;
        case ']': c = 0x1D; break;
        case '-': c = 0x1F; break;
        default: return 0;
        }
        return (uint16_t)(sc << 8 | c);
    }
    if (shift)
        c = (uint8_t)key_shift[sc];
    if ((f0 & SH_CAPS) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c ^= 0x20;
    if (c == 0 && sc != 0x0F)
        return 0;
    return (uint16_t)(sc << 8 | c);
}

/* Pause's 0xE1 sequence: E1 1D 45 E1 9D C5 (the make is the first half). */
static bool kbd_pause_sequence(uint8_t code)
{
    if (code == 0xE1) {
        STATE->kbd_skip = 2;
        return true;
    }
    if (STATE->kbd_skip) {
        STATE->kbd_skip--;
        return true;
    }
    return false;
}

static void kbd_scancode(uint8_t code)
{
    uint8_t f2 = BDA->kbd_flags2;
    bool e0 = f2 & K2_E0;

    if (code == 0xE0) {
        BDA->kbd_flags2 = f2 | K2_E0;
        return;
    }
    BDA->kbd_flags2 = f2 & ~K2_E0;
    if (kbd_pause_sequence(code))
        return;
    /* Keyboard replies, not keys: ACK, resend, errors. (0xAA, the
     * self-test's pass code, is also Left Shift's break code in set 1; POST
     * reads the self-test's with IRQ 1 off, so here it is the shift.) */
    if (code == 0xFA || code == 0xFE || code == 0xFF || code == 0)
        return;
    bool brk = code & 0x80;
    uint8_t sc = code & 0x7F;
    if (kbd_modifier(sc, brk, e0) || brk)
        return;
    if (sc == 0x52 && !(BDA->kbd_flags0 & (SH_NUM | SH_ALT | SH_CTRL)))
        BDA->kbd_flags0 ^= SH_INSERT;
    uint16_t key = kbd_translate(sc, e0);
    if (key)
        kbd_enqueue(key);
}

void int09_handler(struct regs *r)
{
    (void)r;
    uint8_t status = inb(KBC_STATUS);

    if (status & KBC_OBF) {
        uint8_t code = inb(KBC_DATA);
        if (!(status & KBC_AUXB))   /* a mouse byte is read and dropped */
            kbd_scancode(code);
    }
    outb(PIC1_CMD, PIC_EOI);
}

/* The oldest key in the buffer, or 0 when empty. */
static uint16_t kbd_peek(void)
{
    uint16_t head = BDA->kbd_head;

    if (head == BDA->kbd_tail)
        return 0;
    return *(volatile __seg_fs uint16_t *)(0x400 + head);
}

static void kbd_drop(void)
{
    uint16_t next = BDA->kbd_head + 2;

    if (next >= BDA->kbd_end)
        next = BDA->kbd_start;
    BDA->kbd_head = next;
}

/* The original (AH=00h/01h) services hide the 101-key codes. */
static uint16_t kbd_legacy(uint16_t key)
{
    if ((key & 0xFF) == 0xE0 && (key >> 8))
        return key & 0xFF00;
    if ((key >> 8) == 0xE0)
        return (uint16_t)(((key & 0xFF) == '/' ? 0x35 : 0x1C) << 8 | (key & 0xFF));
    return key;
}

void int16_handler(struct regs *r)
{
    uint16_t key;

    switch (r->ah) {
    case 0x00:
    case 0x10:
        while ((key = kbd_peek()) == 0)
            sti_hlt_cli();
        kbd_drop();
        r->ax = r->ah == 0x00 ? kbd_legacy(key) : key;
        break;
    case 0x01:
    case 0x11:
        key = kbd_peek();
        set_zf(r, key == 0);
        if (key)
            r->ax = r->ah == 0x01 ? kbd_legacy(key) : key;
        break;
    case 0x02:
        r->al = BDA->kbd_flags0;
        break;
    case 0x05:                      /* store CX as a key */
        r->al = kbd_enqueue(r->cx) ? 0 : 1;
        break;
    case 0x12: {
        uint8_t f1 = BDA->kbd_flags1, f2 = BDA->kbd_flags2;
        r->al = BDA->kbd_flags0;
        r->ah = (uint8_t)((f1 & (HELD_LCTRL | HELD_LALT)) |
                          (f2 & K2_RCTRL ? 0x04 : 0) | (f2 & K2_RALT ? 0x08 : 0) |
                          (f1 & 0x70));
        break;
    }
    default:
        break;
    }
}
