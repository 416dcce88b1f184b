/*
 * ata.c (guest): the IDE disk as a driver finds and uses it. Scans PCI
 * bus 0 through configuration mechanism #1 for the PIIX3 IDE function,
 * sizes and moves its BAR4 (bus-master registers), IDENTIFYs the primary
 * master, then moves sectors with bus-master DMA and takes IRQ14 through
 * the 8259A pair.
 *
 * Rules kept here:
 *  - The disk is the raw image tests/dev/ata.sh makes: 2048 sectors,
 *    sector k holding k as a little-endian dword, then bytes
 *    (k * 7 + i * 3 + 1) & 0xFF at offsets i = 4..511.
 *  - Sector 100 is written here with WRITE_MAGIC and the pattern of
 *    sector 1100; ata.sh checks the image file afterwards.
 *  - Expected values come from the specs: PCI Local Bus 3.0 (§3.2.2.3.2,
 *    §6.2.5.1), ATA/ATAPI-6, SFF-8038i, the 82371SB (PIIX3) and 82441FX
 *    datasheets, the 8259A datasheet.
 *  - Under QEMU 7.2 (qemu-system-i386 -drive file=IMG,format=raw) the
 *    check of the model string fails (it is QEMU's), and so do these
 *    QEMU deviations: an LBA out of range gives ABRT, not IDNF (ATA-6,
 *    READ DMA error outputs: IDNF when the address is not user
 *    accessible), READ DMA EXT across the end never interrupts, and a PRD
 *    beyond RAM is no error (SFF-8038i: the error bit reports a failed
 *    transfer to or from memory).
 */
#include "rt.h"

#define DISK_SECTORS 2048
#define WRITE_LBA 100
#define WRITE_MAGIC "isola DMA write"
#define BM_NEW_BASE 0xE040  /* clear of what SeaBIOS assigns from 0xC000 up */
#define IRQ14_VECTOR (0x20 + 14)  /* PIC bases 0x20 / 0x28 */
/* Status bits ATA/ATAPI-6 defines for every command: BSY, DRDY, DF, DRQ,
 * ERR (bit 4, formerly DSC, is command dependent). */
#define ST_MASK 0xE9

static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static uint32_t cfg_read(unsigned dev, unsigned fn, unsigned reg)
{
    outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFC));
    return inl(0xCFC);
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
    outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFC));
    outl(0xCFC, v);
}

static uint8_t pattern(uint32_t sector, unsigned i)
{
    if (i < 4)
        return (uint8_t)(sector >> (8 * i));
    return (uint8_t)(sector * 7 + i * 3 + 1);
}

/* ---- PCI ---- */

static unsigned ide_dev, ide_fn;
static uint16_t bm;  /* bus-master register base */

static void pci_checks(void)
{
    int found = 0;
    check(cfg_read(0, 0, 0), 0x12378086, "00:00.0 is the 440FX host bridge");
    check(cfg_read(0, 0, 8) >> 8, 0x060000, "... class 06 00 00");
    check(cfg_read(1, 0, 0), 0x70008086, "00:01.0 is the PIIX3 ISA bridge");
    check(cfg_read(1, 0, 0x0C) >> 16 & 0xFF, 0x80, "... a multi-function device");
    check(cfg_read(5, 0, 0), 0xFFFFFFFF, "an empty slot reads all ones");
    for (unsigned dev = 0; dev < 32 && !found; dev++)
        for (unsigned fn = 0; fn < 8 && !found; fn++)
            if (cfg_read(dev, fn, 0) != 0xFFFFFFFF && cfg_read(dev, fn, 8) >> 16 == 0x0101) {
                ide_dev = dev;
                ide_fn = fn;
                found = 1;
            }
    ok(found, "an IDE controller (class 01 01) on bus 0");
    check(ide_dev << 3 | ide_fn, 0x09, "... at 00:01.1");
    check(cfg_read(ide_dev, ide_fn, 0), 0x70108086, "... the PIIX3 IDE function");
    check(cfg_read(ide_dev, ide_fn, 8) >> 8 & 0xFF, 0x80,
          "... prog-if 80: bus master, both channels in compatibility mode");

    uint32_t bar4 = cfg_read(ide_dev, ide_fn, 0x20);
    check(bar4 & 1, 1, "BAR4 is an I/O BAR");
    bm = (uint16_t)(bar4 & 0xFFFC);
    check(inb(bm + 2) & 0x01, 0x00, "bus-master status: not active");
    outb(bm + 2, 0x60);
    check(inb(bm + 2) & 0x67, 0x60, "... the drive DMA capable bits are storage");
    outb(bm + 2, 0x20);
    check(inb(bm + 2) & 0x67, 0x20, "... drive 0 DMA capable");
    cfg_write(ide_dev, ide_fn, 0x20, 0xFFFFFFFF);
    check(cfg_read(ide_dev, ide_fn, 0x20), 0xFFFFFFF1, "BAR4 sizing: 16 bytes of I/O");
    cfg_write(ide_dev, ide_fn, 0x20, BM_NEW_BASE);
    check(cfg_read(ide_dev, ide_fn, 0x20), BM_NEW_BASE | 1, "BAR4 moved");
    check(inb(bm + 2), 0xFF, "nothing decodes the old bus-master base");
    bm = BM_NEW_BASE;
    cfg_write(ide_dev, ide_fn, 4, 0x0005);  /* I/O space and bus master */
    check(cfg_read(ide_dev, ide_fn, 4) & 0xFFFF, 0x0005, "command register: I/O and bus master");
    check(inb(bm + 2) & 0x67, 0x20, "bus-master registers answer at the new base");
    outl(bm + 4, 0x12345677);
    check(inl(bm + 4), 0x12345674, "the PRD table pointer is dword aligned");
}

