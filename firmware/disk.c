/*
 * disk.c: hard disks: an ATA PIO driver for the primary IDE channel and
 * the INT 13h services on top of it (drives 0x80, 0x81).
 *
 * Rules it keeps:
 * - Polling only: nIEN is set in the device control register so the disk
 *   never raises IRQ 14, and every wait on BSY/DRQ is bounded (status 80h,
 *   timeout, when it runs out). References: ATA/ATAPI-6 (T13/1410D),
 *   READ SECTORS 20h / READ SECTORS EXT 24h, WRITE SECTORS 30h / EXT 34h,
 *   FLUSH CACHE E7h / EXT EAh, IDENTIFY DEVICE ECh; the 400 ns settle
 *   after a device select or command is four reads of alternate status.
 * - LBA28 whenever the range fits below 2^28, LBA48 beyond (when the drive
 *   has it); at most 256 sectors per command.
 * - CHS requests use one translated geometry (63 sectors per track, 16 to
 *   255 heads so that cylinders <= 1024 when possible), the same one
 *   AH=08h and AH=48h report: LBA = (C * heads + H) * 63 + S - 1.
 * - Every service sets AH (and BDA 0x474) to a status and CF when it is
 *   not 0; drives that do not exist, floppies included, get 01h.
 */
#include "bios.h"

#define ATA_DATA     0x1F0
#define ATA_ERROR    0x1F1
#define ATA_FEATURES 0x1F1
#define ATA_COUNT    0x1F2
#define ATA_LBA0     0x1F3
#define ATA_LBA1     0x1F4
#define ATA_LBA2     0x1F5
#define ATA_DEVICE   0x1F6
#define ATA_STATUS   0x1F7
#define ATA_COMMAND  0x1F7
#define ATA_CONTROL  0x3F6           /* write: device control; read: alt status */

#define ST_ERR      0x01
#define ST_DRQ      0x08
#define ST_DF       0x20
#define ST_DRDY     0x40
#define ST_BSY      0x80

#define CTL_NIEN    0x02
#define CTL_SRST    0x04

#define DEV_LBA     0x40
#define DEV_OBS     0xA0            /* obsolete bits, set by convention */

/* INT 13h status codes (Ralf Brown's list, INT 13h AH=01h). */
#define DISK_OK         0x00
#define DISK_BADCMD     0x01
#define DISK_NOTFOUND   0x04
#define DISK_BOUNDARY   0x09
#define DISK_TIMEOUT    0x80
#define DISK_BADSTATUS  0xE0

/* Status polls before a command counts as timed out. A poll is about a
 * microsecond under emulation, so this is seconds: a busy host can hold
 * up an emulated disk's write for far longer than a real drive's few
 * milliseconds (ATA lets a drive take up to 30 s after power-up). An
 * absent drive reads 0xFF and does not wait at all. */
#define WAIT_LOOPS  20000000u

static void ata_settle(void)
{
    for (unsigned i = 0; i < 4; i++)
        inb(ATA_CONTROL);
}

/* Wait for BSY to clear; the status, or -1 after a timeout. */
static int ata_wait_idle(void)
{
    for (uint32_t n = 0; n < WAIT_LOOPS; n++) {
        uint8_t st = inb(ATA_STATUS);
        if (st == 0xFF)
            return -1;              /* nothing on the bus */
        if (!(st & ST_BSY))
            return st;
    }
    return -1;
}

/* Wait for the data phase; a status code. */
static uint8_t ata_wait_drq(void)
{
    ata_settle();
    int st = ata_wait_idle();
    if (st < 0)
        return DISK_TIMEOUT;
    if (st & (ST_ERR | ST_DF))
        return DISK_BADSTATUS;
    if (!(st & ST_DRQ))
        return DISK_BADSTATUS;
    return DISK_OK;
}

static void ata_select(uint8_t device)
{
    outb(ATA_DEVICE, device);
    ata_settle();
}

static void ata_insw(uint16_t seg, uint16_t off, uint16_t words)
{
    asm volatile("pushw %%es; movw %w2, %%es; rep insw; popw %%es"
                 : "+D"(off), "+c"(words) : "r"(seg), "d"(ATA_DATA) : "memory");
}

