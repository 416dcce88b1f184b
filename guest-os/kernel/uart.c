/*
 * uart.c: COM1, a 16550A, as a console device: 115200 baud 8N1, FIFOs on,
 * an interrupt for received data and one for modem-status changes.
 *
 * Rules kept here:
 *  - Output polls THRE; it is the kernel's last resort too (panics), so it
 *    never waits for an interrupt.
 *  - A drop of DCD (carrier detect) after it was seen up is a hang-up: the
 *    far end has gone, so the console's input ends. isola drops DCD when
 *    the input piped into it is used up; on a line without modem control
 *    DCD stays up and nothing ends.
 */
#include "console.h"
#include "pic.h"
#include "trap.h"
#include "x86.h"

#define COM1 0x3F8
#define RBR 0
#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define IIR_FIFOS_ON 0xC0
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define MSR_DCD 0x80
#define IER_RDA 0x01
#define IER_MS 0x08

static int present;
static int carrier_seen;

static void check_carrier(void)
{
    uint8_t msr = inb(COM1 + MSR);
    if (msr & MSR_DCD)
        carrier_seen = 1;
    else if (carrier_seen) {
        carrier_seen = 0;
        console_hangup();
    }
}

static void uart_interrupt(void)
{
    while (inb(COM1 + LSR) & LSR_DR)
        console_input((char)inb(COM1 + RBR));
    check_carrier();
}

void uart_init(void)
{
    outb(COM1 + IER, 0);
    outb(COM1 + LCR, 0x80);          /* DLAB: the divisor follows */
    outb(COM1 + 0, 1);               /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + LCR, 0x03);          /* 8N1 */
    /* Turning the FIFOs on empties them (16550A datasheet, FCR bit 0), and
     * typed-ahead input may already wait there: leave them as they are if
     * the firmware turned them on. */
    if ((inb(COM1 + FCR) & IIR_FIFOS_ON) != IIR_FIFOS_ON)
        outb(COM1 + FCR, 0x01);
    outb(COM1 + MCR, 0x0B);          /* DTR, RTS, OUT2 (gates the IRQ line on a PC) */
    if (inb(COM1 + LSR) == 0xFF)
        return;                      /* no UART behind the port */
    present = 1;
    check_carrier();
    irq_register(IRQ_COM1, uart_interrupt);
    pic_enable(IRQ_COM1);
    outb(COM1 + IER, IER_RDA | IER_MS);
}

void uart_putc(char c)
{
    if (!present)
        return;
    if (c == '\n')
        uart_putc('\r');
    for (int i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
        ;
    outb(COM1 + THR, (uint8_t)c);
}
