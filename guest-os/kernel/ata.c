/*
 * ata.c: the ATA driver (ata.h). The primary channel's task file at
 * 0x1F0-0x1F7 and 0x3F6, IRQ 14, and the bus master's registers behind
 * BAR4 of the PCI IDE function (SFF-8038i rev 1.0, "Bus Master IDE").
 *
 * A request is a struct bio (fs/blockdev.h). The queue's head is the one
 * on the channel; the interrupt handler ends it and starts the next, so
 * the disk never waits for a thread to be scheduled.
 *
 * Rules kept here:
 *  - The queue, the channel's registers and the PRD table are touched
 *    only with interrupts off: by submit, the interrupt handler and the
 *    watchdog.
 *  - DMA (ATA-6 8.23/8.45, READ/WRITE DMA [EXT]): the PRD table lists the
 *    bio's memory, no entry crossing a 64 KiB boundary (SFF-8038i 1.0,
 *    "Physical Region Descriptor"); the bus master is started after the
 *    command is written and stopped in the interrupt handler.
 *  - PIO (ATA-6 9.7 and 9.8, PIO data-in and data-out, one sector per
 *    DRQ block): an interrupt before each sector read and after each
 *    sector written, the first write excepted. The data go through a
 *    sector buffer, so memory pieces need not be sector-sized.
 *  - 48-bit commands when the disk has them (IDENTIFY word 83 bit 10),
 *    28-bit otherwise; never more than BIO_MAX_SECTORS per command.
 *  - Probing (IDENTIFY) polls with nIEN set, before IRQ 14 is enabled.
 *  - The buffer cache's reads and writes are checked against the disk's
 *    size here; bios (aio) only against what the command can address:
 *    partitions check their own range (fs/part.c), and a raw read of the
 *    whole disk past its end is refused by the disk, which is the error
 *    path the tests take.
 */
#include "ata.h"
#include "errno.h"
#include "fs/blockdev.h"
#include "kalloc.h"
#include "kmalloc.h"
#include "kstat.h"
#include "ktime.h"
#include "lib.h"
#include "mmu.h"
#include "pci.h"
#include "pic.h"
#include "sched.h"
#include "trap.h"
#include "x86.h"

#define REG_DATA 0x1F0
#define REG_ERROR 0x1F1
#define REG_NSECT 0x1F2
#define REG_LBAL 0x1F3
#define REG_LBAM 0x1F4
#define REG_LBAH 0x1F5
#define REG_DEVICE 0x1F6
#define REG_STATUS 0x1F7
#define REG_COMMAND 0x1F7
#define REG_CTL 0x3F6          /* device control when written, alternate status when read */

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DF 0x20
#define ST_DRDY 0x40
#define ST_BSY 0x80
#define CTL_NIEN 0x02
#define CTL_SRST 0x04
#define DEV_LBA 0x40

#define CMD_READ_PIO 0x20
#define CMD_READ_PIO_EXT 0x24
#define CMD_WRITE_PIO 0x30
#define CMD_WRITE_PIO_EXT 0x34
#define CMD_READ_DMA 0xC8
#define CMD_READ_DMA_EXT 0x25
#define CMD_WRITE_DMA 0xCA
#define CMD_WRITE_DMA_EXT 0x35
#define CMD_FLUSH 0xE7
#define CMD_FLUSH_EXT 0xEA
#define CMD_IDENTIFY 0xEC

/* bus master registers, offsets from BAR4 (primary channel) */
#define BM_CMD 0
#define BM_STATUS 2
#define BM_PRD 4
#define BM_CMD_START 0x01
#define BM_CMD_TOMEM 0x08      /* the bus master writes memory: a device read */
#define BM_ST_ERR 0x02
#define BM_ST_INTR 0x04
#define PRD_EOT 0x80000000u
#define PRD_MAX (PAGE_SIZE / 8)

#define ATA_TIMEOUT_TICKS (10 * HZ)
#define POLL_LIMIT 2000000     /* status reads before a polled wait gives up */

struct disk {
    struct blockdev dev;
    unsigned unit;
    bool present, lba48, dma, flush, flush_ext;
};

static struct disk disks[2];
static uint16_t bm_base;       /* 0: no bus master, PIO only */
static uint32_t *prd;          /* the PRD table, one page */
static struct bio *queue_head, *queue_tail;
static bool queue_dma;         /* the head runs by DMA */
static uint8_t sector_buf[SECTOR_SIZE];

