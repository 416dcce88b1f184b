/*
 * bus.c: port and MMIO dispatch. Unclaimed ports float high (reads return
 * all ones, writes vanish), which is what a PC does and what probing
 * drivers expect.
 */
#include "bus.h"

#include <string.h>

void bus_init(struct bus *b)
{
    memset(b, 0, sizeof *b);
}

void bus_register_io(struct bus *b, uint16_t first, unsigned count,
                     io_read_fn rd, io_write_fn wr, void *opaque)
{
    for (unsigned p = first; p < (unsigned)first + count && p < 65536; p++)
        b->port[p] = (struct io_handler){.read = rd, .write = wr, .opaque = opaque};
}

void bus_register_io8(struct bus *b, uint16_t first, unsigned count,
                      io_read8_fn rd, io_write8_fn wr, void *opaque)
{
    for (unsigned p = first; p < (unsigned)first + count && p < 65536; p++)
        b->port[p] = (struct io_handler){.read8 = rd, .write8 = wr, .opaque = opaque};
}

bool bus_register_mmio(struct bus *b, uint32_t base, uint32_t len,
                       mmio_read_fn rd, mmio_write_fn wr, void *opaque)
{
    if (b->nmmio == BUS_MAX_MMIO)
        return false;
    b->mmio[b->nmmio++] = (struct mmio_region){base, len, rd, wr, opaque};
    return true;
}

static uint32_t port_read(struct bus *b, uint16_t port, unsigned size)
{
    const struct io_handler *h = &b->port[port];
    uint32_t v = 0;
    if (h->read)
        return h->read(h->opaque, port, size);
    for (unsigned k = 0; k < size; k++) {
        const struct io_handler *hk = &b->port[(uint16_t)(port + k)];
        uint32_t byte = hk->read8 ? hk->read8(hk->opaque, (uint16_t)(port + k)) : 0xFF;
        v |= byte << (8 * k);
    }
    return v;
}

uint32_t bus_in(struct bus *b, uint16_t port, unsigned size)
{
    uint32_t v = port_read(b, port, size);
    if (b->on_io)
        b->on_io(b->io_ctx, port, size, v, false);
    return v;
}

static void port_write(struct bus *b, uint16_t port, unsigned size, uint32_t v)
{
    const struct io_handler *h = &b->port[port];
    if (h->write) {
        h->write(h->opaque, port, size, v);
        return;
    }
    for (unsigned k = 0; k < size; k++) {
        const struct io_handler *hk = &b->port[(uint16_t)(port + k)];
        if (hk->write8)
            hk->write8(hk->opaque, (uint16_t)(port + k), (uint8_t)(v >> (8 * k)));
    }
}

/* The tracer hears of a write before the device acts on it, so a write
 * that ends the run (port 0xF4) or names a process (the trace marker)
 * is recorded in the order it happened. */
void bus_out(struct bus *b, uint16_t port, unsigned size, uint32_t v)
{
    if (b->on_io)
        b->on_io(b->io_ctx, port, size, v, true);
    port_write(b, port, size, v);
}

const struct mmio_region *bus_mmio_find(const struct bus *b, uint64_t paddr)
{
    for (unsigned k = 0; k < b->nmmio; k++)
        if (paddr >= b->mmio[k].base && paddr - b->mmio[k].base < b->mmio[k].len)
            return &b->mmio[k];
    return NULL;
}

bool bus_is_rom(const struct bus *b, uint64_t paddr)
{
    return b->rom_len && paddr >= b->rom_base && paddr - b->rom_base < b->rom_len;
}
