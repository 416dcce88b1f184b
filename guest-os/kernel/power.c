/*
 * power.c: power off. A PC has no single way: isola and QEMU (with
 * -device isa-debug-exit,iobase=0xf4) end at a write to port 0xF4 and
 * report the value as their exit status; QEMU's and Bochs's ACPI power
 * management blocks turn off at a write of SLP_EN with sleep type 5 to
 * their PM1a control port. Whatever is present answers; if nothing does,
 * the CPU halts with interrupts off.
 */
#include "power.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xF4
#define ACPI_SLP_S5 0x2000           /* SLP_EN | SLP_TYP 0 as QEMU and Bochs decode it */

void power_off(int status)
{
    cli();
    outb(DEBUG_EXIT_PORT, (uint8_t)status);
    outw(0x604, ACPI_SLP_S5);         /* QEMU's PIIX4 PM block as SeaBIOS places it */
    outw(0xB004, ACPI_SLP_S5);        /* Bochs and older QEMU */
    for (;;)
        __asm__ volatile("hlt");
}
