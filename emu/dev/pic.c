/*
 * pic.c: two Intel 8259A interrupt controllers in the PC/AT cascade
 * (see pic.h). References are to the Intel 8259A datasheet (231468).
 *
 * Rules kept here:
 *  - Edge-triggered inputs latch a request in IRR on a low-to-high
 *    transition. A request withdrawn (input low) before INTA is lost:
 *    "the IR input must remain high until after the falling edge of the
 *    first INTA; if it goes low before, a default IR7 occurs".
 *  - Level-triggered inputs (ICW1 LTIM, or the PIIX ELCR bit) have IRR
 *    follow the input; INTA does not clear it.
 *  - The slave's INT output is the master's IR2 input, taken as a level
 *    so a slave request never waits for a second edge on the cascade.
 *  - Priority: IR(lowest+1) is highest, going round to IR(lowest); after
 *    ICW1 lowest = 7 (fixed priority, IR0 highest). A request is passed
 *    to the CPU only when it beats every in-service level (fully nested);
 *    in special mask mode masked in-service levels do not block.
 *  - Every change recomputes the master's INT output and, when it
 *    differs from the CPU's INTR pin, drives the pin with cpu_set_intr.
 *  - Not modelled: 8080/8085 mode (ICW4 uPM=0 is treated as 8086), buffered
 *    mode and special fully nested mode (ICW4 BUF, SFNM: accepted,
 *    ignored), the ICW3 wiring (the slave always sits on master IR2).
 */
#include "dev/pic.h"

#include <string.h>

#include "bus.h"
#include "cpu.h"

#define CASCADE_IR 2

/* The IR inputs of a chip that are level triggered. */
static uint8_t level_mask(const struct pic_chip *s)
{
    return s->ltim ? 0xFF : s->elcr;
}

/* The highest-priority IR (0-7) set in `bits`, or -1; priority order
 * starts just after s->lowest. */
static int highest(const struct pic_chip *s, uint8_t bits)
{
    for (unsigned k = 1; k <= 8; k++) {
        unsigned ir = (s->lowest + k) & 7;
        if (bits & (1u << ir))
            return (int)ir;
    }
    return -1;
}

/* The request the chip would pass on at INTA: the highest-priority
 * unmasked IRR bit of higher priority than any (unmasked, in special mask
 * mode) in-service level; -1 when none. */
static int chip_pending(const struct pic_chip *s)
{
    uint8_t in_service = s->special_mask ? s->isr & ~s->imr : s->isr;
    uint8_t requests = s->irr & ~s->imr;
    for (unsigned k = 1; k <= 8; k++) {
        unsigned ir = (s->lowest + k) & 7;
        if (in_service & (1u << ir))
            return -1;
        if (requests & (1u << ir))
            return (int)ir;
    }
    return -1;
}

/* INTA seen by one chip: returns the IR acknowledged, or -1 (spurious). */
static int chip_ack(struct pic_chip *s)
{
    int ir = chip_pending(s);
    if (ir < 0)
        return -1;
    uint8_t bit = (uint8_t)(1u << ir);
    if (!(level_mask(s) & bit))
        s->irr &= (uint8_t)~bit;
    if (s->auto_eoi) {
        /* AEOI: the ISR bit is reset at the end of the last INTA pulse. */
        if (s->rotate_aeoi)
            s->lowest = (uint8_t)ir;
    } else {
        s->isr |= bit;
    }
    return ir;
}

static bool cascaded(const struct pic *p)
{
    return !p->chip[0].single;
}

/* Propagate the slave's output to master IR2, then the master's output to
 * the CPU. */
static void pic_update(struct pic *p)
{
    struct pic_chip *m = &p->chip[0];
    if (cascaded(p)) {
        if (chip_pending(&p->chip[1]) >= 0)
            m->irr |= 1u << CASCADE_IR;
        else
            m->irr &= (uint8_t)~(1u << CASCADE_IR);
    }
    bool out = chip_pending(m) >= 0;
    p->intr = out;
    if (p->cpu && p->cpu->intr != out)
        cpu_set_intr(p->cpu, out);
}

bool pic_output(const struct pic *p)
{
    return chip_pending(&p->chip[0]) >= 0;
}

static void chip_set_input(struct pic_chip *s, unsigned ir, bool level)
{
    uint8_t bit = (uint8_t)(1u << ir);
    if (level) {
        if (!(s->lines & bit) || (level_mask(s) & bit))
            s->irr |= bit;
        s->lines |= bit;
    } else {
        s->lines &= (uint8_t)~bit;
        s->irr &= (uint8_t)~bit;
    }
}

void pic_set_irq(void *opaque, unsigned irq, bool level)
{
    struct pic *p = opaque;
    if (irq >= 16)
        return;
    /* On the AT the ISA bus's IRQ2 pin is wired to the slave's IR1
     * (IRQ9), because master IR2 carries the cascade. */
    if (irq == CASCADE_IR && cascaded(p))
        irq = 9;
    chip_set_input(&p->chip[irq >> 3], irq & 7, level);
    pic_update(p);
}

int pic_ack(void *opaque)
{
    struct pic *p = opaque;
    struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
    int vec;
    int ir = chip_ack(m);
    if (ir < 0) {
        vec = m->vbase + 7;
    } else if (ir == CASCADE_IR && cascaded(p)) {
        /* The master put the slave's ID on the cascade lines; the slave
         * supplies the vector. Nothing left there: the slave's IR7 vector
         * (IRQ15), with master ISR2 still set as on hardware. */
        int sir = chip_ack(s);
        vec = s->vbase + (sir < 0 ? 7 : sir);
    } else {
        vec = m->vbase + ir;
    }
    pic_update(p);
    return vec;
}

