/*
 * fwcfg.h: QEMU's firmware configuration device (fw_cfg), the I/O-port
 * interface only: a 16-bit selector at port 0x510 names an item, and
 * each byte read from port 0x511 is the item's next byte. SeaBIOS built
 * for QEMU finds its RAM map ("etc/e820"), its CPU count and whether to
 * put its console on COM1 there. Layout of the items and of the file
 * directory: QEMU's docs/specs/fw_cfg.rst.
 *
 * Rules kept here:
 *  - Items are read-only; writes to the data port are ignored, and the
 *    ID item does not offer the DMA interface (port 0x514 is not
 *    claimed), so a firmware reads byte by byte.
 *  - Writing the selector rewinds the item to its first byte; reads past
 *    its end, or of an item that does not exist, give 0.
 *  - Multi-byte numbers in items are little-endian, except the file
 *    directory's fields, which are big-endian (as the spec says).
 */
#ifndef ISOLA_DEV_FWCFG_H
#define ISOLA_DEV_FWCFG_H

#include <stdbool.h>
#include <stdint.h>

struct bus;

#define FWCFG_PORT_SELECTOR 0x510
#define FWCFG_PORT_DATA     0x511

/* Selector keys (fw_cfg.rst, "Selector Keys" and QEMU's fw_cfg_keys.h). */
enum {
    FWCFG_SIGNATURE = 0x0000,   /* "QEMU" */
    FWCFG_ID = 0x0001,          /* u32 feature bits: 1 = the port interface */
    FWCFG_RAM_SIZE = 0x0003,    /* u64 */
    FWCFG_NOGRAPHIC = 0x0004,   /* u16: 1 = no display, firmware may use COM1 */
    FWCFG_NB_CPUS = 0x0005,     /* u16 */
    FWCFG_BOOT_MENU = 0x000E,   /* u16 */
    FWCFG_MAX_CPUS = 0x000F,    /* u16 */
    FWCFG_FILE_DIR = 0x0019,
    FWCFG_FILE_FIRST = 0x0020,  /* the first key given to a named file */
};

#define FWCFG_ITEMS_MAX 24
#define FWCFG_NAME_MAX 56       /* a file name with its NUL */
#define FWCFG_STORE_SIZE 4096   /* all items' bytes, the directory included */

struct fwcfg_item {
    uint16_t key;
    uint32_t size;
    uint32_t at;                /* offset in store[] */
};

struct fwcfg {
    uint16_t selector;
    uint32_t offset;            /* next byte of the selected item */
    struct fwcfg_item item[FWCFG_ITEMS_MAX];
    unsigned nitems, nfiles;
    uint32_t used;              /* bytes of store[] taken */
    uint32_t dir_at;            /* the file directory, rebuilt on each file added */
    uint8_t store[FWCFG_STORE_SIZE];
};

/* Registers the ports and the signature, ID and (empty) file directory. */
void fwcfg_init(struct fwcfg *f, struct bus *b);
/* Adds a numbered item (a copy of data). Returns false when full. */
bool fwcfg_add(struct fwcfg *f, uint16_t key, const void *data, uint32_t size);
bool fwcfg_add_u16(struct fwcfg *f, uint16_t key, uint16_t v);
bool fwcfg_add_u64(struct fwcfg *f, uint16_t key, uint64_t v);
/* Adds a named file under the next free key and lists it in the directory. */
bool fwcfg_add_file(struct fwcfg *f, const char *name, const void *data, uint32_t size);
/* One entry of an "etc/e820" file: a range and its E820 type (1 = RAM). */
void fwcfg_e820_entry(uint8_t out[20], uint64_t base, uint64_t len, uint32_t type);

#endif
