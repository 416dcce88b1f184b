/*
 * test_pci.c: PCI configuration mechanism #1 (emu/dev/pci.c) through
 * ports 0xCF8/0xCFC: the bridges' identity, absent functions, byte and
 * word accesses, BAR sizing and relocation callbacks, write masks, the
 * PIIX3 reset control register.
 *
 * Rules kept here: only the bus and pci.c, no CPU; each check prints
 * what it expected; the exit status is the number of failed checks.
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "dev/pci.h"

#include "check.h"

static struct bus bus;
static struct pci pci;

static uint32_t cfg_addr(unsigned busno, unsigned dev, unsigned fn, unsigned reg)
{
    return 0x80000000u | busno << 16 | dev << 11 | fn << 8 | (reg & 0xFC);
}

static uint32_t rd(unsigned dev, unsigned fn, unsigned reg, unsigned size)
{
    bus_out(&bus, 0xCF8, 4, cfg_addr(0, dev, fn, reg));
    return bus_in(&bus, (uint16_t)(0xCFC + (reg & 3)), size);
}

static void wr(unsigned dev, unsigned fn, unsigned reg, unsigned size, uint32_t v)
{
    bus_out(&bus, 0xCF8, 4, cfg_addr(0, dev, fn, reg));
    bus_out(&bus, (uint16_t)(0xCFC + (reg & 3)), size, v);
}

static void test_bridges(void)
{
    CHECK(rd(0, 0, 0, 4) == 0x12378086);
    CHECK(rd(0, 0, 8, 4) >> 8 == 0x060000);
    CHECK(rd(0, 0, 0x0E, 1) == 0x00);
    CHECK(rd(1, 0, 0, 4) == 0x70008086);
    CHECK(rd(1, 0, 8, 4) >> 8 == 0x060100);
    CHECK(rd(1, 0, 0x0E, 1) == 0x80);  /* multi-function */
    /* byte and word accesses at each offset of CONFIG_DATA */
    CHECK(rd(0, 0, 2, 2) == 0x1237);
    CHECK(rd(0, 0, 1, 1) == 0x80);
    CHECK(rd(0, 0, 3, 1) == 0x12);
    /* absent functions and buses float */
    CHECK(rd(2, 0, 0, 4) == 0xFFFFFFFFu);
    CHECK(rd(0, 1, 0, 4) == 0xFFFFFFFFu);
    CHECK(rd(31, 7, 0, 2) == 0xFFFF);
    bus_out(&bus, 0xCF8, 4, cfg_addr(1, 0, 0, 0));
    CHECK(bus_in(&bus, 0xCFC, 4) == 0xFFFFFFFFu);
    bus_out(&bus, 0xCF8, 4, 0x00000000);   /* enable bit clear */
    CHECK(bus_in(&bus, 0xCFC, 4) == 0xFFFFFFFFu);
    /* CONFIG_ADDRESS reads back (Linux's type-1 probe) */
    bus_out(&bus, 0xCF8, 4, 0x80000000u);
    CHECK(bus_in(&bus, 0xCF8, 4) == 0x80000000u);
    bus_out(&bus, 0xCF8, 4, 0x80001233u);
    CHECK(bus_in(&bus, 0xCF8, 4) == 0x80001230u);
    /* a byte write to 0xCFB is not CONFIG_ADDRESS */
    bus_out(&bus, 0xCFB, 1, 0);
    CHECK(bus_in(&bus, 0xCF8, 4) == 0x80001230u);
}

static void test_write_masks(void)
{
    /* read-only identity */
    wr(0, 0, 0, 4, 0);
    CHECK(rd(0, 0, 0, 4) == 0x12378086);
    /* device-specific registers (PAM) are storage */
    wr(0, 0, 0x59, 1, 0x30);
    CHECK(rd(0, 0, 0x59, 1) == 0x30);
    wr(0, 0, 0x5C, 4, 0x33333333);
    CHECK(rd(0, 0, 0x5C, 4) == 0x33333333);
    /* interrupt line writable, pin not */
    wr(1, 0, 0x3C, 2, 0xFF0B);
    CHECK(rd(1, 0, 0x3C, 2) == 0x000B);
    /* PIRQ routing defaults */
    CHECK(rd(1, 0, 0x60, 4) == 0x80808080u);
}

