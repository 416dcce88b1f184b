/*
 * test_ata.c: the ATA channel and its bus master (emu/dev/ata.c) driven
 * through their ports, as a driver would: IDENTIFY, PIO in and out,
 * READ/WRITE MULTIPLE, LBA48 through the HOB registers, CHS, errors
 * (IDNF, ABRT, UNC), software reset, nIEN, bus-master DMA in both
 * directions, after a latency on the virtual clock and with bad PRD
 * tables, the PIIX3 IDE function's config.
 *
 * Rules kept here: no CPU runs. A fake block device (a buffer, or a
 * pattern for disks too large to hold) stands in for emu/disk, and a
 * bare cpu_t carries the guest RAM; code_page_written is a stub that
 * records the pages DMA wrote. The exit status is the number of failed
 * checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cpu.h"
#include "dev/ata.h"
#include "dev/pci.h"
#include "disk/block.h"
#include "vtime.h"

#include "check.h"

/* ---- fakes ---- */

struct blockdev {
    uint64_t size;
    uint8_t *data;        /* NULL: sector n reads as pattern(n) */
    uint64_t fail_from;   /* reads at or beyond this offset fail */
    unsigned flushes, writes;
    uint64_t last_write;
};

static uint8_t pattern(uint64_t off)
{
    uint64_t sector = off / 512;
    return (uint8_t)(sector * 7 + (off % 512) + (sector >> 32));
}

uint64_t blk_size(const struct blockdev *b) { return b->size; }
bool blk_readonly(const struct blockdev *b) { (void)b; return false; }
const char *blk_error(const struct blockdev *b) { (void)b; return "fake"; }

int blk_read(struct blockdev *b, uint64_t off, void *buf, size_t len)
{
    uint8_t *p = buf;
    if (off + len > b->size || off + len > b->fail_from)
        return -1;
    for (size_t k = 0; k < len; k++)
        p[k] = b->data ? b->data[off + k] : pattern(off + k);
    return 0;
}

int blk_write(struct blockdev *b, uint64_t off, const void *buf, size_t len)
{
    if (off + len > b->size)
        return -1;
    b->writes++;
    b->last_write = off;
    if (b->data)
        memcpy(b->data + off, buf, len);
    return 0;
}

int blk_flush(struct blockdev *b) { b->flushes++; return 0; }

static uint32_t pages_written[64];
static unsigned npages_written;

void code_page_written(cpu_t *c, uint32_t paddr)
{
    (void)c;
    if (npages_written < 64)
        pages_written[npages_written++] = paddr & ~4095u;
}

static bool page_was_written(uint32_t page)
{
    for (unsigned k = 0; k < npages_written; k++)
        if (pages_written[k] == page)
            return true;
    return false;
}

static bool irq_level;
static unsigned irq_edges;

static void set_irq(void *opaque, unsigned irq, bool level)
{
    (void)opaque;
    CHECK(irq == 14);
    if (level && !irq_level)
        irq_edges++;
    irq_level = level;
}

/* ---- machine ---- */

#define RAM_SIZE (1u << 20)
#define DISK_SECTORS 20000u

static struct bus bus;
static struct pci pci;
static struct ata ata;
static cpu_t *cpu;
static struct blockdev disk, bigdisk;

static void machine(struct blockdev *master, struct blockdev *slave)
{
    struct irq_line l = {set_irq, NULL, 14};
    bus_init(&bus);
    pci_init(&pci, &bus);
    memset(cpu->ram, 0, RAM_SIZE);
    ata_init(&ata, &bus, &pci, cpu, l, master, slave);
    irq_level = false;
    irq_edges = 0;
    npages_written = 0;
}

static uint8_t inb(uint16_t p) { return (uint8_t)bus_in(&bus, p, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)bus_in(&bus, p, 2); }
static uint32_t inl(uint16_t p) { return bus_in(&bus, p, 4); }
static void outb(uint16_t p, uint8_t v) { bus_out(&bus, p, 1, v); }
static void outw(uint16_t p, uint16_t v) { bus_out(&bus, p, 2, v); }
static void outl(uint16_t p, uint32_t v) { bus_out(&bus, p, 4, v); }