static const char *const unit_name[2] = {"hda", "hdb"};

/* ---- the channel ---- */

/* 400 ns after selecting a device before its status means anything
 * (ATA-6 9.16): four reads of the alternate status take that long. */
static void delay400(void)
{
    for (int i = 0; i < 4; i++)
        (void)inb(REG_CTL);
}

/* Waits until BSY clears; the status, or -1 when it never does. */
static int wait_not_busy(void)
{
    for (int i = 0; i < POLL_LIMIT; i++) {
        uint8_t st = inb(REG_CTL);
        if (!(st & ST_BSY))
            return st;
    }
    return -1;
}

static void select_unit(unsigned unit)
{
    outb(REG_DEVICE, (uint8_t)(0xA0 | DEV_LBA | unit << 4));
    delay400();
}

/* Software reset of both devices (ATA-6 9.2): SRST for at least 5 us. */
static void channel_reset(void)
{
    if (bm_base)
        outb(bm_base + BM_CMD, 0);
    outb(REG_CTL, CTL_SRST);
    for (int i = 0; i < 40; i++)
        (void)inb(REG_CTL);
    outb(REG_CTL, 0);
    delay400();
    wait_not_busy();
}

/* ---- one request on the channel ---- */

static void task_file(const struct disk *dk, uint64_t lba, uint32_t n, uint8_t cmd28,
                      uint8_t cmd48)
{
    if (dk->lba48) {
        outb(REG_DEVICE, (uint8_t)(DEV_LBA | dk->unit << 4));
        outb(REG_NSECT, (uint8_t)(n >> 8));       /* the "previous" bytes first */
        outb(REG_LBAL, (uint8_t)(lba >> 24));
        outb(REG_LBAM, (uint8_t)(lba >> 32));
        outb(REG_LBAH, (uint8_t)(lba >> 40));
        outb(REG_NSECT, (uint8_t)n);
        outb(REG_LBAL, (uint8_t)lba);
        outb(REG_LBAM, (uint8_t)(lba >> 8));
        outb(REG_LBAH, (uint8_t)(lba >> 16));
        outb(REG_COMMAND, cmd48);
    } else {
        outb(REG_DEVICE, (uint8_t)(0xA0 | DEV_LBA | dk->unit << 4 | ((lba >> 24) & 0xF)));
        outb(REG_NSECT, (uint8_t)n);              /* 256 is written as 0 */
        outb(REG_LBAL, (uint8_t)lba);
        outb(REG_LBAM, (uint8_t)(lba >> 8));
        outb(REG_LBAH, (uint8_t)(lba >> 16));
        outb(REG_COMMAND, cmd28);
    }
}

/* Copies between the sector buffer and the bio's memory at byte off. */
static void seg_copy(struct bio *b, uint32_t off, bool to_mem)
{
    uint32_t left = SECTOR_SIZE, at = 0;
    for (unsigned i = 0; i < b->nseg && left; i++) {
        if (off >= b->seg[i].len) {
            off -= b->seg[i].len;
            continue;
        }
        uint32_t m = MIN(left, b->seg[i].len - off);
        uint8_t *mem = P2V(b->seg[i].pa + off);
        if (to_mem)
            memcpy(mem, sector_buf + at, m);
        else
            memcpy(sector_buf + at, mem, m);
        at += m;
        left -= m;
        off = 0;
    }
}

static bool dma_possible(const struct bio *b, const struct disk *dk)
{
    if (!bm_base || !dk->dma)
        return false;
    for (unsigned i = 0; i < b->nseg; i++)
        if ((b->seg[i].pa | b->seg[i].len) & 1)
            return false;
    return true;
}

/* Fills the PRD table: each entry a piece of one segment that stays
 * inside one 64 KiB block; a count of 0 means 64 KiB. */
static void prd_fill(const struct bio *b)
{
    unsigned n = 0;
    for (unsigned i = 0; i < b->nseg; i++) {
        uint32_t pa = b->seg[i].pa, len = b->seg[i].len;
        while (len) {
            uint32_t room = 0x10000 - (pa & 0xFFFF);
            uint32_t m = MIN(len, room);
            prd[2 * n] = pa;
            prd[2 * n + 1] = m & 0xFFFF;
            n++;
            pa += m;
            len -= m;
        }
    }
    prd[2 * n - 1] |= PRD_EOT;
}

