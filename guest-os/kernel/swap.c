/*
 * swap.c: the swap area (swap.h): a block device cut into 4 KiB slots,
 * slot s at sectors 8s to 8s + 7, with a count per slot.
 *
 * Rules kept here:
 *  - A slot is free exactly when its count is 0; nfree counts them.
 *  - Pages go between frames and the device directly, as bios on the
 *    frames (fs/blockdev.h): never through the buffer cache or ext2, so
 *    paging needs no file-system lock and no memory of its own.
 *  - Only a partition of type 0x82 (Linux swap), or a whole disk that is
 *    not the root's, becomes the swap area: a typo on the command line
 *    must not turn a file system into swap.
 *  - The counts live in frames taken at boot (at most SWAP_COUNT_PAGES),
 *    one byte a slot: a count is at most one per address space (NPROC)
 *    plus the reads and writes in flight, far below 255.
 */
#include "swap.h"
#include "ata.h"
#include "errno.h"
#include "fs/blockdev.h"
#include "kalloc.h"
#include "lib.h"
#include "mmu.h"
#include "sched.h"

#define SECTORS_PER_SLOT (PAGE_SIZE / SECTOR_SIZE)
#define SWAP_COUNT_PAGES 64u           /* 256 Ki slots: 1 GiB of swap at most */
#define SWAP_MAX_SLOTS (SWAP_COUNT_PAGES * PAGE_SIZE)
#define PARTITION_TYPE_SWAP 0x82

static struct blockdev *dev;
static uint8_t *counts[SWAP_COUNT_PAGES];
static unsigned nslots, nfree, rotor;

static uint8_t *count_of(uint32_t slot)
{
    ASSERT(slot < nslots);
    return &counts[slot / PAGE_SIZE][slot % PAGE_SIZE];
}

bool swap_enabled(void) { return dev != NULL; }
unsigned swap_total(void) { return nslots; }
unsigned swap_free_slots(void) { return nfree; }

unsigned swap_alloc(unsigned n, uint32_t *first)
{
    if (!nfree || !n)
        return 0;
    uint32_t s = rotor;
    while (*count_of(s))               /* there is a free one: this ends */
        s = s + 1 < nslots ? s + 1 : 0;
    unsigned got = 0;
    while (got < n && s + got < nslots && *count_of(s + got) == 0)
        *count_of(s + got++) = 1;
    nfree -= got;
    rotor = s + got < nslots ? s + got : 0;
    *first = s;
    return got;
}

void swap_dup(uint32_t slot)
{
    uint8_t *c = count_of(slot);
    ASSERT(*c > 0 && *c < 255);
    (*c)++;
}

void swap_free(uint32_t slot)
{
    uint8_t *c = count_of(slot);
    ASSERT(*c > 0);
    if (--*c == 0)
        nfree++;
}

/* Moves n pages between frames and the slots from first on, sleeping
 * until the disk is done. */
static int transfer(struct bio *b, enum bio_op op, uint32_t first, const uint32_t *frames,
                    unsigned n)
{
    ASSERT(n >= 1 && n <= SWAP_BATCH && first + n <= nslots);
    memset(b, 0, sizeof *b);
    b->op = op;
    b->sector = (uint64_t)first * SECTORS_PER_SLOT;
    b->count = n * SECTORS_PER_SLOT;
    b->nseg = n;
    for (unsigned i = 0; i < n; i++)
        b->seg[i] = (struct bio_seg){frames[i], PAGE_SIZE};
    int err = dev->submit(dev, b);
    if (!err)
        err = dev->wait(dev, b);
    return err ? -EIO : 0;
}

/* The pageout daemon is the one writer: its bio can be static. */
int swap_write(uint32_t first, const uint32_t *frames, unsigned n)
{
    static struct bio b;
    return transfer(&b, BIO_WRITE, first, frames, n);
}

/* Any number of faults read at once, each with a bio on its own kernel
 * stack (which stays put while the thread sleeps). */
int swap_read(uint32_t slot, uint32_t frame)
{
    struct bio b;
    return transfer(&b, BIO_READ, slot, &frame, 1);
}

/* ---- finding the area ---- */

/* The device spec names: hdX or hdXN, N 1-4. */
static struct blockdev *find_device(const char *spec)
{
    if (spec[0] != 'h' || spec[1] != 'd' || (spec[2] != 'a' && spec[2] != 'b') ||
        (spec[3] && (spec[3] < '1' || spec[3] > '4' || spec[4]))) {
        printk("swap: swap=%s: not hda, hdb, hdaN or hdbN; no swap\n", spec);
        return NULL;
    }
    struct blockdev *d = ata_disk((unsigned)(spec[2] - 'a'));
    if (!d) {
        printk("swap: swap=%s: there is no disk hd%c; no swap\n", spec, spec[2]);
        return NULL;
    }
    if (!spec[3])
        return d;
    struct blockdev *p = partition_open(d, (unsigned)(spec[3] - '0'));
    if (!p) {
        printk("swap: swap=%s: no such partition; no swap\n", spec);
        return NULL;
    }
    if (partition_type(p) != PARTITION_TYPE_SWAP) {
        printk("swap: %s is of type %02x, not 82 (Linux swap); no swap\n", p->name,
               partition_type(p));
        return NULL;
    }
    return p;
}

/* Whether a and b share sectors: the same device, or a whole disk and
 * one of its partitions (their names begin alike). */
static bool overlaps(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    return !strncmp(a, b, MIN(na, nb)) && (na == 3 || nb == 3 || na == nb);
}

static bool take_counts(unsigned n)
{
    for (unsigned i = 0; i * PAGE_SIZE < n; i++) {
        uint32_t pa = page_alloc();
        if (!pa) {
            while (i--)
                page_free(V2P(counts[i]));
            return false;
        }
        counts[i] = P2V(pa);
    }
    return true;
}

void swap_init(const char *spec, const struct blockdev *root)
{
    if (!spec[0])
        return;
    if (root && overlaps(spec, root->name)) {
        printk("swap: swap=%s overlaps the root file system on %s; no swap\n", spec, root->name);
        return;
    }
    struct blockdev *d = find_device(spec);
    if (!d)
        return;
    if (!d->submit) {
        printk("swap: %s cannot take direct transfers; no swap\n", d->name);
        return;
    }
    uint64_t n = d->nsectors / SECTORS_PER_SLOT;
    if (n > SWAP_MAX_SLOTS) {
        printk("swap: %s: using the first %u MiB\n", d->name, SWAP_MAX_SLOTS / 256);
        n = SWAP_MAX_SLOTS;
    }
    if (n == 0 || !take_counts((unsigned)n)) {
        printk("swap: %s: %s; no swap\n", d->name, n ? "no memory for the slot counts" : "empty");
        return;
    }
    dev = d;
    nslots = nfree = (unsigned)n;
    printk(KERN_INFO "swap: %s, %u KiB (%u slots of 4 KiB)\n", d->name, nslots * 4, nslots);
}
