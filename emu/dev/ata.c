/*
 * ata.c: an ATA hard disk pair on the primary channel, with PIO and
 * bus-master DMA, behind a PIIX3 IDE PCI function.
 *
 * Rules kept here:
 *  - The task file is shared: both devices latch every register write,
 *    as on a real cable. Status and error belong to each device. Reads
 *    while an absent device is selected return 0, so probing drivers
 *    see nothing there (ATA/ATAPI-6 §9.16 leaves the bus floating).
 *  - Each task-file register is two deep (ATA/ATAPI-6 §6.20, 48-bit
 *    address feature set): a write pushes the current byte into the
 *    "previous" slot; HOB (device control bit 7) reads that slot; any
 *    Command Block write clears HOB.
 *  - Commands run to completion when issued (DMA when both the command
 *    and the bus master's start bit are there, or a latency later when
 *    one is set: ata_set_latency). INTRQ follows ATA-6
 *    §9: PIO data-in interrupts before each DRQ block, data-out after
 *    each block but the first and at the end, non-data and DMA commands
 *    at the end. Reading Status, or writing Command, clears it. nIEN
 *    disconnects it from IRQ14.
 *  - The LBA and count of every command are checked against the disk
 *    before any data moves: out of range is ERR+IDNF.
 *  - The bus master (SFF-8038i rev 1.0) walks the PRD table in c->ram
 *    only. An entry outside RAM, a table longer than ATA_MAX_PRDS
 *    entries or one that ends before the transfer does sets the error
 *    bit and aborts the command.
 */
#include "ata.h"

#include <string.h>

#include "bus.h"
#include "disk/block.h"

/* status register */
#define ST_BSY  0x80
#define ST_DRDY 0x40
#define ST_DF   0x20
#define ST_DSC  0x10  /* obsolete "seek complete"; BIOSes still look for 0x50 */
#define ST_DRQ  0x08
#define ST_ERR  0x01
/* error register */
#define ER_UNC  0x40
#define ER_IDNF 0x10
#define ER_ABRT 0x04
/* device control register */
#define DC_HOB  0x80
#define DC_SRST 0x04
#define DC_NIEN 0x02
/* device/head register */
#define DEV_LBA 0x40
#define DEV_DEV 0x10
/* bus master command and status (SFF-8038i §3.0) */
#define BM_CMD_START 0x01
#define BM_CMD_TOMEM 0x08  /* the bus master writes memory: a device read */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR  0x02
#define BM_ST_INTR   0x04
#define BM_ST_CAP0   0x20
#define BM_ST_CAP1   0x40
#define PRD_EOT 0x80000000u
#define ATA_MAX_PRDS 8192

#define STATUS_OK (ST_DRDY | ST_DSC)
#define SECTOR 512u

/* ---- interrupt line ---- */

static void irq_update(struct ata *a)
{
    bool level = a->intrq && !(a->devctl & DC_NIEN);
    if (level == a->irq_level)
        return;
    a->irq_level = level;
    if (level)
        irq_raise(&a->irq);
    else
        irq_lower(&a->irq);
}

static void intrq_set(struct ata *a)
{
    if (!a->intrq)
        a->bm[0].status |= BM_ST_INTR;  /* latched on the rising edge */
    a->intrq = true;
    irq_update(a);
}

static void intrq_clear(struct ata *a)
{
    if (a->intrq) {
        a->intrq = false;
        irq_update(a);
    }
}

/* ---- devices ---- */

static unsigned selected(const struct ata *a)
{
    return (a->device & DEV_DEV) ? 1 : 0;
}

static struct ata_drive *cur_drive(struct ata *a)
{
    return &a->drive[a->dev];
}

/* Default translation: 16 heads, 63 sectors per track (ATA-6 Annex B). */
static void drive_geometry(struct ata_drive *d)
{
    uint64_t cyls = d->sectors / (16 * 63);
    d->default_cyls = (uint16_t)(cyls > 16383 ? 16383 : cyls ? cyls : 1);
    d->cyls = d->default_cyls;
    d->heads = 16;
    d->spt = 63;
}

static void set_signature(struct ata *a)
{
    a->nsect = (struct ata_reg2){1, 1};
    a->lbal = (struct ata_reg2){1, 1};
    a->lbam = (struct ata_reg2){0, 0};
    a->lbah = (struct ata_reg2){0, 0};
    a->device = 0;
}

/* After reset or EXECUTE DEVICE DIAGNOSTIC: code 01h, "device 0 passed,
 * device 1 passed or not present" (ATA-6 §8.11, table 10). */
