/*
 * pci.h: PCI configuration space through configuration mechanism #1
 * (ports 0xCF8/0xCFC, PCI Local Bus Specification 3.0, 3.2.2.3.2), and
 * finding a function by its IDs.
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_CLASS_REV 0x08
#define PCI_BAR0 0x10
#define PCI_CMD_IO 0x0001
#define PCI_CMD_MASTER 0x0004

/* A function's address: bus, device (0-31) and function (0-7). */
struct pci_addr {
    uint8_t bus, dev, fn;
};

uint32_t pci_read32(struct pci_addr a, uint8_t off);
void pci_write32(struct pci_addr a, uint8_t off, uint32_t v);
uint16_t pci_read16(struct pci_addr a, uint8_t off);
void pci_write16(struct pci_addr a, uint8_t off, uint16_t v);
/* The first function with these IDs on bus 0; false when there is none. */
bool pci_find(uint16_t vendor, uint16_t device, struct pci_addr *out);

#endif
