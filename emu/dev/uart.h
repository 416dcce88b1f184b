/*
 * uart.h: a National PC16550D UART (COM1 is base 0x3F8, IRQ4): eight
 * registers, 16-byte receive and transmit FIFOs, the four interrupt
 * sources in the datasheet's priority order, and loopback mode.
 *
 * The host side is a chardev. Transmitted bytes reach it at once (no baud
 * timing); received bytes are pulled from it by uart_poll, which the
 * machine calls between CPU runs. When the host's input ends (see
 * chardev_input_ended) the modem hangs up: DCD and DSR drop.
 */
#ifndef ISOLA_DEV_UART_H
#define ISOLA_DEV_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq.h"
#include "vtime.h"

struct chardev;

#define UART_COM1_BASE 0x3F8
#define UART_COM1_IRQ 4
#define UART_FIFO_SIZE 16

struct uart_fifo {
    uint8_t data[UART_FIFO_SIZE];
    unsigned head, count;
};

struct uart {
    uint16_t base;
    struct irq_line irq;
    struct chardev *chr;
    struct vclock *clock;    /* optional: paces the character timeout */
    struct vtimer timeout;

    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint8_t host_inputs;     /* MSR bits 4-7 the host's modem drives (outside loopback) */
    uint16_t divisor;
    struct uart_fifo rx, tx;
    bool thr_ipending;       /* THRE interrupt latched, cleared by IIR read or THR write */
    bool rx_timeout;         /* character timeout indication (IIR 0x0C) */
    bool rx_active;          /* the RX FIFO changed since the last uart_poll */
    bool irq_level;          /* what we last drove onto the line */
    unsigned last_sources;   /* pending interrupt sources at the last update */
};

void uart_init(struct uart *u, struct bus *b, uint16_t base,
               struct irq_line irq, struct chardev *chr);
/* Optional: with a clock the character timeout fires after four character
 * times without FIFO activity; without one it fires at the next poll. */
void uart_set_clock(struct uart *u, struct vclock *clock);
/* Pull pending host input into the receive FIFO; never blocks. */
void uart_poll(struct uart *u);

#endif