static void start_dma(struct bio *b, const struct disk *dk)
{
    bool rd = b->op == BIO_READ;
    prd_fill(b);
    outl(bm_base + BM_PRD, V2P(prd));
    outb(bm_base + BM_CMD, rd ? BM_CMD_TOMEM : 0);
    outb(bm_base + BM_STATUS, BM_ST_INTR | BM_ST_ERR);   /* write 1 to clear */
    task_file(dk, b->sector, b->count, rd ? CMD_READ_DMA : CMD_WRITE_DMA,
              rd ? CMD_READ_DMA_EXT : CMD_WRITE_DMA_EXT);
    outb(bm_base + BM_CMD, (uint8_t)((rd ? BM_CMD_TOMEM : 0) | BM_CMD_START));
}

/* Data-out has no interrupt before the first sector: wait for DRQ. */
static int start_pio_write(struct bio *b, const struct disk *dk)
{
    task_file(dk, b->sector, b->count, CMD_WRITE_PIO, CMD_WRITE_PIO_EXT);
    int st = wait_not_busy();
    if (st < 0 || (st & (ST_ERR | ST_DF)) || !(st & ST_DRQ))
        return -EIO;
    seg_copy(b, 0, false);
    outsw(REG_DATA, sector_buf, SECTOR_SIZE / 2);
    b->done = 1;
    return 0;
}

/* Puts b on the channel: 0, or -EIO when the disk is not ready. */
static int start(struct bio *b)
{
    const struct disk *dk = &disks[b->unit];
    select_unit(dk->unit);
    int st = wait_not_busy();
    if (st < 0)
        return -EIO;
    b->done = 0;
    b->deadline = ticks_now() + ATA_TIMEOUT_TICKS;
    queue_dma = false;
    if (b->op == BIO_FLUSH) {
        task_file(dk, 0, 0, CMD_FLUSH, dk->flush_ext ? CMD_FLUSH_EXT : CMD_FLUSH);
        return 0;
    }
    if (dma_possible(b, dk)) {
        queue_dma = true;
        start_dma(b, dk);
        return 0;
    }
    if (b->op == BIO_WRITE)
        return start_pio_write(b, dk);
    task_file(dk, b->sector, b->count, CMD_READ_PIO, CMD_READ_PIO_EXT);
    return 0;
}

static void report(const struct bio *b, const char *what, int st)
{
    static const char *const ops[] = {"read", "write", "flush"};
    printk("ata: %s: %s of %u sectors at %u failed: %s (status %x, error %x)\n",
           unit_name[b->unit], ops[b->op], b->count, (unsigned)b->sector, what, st,
           inb(REG_ERROR));
}

static void start_next(void);

/* Ends the head of the queue with err and starts the next request. */
static void finish(int err)
{
    struct bio *b = queue_head;
    queue_head = b->next;
    if (!queue_head)
        queue_tail = NULL;
    b->error = err;
    b->finished = true;
    wakeup(b);                 /* before end, which may free b */
    start_next();
    if (b->end)
        b->end(b, err);
}

/* A request the disk cannot even take fails at once; finish() then
 * tries the one after it. */
static void start_next(void)
{
    if (!queue_head || start(queue_head) == 0)
        return;
    report(queue_head, "the disk is not ready", inb(REG_CTL));
    channel_reset();
    finish(-EIO);
}

/* ---- interrupts and the watchdog ---- */

static void dma_interrupt(struct bio *b)
{
    uint8_t bst = inb(bm_base + BM_STATUS);
    if (!(bst & BM_ST_INTR))
        return;                /* not the bus master's transfer ending */
    outb(bm_base + BM_CMD, 0);
    uint8_t st = inb(REG_STATUS);
    outb(bm_base + BM_STATUS, BM_ST_INTR | BM_ST_ERR);
    if ((st & (ST_ERR | ST_DF)) || (bst & BM_ST_ERR)) {
        report(b, (bst & BM_ST_ERR) ? "bus master error" : "device error", st);
        finish(-EIO);
    } else {
        finish(0);
    }
}

