/*
 * ata.h: the primary ATA channel (task file 0x1F0-0x1F7, device control
 * 0x3F6, IRQ14) with a master and a slave disk, behind a PIIX3 IDE PCI
 * function (00:01.1) whose BAR4 holds the bus-master IDE registers.
 *
 * Rules kept here:
 *  - Commands complete at once (BSY is never seen by the guest), but for
 *    DMA with a latency set (ata_set_latency, isola -disk-latency): then
 *    the bus master moves the data and interrupts that much emulated
 *    time after it is started, DRQ and Active set meanwhile, as a real
 *    disk's seek and transfer would, so a driver's overlap shows.
 *  - Guest addresses, LBAs and PRD tables are untrusted: anything out of
 *    range ends the command with an error status, never a host fault.
 *  - DMA touches guest memory only inside c->ram, skips ROM, and tells
 *    the CPU about every page it wrote (code_page_written).
 */
#ifndef ISOLA_ATA_H
#define ISOLA_ATA_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "dev/irq.h"
#include "dev/pci.h"
#include "vtime.h"

struct blockdev;

#define ATA_MAX_MULTIPLE 16         /* sectors per READ/WRITE MULTIPLE block */
#define ATA_STAGE_SECTORS 128       /* DMA staging buffer: 64 KiB */
#define ATA_BM_DEFAULT_BASE 0xC000  /* BAR4 before the guest moves it */

struct ata_drive {
    struct blockdev *blk;           /* NULL: no device */
    uint64_t sectors;
    uint16_t cyls, heads, spt;      /* current CHS translation */
    uint16_t default_cyls;
    uint8_t multiple;               /* SET MULTIPLE MODE; 0 = off */
    uint8_t xfer_mode;              /* SET FEATURES 03 value */
    bool write_cache;
    uint8_t status, error;
};

/* A two-deep task-file register: [0] current, [1] previous (HOB). */
struct ata_reg2 { uint8_t cur, prev; };

enum ata_xfer { XFER_NONE, XFER_PIO_IN, XFER_PIO_OUT, XFER_DMA };

struct ata_bm {                     /* SFF-8038i registers of one channel */
    uint8_t cmd, status;
    uint32_t prd;
};

struct ata {
    struct bus *bus;
    cpu_t *cpu;
    struct irq_line irq;
    struct pci_function pci;
    struct ata_drive drive[2];

    struct ata_reg2 feature, nsect, lbal, lbam, lbah;
    uint8_t device;                 /* device/head register */
    uint8_t devctl;
    bool intrq;                     /* INTRQ pending */
    bool irq_level;                 /* what IRQ14 was last set to */

    /* the command in progress */
    enum ata_xfer xfer;
    uint8_t cmd;
    unsigned dev;                   /* which drive runs it */
    uint64_t lba;                   /* next sector */
    uint32_t left;                  /* sectors not yet moved */
    unsigned block;                 /* sectors per DRQ block */
    unsigned pos, len;              /* bytes in buf */
    uint8_t buf[ATA_MAX_MULTIPLE * 512];

    struct ata_bm bm[2];            /* [0] primary; [1] inert storage */
    struct vclock *clock;           /* NULL: DMA completes when started */
    uint64_t latency_ns;            /* per DMA command, plus ATA_NS_PER_BYTE */
    struct vtimer dma_timer;
    bool dma_pending;               /* the timer will run the transfer */
    uint16_t bm_base;
    bool bm_mapped;
    uint8_t stage[ATA_STAGE_SECTORS * 512];
};

void ata_init(struct ata *a, struct bus *b, struct pci *pci, cpu_t *cpu,
              struct irq_line irq14, struct blockdev *master,
              struct blockdev *slave);
/* Hardware reset (power-on state of both devices and the bus master). */
void ata_reset(struct ata *a);
/* DMA commands take latency_ns plus ATA_NS_PER_BYTE per byte of emulated
 * time on clock; 0 makes them complete at once again. */
#define ATA_NS_PER_BYTE 10          /* 100 MB/s */
void ata_set_latency(struct ata *a, struct vclock *clock, uint64_t latency_ns);

#endif
