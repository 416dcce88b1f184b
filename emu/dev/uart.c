/*
 * uart.c: the PC16550D UART. Register and bit names follow the National
 * Semiconductor PC16550D datasheet (Table II, "Summary of Registers").
 *
 * Rules kept here:
 *  - A byte written to THR is on the wire at once: THR and the transmitter
 *    are empty again before the OUT returns, so LSR.THRE and LSR.TEMT read
 *    back set and a THRE interrupt follows every write (when enabled).
 *  - Host input enters only as fast as the receiver has room (one byte
 *    with FIFOs off, sixteen with them on): the host end is flow
 *    controlled and never overruns. Overrun (LSR.OE) happens only in
 *    loopback, where the guest itself is the sender.
 *  - The interrupt sources, highest first (datasheet Table IV): receiver
 *    line status, received data available / character timeout, THR empty,
 *    modem status. The IRQ line is high while any enabled source is
 *    pending. The 8259 is edge triggered, so when a new source appears
 *    while the line is already high we drop and raise it again; a guest
 *    that services one source per interrupt is not left waiting forever.
 *  - MCR.OUT2 does not gate the IRQ. On a real PC card OUT2 enables the
 *    IRQ driver; QEMU ignores it and guests written against QEMU (MCR=0)
 *    rely on that, so we follow QEMU here.
 *  - With FIFOs on, the character timeout (IIR 0x0C) fires when data sits
 *    in the receive FIFO and nothing entered or left it for four
 *    character times. With a clock that is measured in virtual time from
 *    the divisor and LCR; without one it is approximated as "a whole
 *    uart_poll interval without FIFO activity".
 *  - The host end is a modem: CTS, DSR and DCD are asserted while it can
 *    send. When its input has ended (stdin at end of file, a pipe's writer
 *    gone) and the guest has read every byte received, it hangs up: DCD
 *    and DSR go low, as on a 16550A whose modem drops carrier, latching
 *    DDCD and DDSR (datasheet, MSR bits 1 and 3) and so raising the modem
 *    status interrupt when IER.EDSSI is set. A guest thus learns that a
 *    piped-in script is over. Bytes arriving again bring carrier back. In
 *    loopback the modem inputs are disconnected, so a hang-up is noticed
 *    only outside it (and shows when loopback ends).
 */
#include "uart.h"

#include "chardev.h"

/* Register offsets from the base port. */
enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define IER_ERBFI 0x01   /* received data available */
#define IER_ETBEI 0x02   /* THR empty */
#define IER_ELSI 0x04    /* receiver line status */
#define IER_EDSSI 0x08   /* modem status */

#define IIR_NONE 0x01
#define IIR_RLS 0x06
#define IIR_RDA 0x04
#define IIR_CTI 0x0C
#define IIR_THRE 0x02
#define IIR_MSR 0x00
#define IIR_FIFO_ON 0xC0

#define FCR_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define FCR_TX_RESET 0x04

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define MCR_MASK 0x1F

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_ERRORS 0x1E  /* OE, PE, FE, BI */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

/* MSR inputs when not in loopback: a modem that is there and ready
 * (CTS, DSR, DCD asserted; no ring), and the same modem after the host's
 * input has ended (carrier and data set ready dropped, CTS kept so the
 * guest may still send). */
#define MSR_HOST_INPUTS 0xB0
#define MSR_HUNG_UP 0x10

/* The PC's UART clock is 1.8432 MHz, divided by 16 per bit. */
#define UART_CLOCK_HZ 1843200ull

/* Sources as a bitmask, to spot one that is new. */
enum { SRC_RLS = 1, SRC_RDA = 2, SRC_THRE = 4, SRC_MSR = 8 };

static void fifo_clear(struct uart_fifo *f)
{
    f->head = f->count = 0;
}

static void fifo_push(struct uart_fifo *f, uint8_t b)
{
    f->data[(f->head + f->count) % UART_FIFO_SIZE] = b;
    f->count++;
}

static uint8_t fifo_pop(struct uart_fifo *f)
{
    uint8_t b = f->data[f->head];
    f->head = (f->head + 1) % UART_FIFO_SIZE;
    f->count--;
    return b;
}

static bool fifo_mode(const struct uart *u)
{
    return u->fcr & FCR_ENABLE;
}

static unsigned rx_capacity(const struct uart *u)
{
    return fifo_mode(u) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct uart *u)
{
    static const unsigned level[4] = {1, 4, 8, 14};
    return fifo_mode(u) ? level[u->fcr >> 6] : 1;
}

static unsigned pending_sources(const struct uart *u)
{
    unsigned m = 0;
    if ((u->ier & IER_ELSI) && (u->lsr & LSR_ERRORS))
        m |= SRC_RLS;
    if ((u->ier & IER_ERBFI) && u->rx.count &&
        (u->rx.count >= rx_trigger(u) || u->rx_timeout))
        m |= SRC_RDA;
    if ((u->ier & IER_ETBEI) && u->thr_ipending)
        m |= SRC_THRE;
    if ((u->ier & IER_EDSSI) && (u->msr & 0x0F))
        m |= SRC_MSR;
    return m;
}