static void drives_ready(struct ata *a)
{
    for (unsigned k = 0; k < 2; k++) {
        a->drive[k].status = a->drive[k].blk ? STATUS_OK : 0;
        a->drive[k].error = 0x01;
    }
    a->xfer = XFER_NONE;
    set_signature(a);
}

static void cmd_done(struct ata *a)
{
    cur_drive(a)->status = STATUS_OK;
    a->xfer = XFER_NONE;
    intrq_set(a);
}

static void cmd_error(struct ata *a, uint8_t err)
{
    struct ata_drive *d = cur_drive(a);
    d->error = err;
    d->status = STATUS_OK | ST_ERR;
    a->xfer = XFER_NONE;
    intrq_set(a);
}

/* ---- addressing ---- */

static bool cmd_is_ext(uint8_t cmd)
{
    switch (cmd) {
    case 0x24: case 0x25: case 0x29: case 0x34: case 0x35: case 0x39:
    case 0x42:
        return true;
    }
    return false;
}

static uint32_t tf_count(const struct ata *a, bool ext)
{
    if (ext) {
        uint32_t n = (uint32_t)a->nsect.prev << 8 | a->nsect.cur;
        return n ? n : 65536;
    }
    return a->nsect.cur ? a->nsect.cur : 256;
}

/* The starting sector, or UINT64_MAX for a CHS address outside the
 * current geometry. */
static uint64_t tf_lba(const struct ata *a, bool ext)
{
    const struct ata_drive *d = &a->drive[a->dev];
    if (ext)
        return (uint64_t)a->lbah.prev << 40 | (uint64_t)a->lbam.prev << 32 |
               (uint64_t)a->lbal.prev << 24 | (uint32_t)a->lbah.cur << 16 |
               (uint32_t)a->lbam.cur << 8 | a->lbal.cur;
    if (a->device & DEV_LBA)
        return (uint32_t)(a->device & 0x0F) << 24 | (uint32_t)a->lbah.cur << 16 |
               (uint32_t)a->lbam.cur << 8 | a->lbal.cur;
    unsigned cyl = (unsigned)a->lbah.cur << 8 | a->lbam.cur;
    unsigned head = a->device & 0x0F, sect = a->lbal.cur;
    if (sect == 0 || sect > d->spt || head >= d->heads || cyl >= d->cyls)
        return UINT64_MAX;
    return ((uint64_t)cyl * d->heads + head) * d->spt + sect - 1;
}

/* Loads a->lba and a->left for a data command; false (after ending the
 * command with IDNF) when the range is not on the disk. */
static bool tf_range(struct ata *a)
{
    bool ext = cmd_is_ext(a->cmd);
    uint64_t lba = tf_lba(a, ext), n = tf_count(a, ext);
    if (lba == UINT64_MAX || lba > cur_drive(a)->sectors ||
        n > cur_drive(a)->sectors - lba) {
        cmd_error(a, ER_IDNF);
        return false;
    }
    a->lba = lba;
    a->left = (uint32_t)n;
    return true;
}

/* ---- IDENTIFY DEVICE (ATA/ATAPI-6 §8.15, table 27) ---- */

static void id_string(uint16_t *w, unsigned words, const char *s)
{
    size_t n = strlen(s);
    for (unsigned k = 0; k < 2 * words; k += 2) {
        uint8_t hi = k < n ? (uint8_t)s[k] : ' ';
        uint8_t lo = k + 1 < n ? (uint8_t)s[k + 1] : ' ';
        w[k / 2] = (uint16_t)(hi << 8 | lo);
    }
}

static void id_modes(uint16_t *w, uint8_t mode)
{
    w[63] = 0x0007;              /* multiword DMA 0-2 supported */
    w[88] = 0x003F;              /* Ultra DMA 0-5 supported */
    if ((mode & 0xF8) == 0x20)
        w[63] |= (uint16_t)(0x100 << (mode & 7));
    else if ((mode & 0xF8) == 0x40)
        w[88] |= (uint16_t)(0x100 << (mode & 7));
}

