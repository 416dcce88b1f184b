/*
 * bus.h: the port I/O space and the MMIO regions, the only way the CPU
 * reaches devices. Devices register handlers; the CPU calls bus_in,
 * bus_out, bus_mmio_*. Ports nobody claims read as all ones and ignore
 * writes, as on a PC's ISA bus.
 */
#ifndef ISOLA_BUS_H
#define ISOLA_BUS_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t (*io_read_fn)(void *opaque, uint16_t port, unsigned size);
typedef void (*io_write_fn)(void *opaque, uint16_t port, unsigned size, uint32_t v);
/* Byte-wide devices, as most ISA chips are. */
typedef uint8_t (*io_read8_fn)(void *opaque, uint16_t port);
typedef void (*io_write8_fn)(void *opaque, uint16_t port, uint8_t v);
typedef uint32_t (*mmio_read_fn)(void *opaque, uint32_t offset, unsigned size);
typedef void (*mmio_write_fn)(void *opaque, uint32_t offset, unsigned size, uint32_t v);

struct io_handler {
    io_read_fn read;      /* a device that takes 16- and 32-bit accesses */
    io_write_fn write;
    io_read8_fn read8;    /* or one that answers a byte at a time */
    io_write8_fn write8;
    void *opaque;
};

struct mmio_region {
    uint32_t base, len;
    mmio_read_fn read;
    mmio_write_fn write;
    void *opaque;
};

#define BUS_MAX_MMIO 16

struct bus {
    struct io_handler port[65536];
    struct mmio_region mmio[BUS_MAX_MMIO];
    unsigned nmmio;
    /* Read-only physical range (firmware ROM): writes are dropped. */
    uint32_t rom_base, rom_len;
    /* Tracing (-trace io): told of every port access after it is done,
     * with the value read or written; NULL when off. */
    void (*on_io)(void *ctx, uint16_t port, unsigned size, uint32_t v, bool out);
    void *io_ctx;
};

void bus_init(struct bus *b);
void bus_register_io(struct bus *b, uint16_t first, unsigned count,
                     io_read_fn rd, io_write_fn wr, void *opaque);
/* A byte-wide device. A 16- or 32-bit access that starts at one of
 * its ports is split into byte accesses of consecutive ports, each going
 * to whatever claims that port, as on the PC's 8-bit ISA bus. */
void bus_register_io8(struct bus *b, uint16_t first, unsigned count,
                      io_read8_fn rd, io_write8_fn wr, void *opaque);
/* Returns false when the table of regions is full. */
bool bus_register_mmio(struct bus *b, uint32_t base, uint32_t len,
                       mmio_read_fn rd, mmio_write_fn wr, void *opaque);
uint32_t bus_in(struct bus *b, uint16_t port, unsigned size);
void bus_out(struct bus *b, uint16_t port, unsigned size, uint32_t v);
/* The MMIO region holding paddr, or NULL. */
const struct mmio_region *bus_mmio_find(const struct bus *b, uint64_t paddr);
bool bus_is_rom(const struct bus *b, uint64_t paddr);

#endif