/* ---- command words ---- */

/* ICW1: datasheet "Initialization command words": the edge sense circuit
 * is reset (an input already high must go low and high again), IMR is
 * cleared, IR7 gets the lowest priority, special mask mode is cleared and
 * reads select IRR; without IC4 every ICW4 function is zero. IRR and ISR
 * are cleared too, so the chip starts with nothing pending. */
static void icw1(struct pic_chip *s, uint8_t v)
{
    s->icw4_needed = v & 0x01;
    s->single = v & 0x02;
    s->ltim = v & 0x08;
    s->imr = 0;
    s->isr = 0;
    s->irr = s->lines & level_mask(s);
    s->lowest = 7;
    s->special_mask = false;
    s->read_isr = false;
    s->poll = false;
    s->rotate_aeoi = false;
    s->auto_eoi = false;
    s->init_next = 2;
}

static void icw_data(struct pic_chip *s, uint8_t v)
{
    switch (s->init_next) {
    case 2:
        s->vbase = v & 0xF8;
        s->init_next = !s->single ? 3 : s->icw4_needed ? 4 : 0;
        break;
    case 3:
        s->icw3 = v;
        s->init_next = s->icw4_needed ? 4 : 0;
        break;
    case 4:
        s->auto_eoi = v & 0x02;
        s->init_next = 0;
        break;
    }
}

/* OCW2: bits 7-5 are R, SL, EOI; bits 2-0 the level for SL commands. */
static void ocw2(struct pic_chip *s, uint8_t v)
{
    unsigned level = v & 7;
    int ir;
    switch (v >> 5) {
    case 1: /* non-specific EOI: the highest-priority in-service level */
    case 5: /* rotate on non-specific EOI */
        ir = highest(s, s->isr);
        if (ir < 0)
            break;
        s->isr &= (uint8_t)~(1u << ir);
        if (v >> 5 == 5)
            s->lowest = (uint8_t)ir;
        break;
    case 3: /* specific EOI */
        s->isr &= (uint8_t)~(1u << level);
        break;
    case 7: /* rotate on specific EOI */
        s->isr &= (uint8_t)~(1u << level);
        s->lowest = (uint8_t)level;
        break;
    case 6: /* set priority: `level` becomes the lowest */
        s->lowest = (uint8_t)level;
        break;
    case 4:
        s->rotate_aeoi = true;
        break;
    case 0:
        s->rotate_aeoi = false;
        break;
    case 2: /* no operation */
        break;
    }
}

/* OCW3: bits 6-5 ESMM/SMM, bit 2 poll, bits 1-0 RR/RIS. */
static void ocw3(struct pic_chip *s, uint8_t v)
{
    if ((v & 0x60) == 0x60)
        s->special_mask = true;
    else if ((v & 0x60) == 0x40)
        s->special_mask = false;
    s->poll = v & 0x04;
    if (v & 0x02)
        s->read_isr = v & 0x01;
}

/* Poll command: the read acts as an INTA and returns I (bit 7) and the
 * level W2-W0. A master poll that lands on IR2 acknowledges the master
 * only; the guest then polls the slave. */
static uint8_t poll_read(struct pic *p, struct pic_chip *s)
{
    s->poll = false;
    int ir = chip_ack(s);
    pic_update(p);
    return ir < 0 ? 0 : (uint8_t)(0x80 | ir);
}

static uint8_t pic_read_byte(void *opaque, uint16_t port)
{
    struct pic *p = opaque;
    if (port == 0x4D0 || port == 0x4D1)
        return p->chip[port & 1].elcr;
    struct pic_chip *s = &p->chip[port >= 0xA0];
    if (s->poll)
        return poll_read(p, s);
    if (port & 1)
        return s->imr;
    return s->read_isr ? s->isr : s->irr;
}

static void pic_write_byte(void *opaque, uint16_t port, uint8_t v)
{
    struct pic *p = opaque;
    if (port == 0x4D0 || port == 0x4D1) {
        /* PIIX ELCR: IRQ0-2, IRQ8 and IRQ13 are always edge triggered. */
        p->chip[port & 1].elcr = v & (port & 1 ? 0xDE : 0xF8);
    } else {
        struct pic_chip *s = &p->chip[port >= 0xA0];
        if (!(port & 1)) {
            if (v & 0x10)
                icw1(s, v);
            else if (v & 0x08)
                ocw3(s, v);
            else
                ocw2(s, v);
        } else if (s->init_next) {
            icw_data(s, v);
        } else {
            s->imr = v;  /* OCW1 */
        }
    }
    pic_update(p);
}

void pic_init(struct pic *p, struct bus *b, cpu_t *cpu)
{
    memset(p, 0, sizeof *p);
    p->cpu = cpu;
    /* Power-on state is undefined until ICW1 (datasheet "Initialization
     * command words"): every input masked, so nothing reaches the CPU
     * before the firmware or the kernel programs the chips. */
    for (int k = 0; k < 2; k++) {
        p->chip[k].lowest = 7;
        p->chip[k].imr = 0xFF;
        p->chip[k].vbase = k ? 0x70 : 0x08;  /* the real-mode BIOS defaults */
    }
    if (b) {
        bus_register_io8(b, 0x20, 2, pic_read_byte, pic_write_byte, p);
        bus_register_io8(b, 0xA0, 2, pic_read_byte, pic_write_byte, p);
        bus_register_io8(b, 0x4D0, 2, pic_read_byte, pic_write_byte, p);
    }
}
