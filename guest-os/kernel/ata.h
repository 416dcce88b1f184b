/*
 * ata.h: the ATA disks on the primary channel of the PCI IDE function
 * (PIIX3, 8086:7010), as block devices (fs/blockdev.h): hda the master,
 * hdb the slave.
 *
 * Rules kept here:
 *  - One request at a time is on the channel; the others wait in a FIFO
 *    queue. A request ends from IRQ 14, or from the watchdog when the
 *    disk has not answered within ATA_TIMEOUT_TICKS: the channel is
 *    reset and the request fails with -EIO. Nothing waits forever.
 *  - Transfers use bus-master DMA unless the command line says ata=pio,
 *    the controller or the disk cannot, or a piece of memory is not
 *    word-aligned; then PIO, still interrupt-driven.
 */
#ifndef KERNEL_ATA_H
#define KERNEL_ATA_H

#include <stdbool.h>

struct blockdev;

/* Finds the controller and its disks (console lines say what it found). */
void ata_init(bool force_pio);
/* Disk 0 (master) or 1 (slave), or NULL when it is absent. */
struct blockdev *ata_disk(unsigned unit);

#endif