static void pio_interrupt(struct bio *b)
{
    uint8_t st = inb(REG_STATUS);
    if (st & ST_BSY)
        return;
    if (st & (ST_ERR | ST_DF)) {
        report(b, "device error", st);
        finish(-EIO);
        return;
    }
    if (b->op == BIO_FLUSH || (b->op == BIO_WRITE && b->done == b->count)) {
        finish(0);
        return;
    }
    if (!(st & ST_DRQ)) {
        report(b, "no data request", st);
        finish(-EIO);
        return;
    }
    if (b->op == BIO_READ) {
        insw(REG_DATA, sector_buf, SECTOR_SIZE / 2);
        seg_copy(b, b->done * SECTOR_SIZE, true);
        if (++b->done == b->count)
            finish(0);
    } else {
        seg_copy(b, b->done * SECTOR_SIZE, false);
        outsw(REG_DATA, sector_buf, SECTOR_SIZE / 2);
        b->done++;
    }
}

static void ata_interrupt(void)
{
    struct bio *b = queue_head;
    if (!b) {
        (void)inb(REG_STATUS);     /* acknowledge: nothing was asked */
        return;
    }
    if (queue_dma)
        dma_interrupt(b);
    else
        pio_interrupt(b);
}

static void ata_watchdog(uint64_t now)
{
    struct bio *b = queue_head;
    if (!b || now < b->deadline)
        return;
    report(b, "timed out", inb(REG_CTL));
    channel_reset();
    finish(-EIO);
}

/* ---- the block device ---- */

static bool in_range(const struct blockdev *d, uint64_t sector, uint32_t count)
{
    return sector < d->nsectors && count <= d->nsectors - sector;
}

static int ata_submit(struct blockdev *d, struct bio *b)
{
    struct disk *dk = d->priv;
    uint32_t bytes = 0;
    if (b->op != BIO_FLUSH) {
        if (b->count == 0 || b->count > BIO_MAX_SECTORS || b->nseg == 0 ||
            b->nseg > BIO_MAX_SEGS)
            return -EINVAL;
        for (unsigned i = 0; i < b->nseg; i++)
            bytes += b->seg[i].len;
        if (bytes != b->count * SECTOR_SIZE)
            return -EINVAL;
        /* What the task file can address; the disk checks its own end
         * (IDNF, ATA-6 6.2), so a raw request past it ends in -EIO too. */
        uint64_t limit = dk->lba48 ? 1ull << 48 : 1ull << 28;
        if (b->sector >= limit || b->count > limit - b->sector)
            return -EIO;
    }
    b->unit = dk->unit;
    b->next = NULL;
    b->finished = false;
    b->error = 0;
    uint32_t f = irq_save();
    if (b->op == BIO_FLUSH && !dk->flush) {
        /* a disk without a write cache to flush: done as asked */
        b->finished = true;
        if (b->end)
            b->end(b, 0);
        irq_restore(f);
        return 0;
    }
    if (queue_tail)
        queue_tail->next = b;
    else
        queue_head = b;
    queue_tail = b;
    if (queue_head == b)
        start_next();
    irq_restore(f);
    return 0;
}

/* Before the scheduler runs, the boot thread cannot sleep: it halts with
 * interrupts on until IRQ 14 (or the watchdog, on the timer) ends b. */
static int ata_wait(struct blockdev *d, struct bio *b)
{
    (void)d;
    uint32_t f = irq_save();
    while (!b->finished) {
        if (sched_can_sleep()) {
            sleep_on_uninterruptible(b);
        } else {
            sti_hlt();
            cli();
        }
    }
    irq_restore(f);
    return b->error;
}

/* A synchronous transfer for the buffer cache: kernel memory, which the
 * kernel maps linearly, so each piece is one physical segment. */
static int ata_rw(struct blockdev *d, uint64_t sector, uint32_t count, uint8_t *buf,
                  enum bio_op op)
{
    if (!in_range(d, sector, count))
        return -EIO;
    ASSERT((uint32_t)buf >= KERNEL_BASE);
    struct bio *b = kmalloc(sizeof *b);
    if (!b)
        return -ENOMEM;
    int err = 0;
    while (count && !err) {
        uint32_t n = MIN(count, BIO_MAX_SECTORS);
        memset(b, 0, sizeof *b);
        b->op = op;
        b->sector = sector;
        b->count = n;
        b->nseg = 1;
        b->seg[0] = (struct bio_seg){V2P(buf), n * SECTOR_SIZE};
        err = ata_submit(d, b);
        if (!err)
            err = ata_wait(d, b);
        sector += n;
        count -= n;
        buf += n * SECTOR_SIZE;
    }
    kfree(b);
    return err;
}

static int ata_read(struct blockdev *d, uint64_t sector, uint32_t count, void *buf)
{
    return ata_rw(d, sector, count, buf, BIO_READ);
}

