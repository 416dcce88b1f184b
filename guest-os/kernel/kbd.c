/*
 * kbd.c: the PS/2 keyboard behind the i8042. The controller translates
 * the keyboard's scan codes to set 1, where a key's release is its press
 * code with bit 7 set and 0xE0 prefixes the extended keys.
 */
#include "console.h"
#include "pic.h"
#include "trap.h"
#include "x86.h"

#define KBD_DATA 0x60
#define KBD_STATUS 0x64
#define KBD_OUTPUT_FULL 0x01

#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CTRL 0x1D
#define SC_CAPS 0x3A
#define SC_RELEASE 0x80

static const char normal[0x3A] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char shifted[0x3A] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

static int shift, ctrl, caps, extended;

static void key(uint8_t sc)
{
    if (sc == 0xE0) {
        extended = 1;
        return;
    }
    int released = sc & SC_RELEASE;
    sc &= (uint8_t)~SC_RELEASE;
    if (extended) {
        extended = 0;
        if (sc == SC_CTRL)
            ctrl = !released;
        return;
    }
    if (sc == SC_LSHIFT || sc == SC_RSHIFT)
        shift = !released;
    else if (sc == SC_CTRL)
        ctrl = !released;
    else if (sc == SC_CAPS && !released)
        caps = !caps;
    if (released || sc >= sizeof normal || !normal[sc])
        return;
    char c = shift ? shifted[sc] : normal[sc];
    if (caps && c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    else if (caps && c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
    if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c &= 0x1F;
    console_input(c);
}

static void kbd_interrupt(void)
{
    while (inb(KBD_STATUS) & KBD_OUTPUT_FULL)
        key(inb(KBD_DATA));
}

void kbd_init(void)
{
    while (inb(KBD_STATUS) & KBD_OUTPUT_FULL)
        inb(KBD_DATA);
    irq_register(IRQ_KBD, kbd_interrupt);
    pic_enable(IRQ_KBD);
}
