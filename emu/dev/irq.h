/*
 * irq.h: an interrupt request line from a device to the interrupt
 * controller. Devices hold a struct irq_line and never know what is at
 * the other end; the machine wires it to the PIC input.
 */
#ifndef ISOLA_IRQ_H
#define ISOLA_IRQ_H

#include <stdbool.h>

typedef void (*irq_set_fn)(void *opaque, unsigned irq, bool level);

struct irq_line {
    irq_set_fn set;
    void *opaque;
    unsigned irq;
};

static inline void irq_raise(const struct irq_line *l)
{
    if (l->set)
        l->set(l->opaque, l->irq, true);
}

static inline void irq_lower(const struct irq_line *l)
{
    if (l->set)
        l->set(l->opaque, l->irq, false);
}

/* Edge-triggered ISA devices: a rising edge latches the request. */
static inline void irq_pulse(const struct irq_line *l)
{
    irq_lower(l);
    irq_raise(l);
}

#endif
