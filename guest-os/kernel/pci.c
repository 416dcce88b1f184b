/*
 * pci.c: configuration mechanism #1. A dword written to 0xCF8 selects
 * bus, device, function and register (bit 31 enables it); 0xCFC then
 * reads or writes that register. The pair of accesses is not atomic, so
 * each runs with interrupts off.
 *
 * Only bus 0 is searched: the machines this kernel runs on (isola's and
 * QEMU's i440FX) put every function there, and it keeps the scan short.
 */
#include "pci.h"
#include "sched.h"
#include "x86.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA 0xCFC

static uint32_t address(struct pci_addr a, uint8_t off)
{
    return 0x80000000u | (uint32_t)a.bus << 16 | (uint32_t)(a.dev & 31) << 11 |
           (uint32_t)(a.fn & 7) << 8 | (off & 0xFCu);
}

uint32_t pci_read32(struct pci_addr a, uint8_t off)
{
    uint32_t f = irq_save();
    outl(CONFIG_ADDRESS, address(a, off));
    uint32_t v = inl(CONFIG_DATA);
    irq_restore(f);
    return v;
}

void pci_write32(struct pci_addr a, uint8_t off, uint32_t v)
{
    uint32_t f = irq_save();
    outl(CONFIG_ADDRESS, address(a, off));
    outl(CONFIG_DATA, v);
    irq_restore(f);
}

uint16_t pci_read16(struct pci_addr a, uint8_t off)
{
    return (uint16_t)(pci_read32(a, off) >> ((off & 2) * 8));
}

/* A word through 0xCFC + 2 for the upper half: a dword write would also
 * write the status register next to the command register, whose bits
 * are cleared by writing 1 (PCI 3.0, 6.2.3). */
void pci_write16(struct pci_addr a, uint8_t off, uint16_t v)
{
    uint32_t f = irq_save();
    outl(CONFIG_ADDRESS, address(a, off));
    outw((uint16_t)(CONFIG_DATA + (off & 2)), v);
    irq_restore(f);
}

bool pci_find(uint16_t vendor, uint16_t device, struct pci_addr *out)
{
    for (uint8_t dev = 0; dev < 32; dev++) {
        for (uint8_t fn = 0; fn < 8; fn++) {
            struct pci_addr a = {0, dev, fn};
            uint32_t id = pci_read32(a, PCI_VENDOR_ID);
            if ((id & 0xFFFF) == 0xFFFF) {
                if (fn == 0)
                    break;         /* no device: its other functions are absent too */
                continue;
            }
            if ((id & 0xFFFF) == vendor && id >> 16 == device) {
                *out = a;
                return true;
            }
        }
    }
    return false;
}
