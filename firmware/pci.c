/*
 * pci.c: the little PCI set-up a PC BIOS owes its devices on bus 0:
 * addresses for their BARs, decoding turned on, and the IDE controller's
 * legacy ports enabled.
 *
 * Rules it keeps:
 * - Configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2): the
 *   address at 0xCF8 (bit 31 enable, bus, device, function, register),
 *   the data at 0xCFC.
 * - A BAR is sized by writing all ones and reading back (PCI spec 6.2.5.1);
 *   I/O BARs get ports from 0xC000 up, memory BARs addresses from
 *   0xE0000000 up (only when RAM ends below that), each aligned to its
 *   size. BARs something already set (nonzero) are left alone.
 * - Host bridges (class 06h/00h) keep their own configuration.
 * - Intel PIIX/PIIX3/PIIX4 IDE decode their legacy ports only when IDETIM
 *   (config 40h primary, 42h secondary) bit 15 is set (82371AB datasheet).
 */
#include "bios.h"

#define PCI_ADDR    0xCF8
#define PCI_DATA    0xCFC

#define IO_BASE     0xC000u
#define IO_END      0x10000u
#define MEM_BASE    0xE0000000u
#define MEM_END     0xFEC00000u

struct pci_alloc {
    uint32_t io, mem;
};

static void pci_select(uint8_t dev, uint8_t fn, uint8_t reg)
{
    outl(PCI_ADDR, 0x80000000u | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (reg & 0xFC));
}

static uint32_t pci_read32(uint8_t dev, uint8_t fn, uint8_t reg)
{
    pci_select(dev, fn, reg);
    return inl(PCI_DATA);
}

static void pci_write32(uint8_t dev, uint8_t fn, uint8_t reg, uint32_t v)
{
    pci_select(dev, fn, reg);
    outl(PCI_DATA, v);
}

static void pci_write16(uint8_t dev, uint8_t fn, uint8_t reg, uint16_t v)
{
    pci_select(dev, fn, reg);
    outw(PCI_DATA + (reg & 2), v);
}

/* Give BAR reg an address from *next (aligned to size) below end. */
static bool pci_place(uint8_t dev, uint8_t fn, uint8_t reg, uint32_t size,
                      uint32_t *next, uint32_t end)
{
    uint32_t base = (*next + size - 1) & ~(size - 1);

    if (size == 0 || base < *next || base + size > end || base + size < base)
        return false;
    pci_write32(dev, fn, reg, base);
    *next = base + size;
    return true;
}

/* Size and place the six BARs of a type 0 header; the command bits it needs. */
static uint16_t pci_assign_bars(uint8_t dev, uint8_t fn, struct pci_alloc *a)
{
    uint16_t cmd = 0;

    for (uint8_t reg = 0x10; reg < 0x28; reg += 4) {
        uint32_t old = pci_read32(dev, fn, reg);
        pci_write32(dev, fn, reg, 0xFFFFFFFF);
        uint32_t probe = pci_read32(dev, fn, reg);
        pci_write32(dev, fn, reg, old);
        if (probe == 0 || probe == 0xFFFFFFFF)
            continue;
        if (probe & 1) {
            uint32_t size = ~(probe & 0xFFFFFFFC) + 1;
            size &= 0xFFFF;
            if ((old & ~3u) || pci_place(dev, fn, reg, size, &a->io, IO_END))
                cmd |= 0x0001;
        } else {
            uint32_t size = ~(probe & 0xFFFFFFF0) + 1;
            bool is64 = ((probe >> 1) & 3) == 2;
            if ((old & ~0xFu) || pci_place(dev, fn, reg, size, &a->mem, MEM_END))
                cmd |= 0x0002;
            if (is64) {
                reg += 4;
                pci_write32(dev, fn, reg, 0);
            }
        }
    }
    return cmd;
}

static void pci_setup(uint8_t dev, uint8_t fn, uint32_t id, struct pci_alloc *a)
{
    uint32_t class = pci_read32(dev, fn, 0x08) >> 16;
    uint8_t type = (uint8_t)(pci_read32(dev, fn, 0x0C) >> 16) & 0x7F;

    if (class == 0x0600 || type != 0)
        return;
    uint16_t cmd = pci_assign_bars(dev, fn, a);
    if (class == 0x0101) {
        uint16_t device = (uint16_t)(id >> 16);
        if ((id & 0xFFFF) == 0x8086 &&
            (device == 0x1230 || device == 0x7010 || device == 0x7111)) {
            pci_write16(dev, fn, 0x40, 0x8000);
            pci_write16(dev, fn, 0x42, 0x8000);
        }
        cmd |= 0x0005;              /* legacy ports decode; bus master DMA */
        uint32_t irq = pci_read32(dev, fn, 0x3C);
        pci_write32(dev, fn, 0x3C, (irq & ~0xFFu) | 14);
    }
    uint32_t status_cmd = pci_read32(dev, fn, 0x04);
    pci_write16(dev, fn, 0x04, (uint16_t)(status_cmd | cmd));
}

void pci_init(void)
{
    struct pci_alloc a = { IO_BASE, MEM_BASE };

    if ((pci_read32(0, 0, 0) & 0xFFFF) == 0xFFFF)
        return;                     /* no host bridge: no PCI */
    if (STATE->ram_top > MEM_BASE)
        a.mem = MEM_END;            /* no room for memory BARs */
    for (uint8_t dev = 0; dev < 32; dev++) {
        for (uint8_t fn = 0; fn < 8; fn++) {
            uint32_t id = pci_read32(dev, fn, 0);
            if ((id & 0xFFFF) == 0xFFFF) {
                if (fn == 0)
                    break;
                continue;
            }
            pci_setup(dev, fn, id, &a);
            if (fn == 0 && !(pci_read32(dev, 0, 0x0C) & 0x00800000))
                break;              /* not multi-function */
        }
    }
}
