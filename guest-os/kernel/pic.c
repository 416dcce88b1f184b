/*
 * pic.c: the 8259A pair. The BIOS leaves IRQs 0-7 on vectors 8-15, where
 * the CPU's own exceptions live in protected mode, so they are moved to
 * vectors 32-47 (8259A datasheet, initialization command words).
 *
 * Rules kept here:
 *  - Every IRQ is masked until a driver enables it.
 *  - End of interrupt goes to the slave too for IRQs 8-15.
 *  - A spurious IRQ 7/15 (the line dropped before the CPU acknowledged it)
 *    gets no EOI on its own controller; the master still needs one for a
 *    spurious IRQ 15, because the cascade input was real.
 */
#include "pic.h"
#include "x86.h"
#include "trap.h"

#define MASTER_CMD 0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD 0xA0
#define SLAVE_DATA 0xA1
#define OCW3_READ_ISR 0x0B
#define EOI 0x20

static uint16_t mask = 0xFFFF & ~(1u << IRQ_CASCADE);

static void write_mask(void)
{
    outb(MASTER_DATA, (uint8_t)mask);
    outb(SLAVE_DATA, (uint8_t)(mask >> 8));
}

void pic_init(void)
{
    outb(MASTER_CMD, 0x11);          /* ICW1: edge, cascade, ICW4 follows */
    outb(SLAVE_CMD, 0x11);
    outb(MASTER_DATA, T_IRQ0);       /* ICW2: vector base */
    outb(SLAVE_DATA, T_IRQ0 + 8);
    outb(MASTER_DATA, 1u << IRQ_CASCADE);  /* ICW3: slave on IRQ 2 */
    outb(SLAVE_DATA, IRQ_CASCADE);
    outb(MASTER_DATA, 0x01);         /* ICW4: 8086 mode, normal EOI */
    outb(SLAVE_DATA, 0x01);
    write_mask();
}

void pic_enable(unsigned irq)
{
    mask &= (uint16_t)~(1u << irq);
    write_mask();
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(SLAVE_CMD, EOI);
    outb(MASTER_CMD, EOI);
}

int pic_spurious(unsigned irq)
{
    uint16_t port = irq == 7 ? MASTER_CMD : SLAVE_CMD;
    if (irq != 7 && irq != 15)
        return 0;
    outb(port, OCW3_READ_ISR);
    if (inb(port) & 0x80)
        return 0;
    if (irq == 15)
        outb(MASTER_CMD, EOI);
    return 1;
}
