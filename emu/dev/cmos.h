/*
 * cmos.h: the Motorola MC146818A real-time clock and its 128 bytes of
 * battery-backed CMOS RAM (index port 0x70, whose bit 7 masks NMI; data
 * port 0x71), interrupting on IRQ8.
 *
 * The clock starts at base_unix_time at virtual time 0 and advances with
 * the virtual clock only. The memory-size bytes a BIOS reads are filled
 * from ram_size at init.
 */
#ifndef ISOLA_CMOS_H
#define ISOLA_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "vtime.h"
#include "dev/irq.h"

struct bus;

#define CMOS_HZ 32768  /* the time base the divider chain counts */

struct cmos {
    uint8_t ram[128];        /* registers 0-13 live here too; see cmos.c */
    uint8_t index;
    bool nmi_masked;         /* port 0x70 bit 7 */
    struct vclock *clock;
    struct irq_line irq8;
    struct vtimer timer;     /* next periodic/update event worth an IRQ */
    /* Divider chain: seconds end at origin + k*CMOS_HZ cycles, periodic
     * ticks at origin + k*period (cycles of the 32.768 kHz time base). */
    int64_t origin_cyc;
    int64_t secs_at_origin;  /* Unix time during the second starting at origin */
    bool frozen;             /* SET=1 or divider stopped: ram[0..9] hold the time */
    int wday_offset;         /* guest's day-of-week numbering vs. the calendar */
    int64_t flags_cyc;       /* register C accounts for events up to here */
    bool irq_level;          /* IRQF, as last driven on IRQ8 */
    uint64_t irq8_edges;     /* statistics: rising edges on IRQ8 */
};

void cmos_init(struct cmos *c, struct bus *b, struct vclock *clock,
               struct irq_line irq8, int64_t base_unix_time, uint32_t ram_size);
/* Host-side setup of a CMOS byte (e.g. boot order); bytes 0x10-0x2D keep
 * the checksum at 0x2E/0x2F valid. */
void cmos_set(struct cmos *c, unsigned index, uint8_t v);
uint8_t cmos_get(struct cmos *c, unsigned index);
/* The RTC's current time as Unix seconds. */
int64_t cmos_time(struct cmos *c);

#endif