static uint32_t cfg_read(unsigned dev, unsigned fn, unsigned reg)
{
    outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | reg);
    return inl(0xCFC);
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
    outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | reg);
    outl(0xCFC, v);
}

static void lba28(uint32_t lba, uint8_t count, unsigned dev)
{
    outb(0x1F2, count);
    outb(0x1F3, (uint8_t)lba);
    outb(0x1F4, (uint8_t)(lba >> 8));
    outb(0x1F5, (uint8_t)(lba >> 16));
    outb(0x1F6, (uint8_t)(0xE0 | dev << 4 | ((lba >> 24) & 15)));
}

static void lba48(uint64_t lba, uint16_t count)
{
    outb(0x1F2, (uint8_t)(count >> 8));
    outb(0x1F3, (uint8_t)(lba >> 24));
    outb(0x1F4, (uint8_t)(lba >> 32));
    outb(0x1F5, (uint8_t)(lba >> 40));
    outb(0x1F2, (uint8_t)count);
    outb(0x1F3, (uint8_t)lba);
    outb(0x1F4, (uint8_t)(lba >> 8));
    outb(0x1F5, (uint8_t)(lba >> 16));
    outb(0x1F6, 0x40);
}

static void read_words(uint16_t *w, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        w[k] = inw(0x1F0);
}

/* ---- tests ---- */

static void test_pci_function(void)
{
    machine(&disk, NULL);
    CHECK(cfg_read(1, 1, 0) == 0x70108086);
    CHECK(cfg_read(1, 1, 8) >> 8 == 0x010180);
    CHECK(cfg_read(1, 0, 0) == 0x70008086);
    CHECK((cfg_read(1, 0, 0x0C) >> 16 & 0xFF) == 0x80);
    CHECK(cfg_read(1, 1, 0x20) == ATA_BM_DEFAULT_BASE + 1);
    CHECK((cfg_read(1, 1, 4) & 5) == 5);
    CHECK((cfg_read(1, 1, 0x40) & 0xFFFF) == 0x8000);  /* IDETIM decode */
    /* BARs 0-3 do not exist: writes ignored */
    cfg_write(1, 1, 0x10, 0x1F1);
    CHECK(cfg_read(1, 1, 0x10) == 0);
    /* bus master registers at the default BAR4 */
    CHECK(inb(0xC002) == 0x20);   /* drive 0 DMA capable */
    outl(0xC004, 0x12345677);
    CHECK(inl(0xC004) == 0x12345674);
    /* BAR4 sizing, then relocation */
    cfg_write(1, 1, 0x20, 0xFFFFFFFFu);
    CHECK(cfg_read(1, 1, 0x20) == 0xFFFFFFF1u);
    CHECK(inb(0xC002) == 0xFF);   /* no longer decoded */
    cfg_write(1, 1, 0x20, 0xD000);
    CHECK(cfg_read(1, 1, 0x20) == 0xD001);
    CHECK(inl(0xD004) == 0x12345674);
    CHECK(inb(0xC002) == 0xFF);
    /* I/O space disabled: gone; enabled: back */
    cfg_write(1, 1, 4, 0x4);
    CHECK(inb(0xD002) == 0xFF);
    cfg_write(1, 1, 4, 0x5);
    CHECK(inb(0xD002) == 0x20);
    /* the secondary channel's registers are storage */
    outl(0xD00C, 0xABCD0000);
    CHECK(inl(0xD00C) == 0xABCD0000);
    CHECK(inl(0xD004) == 0x12345674);
}

