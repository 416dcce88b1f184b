/*
 * pci.c: PCI configuration mechanism #1 on bus 0, the i440FX host bridge
 * and the PIIX3 ISA bridge.
 *
 * Rules kept here:
 *  - CONFIG_ADDRESS (0xCF8) is claimed only by dword accesses; byte and
 *    word accesses to 0xCF8-0xCFB are ordinary I/O (0xCF9 is the PIIX3
 *    reset control register). PCI 3.0 §3.2.2.3.2.
 *  - CONFIG_DATA (0xCFC-0xCFF) reaches the register CONFIG_ADDRESS names,
 *    plus the low two bits of the port; it floats (all ones) when the
 *    enable bit is clear, the bus is not 0 or the function is absent.
 *  - A BAR keeps only the bits its size allows, so writing all ones and
 *    reading back gives the size mask (PCI 3.0 §6.2.5.1).
 *  - Device-specific registers (0x40-0xFF) of the bridges are plain
 *    storage; the machine may watch them through config_written (PAM).
 */
#include "pci.h"

#include <string.h>

#include "bus.h"

#define CFG_ADDR_ENABLE 0x80000000u
#define PCI_BAR_END (PCI_BAR0 + 4 * PCI_NUM_BARS)

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

uint16_t pci_command(const struct pci_function *f)
{
    return (uint16_t)(f->config[PCI_COMMAND] | f->config[PCI_COMMAND + 1] << 8);
}

uint32_t pci_bar_base(const struct pci_function *f, unsigned bar)
{
    uint32_t v = get32(&f->config[PCI_BAR0 + 4 * bar]);
    return f->bar_io[bar] ? v & ~3u : v & ~15u;
}

bool pci_bar_enabled(const struct pci_function *f, unsigned bar)
{
    if (!f->bar_size[bar])
        return false;
    return pci_command(f) & (f->bar_io[bar] ? PCI_CMD_IO : PCI_CMD_MEMORY);
}

/* Type bits in the low nibble: I/O BARs read bit 0 = 1; memory BARs are
 * 32-bit, non-prefetchable (all zero). */
static uint32_t bar_value(const struct pci_function *f, unsigned bar, uint32_t v)
{
    if (!f->bar_size[bar])
        return 0;
    v &= ~(f->bar_size[bar] - 1);
    return f->bar_io[bar] ? (v & ~3u) | 1u : v & ~15u;
}

void pci_set_bar(struct pci_function *f, unsigned bar, uint32_t base)
{
    put32(&f->config[PCI_BAR0 + 4 * bar], bar_value(f, bar, base));
}

int pci_add_device(struct pci *p, struct pci_function *f)
{
    uint8_t *c = f->config;
    if (p->fn[f->devfn])
        return -1;
    memset(c, 0, sizeof f->config);
    memset(f->wmask, 0, sizeof f->wmask);
    put16(c + PCI_VENDOR_ID, f->vendor_id);
    put16(c + PCI_DEVICE_ID, f->device_id);
    c[PCI_REVISION] = f->revision;
    c[PCI_PROG_IF] = f->prog_if;
    c[PCI_SUBCLASS] = f->subclass;
    c[PCI_CLASS] = f->class_code;
    c[PCI_HEADER_TYPE] = f->multifunction ? 0x80 : 0x00;
    /* Command: I/O, memory, bus master, parity, SERR, INTx disable. */
    f->wmask[PCI_COMMAND] = 0x47;
    f->wmask[PCI_COMMAND + 1] = 0x05;
    f->wmask[PCI_CACHE_LINE] = 0xFF;
    f->wmask[PCI_LATENCY] = 0xFF;
    f->wmask[PCI_INT_LINE] = 0xFF;
    memset(&f->wmask[0x40], 0xFF, 0xC0);
    for (unsigned bar = 0; bar < PCI_NUM_BARS; bar++)
        pci_set_bar(f, bar, 0);
    p->fn[f->devfn] = f;
    return 0;
}

static void notify_bar(struct pci_function *f, unsigned bar, uint32_t old_base,
                       bool old_en)
{
    uint32_t base = pci_bar_base(f, bar);
    bool en = pci_bar_enabled(f, bar);
    if (f->bar_moved && (en || old_en) && (base != old_base || en != old_en))
        f->bar_moved(f, bar, old_base, old_en, base, en);
}