/* ---- ATA by polling ---- */

static uint8_t wait_not_busy(void)
{
    uint8_t s = 0x80;
    for (unsigned k = 0; k < 100000 && (s & 0x80); k++)
        s = inb(0x1F7);
    return s;
}

static void identify_checks(void)
{
    uint16_t w[256];
    char model[15];
    outb(0x3F6, 0x02);            /* nIEN: no interrupt for this one */
    outb(0x1F6, 0xA0);
    check(wait_not_busy() & ST_MASK, 0x40, "master: DRDY, not busy");
    outb(0x1F7, 0xEC);
    check(wait_not_busy() & ST_MASK, 0x48, "IDENTIFY DEVICE: data ready (DRQ)");
    for (unsigned k = 0; k < 256; k++)
        w[k] = inw(0x1F0);
    check(inb(0x1F7) & ST_MASK, 0x40, "... and DRQ clears after 256 words");
    check(w[60] | (uint32_t)w[61] << 16, DISK_SECTORS, "words 60-61: the LBA28 capacity");
    check(w[100] | (uint32_t)w[101] << 16, DISK_SECTORS, "words 100-101: the LBA48 capacity");
    check(w[83] & 0x0400, 0x0400, "word 83: 48-bit addressing");
    check(w[49] & 0x0300, 0x0300, "word 49: LBA and DMA");
    for (unsigned k = 0; k < 7; k++) {
        model[2 * k] = (char)(w[27 + k] >> 8);
        model[2 * k + 1] = (char)w[27 + k];
    }
    model[14] = 0;
    int same = 1;
    for (unsigned k = 0; k < 14; k++)
        same &= model[k] == "isola HARDDISK"[k];
    ok(same, "model number: isola HARDDISK");
}

/* ---- interrupts ---- */

static volatile unsigned irq14_count;
static volatile uint8_t irq_ata_status, irq_bm_status;

static int on_irq14(struct trapframe *f)
{
    (void)f;
    irq_bm_status = inb(bm + 2);
    irq_ata_status = inb(0x1F7);  /* acknowledges the device's INTRQ */
    outb(bm + 2, irq_bm_status);  /* clears the interrupt bit, keeps bits 5-6 */
    outb(0xA0, 0x20);             /* non-specific EOI to both 8259As */
    outb(0x20, 0x20);
    irq14_count++;
    return 1;
}

/* 8259A: ICW1-ICW4 (edge triggered, cascade, 8086 mode), then mask all
 * but the cascade line and IRQ14 (slave input 6). */
static void pic_setup(void)
{
    outb(0x20, 0x11);
    outb(0xA0, 0x11);
    outb(0x21, 0x20);
    outb(0xA1, 0x28);
    outb(0x21, 0x04);
    outb(0xA1, 0x02);
    outb(0x21, 0x01);
    outb(0xA1, 0x01);
    outb(0x21, 0xFB);
    outb(0xA1, 0xBF);
    set_trap_hook(IRQ14_VECTOR, on_irq14);
}

/* Lets interrupts in, one instruction at a time, until IRQ14 came. */
static int wait_irq14(unsigned before)
{
    for (unsigned k = 0; k < 1000000 && irq14_count == before; k++)
        __asm__ volatile("sti; nop; cli" ::: "memory");
    return irq14_count == before + 1;
}

/* ---- DMA ---- */

struct prd { uint32_t addr, flags; };
static struct prd prds[4] __attribute__((aligned(16)));
static uint8_t buf[4096] __attribute__((aligned(4096)));

static void lba28(uint32_t lba, uint8_t count)
{
    outb(0x1F2, count);
    outb(0x1F3, (uint8_t)lba);
    outb(0x1F4, (uint8_t)(lba >> 8));
    outb(0x1F5, (uint8_t)(lba >> 16));
    outb(0x1F6, (uint8_t)(0xE0 | (lba >> 24)));
}

static void lba48(uint32_t lba, uint16_t count)
{
    outb(0x1F2, (uint8_t)(count >> 8));
    outb(0x1F3, (uint8_t)(lba >> 24));
    outb(0x1F4, 0);
    outb(0x1F5, 0);
    outb(0x1F2, (uint8_t)count);
    outb(0x1F3, (uint8_t)lba);
    outb(0x1F4, (uint8_t)(lba >> 8));
    outb(0x1F5, (uint8_t)(lba >> 16));
    outb(0x1F6, 0x40);
}