static void test_identify(void)
{
    uint16_t w[256];
    uint8_t sum = 0;
    char model[41];
    machine(&disk, NULL);
    CHECK(inb(0x1F7) == 0x50);
    outb(0x1F6, 0xA0);
    outb(0x1F7, 0xEC);
    CHECK(irq_level && irq_edges == 1);
    CHECK(inb(0x3F6) == 0x58);
    CHECK(irq_level);             /* alternate status leaves INTRQ */
    CHECK(inb(0x1F7) == 0x58);
    CHECK(!irq_level);
    read_words(w, 256);
    CHECK(inb(0x1F7) == 0x50);
    CHECK(w[0] == 0x0040);
    CHECK(w[1] == DISK_SECTORS / (16 * 63) && w[3] == 16 && w[6] == 63);
    CHECK(w[60] == DISK_SECTORS && w[61] == 0);
    CHECK(w[100] == DISK_SECTORS && w[101] == 0 && w[102] == 0 && w[103] == 0);
    CHECK(w[47] == 0x8010);
    CHECK((w[49] & 0x0300) == 0x0300);
    CHECK((w[83] & 0xC400) == 0x4400 && (w[86] & 0x0400));
    CHECK((w[83] & 0x3000) == 0x3000);
    CHECK(w[53] & 4);
    CHECK((w[63] & 7) == 7 && (w[88] & 0x3F) == 0x3F);
    for (unsigned k = 0; k < 20; k++) {
        model[2 * k] = (char)(w[27 + k] >> 8);
        model[2 * k + 1] = (char)w[27 + k];
    }
    model[40] = 0;
    CHECK(strncmp(model, "isola HARDDISK   ", 17) == 0);
    for (unsigned k = 0; k < 256; k++)
        sum = (uint8_t)(sum + (w[k] & 0xFF) + (w[k] >> 8));
    CHECK((w[255] & 0xFF) == 0xA5 && sum == 0);
    /* SET FEATURES: UDMA 2 becomes the selected mode */
    outb(0x1F1, 0x03);
    outb(0x1F2, 0x42);
    outb(0x1F7, 0xEF);
    CHECK(inb(0x1F7) == 0x50);
    outb(0x1F7, 0xEC);
    inb(0x1F7);
    read_words(w, 256);
    CHECK(w[88] == 0x043F && w[63] == 0x0007);
    /* a bad transfer mode aborts */
    outb(0x1F1, 0x03);
    outb(0x1F2, 0x47);
    outb(0x1F7, 0xEF);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x04);
}

static void test_pio(void)
{
    uint16_t w[512];
    machine(&disk, NULL);
    for (unsigned k = 0; k < 512; k++)
        w[k] = (uint16_t)(k * 0x0101 + 3);
    lba28(5, 2, 0);
    outb(0x1F7, 0x30);            /* WRITE SECTORS */
    CHECK(irq_edges == 0);        /* no interrupt before the first block */
    CHECK(inb(0x1F7) == 0x58);
    for (unsigned k = 0; k < 256; k++)
        outw(0x1F0, w[k]);
    CHECK(irq_edges == 1 && inb(0x1F7) == 0x58);
    for (unsigned k = 256; k < 512; k += 2)
        outl(0x1F0, w[k] | (uint32_t)w[k + 1] << 16);   /* 32-bit accesses */
    CHECK(irq_edges == 2 && inb(0x1F7) == 0x50);
    CHECK(memcmp(disk.data + 5 * 512, w, 1024) == 0);

    uint16_t r[512];
    lba28(5, 2, 0);
    outb(0x1F7, 0x20);            /* READ SECTORS */
    CHECK(irq_edges == 3 && inb(0x1F7) == 0x58);
    read_words(r, 256);
    CHECK(irq_edges == 4 && inb(0x1F7) == 0x58);
    for (unsigned k = 256; k < 512; k += 2) {
        uint32_t v = inl(0x1F0);
        r[k] = (uint16_t)v;
        r[k + 1] = (uint16_t)(v >> 16);
    }
    CHECK(irq_edges == 4 && inb(0x1F7) == 0x50);
    CHECK(memcmp(r, w, 1024) == 0);

    /* READ MULTIPLE: 4-sector blocks, one interrupt per block */
    outb(0x1F2, 4);
    outb(0x1F7, 0xC6);
    CHECK(inb(0x1F7) == 0x50);
    lba28(100, 10, 0);
    outb(0x1F7, 0xC4);
    for (unsigned blk = 0; blk < 3; blk++) {
        unsigned n = blk < 2 ? 4 : 2;
        CHECK(irq_edges == 6 + blk);
        CHECK(inb(0x1F7) == 0x58);
        for (unsigned k = 0; k < n * 256; k++) {
            uint16_t v = inw(0x1F0);
            uint64_t off = (100 + blk * 4) * 512ull + 2 * k;
            if (v != (disk.data[off] | disk.data[off + 1] << 8)) {
                CHECK(!"READ MULTIPLE data");
                break;
            }
        }
    }
    CHECK(inb(0x1F7) == 0x50);
    /* a multiple count that is not a power of two is refused */
    outb(0x1F2, 3);
    outb(0x1F7, 0xC6);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x04);

    /* CHS: cylinder 1, head 2, sector 3 = (1*16+2)*63+2 = 1136 */
    outb(0x1F2, 1);
    outb(0x1F3, 3);
    outb(0x1F4, 1);
    outb(0x1F5, 0);
    outb(0x1F6, 0xA2);
    outb(0x1F7, 0x20);
    CHECK(inb(0x1F7) == 0x58);
    read_words(r, 256);
    CHECK(memcmp(r, disk.data + 1136 * 512, 512) == 0);
    /* sector 0 does not exist in CHS */
    outb(0x1F3, 0);
    outb(0x1F6, 0xA2);
    outb(0x1F7, 0x20);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x10);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors */
    outb(0x1F2, 17);
    outb(0x1F6, 0xA3);
    outb(0x1F7, 0x91);
    CHECK(inb(0x1F7) == 0x50);
    outb(0x1F2, 1);
    outb(0x1F3, 1);
    outb(0x1F4, 2);
    outb(0x1F5, 0);
    outb(0x1F6, 0xA1);
    outb(0x1F7, 0x20);           /* C2 H1 S1 = (2*4+1)*17 = 153 */
    CHECK(inb(0x1F7) == 0x58);
    read_words(r, 256);
    CHECK(memcmp(r, disk.data + 153 * 512, 512) == 0);
}