static void ata_outsw(uint16_t seg, uint16_t off, uint16_t words)
{
    asm volatile("pushw %%ds; movw %w2, %%ds; rep outsw; popw %%ds"
                 : "+S"(off), "+c"(words) : "r"(seg), "d"(ATA_DATA) : "memory");
}

/* Issue a read or write of n (1-256) sectors at lba. */
static void ata_command(const struct hd *d, bool write, uint64_t lba, unsigned n)
{
    bool ext = (lba + n) > (1u << 28);

    if (ext) {
        ata_select(DEV_OBS | DEV_LBA | d->select);
        outb(ATA_COUNT, (uint8_t)(n >> 8));
        outb(ATA_LBA0, (uint8_t)(lba >> 24));
        outb(ATA_LBA1, (uint8_t)(lba >> 32));
        outb(ATA_LBA2, (uint8_t)(lba >> 40));
    } else {
        ata_select(DEV_OBS | DEV_LBA | d->select | (uint8_t)((lba >> 24) & 0x0F));
    }
    outb(ATA_FEATURES, 0);
    outb(ATA_COUNT, (uint8_t)n);
    outb(ATA_LBA0, (uint8_t)lba);
    outb(ATA_LBA1, (uint8_t)(lba >> 8));
    outb(ATA_LBA2, (uint8_t)(lba >> 16));
    if (write)
        outb(ATA_COMMAND, ext ? 0x34 : 0x30);
    else
        outb(ATA_COMMAND, ext ? 0x24 : 0x20);
}

static uint8_t ata_flush(const struct hd *d)
{
    ata_select(DEV_OBS | d->select);
    outb(ATA_COMMAND, d->lba48 ? 0xEA : 0xE7);
    ata_settle();
    int st = ata_wait_idle();
    if (st < 0)
        return DISK_TIMEOUT;
    return (st & (ST_ERR | ST_DF)) ? DISK_BADSTATUS : DISK_OK;
}

/*
 * Move count sectors between the disk and seg:off (advancing through
 * memory as one linear buffer); *done counts the sectors that made it.
 */
uint8_t disk_rw(unsigned drive, bool write, uint64_t lba, uint16_t count,
                uint16_t seg, uint16_t off, uint16_t *done)
{
    const struct hd *d = &STATE->hd[drive];
    uint32_t linear = ((uint32_t)seg << 4) + off;

    *done = 0;
    if (lba + count > d->sectors || (lba + count > (1u << 28) && !d->lba48))
        return DISK_NOTFOUND;
    if (linear + (uint32_t)count * 512 > 0x110000)
        return DISK_BOUNDARY;
    while (*done < count) {
        unsigned n = count - *done > 256 ? 256 : count - *done;
        if (ata_wait_idle() < 0)
            return DISK_TIMEOUT;
        ata_command(d, write, lba, n);
        for (unsigned i = 0; i < n; i++) {
            uint8_t status = ata_wait_drq();
            if (status != DISK_OK)
                return status;
            uint16_t s = (uint16_t)(linear >> 4), o = linear & 0xF;
            if (write)
                ata_outsw(s, o, 256);
            else
                ata_insw(s, o, 256);
            linear += 512;
            lba++;
            (*done)++;
        }
        ata_settle();
        int st = ata_wait_idle();
        if (st < 0)
            return DISK_TIMEOUT;
        if (st & (ST_ERR | ST_DF))
            return DISK_BADSTATUS;
    }
    return write ? ata_flush(d) : DISK_OK;
}

/* Geometry for INT 13h: 63 sectors per track, as few heads as keep the
 * cylinders within 1024 (the usual LBA-assist translation). */
static void hd_translate(struct hd *d)
{
    uint32_t heads = 16;
    uint64_t max = d->sectors > 0xFFFFFFFFu ? 0xFFFFFFFFu : d->sectors;
    uint32_t total = (uint32_t)max;

    while (heads < 255 && total > 1024u * heads * 63)
        heads = heads == 128 ? 255 : heads * 2;
    uint32_t cyls = total / (heads * 63);
    if (cyls > 1024)
        cyls = 1024;
    if (cyls == 0)
        cyls = 1;
    d->heads = (uint8_t)heads;
    d->spt = 63;
    d->cyls = (uint16_t)cyls;
}

