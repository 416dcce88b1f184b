/*
 * pic.h: the two 8259A interrupt controllers.
 */
#ifndef KERNEL_PIC_H
#define KERNEL_PIC_H

#define IRQ_TIMER 0
#define IRQ_KBD 1
#define IRQ_CASCADE 2
#define IRQ_COM1 4
#define IRQ_RTC 8
#define IRQ_ATA0 14
#define NIRQ 16

void pic_init(void);
void pic_enable(unsigned irq);
void pic_eoi(unsigned irq);
/* An IRQ 7 or 15 the controller raised without a request behind it. */
int pic_spurious(unsigned irq);

#endif