static void test_errors(void)
{
    uint16_t w[256];
    machine(&disk, NULL);
    /* last sector and one past it */
    lba28(DISK_SECTORS - 1, 2, 0);
    outb(0x1F7, 0x20);
    CHECK(irq_edges == 1);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x10);
    lba28(DISK_SECTORS, 1, 0);
    outb(0x1F7, 0x30);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x10);
    lba28(0x0FFFFFFF, 0, 0);
    outb(0x1F7, 0xC8);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x10);
    lba48(0xFFFFFFFFFFFFull, 0);
    outb(0x1F7, 0x25);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x10);
    lba28(DISK_SECTORS - 1, 1, 0);
    outb(0x1F7, 0x20);
    CHECK(inb(0x1F7) == 0x58);
    read_words(w, 256);
    CHECK(inb(0x1F7) == 0x50);
    /* unknown commands, IDENTIFY PACKET, NOP */
    outb(0x1F7, 0xA1);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x04);
    outb(0x1F7, 0xFF);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x04);
    outb(0x1F7, 0x00);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x04);
    /* the next good command clears the error */
    outb(0x1F7, 0xE7);
    CHECK(inb(0x1F7) == 0x50 && inb(0x1F1) == 0x00 && disk.flushes > 0);
    /* backend read error: UNC */
    disk.fail_from = 50 * 512;
    lba28(49, 2, 0);
    outb(0x1F7, 0x20);
    CHECK(inb(0x1F7) == 0x58);
    read_words(w, 256);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x40);
    lba28(45, 10, 0);
    outb(0x1F7, 0x40);           /* READ VERIFY */
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x40);
    disk.fail_from = UINT64_MAX;
    outb(0x1F7, 0x40);
    CHECK(inb(0x1F7) == 0x50);
}