static void identify(const struct ata *a, unsigned dev, uint16_t *w)
{
    const struct ata_drive *d = &a->drive[dev];
    uint64_t chs = (uint64_t)d->cyls * d->heads * d->spt;
    uint64_t lba28 = d->sectors > 0x0FFFFFFF ? 0x0FFFFFFF : d->sectors;
    char serial[21];
    uint8_t sum = 0;

    memset(w, 0, 512);
    w[0] = 0x0040;               /* fixed device, not removable */
    w[1] = d->default_cyls;
    w[3] = 16;
    w[6] = 63;
    for (unsigned k = 0; k < 20; k++)
        serial[k] = (char)('0' + (k == 19 ? dev : 0));
    memcpy(serial, "ISOLA", 5);
    serial[20] = 0;
    id_string(&w[10], 10, serial);
    id_string(&w[23], 4, "1.0");
    id_string(&w[27], 20, "isola HARDDISK");
    w[47] = 0x8000 | ATA_MAX_MULTIPLE;
    w[49] = 0x0B00;              /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x0200;              /* PIO timing mode 2 (obsolete) */
    w[53] = 0x0007;              /* words 54-58, 64-70 and 88 are valid */
    w[54] = d->cyls;
    w[55] = d->heads;
    w[56] = d->spt;
    w[57] = (uint16_t)chs;
    w[58] = (uint16_t)(chs >> 16);
    w[59] = (uint16_t)(0x0100 | d->multiple);
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    id_modes(w, d->xfer_mode);
    w[64] = 0x0003;              /* PIO 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x007E;              /* ATA-1 to ATA-6 */
    w[82] = 0x0020;              /* write cache */
    w[83] = 0x7400;              /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit */
    w[84] = 0x4000;
    w[85] = d->write_cache ? 0x0020 : 0;
    w[86] = 0x3400;
    w[87] = 0x4000;
    w[93] = dev ? 0x6300 : 0x600B;  /* reset results, 80-wire cable */
    for (unsigned k = 0; k < 4; k++)
        w[100 + k] = (uint16_t)(d->sectors >> (16 * k));
    /* Integrity word: signature A5h, then a checksum making all 512
     * bytes sum to zero (ATA-6 §8.15.60). */
    w[255] = 0x00A5;
    for (unsigned k = 0; k < 255; k++)
        sum = (uint8_t)(sum + (w[k] & 0xFF) + (w[k] >> 8));
    sum = (uint8_t)(sum + 0xA5);
    w[255] |= (uint16_t)((uint8_t)-sum << 8);
}

/* ---- PIO ---- */

static void pio_start_block(struct ata *a, unsigned sectors)
{
    a->pos = 0;
    a->len = sectors * SECTOR;
    cur_drive(a)->status = STATUS_OK | ST_DRQ;
}

/* Data-in: fetch the next block and interrupt. */
static void pio_in_next(struct ata *a)
{
    struct ata_drive *d = cur_drive(a);
    unsigned n = a->left < a->block ? a->left : a->block;
    if (blk_read(d->blk, a->lba * SECTOR, a->buf, n * SECTOR) < 0) {
        cmd_error(a, ER_UNC);
        return;
    }
    a->lba += n;
    a->left -= n;
    pio_start_block(a, n);
    intrq_set(a);
}

static void pio_start(struct ata *a, enum ata_xfer x, unsigned block)
{
    if (!tf_range(a))
        return;
    a->xfer = x;
    a->block = block;
    if (x == XFER_PIO_IN) {
        pio_in_next(a);
        return;
    }
    pio_start_block(a, a->left < block ? a->left : block);
}

static bool write_through(struct ata *a)
{
    struct ata_drive *d = cur_drive(a);
    return d->write_cache || blk_flush(d->blk) == 0;
}

/* Data-out: the guest filled a block; store it. */
static void pio_out_block(struct ata *a)
{
    struct ata_drive *d = cur_drive(a);
    unsigned n = a->len / SECTOR;
    if (blk_write(d->blk, a->lba * SECTOR, a->buf, a->len) < 0) {
        cmd_error(a, ER_ABRT);
        return;
    }
    a->lba += n;
    a->left -= n;
    if (a->left) {
        pio_start_block(a, a->left < a->block ? a->left : a->block);
        intrq_set(a);
    } else if (!write_through(a)) {
        cmd_error(a, ER_ABRT);
    } else {
        cmd_done(a);
    }
}

static void pio_block_end(struct ata *a)
{
    if (a->xfer == XFER_PIO_OUT) {
        pio_out_block(a);
    } else if (a->left) {
        pio_in_next(a);
    } else {
        cur_drive(a)->status = STATUS_OK;
        a->xfer = XFER_NONE;
    }
}

static uint16_t data_read16(struct ata *a)
{
    uint16_t v;
    if (a->xfer != XFER_PIO_IN || a->pos >= a->len)
        return 0xFFFF;
    v = (uint16_t)(a->buf[a->pos] | a->buf[a->pos + 1] << 8);
    a->pos += 2;
    if (a->pos == a->len)
        pio_block_end(a);
    return v;
}