/*
 * IDENTIFY DEVICE on one position of the channel; true (and *d filled)
 * for an ATA disk. ATAPI and SATA-bridge devices abort the command and
 * leave their signature in LBA mid/high, which we skip.
 */
static bool ata_identify(uint8_t select, struct hd *d)
{
    ata_select(DEV_OBS | select);
    outb(ATA_COUNT, 0x55);
    outb(ATA_LBA0, 0xAA);
    if (inb(ATA_COUNT) != 0x55 || inb(ATA_LBA0) != 0xAA)
        return false;               /* no registers: no device */
    if (inb(ATA_STATUS) == 0)
        return false;
    outb(ATA_COMMAND, 0xEC);
    ata_settle();
    int st = ata_wait_idle();
    if (st <= 0 || inb(ATA_LBA1) != 0 || inb(ATA_LBA2) != 0)
        return false;
    if (ata_wait_drq() != DISK_OK)
        return false;
    uint32_t lba28 = 0;
    uint64_t lba48 = 0;
    bool has48 = false;
    for (unsigned w = 0; w < 256; w++) {
        uint16_t v = inw(ATA_DATA);
        if (w == 60 || w == 61)
            lba28 |= (uint32_t)v << (16 * (w - 60));
        else if (w == 83)
            has48 = v & (1u << 10);
        else if (w >= 100 && w <= 103)
            lba48 |= (uint64_t)v << (16 * (w - 100));
    }
    d->select = select;
    d->lba48 = has48 && lba48 != 0;
    d->sectors = d->lba48 ? lba48 : lba28;
    if (d->sectors == 0)
        return false;
    hd_translate(d);
    return true;
}

static void disk_report(unsigned i)
{
    const struct hd *d = &STATE->hd[i];

    con_puts(ROMSTR("isola BIOS: disk "));
    con_puthex(0x80 + i, 2);
    con_puts(ROMSTR(": "));
    con_putu((uint32_t)(d->sectors >> 11));
    con_puts(ROMSTR(" MiB, "));
    con_putu((uint32_t)d->sectors);
    con_puts(d->lba48 ? ROMSTR(" sectors (LBA48)\r\n") : ROMSTR(" sectors\r\n"));
}

/* POST: reset the primary channel and find its disks. */
void disk_init(void)
{
    STATE->nhd = 0;
    BDA->hd_count = 0;
    if (inb(ATA_STATUS) == 0xFF)
        return;                     /* floating bus: no controller */
    outb(ATA_CONTROL, CTL_NIEN | CTL_SRST);
    ata_settle();
    outb(ATA_CONTROL, CTL_NIEN);
    ata_settle();
    ata_wait_idle();
    for (uint8_t select = 0; select <= 0x10; select += 0x10) {
        struct hd *d = &STATE->hd[STATE->nhd];
        if (ata_identify(select, d))
            disk_report(STATE->nhd++);
    }
    BDA->hd_count = STATE->nhd;
}

/* The INT 13h drive index for DL, or -1. */
static int hd_index(uint8_t dl)
{
    if (dl < 0x80 || dl - 0x80 >= STATE->nhd)
        return -1;
    return dl - 0x80;
}

static uint8_t chs_rw(struct regs *r, const struct hd *d, unsigned drive, bool write)
{
    uint16_t cyl = (uint16_t)(r->ch | (r->cl & 0xC0) << 2);
    uint8_t sector = r->cl & 0x3F, head = r->dh, count = r->al;
    uint16_t done = 0;

    if (count == 0 || sector == 0 || sector > d->spt || head >= d->heads ||
        cyl >= d->cyls) {
        r->al = 0;
        return DISK_BADCMD;
    }
    uint32_t lba = ((uint32_t)cyl * d->heads + head) * d->spt + sector - 1;
    uint8_t status = disk_rw(drive, write, lba, count, r->es, r->bx, &done);
    r->al = (uint8_t)done;
    return status;
}