static unsigned moves;
static uint32_t moved_base;
static bool moved_en;

static void on_move(struct pci_function *f, unsigned bar, uint32_t ob, bool oe,
                    uint32_t nb, bool ne)
{
    (void)f;
    (void)ob;
    (void)oe;
    CHECK(bar == 1);
    moves++;
    moved_base = nb;
    moved_en = ne;
}

static unsigned writes_seen;

static void on_write(struct pci_function *f, unsigned off, unsigned size, uint32_t v)
{
    (void)f;
    (void)v;
    if (off == 0x44 && size == 2)
        writes_seen++;
}

static void test_bars(void)
{
    static struct pci_function f;
    memset(&f, 0, sizeof f);
    f.devfn = PCI_DEVFN(3, 0);
    f.vendor_id = 0x1234;
    f.device_id = 0x5678;
    f.bar_size[1] = 0x40;
    f.bar_io[1] = true;
    f.bar_size[2] = 0x1000;
    f.bar_moved = on_move;
    f.config_written = on_write;
    CHECK(pci_add_device(&pci, &f) == 0);
    CHECK(pci_add_device(&pci, &f) == -1);
    CHECK(rd(3, 0, 0, 4) == 0x56781234);
    CHECK(rd(3, 0, 0x14, 4) == 0x00000001);
    /* sizing: all ones read back as the size mask with the type bits */
    wr(3, 0, 0x10, 4, 0xFFFFFFFFu);
    CHECK(rd(3, 0, 0x10, 4) == 0);            /* no BAR 0 */
    wr(3, 0, 0x14, 4, 0xFFFFFFFFu);
    CHECK(rd(3, 0, 0x14, 4) == 0xFFFFFFC1u);
    wr(3, 0, 0x18, 4, 0xFFFFFFFFu);
    CHECK(rd(3, 0, 0x18, 4) == 0xFFFFF000u);
    CHECK(moves == 0);                         /* I/O decoding is off */
    wr(3, 0, 0x14, 4, 0x1234);
    CHECK(pci_bar_base(&f, 1) == 0x1200);
    wr(3, 0, 4, 2, PCI_CMD_IO);
    CHECK(moves == 1 && moved_base == 0x1200 && moved_en);
    wr(3, 0, 0x15, 1, 0x56);                  /* byte write to a BAR */
    CHECK(moves == 2 && moved_base == 0x5600 && moved_en);
    CHECK(rd(3, 0, 0x14, 4) == 0x5601);
    wr(3, 0, 4, 2, 0);
    CHECK(moves == 3 && !moved_en);
    wr(3, 0, 0x44, 2, 0xBEEF);
    CHECK(writes_seen == 1 && rd(3, 0, 0x44, 2) == 0xBEEF);
    /* status is not writable */
    wr(3, 0, 6, 2, 0xFFFF);
    CHECK(rd(3, 0, 6, 2) == 0);
}

static int resets;

static void on_reset(void *opaque)
{
    (void)opaque;
    resets++;
}

static void test_reset_control(void)
{
    pci.reset = on_reset;
    bus_out(&bus, 0xCF9, 1, 0x02);
    CHECK(resets == 0 && bus_in(&bus, 0xCF9, 1) == 0x02);
    bus_out(&bus, 0xCF9, 1, 0x06);
    CHECK(resets == 1);
    /* a dword write to 0xCF8 is CONFIG_ADDRESS, not a reset */
    bus_out(&bus, 0xCF8, 4, 0x80000000u);
    CHECK(resets == 1);
}

int main(void)
{
    bus_init(&bus);
    pci_init(&pci, &bus);
    test_bridges();
    test_write_masks();
    test_bars();
    test_reset_control();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures;
}