static uint8_t iir_value(const struct uart *u)
{
    unsigned m = pending_sources(u);
    uint8_t fifo = fifo_mode(u) ? IIR_FIFO_ON : 0;
    if (m & SRC_RLS)
        return fifo | IIR_RLS;
    if (m & SRC_RDA)
        return fifo | (u->rx.count >= rx_trigger(u) ? IIR_RDA : IIR_CTI);
    if (m & SRC_THRE)
        return fifo | IIR_THRE;
    if (m & SRC_MSR)
        return fifo | IIR_MSR;
    return fifo | IIR_NONE;
}

/* Drive the IRQ line from the pending sources; `fresh` says something
 * new happened (a byte arrived, THR emptied) that deserves its own edge. */
static void uart_update(struct uart *u, bool fresh)
{
    unsigned m = pending_sources(u);
    if (!m) {
        if (u->irq_level)
            irq_lower(&u->irq);
        u->irq_level = false;
    } else if (!u->irq_level || fresh || (m & ~u->last_sources)) {
        irq_lower(&u->irq);
        irq_raise(&u->irq);
        u->irq_level = true;
    }
    u->last_sources = m;
}

static uint64_t char_time_ns(const struct uart *u)
{
    unsigned bits = 1 + 5 + (u->lcr & 3) + ((u->lcr >> 3) & 1) + ((u->lcr & 4) ? 2 : 1);
    uint64_t div = u->divisor ? u->divisor : 65536;
    return bits * div * 16 * NS_PER_SEC / UART_CLOCK_HZ;
}

/* Something entered or left the receive FIFO: restart the timeout. */
static void rx_activity(struct uart *u)
{
    u->rx_timeout = false;
    u->rx_active = true;
    if (!u->clock)
        return;
    if (fifo_mode(u) && u->rx.count)
        vtimer_arm(u->clock, &u->timeout, vclock_now(u->clock) + 4 * char_time_ns(u));
    else
        vtimer_cancel(u->clock, &u->timeout);
}

static void timeout_fired(void *opaque, uint64_t now)
{
    struct uart *u = opaque;
    (void)now;
    if (fifo_mode(u) && u->rx.count && !u->rx_timeout) {
        u->rx_timeout = true;
        uart_update(u, true);
    }
}

/* One character reaches the receiver (from the host or from loopback). */
static void receive(struct uart *u, uint8_t b)
{
    if (u->rx.count < rx_capacity(u)) {
        fifo_push(&u->rx, b);
    } else {
        /* Datasheet, LSR bit 1: without FIFOs the new character overwrites
         * RBR; with them the character in the shift register is lost. */
        if (!fifo_mode(u))
            u->rx.data[u->rx.head] = b;
        u->lsr |= LSR_OE;
    }
    u->lsr |= LSR_DR;
    rx_activity(u);
}

static uint8_t read_rbr(struct uart *u)
{
    uint8_t b = 0;
    if (u->rx.count) {
        b = fifo_pop(&u->rx);
        rx_activity(u);
    }
    if (!u->rx.count)
        u->lsr &= ~LSR_DR;
    uart_update(u, false);
    return b;
}

static void write_thr(struct uart *u, uint8_t b)
{
    u->thr_ipending = false;
    u->lsr &= ~(LSR_THRE | LSR_TEMT);
    uart_update(u, false);
    if (u->mcr & MCR_LOOP)
        receive(u, b);
    else
        chardev_write(u->chr, b);
    u->lsr |= LSR_THRE | LSR_TEMT;
    u->thr_ipending = true;
    uart_update(u, true);
}

/* Set the MSR input bits to `inputs` (bits 4-7), latching the deltas. */
static void msr_inputs(struct uart *u, uint8_t inputs)
{
    uint8_t old = u->msr, changed = (uint8_t)((old ^ inputs) & 0xF0);
    uint8_t delta = (uint8_t)((changed & 0xB0) >> 4);
    /* TERI reports only the trailing edge of RI (RI going inactive). */
    if ((changed & 0x40) && (old & 0x40))
        delta |= 0x04;
    u->msr = (uint8_t)((inputs & 0xF0) | (old & 0x0F) | delta);
}

/* In loopback the modem outputs come straight back as inputs
 * (datasheet, MCR bit 4): DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static uint8_t loop_inputs(uint8_t mcr)
{
    return (uint8_t)(((mcr & 0x02) << 3) | ((mcr & 0x01) << 5) |
                     ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4));
}

static void write_fcr(struct uart *u, uint8_t v)
{
    bool was_on = fifo_mode(u);
    if (!(v & FCR_ENABLE)) {
        /* Clearing FCR0 turns FIFOs off and empties both. */
        u->fcr = 0;
        if (was_on) {
            fifo_clear(&u->rx);
            fifo_clear(&u->tx);
            u->lsr &= ~LSR_DR;
        }
    } else {
        if (!was_on) {
            fifo_clear(&u->rx);
            fifo_clear(&u->tx);
            u->lsr &= ~LSR_DR;
        }
        if (v & FCR_RX_RESET) {
            fifo_clear(&u->rx);
            u->lsr &= ~LSR_DR;
        }
        if (v & FCR_TX_RESET)
            fifo_clear(&u->tx);
        u->fcr = v & 0xC9;  /* the reset bits are self-clearing */
    }
    rx_activity(u);
    uart_update(u, false);
}