void pci_config_write(struct pci *p, uint8_t devfn, unsigned offset,
                      unsigned size, uint32_t v)
{
    struct pci_function *f = p->fn[devfn];
    uint32_t old_base[PCI_NUM_BARS];
    bool old_en[PCI_NUM_BARS];
    uint8_t bars[4 * PCI_NUM_BARS];
    if (!f || offset + size > 256)
        return;
    for (unsigned bar = 0; bar < PCI_NUM_BARS; bar++) {
        old_base[bar] = pci_bar_base(f, bar);
        old_en[bar] = pci_bar_enabled(f, bar);
    }
    memcpy(bars, &f->config[PCI_BAR0], sizeof bars);
    for (unsigned k = 0; k < size; k++) {
        unsigned o = offset + k;
        uint8_t b = (uint8_t)(v >> (8 * k));
        if (o >= PCI_BAR0 && o < PCI_BAR_END)
            bars[o - PCI_BAR0] = b;
        else
            f->config[o] = (uint8_t)((f->config[o] & ~f->wmask[o]) | (b & f->wmask[o]));
    }
    for (unsigned bar = 0; bar < PCI_NUM_BARS; bar++) {
        if (offset < PCI_BAR0 + 4 * bar + 4 && offset + size > PCI_BAR0 + 4 * bar)
            pci_set_bar(f, bar, get32(&bars[4 * bar]));
        notify_bar(f, bar, old_base[bar], old_en[bar]);
    }
    if (f->config_written)
        f->config_written(f, offset, size, v);
}

uint32_t pci_config_read(struct pci *p, uint8_t devfn, unsigned offset,
                         unsigned size)
{
    const struct pci_function *f = p->fn[devfn];
    uint32_t v = 0;
    if (!f || offset + size > 256)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    for (unsigned k = 0; k < size; k++)
        v |= (uint32_t)f->config[offset + k] << (8 * k);
    return v;
}

/* The function CONFIG_ADDRESS selects, or -1 when nothing is addressed. */
static int selected_devfn(const struct pci *p)
{
    uint32_t a = p->config_address;
    if (!(a & CFG_ADDR_ENABLE) || ((a >> 16) & 0xFF) != 0)
        return -1;
    return (a >> 8) & 0xFF;
}

static uint32_t cfg_read(void *opaque, uint16_t port, unsigned size)
{
    struct pci *p = opaque;
    int devfn;
    if (port == 0xCF8 && size == 4)
        return p->config_address;
    if (port == 0xCF9 && size == 1)
        return p->reset_control;
    if (port < 0xCFC)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    devfn = selected_devfn(p);
    if (devfn < 0)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    return pci_config_read(p, (uint8_t)devfn,
                           (p->config_address & 0xFC) + (port & 3u), size);
}

/* PIIX3 RC register: bit 1 selects a hard reset, a 0->1 edge of bit 2
 * starts it (82371SB datasheet §2.2.2 RC). Either kind resets the CPU
 * here. */
static void reset_control_write(struct pci *p, uint8_t v)
{
    bool edge = (v & 4) && !(p->reset_control & 4);
    p->reset_control = v & 2;
    if (edge && p->reset)
        p->reset(p->reset_opaque);
}

static void cfg_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct pci *p = opaque;
    int devfn;
    if (port == 0xCF8 && size == 4) {
        p->config_address = v & 0x80FFFFFCu;
        return;
    }
    if (port == 0xCF9 && size == 1) {
        reset_control_write(p, (uint8_t)v);
        return;
    }
    if (port < 0xCFC)
        return;
    devfn = selected_devfn(p);
    if (devfn >= 0)
        pci_config_write(p, (uint8_t)devfn,
                         (p->config_address & 0xFC) + (port & 3u), size, v);
}

static void host_bridge_init(struct pci *p)
{
    struct pci_function *f = &p->host_bridge;
    memset(f, 0, sizeof *f);
    f->devfn = PCI_DEVFN(0, 0);
    f->vendor_id = 0x8086;
    f->device_id = 0x1237;       /* 82441FX PMC */
    f->revision = 0x02;
    f->class_code = 0x06;        /* bridge: host */
    pci_add_device(p, f);
    put16(&f->config[PCI_COMMAND], PCI_CMD_MEMORY | PCI_CMD_MASTER);
    put16(&f->config[PCI_STATUS], 0x0280);   /* medium DEVSEL, fast b2b */
}

static void isa_bridge_init(struct pci *p)
{
    struct pci_function *f = &p->isa_bridge;
    memset(f, 0, sizeof *f);
    f->devfn = PCI_DEVFN(1, 0);
    f->vendor_id = 0x8086;
    f->device_id = 0x7000;       /* 82371SB PIIX3 ISA */
    f->class_code = 0x06;
    f->subclass = 0x01;          /* bridge: ISA */
    f->multifunction = true;     /* the IDE controller is function 1 */
    pci_add_device(p, f);
    put16(&f->config[PCI_COMMAND], PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);
    put16(&f->config[PCI_STATUS], 0x0200);
    /* PIRQ route control A-D: routing disabled (82371SB §2.2.1.11). */
    memset(&f->config[0x60], 0x80, 4);
}

void pci_init(struct pci *p, struct bus *b)
{
    memset(p, 0, sizeof *p);
    p->bus = b;
    host_bridge_init(p);
    isa_bridge_init(p);
    bus_register_io(b, 0xCF8, 8, cfg_read, cfg_write, p);
}
