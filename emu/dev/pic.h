/*
 * pic.h: the PC's pair of Intel 8259A programmable interrupt controllers
 * (master at ports 0x20/0x21, slave at 0xA0/0xA1 cascaded on master IR2),
 * plus the PIIX edge/level control registers at 0x4D0/0x4D1.
 *
 * Devices reach it through a struct irq_line whose set function is
 * pic_set_irq (irq 0-15); the CPU reaches it through its INTR pin
 * (cpu_set_intr, driven here) and the INTA cycle (pic_ack, installed by
 * the machine as c->intr_ack with c->intr_opaque = the struct pic).
 */
#ifndef ISOLA_PIC_H
#define ISOLA_PIC_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct cpu;
typedef struct cpu cpu_t;

/* One 8259A. */
struct pic_chip {
    uint8_t irr;        /* interrupt request register */
    uint8_t isr;        /* in-service register */
    uint8_t imr;        /* interrupt mask register (OCW1) */
    uint8_t lines;      /* current level of the IR inputs (edge detection) */
    uint8_t elcr;       /* PIIX edge/level control: 1 = level triggered */
    uint8_t vbase;      /* ICW2: vector of IR0 (low 3 bits zero) */
    uint8_t icw3;       /* cascade wiring, kept for completeness */
    uint8_t lowest;     /* IR with the lowest priority (rotation); 7 after ICW1 */
    uint8_t init_next;  /* 0 = operational, else the ICW expected next (2-4) */
    bool icw4_needed;   /* ICW1 IC4 */
    bool single;        /* ICW1 SNGL: no cascade */
    bool ltim;          /* ICW1 LTIM: all inputs level triggered */
    bool auto_eoi;      /* ICW4 AEOI */
    bool rotate_aeoi;   /* OCW2 rotate in automatic EOI mode */
    bool read_isr;      /* OCW3 RR/RIS: port A0=0 reads ISR instead of IRR */
    bool poll;          /* OCW3 P: the next read is a poll */
    bool special_mask;  /* OCW3 SMM */
};

struct pic {
    struct pic_chip chip[2];  /* [0] master, [1] slave */
    cpu_t *cpu;               /* may be NULL (unit tests without a CPU) */
    bool intr;                /* level last driven on the CPU's INTR pin */
};

void pic_init(struct pic *p, struct bus *b, cpu_t *cpu);
/* An irq_set_fn: input irq (0-15) is now at `level`. */
void pic_set_irq(void *pic, unsigned irq, bool level);
/* The INTA cycle: returns the vector (spurious IR7/IR15 vector when no
 * request remains). Installed as c->intr_ack. */
int pic_ack(void *pic);
/* The master's INT output (what the CPU's INTR pin sees). */
bool pic_output(const struct pic *p);

#endif
