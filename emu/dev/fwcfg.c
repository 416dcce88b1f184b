/*
 * fwcfg.c: the fw_cfg device's port interface (see fwcfg.h).
 *
 * Rules kept here:
 *  - An item is a key and a run of bytes in store[]; nothing is ever
 *    removed, so the machine fills the device once, before the CPU runs.
 *  - The file directory (key 0x19) is a big-endian count and, per file,
 *    a 64-byte entry: size (be32), key (be16), 2 reserved bytes, the
 *    NUL-padded name (fw_cfg.rst, "File Directory"). Its room is set
 *    aside at init for FWCFG_FILES_MAX files.
 *  - Bit 14 of the selector (the spec's "write" bit) is dropped: items
 *    are read-only here.
 */
#include "fwcfg.h"

#include <string.h>

#include "bus.h"

#define FWCFG_FILES_MAX 8
#define DIR_ENTRY_SIZE 64
#define SELECTOR_WRITE_BIT 0x4000u
#define ID_TRADITIONAL 1u       /* the port interface; bit 1 would offer DMA */

static void put_be(uint8_t *p, uint32_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        p[k] = (uint8_t)(v >> (8 * (n - 1 - k)));
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static struct fwcfg_item *find_item(struct fwcfg *f, uint16_t key)
{
    for (unsigned k = 0; k < f->nitems; k++)
        if (f->item[k].key == key)
            return &f->item[k];
    return NULL;
}

/* Room for size bytes in store[], or -1. */
static int64_t take(struct fwcfg *f, uint32_t size)
{
    if (size > FWCFG_STORE_SIZE - f->used)
        return -1;
    f->used += size;
    return f->used - size;
}

static uint32_t data_read(void *opaque, uint16_t port, unsigned size)
{
    struct fwcfg *f = opaque;
    const struct fwcfg_item *it = find_item(f, f->selector);
    (void)port, (void)size;
    if (!it || f->offset >= it->size)
        return 0;
    return f->store[it->at + f->offset++];
}

static void selector_write(void *opaque, uint16_t port, unsigned size, uint32_t v)
{
    struct fwcfg *f = opaque;
    (void)port, (void)size;
    f->selector = (uint16_t)(v & ~SELECTOR_WRITE_BIT);
    f->offset = 0;
}

static uint32_t selector_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque, (void)port, (void)size;
    return 0;
}

bool fwcfg_add(struct fwcfg *f, uint16_t key, const void *data, uint32_t size)
{
    if (f->nitems == FWCFG_ITEMS_MAX || find_item(f, key))
        return false;
    int64_t at = take(f, size);
    if (at < 0)
        return false;
    memcpy(&f->store[at], data, size);
    f->item[f->nitems++] = (struct fwcfg_item){key, size, (uint32_t)at};
    return true;
}

bool fwcfg_add_u16(struct fwcfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2];
    put_le(b, v, 2);
    return fwcfg_add(f, key, b, 2);
}

bool fwcfg_add_u64(struct fwcfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    put_le(b, v, 8);
    return fwcfg_add(f, key, b, 8);
}

bool fwcfg_add_file(struct fwcfg *f, const char *name, const void *data, uint32_t size)
{
    size_t len = strlen(name);
    uint16_t key = (uint16_t)(FWCFG_FILE_FIRST + f->nfiles);
    if (f->nfiles == FWCFG_FILES_MAX || len >= FWCFG_NAME_MAX || !fwcfg_add(f, key, data, size))
        return false;
    uint8_t *e = &f->store[f->dir_at + 4 + DIR_ENTRY_SIZE * f->nfiles];
    put_be(e, size, 4);
    put_be(e + 4, key, 2);
    memcpy(e + 8, name, len);   /* the rest was zeroed at init */
    f->nfiles++;
    put_be(&f->store[f->dir_at], f->nfiles, 4);
    find_item(f, FWCFG_FILE_DIR)->size = 4 + DIR_ENTRY_SIZE * f->nfiles;
    return true;
}

void fwcfg_e820_entry(uint8_t out[20], uint64_t base, uint64_t len, uint32_t type)
{
    put_le(out, base, 8);
    put_le(out + 8, len, 8);
    put_le(out + 16, type, 4);
}

void fwcfg_init(struct fwcfg *f, struct bus *b)
{
    static const uint8_t dir_room[4 + DIR_ENTRY_SIZE * FWCFG_FILES_MAX];
    uint8_t id[4];
    memset(f, 0, sizeof *f);
    put_le(id, ID_TRADITIONAL, 4);
    fwcfg_add(f, FWCFG_SIGNATURE, "QEMU", 4);
    fwcfg_add(f, FWCFG_ID, id, 4);
    fwcfg_add(f, FWCFG_FILE_DIR, dir_room, sizeof dir_room);
    struct fwcfg_item *dir = find_item(f, FWCFG_FILE_DIR);
    f->dir_at = dir->at;
    dir->size = 4;
    bus_register_io(b, FWCFG_PORT_SELECTOR, 1, selector_read, selector_write, f);
    bus_register_io(b, FWCFG_PORT_DATA, 1, data_read, NULL, f);
}