static void test_lba48(void)
{
    uint16_t w[256];
    uint64_t lba = 0x123456789ull;
    machine(&bigdisk, NULL);
    outb(0x1F7, 0xEC);
    inb(0x1F7);
    read_words(w, 256);
    CHECK(w[60] == 0xFFFF && w[61] == 0x0FFF);
    CHECK(w[100] == (uint16_t)(bigdisk.size / 512) &&
          w[101] == (uint16_t)(bigdisk.size / 512 >> 16) &&
          w[102] == (uint16_t)(bigdisk.size / 512 >> 32) && w[103] == 0);
    CHECK(w[1] == 16383);
    /* HOB: previous bytes read back with device control bit 7 */
    lba48(lba, 0x0102);
    outb(0x3F6, 0x80);
    CHECK(inb(0x1F2) == 0x01 && inb(0x1F3) == 0x23 && inb(0x1F4) == 0x01 &&
          inb(0x1F5) == 0x00);
    outb(0x3F6, 0x00);
    CHECK(inb(0x1F2) == 0x02 && inb(0x1F3) == 0x89 && inb(0x1F4) == 0x67 &&
          inb(0x1F5) == 0x45);
    /* a register write clears HOB */
    outb(0x3F6, 0x80);
    outb(0x1F1, 0);
    CHECK(inb(0x1F3) == 0x89);
    /* READ SECTORS EXT from beyond 2^32 sectors, 2 sectors */
    lba48(lba, 2);
    outb(0x1F7, 0x24);
    CHECK(inb(0x1F7) == 0x58);
    read_words(w, 256);
    CHECK(w[0] == (pattern(lba * 512) | pattern(lba * 512 + 1) << 8));
    CHECK(w[255] == (pattern(lba * 512 + 510) | pattern(lba * 512 + 511) << 8));
    CHECK(inb(0x1F7) == 0x58);
    read_words(w, 256);
    CHECK(w[0] == (pattern((lba + 1) * 512) | pattern((lba + 1) * 512 + 1) << 8));
    CHECK(inb(0x1F7) == 0x50);
    /* WRITE SECTORS EXT lands at the 48-bit offset */
    lba48(lba + 7, 1);
    outb(0x1F7, 0x34);
    for (unsigned k = 0; k < 256; k++)
        outw(0x1F0, 0);
    CHECK(inb(0x1F7) == 0x50 && bigdisk.last_write == (lba + 7) * 512);
    /* LBA48 count 0 means 65536 sectors */
    lba48(bigdisk.size / 512 - 65535, 0);
    outb(0x1F7, 0x24);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x10);
    lba48(bigdisk.size / 512 - 65536, 0);
    outb(0x1F7, 0x24);
    CHECK(inb(0x1F7) == 0x58);
}

static void test_reset_and_nien(void)
{
    uint16_t w[256];
    machine(&disk, NULL);
    lba28(3, 1, 0);
    outb(0x1F7, 0x20);
    CHECK(irq_level);
    outb(0x3F6, 0x04);            /* SRST */
    CHECK(!irq_level && inb(0x1F7) == 0x80);
    outb(0x3F6, 0x00);
    CHECK(inb(0x1F7) == 0x50 && inb(0x1F1) == 0x01);
    CHECK(inb(0x1F2) == 1 && inb(0x1F3) == 1 && inb(0x1F4) == 0 && inb(0x1F5) == 0);
    CHECK(inw(0x1F0) == 0xFFFF);  /* the transfer was dropped */
    CHECK(!irq_level);
    /* nIEN: the device interrupts, IRQ14 stays low until nIEN clears */
    outb(0x3F6, 0x02);
    outb(0x1F7, 0xEC);
    CHECK(!irq_level && irq_edges == 1);
    outb(0x3F6, 0x00);
    CHECK(irq_level && irq_edges == 2);
    CHECK(inb(0x1F7) == 0x58 && !irq_level);
    read_words(w, 256);
    /* absent slave: everything reads 0, commands are ignored */
    outb(0x1F6, 0xB0);
    outb(0x1F2, 0x55);
    CHECK(inb(0x1F7) == 0 && inb(0x3F6) == 0 && inb(0x1F2) == 0);
    outb(0x1F7, 0xEC);
    CHECK(inb(0x1F7) == 0 && irq_edges == 2);
    outb(0x1F6, 0xA0);
    CHECK(inb(0x1F2) == 0x55 && inb(0x1F7) == 0x50);
    /* EXECUTE DEVICE DIAGNOSTIC */
    outb(0x1F7, 0x90);
    CHECK(irq_edges == 3 && inb(0x1F7) == 0x50 && inb(0x1F1) == 0x01);
    CHECK(inb(0x1F2) == 1 && inb(0x1F3) == 1);
}