static void data_write16(struct ata *a, uint16_t v)
{
    if (a->xfer != XFER_PIO_OUT || a->pos >= a->len)
        return;
    a->buf[a->pos] = (uint8_t)v;
    a->buf[a->pos + 1] = (uint8_t)(v >> 8);
    a->pos += 2;
    if (a->pos == a->len)
        pio_block_end(a);
}

/* ---- bus-master DMA ---- */

static bool cmd_is_dma_read(uint8_t cmd)
{
    return cmd == 0xC8 || cmd == 0x25;
}

struct prd_walk {
    uint32_t next;     /* physical address of the next entry */
    unsigned seen;
    bool eot;          /* the last entry fetched was the table's end */
};

/* Fetches one PRD: false when it lies outside RAM or the table runs on. */
static bool prd_fetch(struct ata *a, struct prd_walk *w, uint32_t *addr,
                      uint32_t *len)
{
    const cpu_t *c = a->cpu;
    const uint8_t *p;
    uint32_t flags;
    if (w->eot || w->seen == ATA_MAX_PRDS || c->ram_size < 8 ||
        w->next > c->ram_size - 8)
        return false;
    p = c->ram + w->next;
    *addr = (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24) & ~1u;
    flags = p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24;
    *len = (flags & 0xFFFE) ? (flags & 0xFFFE) : 0x10000;  /* 0 = 64 KiB */
    w->eot = flags & PRD_EOT;
    w->next += 8;
    w->seen++;
    return *addr <= c->ram_size && *len <= c->ram_size - *addr;
}

/* Copies into guest RAM page by page: ROM pages keep their contents,
 * and the CPU drops any code it translated from a page written. */
static void guest_store(struct ata *a, uint32_t paddr, const uint8_t *src,
                        uint32_t len)
{
    cpu_t *c = a->cpu;
    while (len) {
        uint32_t n = 4096 - (paddr & 4095);
        if (n > len)
            n = len;
        if (!bus_is_rom(a->bus, paddr) && !bus_mmio_find(a->bus, paddr)) {
            memcpy(c->ram + paddr, src, n);
            code_page_written(c, paddr);
        }
        paddr += n;
        src += n;
        len -= n;
    }
}

enum dma_result { DMA_OK, DMA_BAD_PRD, DMA_DISK };

/* Disk -> memory: a stage of up to 64 KiB feeds the PRD entries. */
static enum dma_result dma_to_memory(struct ata *a, struct prd_walk *w,
                                     uint32_t *last_len, uint32_t *last_used)
{
    uint64_t bytes = (uint64_t)a->left * SECTOR;
    unsigned spos = 0, slen = 0;
    while (bytes) {
        uint32_t addr, len, take;
        if (!prd_fetch(a, w, &addr, &len))
            return DMA_BAD_PRD;
        take = len < bytes ? len : (uint32_t)bytes;
        *last_len = len;
        *last_used = take;
        bytes -= take;
        while (take) {
            uint32_t n;
            if (spos == slen) {
                unsigned s = a->left < ATA_STAGE_SECTORS ? a->left : ATA_STAGE_SECTORS;
                if (blk_read(cur_drive(a)->blk, a->lba * SECTOR, a->stage, s * SECTOR) < 0)
                    return DMA_DISK;
                a->lba += s;
                a->left -= s;
                spos = 0;
                slen = s * SECTOR;
            }
            n = slen - spos < take ? slen - spos : take;
            guest_store(a, addr, a->stage + spos, n);
            spos += n;
            addr += n;
            take -= n;
        }
    }
    return DMA_OK;
}

/* Memory -> disk: PRD entries fill the stage, written when full. */
static enum dma_result dma_from_memory(struct ata *a, struct prd_walk *w,
                                       uint32_t *last_len, uint32_t *last_used)
{
    uint64_t bytes = (uint64_t)a->left * SECTOR;
    unsigned slen = 0;
    while (bytes) {
        uint32_t addr, len, take;
        if (!prd_fetch(a, w, &addr, &len))
            return DMA_BAD_PRD;
        take = len < bytes ? len : (uint32_t)bytes;
        *last_len = len;
        *last_used = take;
        bytes -= take;
        while (take) {
            unsigned s = a->left < ATA_STAGE_SECTORS ? a->left : ATA_STAGE_SECTORS;
            uint32_t n = s * SECTOR - slen < take ? s * SECTOR - slen : take;
            memcpy(a->stage + slen, a->cpu->ram + addr, n);
            slen += n;
            addr += n;
            take -= n;
            if (slen == s * SECTOR) {
                if (blk_write(cur_drive(a)->blk, a->lba * SECTOR, a->stage, slen) < 0)
                    return DMA_DISK;
                a->lba += s;
                a->left -= s;
                slen = 0;
            }
        }
    }
    return DMA_OK;
}