/* AH=42h/43h: the disk address packet at DS:SI (Phoenix EDD 1.1). */
static uint8_t ext_rw(struct regs *r, unsigned drive, bool write)
{
    uint16_t seg = r->ds, pkt = r->si;
    uint8_t size = far_read8(seg, pkt);
    uint16_t count = far_read16(seg, pkt + 2);
    uint16_t boff = far_read16(seg, pkt + 4), bseg = far_read16(seg, pkt + 6);
    uint64_t lba = far_read32(seg, pkt + 8) |
                   (uint64_t)far_read32(seg, pkt + 12) << 32;
    uint16_t done = 0;

    if (size < 0x10 || (boff == 0xFFFF && bseg == 0xFFFF)) {
        far_write16(seg, pkt + 2, 0);
        return DISK_BADCMD;         /* 64-bit flat buffers are EDD 3.0 */
    }
    uint8_t status = disk_rw(drive, write, lba, count, bseg, boff, &done);
    far_write16(seg, pkt + 2, done);
    return status;
}

/* AH=48h: drive parameters, the 1Ah-byte EDD 1.1 result buffer at DS:SI. */
static uint8_t ext_params(struct regs *r, const struct hd *d)
{
    uint16_t seg = r->ds, buf = r->si;

    if (far_read16(seg, buf) < 0x1A)
        return DISK_BADCMD;
    far_write16(seg, buf + 0x00, 0x1A);
    far_write16(seg, buf + 0x02, 0x0002);       /* the CHS fields are valid */
    far_write32(seg, buf + 0x04, d->cyls);
    far_write32(seg, buf + 0x08, d->heads);
    far_write32(seg, buf + 0x0C, d->spt);
    far_write32(seg, buf + 0x10, (uint32_t)d->sectors);
    far_write32(seg, buf + 0x14, (uint32_t)(d->sectors >> 32));
    far_write16(seg, buf + 0x18, 512);
    return DISK_OK;
}

static uint8_t disk_service(struct regs *r, int drive)
{
    const struct hd *d = &STATE->hd[drive];

    switch (r->ah) {
    case 0x00:                      /* reset */
    case 0x0D:
        return ata_wait_idle() < 0 ? DISK_TIMEOUT : DISK_OK;
    case 0x01:                      /* last status */
        return BDA->hd_status;
    case 0x02:
        return chs_rw(r, d, drive, false);
    case 0x03:
        return chs_rw(r, d, drive, true);
    case 0x04:                      /* verify, seek, ready, recalibrate */
    case 0x0C:
    case 0x10:
    case 0x11:
    case 0x44:
    case 0x47:
        return DISK_OK;
    case 0x08:
        r->ch = (uint8_t)(d->cyls - 1);
        r->cl = (uint8_t)(d->spt | ((d->cyls - 1) >> 2 & 0xC0));
        r->dh = (uint8_t)(d->heads - 1);
        r->dl = STATE->nhd;
        r->al = 0;
        r->bl = 0;
        return DISK_OK;
    case 0x15: {                    /* type: fixed disk, CX:DX sectors */
        uint32_t n = (uint32_t)d->cyls * d->heads * d->spt;
        r->cx = (uint16_t)(n >> 16);
        r->dx = (uint16_t)n;
        return DISK_OK;
    }
    case 0x41:
        if (r->bx != 0x55AA)
            return DISK_BADCMD;
        r->bx = 0xAA55;
        r->cx = 0x0001;             /* fixed disk access: 42h-44h, 47h, 48h */
        return DISK_OK;
    case 0x42:
        return ext_rw(r, drive, false);
    case 0x43:
        return ext_rw(r, drive, true);
    case 0x48:
        return ext_params(r, d);
    default:
        return DISK_BADCMD;
    }
}

void int13_handler(struct regs *r)
{
    int drive = hd_index(r->dl);
    uint8_t fn = r->ah, status;

    if (drive < 0)
        status = DISK_BADCMD;
    else
        status = disk_service(r, drive);
    if (fn == 0x01) {
        r->ah = status;
        set_cf(r, status != DISK_OK);
        return;
    }
    BDA->hd_status = status;
    r->ah = status;
    if (fn == 0x15 && status == DISK_OK)
        r->ah = 0x03;
    else if (fn == 0x41 && status == DISK_OK)
        r->ah = 0x21;               /* EDD 1.1 */
    set_cf(r, status != DISK_OK);
}