static void write_ier(struct uart *u, uint8_t v)
{
    uint8_t old = u->ier;
    u->ier = v & 0x0F;
    /* Enabling ETBEI while THR is empty raises THRE at once: drivers
     * kick off interrupt-driven transmission this way. */
    if ((u->ier & IER_ETBEI) && !(old & IER_ETBEI) && (u->lsr & LSR_THRE))
        u->thr_ipending = true;
    uart_update(u, false);
}

static void write_mcr(struct uart *u, uint8_t v)
{
    u->mcr = v & MCR_MASK;
    msr_inputs(u, (u->mcr & MCR_LOOP) ? loop_inputs(u->mcr) : u->host_inputs);
    uart_update(u, false);
}

static uint32_t uart_read(void *opaque, uint16_t port, unsigned size)
{
    struct uart *u = opaque;
    uint8_t v;
    (void)size;
    switch (port - u->base) {
    case RBR_THR:
        return (u->lcr & LCR_DLAB) ? (u->divisor & 0xFF) : read_rbr(u);
    case IER:
        return (u->lcr & LCR_DLAB) ? (u->divisor >> 8) : u->ier;
    case IIR_FCR:
        v = iir_value(u);
        /* Reading IIR while it names THRE clears that source. */
        if ((v & 0x0F) == IIR_THRE) {
            u->thr_ipending = false;
            uart_update(u, false);
        }
        return v;
    case LCR:
        return u->lcr;
    case MCR:
        return u->mcr;
    case LSR:
        v = u->lsr;
        u->lsr &= ~LSR_ERRORS;
        uart_update(u, false);
        return v;
    case MSR:
        v = u->msr;
        u->msr &= 0xF0;
        uart_update(u, false);
        return v;
    default:
        return u->scr;
    }
}

static void uart_write(void *opaque, uint16_t port, unsigned size, uint32_t val)
{
    struct uart *u = opaque;
    uint8_t v = (uint8_t)val;
    (void)size;
    switch (port - u->base) {
    case RBR_THR:
        if (u->lcr & LCR_DLAB)
            u->divisor = (uint16_t)((u->divisor & 0xFF00) | v);
        else
            write_thr(u, v);
        break;
    case IER:
        if (u->lcr & LCR_DLAB)
            u->divisor = (uint16_t)((u->divisor & 0x00FF) | (v << 8));
        else
            write_ier(u, v);
        break;
    case IIR_FCR:
        write_fcr(u, v);
        break;
    case LCR:
        u->lcr = v;
        break;
    case MCR:
        write_mcr(u, v);
        break;
    case LSR:
    case MSR:
        break;  /* factory test registers: writes are not for programs */
    default:
        u->scr = v;
        break;
    }
}

void uart_init(struct uart *u, struct bus *b, uint16_t base,
               struct irq_line irq, struct chardev *chr)
{
    *u = (struct uart){.base = base, .irq = irq, .chr = chr};
    /* Datasheet Table VI (reset states); the divisor is undefined at
     * reset, we start at 12 (9600 baud). */
    u->lsr = LSR_THRE | LSR_TEMT;
    u->msr = u->host_inputs = MSR_HOST_INPUTS;
    u->divisor = 12;
    vtimer_init(&u->timeout, timeout_fired, u);
    bus_register_io(b, base, 8, uart_read, uart_write, u);
}

void uart_set_clock(struct uart *u, struct vclock *clock)
{
    u->clock = clock;
}

/* The host modem's lines: hung up once its input has ended and the
 * receiver is empty, up again when input comes back. */
static void host_modem(struct uart *u)
{
    bool ended = chardev_input_ended(u->chr) && u->rx.count == 0;
    uint8_t want = ended ? MSR_HUNG_UP : MSR_HOST_INPUTS;
    if (want == u->host_inputs)
        return;
    u->host_inputs = want;
    if (u->mcr & MCR_LOOP)
        return;
    msr_inputs(u, want);
    uart_update(u, true);
}

void uart_poll(struct uart *u)
{
    bool got = false;
    uint8_t b;
    /* In loopback the serial input is disconnected from the receiver. */
    if (!(u->mcr & MCR_LOOP)) {
        while (u->rx.count < rx_capacity(u) && chardev_read(u->chr, &b)) {
            receive(u, b);
            got = true;
        }
        host_modem(u);
    }
    if (!u->clock && !got && fifo_mode(u) && u->rx.count && !u->rx_active &&
        !u->rx_timeout) {
        u->rx_timeout = true;
        got = true;
    }
    u->rx_active = false;
    if (got)
        uart_update(u, true);
}