/* Both the DMA command and the start bit are there: move the data.
 * Active stays set when the PRD table is longer than the transfer
 * (SFF-8038i §3.1, status bits: interrupt 1, active 1). */
static void dma_run(struct ata *a)
{
    struct ata_bm *bm = &a->bm[0];
    bool to_mem = cmd_is_dma_read(a->cmd);
    struct prd_walk w = {bm->prd, 0, false};
    uint32_t last_len = 0, last_used = 0;
    enum dma_result r;

    if (to_mem != !!(bm->cmd & BM_CMD_TOMEM))
        r = DMA_BAD_PRD;
    else if (to_mem)
        r = dma_to_memory(a, &w, &last_len, &last_used);
    else
        r = dma_from_memory(a, &w, &last_len, &last_used);
    if (r == DMA_OK && !to_mem && !write_through(a))
        r = DMA_DISK;

    if (r != DMA_OK || (w.eot && last_used == last_len))
        bm->status &= (uint8_t)~BM_ST_ACTIVE;
    switch (r) {
    case DMA_OK:
        cmd_done(a);
        break;
    case DMA_BAD_PRD:
        bm->status |= BM_ST_ERROR;
        cmd_error(a, ER_ABRT);
        break;
    case DMA_DISK:
        cmd_error(a, to_mem ? ER_UNC : ER_ABRT);
        break;
    }
}

static bool dma_ready(struct ata *a)
{
    return a->xfer == XFER_DMA && (a->bm[0].cmd & BM_CMD_START) &&
           (pci_command(&a->pci) & PCI_CMD_MASTER);
}

static void dma_cancel(struct ata *a)
{
    if (a->dma_pending)
        vtimer_cancel(a->clock, &a->dma_timer);
    a->dma_pending = false;
}

static void dma_timer_fired(void *opaque, uint64_t now_ns)
{
    struct ata *a = opaque;
    (void)now_ns;
    a->dma_pending = false;
    if (dma_ready(a))
        dma_run(a);
}

static void dma_try(struct ata *a)
{
    if (!dma_ready(a) || a->dma_pending)
        return;
    if (!a->clock || !a->latency_ns) {
        dma_run(a);
        return;
    }
    a->dma_pending = true;
    vtimer_arm(a->clock, &a->dma_timer, vclock_now(a->clock) + a->latency_ns +
               (uint64_t)a->left * SECTOR * ATA_NS_PER_BYTE);
}

void ata_set_latency(struct ata *a, struct vclock *clock, uint64_t latency_ns)
{
    dma_cancel(a);
    a->clock = clock;
    a->latency_ns = latency_ns;
    vtimer_init(&a->dma_timer, dma_timer_fired, a);
}

static void dma_start(struct ata *a)
{
    if (!tf_range(a))
        return;
    a->xfer = XFER_DMA;
    cur_drive(a)->status = STATUS_OK | ST_DRQ;
    dma_try(a);
}

/* ---- commands ---- */

static void cmd_identify(struct ata *a)
{
    uint16_t w[256];
    identify(a, a->dev, w);
    for (unsigned k = 0; k < 256; k++) {
        a->buf[2 * k] = (uint8_t)w[k];
        a->buf[2 * k + 1] = (uint8_t)(w[k] >> 8);
    }
    a->xfer = XFER_PIO_IN;
    a->left = 0;
    pio_start_block(a, 1);
    intrq_set(a);
}

/* INITIALIZE DEVICE PARAMETERS: sectors per track from the count
 * register, heads from the device register (ATA-6 §8.16). */
static void cmd_init_params(struct ata *a)
{
    struct ata_drive *d = cur_drive(a);
    unsigned spt = a->nsect.cur, heads = (a->device & 0x0F) + 1u;
    uint64_t cyls;
    if (spt == 0) {
        cmd_error(a, ER_ABRT);
        return;
    }
    cyls = d->sectors / (heads * spt);
    d->spt = (uint16_t)spt;
    d->heads = (uint16_t)heads;
    d->cyls = (uint16_t)(cyls > 65535 ? 65535 : cyls);
    cmd_done(a);
}

static void cmd_set_multiple(struct ata *a)
{
    unsigned n = a->nsect.cur;
    if (n > ATA_MAX_MULTIPLE || (n & (n - 1))) {
        cmd_error(a, ER_ABRT);
        return;
    }
    cur_drive(a)->multiple = (uint8_t)n;
    cmd_done(a);
}