/* Issues a DMA command the way Linux's libata does: PRD pointer and
 * direction, the command, then the start bit; waits for IRQ14. */
static int dma(uint8_t cmd, int to_memory)
{
    unsigned before = irq14_count;
    outb(bm, 0);
    outb(bm + 2, 0x26);           /* clear interrupt and error, keep drive 0 capable */
    outl(bm + 4, (uint32_t)prds);
    outb(bm, to_memory ? 0x08 : 0x00);
    outb(0x1F7, cmd);
    outb(bm, to_memory ? 0x09 : 0x01);
    int got = wait_irq14(before);
    outb(bm, 0);
    return got;
}

static int sector_matches(const uint8_t *p, uint32_t sector)
{
    for (unsigned i = 0; i < 512; i++)
        if (p[i] != pattern(sector, i))
            return 0;
    return 1;
}

static void dma_checks(void)
{
    outb(0x3F6, 0x00);            /* nIEN off: IRQ14 on */
    inb(0x1F7);

    /* READ DMA of sectors 5-6 through two PRDs, split mid-sector */
    memset(buf, 0xEE, sizeof buf);
    prds[0] = (struct prd){(uint32_t)buf, 200};
    prds[1] = (struct prd){(uint32_t)buf + 2048, 824 | 0x80000000u};
    lba28(5, 2);
    ok(dma(0xC8, 1), "READ DMA: one IRQ14 at vector 0x2E");
    check(irq_ata_status & ST_MASK, 0x40, "... device status DRDY, no DRQ, no ERR");
    check(irq_bm_status & 0x07, 0x04, "... bus master: interrupt, not active, no error");
    uint8_t joined[1024];
    memcpy(joined, buf, 200);
    memcpy(joined + 200, buf + 2048, 824);
    ok(sector_matches(joined, 5) && sector_matches(joined + 512, 6),
       "... sectors 5 and 6 split across the two PRDs");
    check(buf[200], 0xEE, "... nothing beyond the first PRD's 200 bytes");
    check(buf[2048 + 824], 0xEE, "... nothing beyond the second PRD's 824 bytes");

    /* WRITE DMA of sector 100 */
    const char magic[] = WRITE_MAGIC;
    for (unsigned i = 0; i < 512; i++)
        buf[i] = pattern(1100, i);
    memcpy(buf, magic, sizeof magic - 1);
    prds[0] = (struct prd){(uint32_t)buf, 512 | 0x80000000u};
    lba28(WRITE_LBA, 1);
    ok(dma(0xCA, 0), "WRITE DMA: one IRQ14");
    check(irq_ata_status & ST_MASK, 0x40, "... device status DRDY");
    check(irq_bm_status & 0x07, 0x04, "... bus master: interrupt, not active");

    /* READ DMA EXT reads it back from the disk */
    memset(buf + 1024, 0, 512);
    prds[0] = (struct prd){(uint32_t)buf + 1024, 512 | 0x80000000u};
    lba48(WRITE_LBA, 1);
    ok(dma(0x25, 1), "READ DMA EXT: one IRQ14");
    check(irq_ata_status & ST_MASK, 0x40, "... device status DRDY");
    int same = 1;
    for (unsigned i = 0; i < 512; i++)
        same &= buf[1024 + i] == buf[i];
    ok(same, "... the sector written by DMA reads back");

    /* out of range: the last sector plus one */
    prds[0] = (struct prd){(uint32_t)buf, 512 | 0x80000000u};
    lba28(DISK_SECTORS, 1);
    ok(dma(0xC8, 1), "READ DMA beyond the disk: IRQ14");
    check(irq_ata_status & ST_MASK, 0x41, "... status ERR");
    check(inb(0x1F1), 0x10, "... error IDNF");
    lba48(DISK_SECTORS - 1, 2);
    ok(dma(0x25, 1), "READ DMA EXT across the end: IRQ14");
    check(irq_ata_status & ST_MASK, 0x41, "... status ERR");
    check(inb(0x1F1), 0x10, "... error IDNF");

    /* a PRD pointing past the end of RAM */
    uint32_t ram_end = 0x100000 + mb_mem_upper_kb * 1024;
    prds[0] = (struct prd){ram_end - 256, 512 | 0x80000000u};
    lba28(1, 1);
    ok(dma(0xC8, 1), "READ DMA into a PRD beyond RAM: IRQ14");
    check(irq_ata_status & 0x01, 0x01, "... device status ERR");
    check(irq_bm_status & 0x07, 0x06, "... bus master: error and interrupt");

    /* the disk is still fine afterwards */
    prds[0] = (struct prd){(uint32_t)buf, 512 | 0x80000000u};
    lba28(DISK_SECTORS - 1, 1);
    ok(dma(0xC8, 1), "READ DMA of the last sector: IRQ14");
    check(irq_ata_status & ST_MASK, 0x40, "... status DRDY");
    ok(sector_matches(buf, DISK_SECTORS - 1), "... its contents");
    check(irq14_count, 7, "seven interrupts in all");
}

void test_main(void)
{
    pci_checks();
    identify_checks();
    pic_setup();
    dma_checks();
    done();
}
