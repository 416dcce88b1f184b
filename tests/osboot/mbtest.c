/*
 * mbtest.c: a Multiboot (v1) test kernel for the OS boot tests
 * (tests/osboot/). It prints what the boot loader handed over, one
 * "mbtest: " line each, on the debug console (port 0xE9), then powers off
 * by writing 0x10 to port 0xF4 (isola and QEMU's isa-debug-exit: status 33).
 *
 * Rules kept here:
 *  - It trusts nothing: a field is printed only when its flag says it is
 *    valid (spec 0.6.96, 3.3), and every pointer is read as given.
 *  - Module 0's checksum is POSIX cksum's CRC (bytes, then the length),
 *    so the test compares it with `cksum FILE` on the host.
 *  - The lines are the same under every loader, so run-osboot.sh can
 *    compare them; what differs by design (the loader's name, the memory
 *    map) is printed on lines of its own.
 */
#include <stdint.h>

#define DEBUGCON 0xE9
#define EXIT_PORT 0xF4
#define PASS_VALUE 0x10

#define MBI_MEMORY (1u << 0)
#define MBI_BOOT_DEVICE (1u << 1)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb_module {
    uint32_t start, end, string, reserved;
};

struct mb_mmap {
    uint32_t size;
    uint64_t base, len;
    uint32_t type;
} __attribute__((packed));

extern const uint32_t pattern[10240];
extern uint32_t entry_eflags;
extern uint8_t bss_probe[4096];

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void putc(char c)
{
    outb(DEBUGCON, (uint8_t)c);
}

static void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

static void put_hex(uint32_t v, int digits)
{
    for (int k = digits - 1; k >= 0; k--)
        putc("0123456789abcdef"[(v >> (4 * k)) & 15]);
}

static void put_dec(uint32_t v)
{
    char buf[11], *p = buf + sizeof buf;
    *--p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts(p);
}

static void line(const char *what)
{
    puts("mbtest: ");
    puts(what);
}

/* POSIX cksum: CRC-32 with polynomial 0x04C11DB7, most significant bit
 * first, over the bytes and then the length's bytes (lowest first, as
 * many as it takes), complemented. */
static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i << 24;
        for (int k = 0; k < 8; k++)
            c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
        crc_table[i] = c;
    }
}

static uint32_t crc_byte(uint32_t crc, uint8_t b)
{
    return (crc << 8) ^ crc_table[(crc >> 24) ^ b];
}

static uint32_t cksum(const uint8_t *p, uint32_t n)
{
    uint32_t crc = 0;
    for (uint32_t k = 0; k < n; k++)
        crc = crc_byte(crc, p[k]);
    for (uint32_t len = n; len; len >>= 8)
        crc = crc_byte(crc, (uint8_t)len);
    return ~crc;
}

/* Paging off, protected mode on, interrupts off (spec 3.2). */
static void check_state(void)
{
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    line((cr0 & 0x80000001u) == 1 && !(entry_eflags & 0x200) ? "state ok\n" : "state bad\n");
}

/* The data segment arrived whole and .bss was cleared. */
static void check_image(void)
{
    uint32_t v = 1, bad = 0;
    for (unsigned k = 0; k < 10240; k++) {
        bad |= pattern[k] ^ v;
        v = v * 1103515245u + 12345u;
    }
    line(bad ? "data bad\n" : "data ok\n");
    bad = 0;
    for (unsigned k = 0; k < sizeof bss_probe; k++)
        bad |= bss_probe[k];
    line(bad ? "bss bad\n" : "bss ok\n");
}

static void print_mmap(const struct mb_info *mbi)
{
    uint32_t at = mbi->mmap_addr, end = at + mbi->mmap_length;
    while (at < end) {
        const struct mb_mmap *e = (const struct mb_mmap *)at;
        line("mmap ");
        put_hex((uint32_t)(e->base >> 32), 8);
        put_hex((uint32_t)e->base, 8);
        putc(' ');
        put_hex((uint32_t)(e->len >> 32), 8);
        put_hex((uint32_t)e->len, 8);
        putc(' ');
        put_dec(e->type);
        putc('\n');
        at += e->size + 4;
    }
}

static void print_modules(const struct mb_info *mbi)
{
    const struct mb_module *m = (const struct mb_module *)mbi->mods_addr;
    line("mods ");
    put_dec(mbi->mods_count);
    putc('\n');
    for (uint32_t k = 0; k < mbi->mods_count; k++, m++) {
        line("mod ");
        put_dec(k);
        puts(m->start % 4096 ? " unaligned" : " aligned");
        puts(" size ");
        put_dec(m->end - m->start);
        puts(" cksum ");
        put_dec(cksum((const uint8_t *)m->start, m->end - m->start));
        puts(" string ");
        puts((const char *)m->string);
        putc('\n');
    }
}

static void print_info(const struct mb_info *mbi)
{
    line("flags ");
    put_hex(mbi->flags, 8);
    putc('\n');
    if (mbi->flags & MBI_LOADER_NAME) {
        line("loader ");
        puts((const char *)mbi->boot_loader_name);
        putc('\n');
    }
    if (mbi->flags & MBI_CMDLINE) {
        line("cmdline ");
        puts((const char *)mbi->cmdline);
        puts("|\n");   /* shows trailing spaces */
    }
    if (mbi->flags & MBI_MEMORY) {
        line("mem_lower ");
        put_dec(mbi->mem_lower);
        puts(" mem_upper ");
        put_dec(mbi->mem_upper);
        putc('\n');
    }
    if (mbi->flags & MBI_BOOT_DEVICE) {
        line("boot_device ");
        put_hex(mbi->boot_device, 8);
        putc('\n');
    }
    if (mbi->flags & MBI_MMAP)
        print_mmap(mbi);
    if (mbi->flags & MBI_MODS)
        print_modules(mbi);
}

void mbtest_main(uint32_t magic, const struct mb_info *mbi)
{
    crc_init();
    line("magic ");
    put_hex(magic, 8);
    putc('\n');
    check_state();
    check_image();
    if (magic == 0x2BADB002u)
        print_info(mbi);
    line("done\n");
    outb(EXIT_PORT, PASS_VALUE);
}