static bool xfer_mode_ok(uint8_t m)
{
    return m <= 0x01 || (m >= 0x08 && m <= 0x0C) || (m >= 0x20 && m <= 0x22) ||
           (m >= 0x40 && m <= 0x45);
}

static void cmd_set_features(struct ata *a)
{
    struct ata_drive *d = cur_drive(a);
    switch (a->feature.cur) {
    case 0x03:                   /* set transfer mode */
        if (!xfer_mode_ok(a->nsect.cur)) {
            cmd_error(a, ER_ABRT);
            return;
        }
        if (a->nsect.cur >= 0x20)
            d->xfer_mode = a->nsect.cur;
        break;
    case 0x02: d->write_cache = true; break;
    case 0x82: d->write_cache = false; break;
    case 0x55: case 0xAA:        /* read look-ahead off/on */
    case 0x66: case 0xCC:        /* keep/revert power-on defaults */
        break;
    default:
        cmd_error(a, ER_ABRT);
        return;
    }
    cmd_done(a);
}

static void cmd_verify(struct ata *a)
{
    struct ata_drive *d = cur_drive(a);
    if (!tf_range(a))
        return;
    while (a->left) {
        unsigned s = a->left < ATA_STAGE_SECTORS ? a->left : ATA_STAGE_SECTORS;
        if (blk_read(d->blk, a->lba * SECTOR, a->stage, s * SECTOR) < 0) {
            cmd_error(a, ER_UNC);
            return;
        }
        a->lba += s;
        a->left -= s;
    }
    cmd_done(a);
}

static void cmd_multiple(struct ata *a, enum ata_xfer x)
{
    unsigned m = cur_drive(a)->multiple;
    if (!m)
        cmd_error(a, ER_ABRT);
    else
        pio_start(a, x, m);
}

static void cmd_flush(struct ata *a)
{
    if (blk_flush(cur_drive(a)->blk) < 0)
        cmd_error(a, ER_ABRT);
    else
        cmd_done(a);
}

static void cmd_seek(struct ata *a)
{
    uint64_t lba = tf_lba(a, false);
    if (lba == UINT64_MAX || lba >= cur_drive(a)->sectors)
        cmd_error(a, ER_IDNF);
    else
        cmd_done(a);
}

static void cmd_exec(struct ata *a, uint8_t cmd)
{
    if ((cmd & 0xF0) == 0x10)
        cmd = 0x10;
    a->cmd = cmd;
    a->dev = selected(a);
    a->xfer = XFER_NONE;
    cur_drive(a)->error = 0;
    switch (cmd) {
    case 0xEC: cmd_identify(a); break;
    case 0x91: cmd_init_params(a); break;
    case 0x20: case 0x21: case 0x24: pio_start(a, XFER_PIO_IN, 1); break;
    case 0x30: case 0x31: case 0x34: pio_start(a, XFER_PIO_OUT, 1); break;
    case 0xC4: case 0x29: cmd_multiple(a, XFER_PIO_IN); break;
    case 0xC5: case 0x39: cmd_multiple(a, XFER_PIO_OUT); break;
    case 0xC6: cmd_set_multiple(a); break;
    case 0xC8: case 0xCA: case 0x25: case 0x35: dma_start(a); break;
    case 0xE7: case 0xEA: cmd_flush(a); break;
    case 0xEF: cmd_set_features(a); break;
    case 0x40: case 0x41: case 0x42: cmd_verify(a); break;
    case 0x70: cmd_seek(a); break;
    case 0x10:                   /* RECALIBRATE (obsolete; 0x1x) */
    case 0xE0: case 0xE1: case 0xE2: case 0xE3:  /* standby/idle */
        cmd_done(a);
        break;
    case 0xE5:                   /* CHECK POWER MODE: active */
        a->nsect.cur = 0xFF;
        cmd_done(a);
        break;
    case 0x90:                   /* EXECUTE DEVICE DIAGNOSTIC */
        drives_ready(a);
        a->dev = 0;
        intrq_set(a);
        break;
    default:                     /* incl. NOP, IDENTIFY PACKET, PACKET */
        cmd_error(a, ER_ABRT);
        break;
    }
}

/* ---- task-file ports ---- */

static uint8_t reg_read(const struct ata_reg2 *r, uint8_t devctl)
{
    return (devctl & DC_HOB) ? r->prev : r->cur;
}

static void reg_write(struct ata_reg2 *r, uint8_t v)
{
    r->prev = r->cur;
    r->cur = v;
}

