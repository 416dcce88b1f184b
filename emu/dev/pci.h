/*
 * pci.h: PCI bus 0 behind configuration mechanism #1 (ports 0xCF8/0xCFC),
 * with an Intel 440FX host bridge at 00:00.0 and a PIIX3 PCI-to-ISA
 * bridge at 00:01.0. Other devices (the PIIX3 IDE function) add
 * themselves with pci_add_device.
 *
 * Rules kept here:
 *  - A function's identity and header live in config[], laid out as in
 *    PCI Local Bus Spec 3.0 §6.1; wmask[] says which bits the guest may
 *    change. BARs are handled apart (sizing, relocation callback).
 *  - An absent function reads as all ones; writes to it vanish.
 *  - Only bus 0 exists; type-1 (bridge) forwarding is not modelled.
 */
#ifndef ISOLA_PCI_H
#define ISOLA_PCI_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct pci_function;

#define PCI_DEVFN(dev, fn) ((uint8_t)(((dev) << 3) | (fn)))
#define PCI_NUM_BARS 6

/* Standard header offsets (PCI 3.0 §6.1). */
enum {
    PCI_VENDOR_ID = 0x00, PCI_DEVICE_ID = 0x02,
    PCI_COMMAND = 0x04, PCI_STATUS = 0x06,
    PCI_REVISION = 0x08, PCI_PROG_IF = 0x09, PCI_SUBCLASS = 0x0A,
    PCI_CLASS = 0x0B, PCI_CACHE_LINE = 0x0C, PCI_LATENCY = 0x0D,
    PCI_HEADER_TYPE = 0x0E, PCI_BAR0 = 0x10,
    PCI_SUBSYS_VENDOR = 0x2C, PCI_SUBSYS_ID = 0x2E,
    PCI_INT_LINE = 0x3C, PCI_INT_PIN = 0x3D,
};

#define PCI_CMD_IO      0x0001u  /* I/O space enable */
#define PCI_CMD_MEMORY  0x0002u
#define PCI_CMD_MASTER  0x0004u  /* bus master enable */

/* Called after the guest wrote `size` bytes at `offset` (already stored). */
typedef void (*pci_config_written_fn)(struct pci_function *f, unsigned offset,
                                      unsigned size, uint32_t v);
/* Called when the decoded address of a BAR changes: a new base, or its
 * space was enabled/disabled in the command register. `enabled` false
 * means the range is no longer decoded (old_base is what was mapped). */
typedef void (*pci_bar_moved_fn)(struct pci_function *f, unsigned bar,
                                 uint32_t old_base, bool old_enabled,
                                 uint32_t new_base, bool new_enabled);

struct pci_function {
    /* Filled by the device before pci_add_device. */
    uint8_t devfn;                 /* PCI_DEVFN(device, function) */
    uint16_t vendor_id, device_id;
    uint8_t class_code, subclass, prog_if, revision;
    bool multifunction;            /* header type bit 7 (on function 0) */
    uint32_t bar_size[PCI_NUM_BARS]; /* power of two; 0 = no BAR */
    bool bar_io[PCI_NUM_BARS];     /* I/O space (else 32-bit memory) */
    pci_config_written_fn config_written;  /* optional */
    pci_bar_moved_fn bar_moved;            /* optional */
    void *opaque;                  /* the device behind this function */

    /* Configuration space; pci_add_device builds the header. */
    uint8_t config[256];
    uint8_t wmask[256];            /* 1 bits are guest-writable */
};

#define PCI_MAX_FUNCS 256

struct pci {
    struct bus *bus;
    uint32_t config_address;       /* port 0xCF8 */
    struct pci_function *fn[PCI_MAX_FUNCS];  /* by devfn, bus 0 */
    struct pci_function host_bridge;  /* 00:00.0 i440FX */
    struct pci_function isa_bridge;   /* 00:01.0 PIIX3 ISA */
    /* PIIX3 reset control register (port 0xCF9): a 0->1 edge of bit 2
     * resets the system. The machine fills these; NULL ignores it. */
    uint8_t reset_control;
    void (*reset)(void *opaque);
    void *reset_opaque;
};

void pci_init(struct pci *p, struct bus *b);
/* Builds f's header from its fields and puts it on bus 0.
 * Returns 0, or -1 when the slot is taken. */
int pci_add_device(struct pci *p, struct pci_function *f);

/* Base address a BAR holds now (type bits stripped). */
uint32_t pci_bar_base(const struct pci_function *f, unsigned bar);
/* Whether the BAR's space is enabled in the command register. */
bool pci_bar_enabled(const struct pci_function *f, unsigned bar);
/* Sets a BAR's base as firmware would (no callback). */
void pci_set_bar(struct pci_function *f, unsigned bar, uint32_t base);
uint16_t pci_command(const struct pci_function *f);

/* Config-space accessors in guest terms (little-endian), for tests and
 * for a firmware that does not use the ports. */
uint32_t pci_config_read(struct pci *p, uint8_t devfn, unsigned offset, unsigned size);
void pci_config_write(struct pci *p, uint8_t devfn, unsigned offset, unsigned size, uint32_t v);

#endif