/* A PRD table at `table`: entries of (addr, len) with EOT on the last. */
static void prd(uint32_t table, const uint32_t *addr, const uint32_t *len, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        uint32_t flags = (len[k] & 0xFFFF) | (k == n - 1 ? 0x80000000u : 0);
        memcpy(cpu->ram + table + 8 * k, &addr[k], 4);
        memcpy(cpu->ram + table + 8 * k + 4, &flags, 4);
    }
}

static void test_dma(void)
{
    const uint16_t bm = 0xC000;
    machine(&disk, NULL);

    /* READ DMA, bus master started after the command; PRDs split a sector */
    uint32_t a1[] = {0x20000 + 4096 - 100, 0x30000};
    uint32_t l1[] = {300, 724};
    prd(0x1000, a1, l1, 2);
    outl(bm + 4, 0x1000);
    outb(bm, 0x08);
    lba28(10, 2, 0);
    outb(0x1F7, 0xC8);
    CHECK(irq_edges == 0 && inb(0x3F6) == 0x58);
    outb(bm, 0x09);
    CHECK(irq_level && irq_edges == 1);
    CHECK(inb(bm + 2) == 0x24);   /* interrupt, not active, drive 0 capable */
    CHECK(inb(0x1F7) == 0x50);
    CHECK(memcmp(cpu->ram + a1[0], disk.data + 10 * 512, 300) == 0);
    CHECK(memcmp(cpu->ram + a1[1], disk.data + 10 * 512 + 300, 724) == 0);
    CHECK(page_was_written(0x20000) && page_was_written(0x21000) &&
          page_was_written(0x30000) && !page_was_written(0x1000));
    outb(bm, 0x08);
    outb(bm + 2, 0x24);           /* write 1 to clear; keep bit 5 */
    CHECK(inb(bm + 2) == 0x20);

    /* WRITE DMA, started before the command, 64 KiB entry (count 0) */
    for (unsigned k = 0; k < 0x10000; k++)
        cpu->ram[0x40000 + k] = (uint8_t)(k * 13 + 1);
    uint32_t a2[] = {0x40000, 0x50000};
    uint32_t l2[] = {0, 512};
    prd(0x2000, a2, l2, 2);
    outl(bm + 4, 0x2000);
    outb(bm, 0x01);
    CHECK(inb(bm + 2) == 0x21);
    lba28(1000, 129, 0);
    outb(0x1F7, 0xCA);
    CHECK(irq_edges == 2 && inb(bm + 2) == 0x24);
    CHECK(inb(0x1F7) == 0x50);
    CHECK(memcmp(disk.data + 1000 * 512, cpu->ram + 0x40000, 0x10000) == 0);
    CHECK(memcmp(disk.data + 1128 * 512, cpu->ram + 0x50000, 512) == 0);
    outb(bm, 0x00);
    outb(bm + 2, 0x24);

    /* PRD table larger than the transfer: active stays set */
    uint32_t a3[] = {0x60000};
    uint32_t l3[] = {4096};
    prd(0x3000, a3, l3, 1);
    outl(bm + 4, 0x3000);
    outb(bm, 0x08);
    lba28(0, 1, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(bm + 2) == 0x25 && inb(0x1F7) == 0x50);
    outb(bm, 0x08);
    CHECK(inb(bm + 2) == 0x24);
    outb(bm + 2, 0x24);

    /* READ DMA EXT */
    uint32_t a4[] = {0x70000};
    uint32_t l4[] = {1024};
    prd(0x3000, a4, l4, 1);
    lba48(3000, 2);
    outb(0x1F7, 0x25);
    outb(bm, 0x09);
    CHECK(inb(0x1F7) == 0x50 && inb(bm + 2) == 0x24);
    CHECK(memcmp(cpu->ram + 0x70000, disk.data + 3000 * 512, 1024) == 0);
    outb(bm, 0x08);
    outb(bm + 2, 0x24);

    /* bus mastering disabled in PCI: the transfer waits for it */
    cfg_write(1, 1, 4, 0x1);
    lba28(0, 1, 0);
    memset(cpu->ram + 0x70000, 0xEE, 512);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(0x3F6) == 0x58 && cpu->ram[0x70000] == 0xEE);
    cfg_write(1, 1, 4, 0x5);
    CHECK(inb(0x1F7) == 0x50 && cpu->ram[0x70000] == disk.data[0]);
    outb(bm, 0x08);
    outb(bm + 2, 0x24);
}