static uint32_t tf_read(void *opaque, uint16_t port, unsigned size)
{
    struct ata *a = opaque;
    struct ata_drive *d = &a->drive[selected(a)];
    if (!d->blk)
        return 0;
    switch (port & 7) {
    case 0:
        if (size == 4) {
            uint32_t lo = data_read16(a);
            return lo | (uint32_t)data_read16(a) << 16;
        }
        return data_read16(a) & (size == 1 ? 0xFFu : 0xFFFFu);
    case 1: return d->error;
    case 2: return reg_read(&a->nsect, a->devctl);
    case 3: return reg_read(&a->lbal, a->devctl);
    case 4: return reg_read(&a->lbam, a->devctl);
    case 5: return reg_read(&a->lbah, a->devctl);
    case 6: return a->device;
    default:
        intrq_clear(a);
        return d->status;
    }
}

static void tf_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct ata *a = opaque;
    uint8_t b = (uint8_t)v;
    if ((port & 7) == 0) {
        data_write16(a, (uint16_t)v);
        if (size == 4)
            data_write16(a, (uint16_t)(v >> 16));
        return;
    }
    a->devctl &= (uint8_t)~DC_HOB;
    switch (port & 7) {
    case 1: reg_write(&a->feature, b); break;
    case 2: reg_write(&a->nsect, b); break;
    case 3: reg_write(&a->lbal, b); break;
    case 4: reg_write(&a->lbam, b); break;
    case 5: reg_write(&a->lbah, b); break;
    case 6: a->device = b; break;
    default:
        if (!a->drive[selected(a)].blk && !(b == 0x90 && a->drive[0].blk))
            return;              /* nobody there to take the command */
        intrq_clear(a);
        cmd_exec(a, b);
        break;
    }
}

/* Device control: SRST holds both devices in reset until it is cleared
 * again; then they post their signatures (ATA-6 §9.2). */
static void devctl_write(struct ata *a, uint8_t v)
{
    bool was_reset = a->devctl & DC_SRST;
    a->devctl = v;
    if (v & DC_SRST) {
        if (a->clock)
            dma_cancel(a);
        a->xfer = XFER_NONE;
        a->intrq = false;
        for (unsigned k = 0; k < 2; k++)
            if (a->drive[k].blk)
                a->drive[k].status = ST_BSY;
    } else if (was_reset) {
        drives_ready(a);
    }
    irq_update(a);
}

static uint32_t ctl_read(void *opaque, uint16_t port, unsigned size)
{
    struct ata *a = opaque;
    (void)port;
    (void)size;
    return a->drive[selected(a)].status;  /* alternate status: INTRQ stays */
}

static void ctl_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    (void)port;
    (void)size;
    devctl_write(opaque, (uint8_t)v);
}

/* ---- bus-master registers (SFF-8038i §3.0) ---- */

static uint8_t bm_byte_read(struct ata *a, unsigned off)
{
    struct ata_bm *bm = &a->bm[(off >> 3) & 1];
    switch (off & 7) {
    case 0: return bm->cmd & (BM_CMD_START | BM_CMD_TOMEM);
    case 2: return bm->status;
    case 4: return (uint8_t)(bm->prd & 0xFC);
    case 5: case 6: case 7: return (uint8_t)(bm->prd >> (8 * (off & 3)));
    default: return 0;
    }
}

static void bm_cmd_write(struct ata *a, struct ata_bm *bm, uint8_t v)
{
    bool start = (v & BM_CMD_START) && !(bm->cmd & BM_CMD_START);
    bm->cmd = v & (BM_CMD_START | BM_CMD_TOMEM);
    if (!(v & BM_CMD_START) && bm == &a->bm[0] && a->clock)
        dma_cancel(a);       /* stopped before the data moved: it never will */
    if (!(v & BM_CMD_START))
        bm->status &= (uint8_t)~BM_ST_ACTIVE;
    else if (start)
        bm->status |= BM_ST_ACTIVE;
    if (start && bm == &a->bm[0])
        dma_try(a);
}

static void bm_byte_write(struct ata *a, unsigned off, uint8_t v)
{
    struct ata_bm *bm = &a->bm[(off >> 3) & 1];
    unsigned shift = 8 * (off & 3);
    switch (off & 7) {
    case 0:
        bm_cmd_write(a, bm, v);
        break;
    case 2:                      /* bits 1-2 write 1 to clear, 5-6 storage */
        bm->status = (uint8_t)((bm->status & BM_ST_ACTIVE) |
                               (bm->status & ~v & (BM_ST_ERROR | BM_ST_INTR)) |
                               (v & (BM_ST_CAP0 | BM_ST_CAP1)));
        break;
    case 4: case 5: case 6: case 7:
        bm->prd = (bm->prd & ~(0xFFu << shift)) | (uint32_t)v << shift;
        bm->prd &= ~3u;
        break;
    }
}