static int ata_write(struct blockdev *d, uint64_t sector, uint32_t count, const void *buf)
{
    return ata_rw(d, sector, count, (uint8_t *)buf, BIO_WRITE);
}

static int ata_flush(struct blockdev *d)
{
    struct bio *b = kmalloc(sizeof *b);
    if (!b)
        return -ENOMEM;
    memset(b, 0, sizeof *b);
    b->op = BIO_FLUSH;
    int err = ata_submit(d, b);
    if (!err)
        err = ata_wait(d, b);
    kfree(b);
    return err;
}

struct blockdev *ata_disk(unsigned unit)
{
    return unit < 2 && disks[unit].present ? &disks[unit].dev : NULL;
}

/* ---- probing ---- */

static bool identify(unsigned unit, uint16_t id[256])
{
    select_unit(unit);
    uint8_t st = inb(REG_STATUS);
    if (st == 0 || st == 0xFF)
        return false;          /* nothing drives the bus */
    if (wait_not_busy() < 0)
        return false;
    outb(REG_COMMAND, CMD_IDENTIFY);
    delay400();
    int s = wait_not_busy();
    if (s < 0 || (s & (ST_ERR | ST_DF)) || !(s & ST_DRQ))
        return false;          /* no disk, or not an ATA one (ATAPI aborts) */
    insw(REG_DATA, id, 256);
    (void)inb(REG_STATUS);
    return true;
}

static void probe(unsigned unit)
{
    uint16_t id[256];
    struct disk *dk = &disks[unit];
    if (!identify(unit, id) || !(id[49] & (1u << 9)))
        return;                /* absent, or without LBA */
    dk->unit = unit;
    dk->lba48 = id[83] & (1u << 10);
    uint64_t n = dk->lba48 ? (uint64_t)id[100] | (uint64_t)id[101] << 16 |
                                 (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48
                           : (uint32_t)id[60] | (uint32_t)id[61] << 16;
    if (n == 0)
        return;
    dk->dma = id[49] & (1u << 8);
    dk->flush = id[83] & (3u << 12);
    dk->flush_ext = dk->lba48 && (id[83] & (1u << 13));
    dk->present = true;
    dk->dev = (struct blockdev){
        .name = unit_name[unit], .nsectors = n, .read = ata_read, .write = ata_write,
        .submit = ata_submit, .wait = ata_wait, .flush = ata_flush,
        .st_dev = MKDEV(3, unit * 64), .priv = dk,
    };
    printk(KERN_INFO "ata: %s: %u MiB, %s-bit LBA, %s\n", unit_name[unit],
           (unsigned)(n >> 11), dk->lba48 ? "48" : "28",
           dk->dma && bm_base ? "DMA" : "PIO");
}

/* The bus master's I/O base from BAR4, with I/O decoding and bus
 * mastering switched on; 0 when it cannot be used. */
static uint16_t bus_master(void)
{
    struct pci_addr a;
    if (!pci_find(0x8086, 0x7010, &a)) {
        printk("ata: no PIIX3 IDE function on PCI bus 0; PIO only\n");
        return 0;
    }
    uint32_t bar4 = pci_read32(a, PCI_BAR0 + 16);
    if (!(bar4 & 1) || (bar4 & 0xFFFC) == 0) {
        printk("ata: BAR4 of the IDE function is not an I/O range; PIO only\n");
        return 0;
    }
    uint16_t cmd = pci_read16(a, PCI_COMMAND);
    pci_write16(a, PCI_COMMAND, cmd | PCI_CMD_IO | PCI_CMD_MASTER);
    return (uint16_t)(bar4 & 0xFFFC);
}

void ata_init(bool force_pio)
{
    outb(REG_CTL, CTL_NIEN);
    if (!force_pio) {
        bm_base = bus_master();
        uint32_t pa = bm_base ? page_alloc() : 0;
        if (bm_base && !pa) {
            printk("ata: no page for the PRD table; PIO only\n");
            bm_base = 0;
        }
        prd = pa ? P2V(pa) : NULL;
    }
    for (unsigned unit = 0; unit < 2; unit++)
        probe(unit);
    (void)inb(REG_STATUS);
    outb(REG_CTL, 0);
    irq_register(IRQ_ATA0, ata_interrupt);
    pic_enable(IRQ_ATA0);
    timer_on_tick(ata_watchdog);
}