/* With a latency (isola -disk-latency) the transfer waits for the
 * virtual clock: nothing moves and no IRQ until latency + 10 ns a byte
 * have passed; a bus master stopped before then never moves the data. */
static void test_dma_latency(void)
{
    const uint16_t bm = 0xC000;
    static uint64_t icount;
    static struct vclock clock;
    machine(&disk, NULL);
    icount = 0;
    vclock_init(&clock, &icount, 1000000000ull, false);   /* 1 ns an instruction */
    ata_set_latency(&ata, &clock, 50000);
    uint32_t a[] = {0x20000}, l[] = {1024};
    memset(cpu->ram + 0x20000, 0, 1024);
    prd(0x1000, a, l, 1);
    outl(bm + 4, 0x1000);
    outb(bm, 0x08);
    lba28(20, 2, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    uint64_t due = 50000 + 1024 * ATA_NS_PER_BYTE;
    CHECK(!irq_level && (inb(bm + 2) & 0x05) == 0x01);    /* active, no interrupt */
    icount = due - 1;
    vclock_run_expired(&clock);
    CHECK(!irq_level && cpu->ram[0x20000] == 0);
    icount = due;
    vclock_run_expired(&clock);
    CHECK(irq_level && (inb(bm + 2) & 0x05) == 0x04);
    CHECK(memcmp(cpu->ram + 0x20000, disk.data + 20 * 512, 1024) == 0);
    CHECK(inb(0x1F7) == 0x50);
    outb(bm, 0x08);
    outb(bm + 2, 0x04);

    /* stopped early: the timer is cancelled, the data never arrive */
    memset(cpu->ram + 0x20000, 0, 1024);
    lba28(30, 2, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    outb(bm, 0x08);
    icount += 10 * due;
    vclock_run_expired(&clock);
    CHECK(!irq_level && cpu->ram[0x20000] == 0);
    ata_set_latency(&ata, NULL, 0);
}

static void test_dma_errors(void)
{
    const uint16_t bm = 0xC000;
    machine(&disk, NULL);

    /* a PRD pointing beyond RAM */
    uint32_t a1[] = {RAM_SIZE - 256};
    uint32_t l1[] = {512};
    prd(0x1000, a1, l1, 1);
    outl(bm + 4, 0x1000);
    outb(bm, 0x08);
    lba28(0, 1, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(irq_level && inb(bm + 2) == 0x26);
    CHECK(inb(0x1F7) == 0x51 && inb(0x1F1) == 0x04);
    outb(bm, 0x00);
    outb(bm + 2, 0x26);
    CHECK(inb(bm + 2) == 0x20);

    /* the PRD table itself beyond RAM */
    outl(bm + 4, 0xFFFFFFF8u);
    outb(bm, 0x08);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(bm + 2) == 0x26 && inb(0x1F7) == 0x51);
    outb(bm, 0x00);
    outb(bm + 2, 0x26);

    /* a table that never ends: 8192 two-byte entries then error */
    for (unsigned k = 0; k < 9000; k++) {
        uint32_t e[2] = {0x80000, 2};
        memcpy(cpu->ram + 0x10000 + 8 * k, e, 8);
    }
    outl(bm + 4, 0x10000);
    outb(bm, 0x08);
    lba28(0, 64, 0);              /* 32 KiB: more than 8192 * 2 bytes */
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(bm + 2) == 0x26 && inb(0x1F7) == 0x51);
    outb(bm, 0x00);
    outb(bm + 2, 0x26);

    /* a table that ends before the transfer does */
    uint32_t a2[] = {0x20000};
    uint32_t l2[] = {512};
    prd(0x1000, a2, l2, 1);
    outl(bm + 4, 0x1000);
    outb(bm, 0x08);
    lba28(0, 2, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(bm + 2) == 0x26 && inb(0x1F7) == 0x51);
    outb(bm, 0x00);
    outb(bm + 2, 0x26);

    /* direction bit disagreeing with the command */
    outb(bm, 0x00);
    lba28(0, 1, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x01);
    CHECK(inb(bm + 2) == 0x26 && inb(0x1F7) == 0x51);
    outb(bm, 0x00);
    outb(bm + 2, 0x26);

    /* the last 512 bytes of RAM are fine */
    uint32_t a3[] = {RAM_SIZE - 512};
    uint32_t l3[] = {512};
    prd(0x1000, a3, l3, 1);
    outl(bm + 4, 0x1000);
    outb(bm, 0x08);
    lba28(3, 1, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(bm + 2) == 0x24 && inb(0x1F7) == 0x50);
    CHECK(memcmp(cpu->ram + RAM_SIZE - 512, disk.data + 3 * 512, 512) == 0);
    outb(bm, 0x00);
    outb(bm + 2, 0x26);

    /* DMA into ROM is dropped there, and only there */
    bus.rom_base = 0x80000;
    bus.rom_len = 0x1000;
    memset(cpu->ram + 0x80000, 0x5A, 0x1000);
    npages_written = 0;
    uint32_t a4[] = {0x7FE00};
    uint32_t l4[] = {1024};
    prd(0x1000, a4, l4, 1);
    outb(bm, 0x08);
    lba28(0, 2, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(bm + 2) == 0x24 && inb(0x1F7) == 0x50);
    CHECK(memcmp(cpu->ram + 0x7FE00, disk.data, 512) == 0);
    CHECK(cpu->ram[0x80000] == 0x5A && cpu->ram[0x801FF] == 0x5A);
    CHECK(page_was_written(0x7F000) && !page_was_written(0x80000));
    bus.rom_len = 0;
    outb(bm, 0x00);
    outb(bm + 2, 0x26);

    /* a disk read error mid-transfer: UNC, no bus-master error */
    disk.fail_from = 0;
    outb(bm, 0x08);
    lba28(0, 1, 0);
    outb(0x1F7, 0xC8);
    outb(bm, 0x09);
    CHECK(inb(bm + 2) == 0x24 && inb(0x1F7) == 0x51 && inb(0x1F1) == 0x40);
    disk.fail_from = UINT64_MAX;
}

static void test_slave(void)
{
    static struct blockdev slave;
    uint16_t w[256];
    slave.size = 2048 * 512;
    slave.fail_from = UINT64_MAX;
    machine(NULL, &slave);
    /* absent master reads 0; slave works */
    CHECK(inb(0x1F7) == 0);
    outb(0x1F6, 0xB0);
    CHECK(inb(0x1F7) == 0x50);
    CHECK(inb(0xC002) == 0x40);
    outb(0x1F7, 0xEC);
    CHECK(inb(0x1F7) == 0x58);
    read_words(w, 256);
    CHECK(w[60] == 2048 && w[1] == 2);
    lba28(7, 1, 1);
    outb(0x1F7, 0x20);
    read_words(w, 256);
    CHECK(w[0] == (pattern(7 * 512) | pattern(7 * 512 + 1) << 8));
}

int main(void)
{
    cpu = calloc(1, sizeof *cpu);
    cpu->ram = calloc(1, RAM_SIZE);
    cpu->ram_size = RAM_SIZE;
    cpu->bus = &bus;
    disk.size = DISK_SECTORS * 512ull;
    disk.data = malloc(disk.size);
    disk.fail_from = UINT64_MAX;
    for (uint64_t k = 0; k < disk.size; k++)
        disk.data[k] = pattern(k);
    bigdisk.size = 0x200000000ull * 512;   /* 2^33 sectors: 4 TiB */
    bigdisk.fail_from = UINT64_MAX;

    test_pci_function();
    test_identify();
    test_pio();
    test_errors();
    test_lba48();
    test_reset_and_nien();
    test_dma();
    test_dma_latency();
    test_dma_errors();
    test_slave();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    free(disk.data);
    free(cpu->ram);
    free(cpu);
    return failures;
}
