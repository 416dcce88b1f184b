/*
 * pit.h: the Intel 8254 programmable interval timer (ports 0x40-0x43)
 * and the PC's system control port B (0x61: channel 2 gate, speaker
 * data, refresh toggle, channel 2 output).
 *
 * Channel 0 drives IRQ0; channel 1 (DRAM refresh) and channel 2
 * (speaker) have no interrupt. The counters are not stepped: each one's
 * count and output are computed from the virtual clock (1.193182 MHz
 * input, ticks derived from vclock_now), and channel 0's output edges
 * are scheduled on a vtimer at exact tick deadlines.
 */
#ifndef ISOLA_PIT_H
#define ISOLA_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "vtime.h"
#include "dev/irq.h"

struct bus;

#define PIT_HZ 1193182ull

struct pit_channel {
    uint8_t mode;        /* 0-5 */
    uint8_t mode_bits;   /* M2-M0 as written (6 and 7 are aliases of 2 and 3) */
    uint8_t rw;          /* access: 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    bool gate;
    bool armed;          /* a count has been written since the control word */
    bool write_msb;      /* rw 3: the next write is the MSB */
    bool read_msb;       /* rw 3: the next live read is the MSB */
    uint8_t write_lsb;   /* rw 3: LSB waiting for its MSB */
    uint32_t reload;     /* count register, 1..65536 (10000 in BCD) */
    /* The counting element: loaded with load_value at tick load_tick;
     * counting is stopped while `running` is false (gate low). */
    bool running;
    uint64_t load_tick;
    uint32_t load_value;
    uint32_t frozen;     /* CE value while stopped */
    bool done;           /* modes 0,1,4,5: terminal count already reached */
    /* mode 2/3: a count written while counting, loaded at the period's end */
    bool pending;
    uint32_t pending_reload;
    uint64_t pending_tick;
    /* latches */
    bool count_latched;
    bool status_latched;
    bool latch_msb;      /* rw 3: the next latched byte is the MSB */
    uint16_t latch;
    uint8_t status;
};

struct pit {
    struct pit_channel ch[3];
    struct vclock *clock;
    struct irq_line irq0;
    struct vtimer timer;     /* channel 0's next output edge */
    uint64_t edge_tick;      /* tick of that edge */
    bool line;               /* level last driven on IRQ0 */
    uint8_t port61;          /* port B bits 0-3 as written */
    uint64_t irq0_edges;     /* rising edges delivered on IRQ0 (statistics) */
};

void pit_init(struct pit *p, struct bus *b, struct vclock *clock, struct irq_line irq0);
/* The current PIT tick (input clock pulses since virtual time 0). */
uint64_t pit_ticks(const struct pit *p);
/* A channel's OUT pin now. */
bool pit_out(struct pit *p, unsigned ch);

#endif