static uint32_t bm_read(void *opaque, uint16_t port, unsigned size)
{
    struct ata *a = opaque;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint32_t)bm_byte_read(a, (port - a->bm_base + k) & 15) << (8 * k);
    return v;
}

static void bm_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct ata *a = opaque;
    for (unsigned k = 0; k < size; k++)
        bm_byte_write(a, (port - a->bm_base + k) & 15, (uint8_t)(v >> (8 * k)));
}

/* Follows BAR4 and the command register's I/O enable. */
static void bm_remap(struct ata *a)
{
    uint32_t base = pci_bar_base(&a->pci, 4);
    bool map = pci_bar_enabled(&a->pci, 4) && base != 0 && base <= 0x10000 - 16;
    if (a->bm_mapped)
        bus_register_io(a->bus, a->bm_base, 16, NULL, NULL, NULL);
    a->bm_mapped = map;
    if (map) {
        a->bm_base = (uint16_t)base;
        bus_register_io(a->bus, a->bm_base, 16, bm_read, bm_write, a);
    }
}

static void ide_bar_moved(struct pci_function *f, unsigned bar, uint32_t old_base,
                          bool old_en, uint32_t new_base, bool new_en)
{
    (void)old_base;
    (void)old_en;
    (void)new_base;
    (void)new_en;
    if (bar == 4)
        bm_remap(f->opaque);
}

static void ide_config_written(struct pci_function *f, unsigned offset,
                               unsigned size, uint32_t v)
{
    (void)v;
    if (offset <= PCI_COMMAND && offset + size > PCI_COMMAND)
        dma_try(f->opaque);      /* bus mastering may just have been enabled */
}

/* ---- PCI function 00:01.1 (82371SB PIIX3 IDE) ---- */

static void ide_function_init(struct ata *a, struct pci *pci)
{
    struct pci_function *f = &a->pci;
    memset(f, 0, sizeof *f);
    f->devfn = PCI_DEVFN(1, 1);
    f->vendor_id = 0x8086;
    f->device_id = 0x7010;
    f->class_code = 0x01;        /* mass storage */
    f->subclass = 0x01;          /* IDE */
    f->prog_if = 0x80;           /* bus master; both channels compatibility */
    f->bar_size[4] = 16;
    f->bar_io[4] = true;
    f->bar_moved = ide_bar_moved;
    f->config_written = ide_config_written;
    f->opaque = a;
    if (pci)
        pci_add_device(pci, f);
    f->config[PCI_COMMAND] = PCI_CMD_IO | PCI_CMD_MASTER;
    f->config[PCI_STATUS + 1] = 0x02;   /* medium DEVSEL timing */
    /* IDETIM primary: IDE decode enable (82371SB §2.4.6); the secondary
     * channel has no devices here and stays disabled. */
    f->config[0x41] = 0x80;
    pci_set_bar(f, 4, ATA_BM_DEFAULT_BASE);
}

void ata_reset(struct ata *a)
{
    if (a->clock)
        dma_cancel(a);
    for (unsigned k = 0; k < 2; k++) {
        struct ata_drive *d = &a->drive[k];
        d->multiple = ATA_MAX_MULTIPLE;
        d->xfer_mode = 0x22;     /* multiword DMA 2 */
        d->write_cache = true;
        if (d->blk)
            drive_geometry(d);
    }
    a->devctl = 0;
    a->intrq = false;
    a->feature = (struct ata_reg2){0, 0};
    drives_ready(a);
    memset(a->bm, 0, sizeof a->bm);
    a->bm[0].status = (uint8_t)((a->drive[0].blk ? BM_ST_CAP0 : 0) |
                                (a->drive[1].blk ? BM_ST_CAP1 : 0));
    irq_update(a);
}

void ata_init(struct ata *a, struct bus *b, struct pci *pci, cpu_t *cpu,
              struct irq_line irq14, struct blockdev *master,
              struct blockdev *slave)
{
    memset(a, 0, sizeof *a);
    a->bus = b;
    a->cpu = cpu;
    a->irq = irq14;
    a->drive[0].blk = master;
    a->drive[1].blk = slave;
    for (unsigned k = 0; k < 2; k++)
        if (a->drive[k].blk)
            a->drive[k].sectors = blk_size(a->drive[k].blk) / SECTOR;
    ata_reset(a);
    bus_register_io(b, 0x1F0, 8, tf_read, tf_write, a);
    bus_register_io(b, 0x3F6, 1, ctl_read, ctl_write, a);
    ide_function_init(a, pci);
    bm_remap(a);
}
