/*
 * loader.c: the second stage of the OS's boot loader. It enables A20,
 * reads the BIOS memory map, loads the kernel ELF from the gap before
 * partition 1, builds the Multiboot information block and enters the
 * kernel as the Multiboot specification 0.6.96 promises (section 3.2).
 * The root file system stays on the disk: the kernel's own driver reads
 * it (root=hda1 is its default when no module comes with it).
 *
 * Rules kept here:
 *  - Real mode, gcc -m16, DS = ES = SS = 0: every pointer is a linear
 *    address below 64 KiB (boot.h has the map). Memory above 1 MiB is
 *    reached only through pm_copy.
 *  - Nothing from the disk is trusted: the config sector, the ELF and
 *    Multiboot headers are checked before any
 *    byte is copied, and every destination must lie in usable RAM as
 *    the BIOS's E820 map says, at or above 1 MiB (below is the loader's).
 *  - Every failure is one line "isola-boot: ..." through INT 10h
 *    teletype (which the bundled BIOS copies to COM1), then a halt with
 *    interrupts off. The loader prints nothing when all goes well.
 *  - No 64-bit division: gcc would call libgcc, which is not linked.
 */
#include <stdarg.h>
#include <stdbool.h>

#include <isola/elf.h>
#include <isola/multiboot.h>

#include "boot.h"

/* Multiboot 0.6.96: header (3.1) and information block (3.3). */
#define MB_SEARCH 8192u
#define MBH_PAGE_ALIGN (1u << 0)
#define MBH_MEMORY_INFO (1u << 1)
#define MBH_REQUIRED 0xFFFFu         /* bits 0-15: refuse what we cannot do */
#define MBH_AOUT_KLUDGE (1u << 16)

/* What the kernel gets, at MBI_ADDR. */
#define MMAP_MAX 128
struct info_area {
    struct multiboot_info mbi;
    char name[16];
    char cmdline[CMDLINE_MAX];
    struct multiboot_mmap mmap[MMAP_MAX];
};
_Static_assert(MBI_ADDR + sizeof(struct info_area) <= MBI_AREA_END,
               "the Multiboot information outgrows its area");

#define E820_SMAP 0x534D4150u        /* "SMAP" */
#define E820_RAM 1u
#define ONE_MIB 0x100000u
#define FOUR_GIB 0x100000000ull

static uint32_t boot_drive;
static struct info_area *const info = (struct info_area *)MBI_ADDR;
static unsigned mmap_count;

/* gcc may emit calls to these for structure copies and clears. */
void *memcpy(void *dst, const void *src, unsigned n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, unsigned n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

/* ---- output ---- */

static void putc_bios(char c)
{
    struct bios_regs r = {.eax = 0x0E00 | (uint8_t)c, .ebx = 0x0007};
    bios_int(0x10, &r);   /* teletype: page 0, colour 7 */
}

static void puts_bios(const char *s)
{
    while (*s)
        putc_bios(*s++);
}

static void put_unsigned(uint32_t v, unsigned base)
{
    char buf[12], *p = buf + sizeof buf;
    *--p = '\0';
    do {
        *--p = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    puts_bios(p);
}

/* Print "isola-boot: " and the message (%s, %u, %x) on one line, then
 * stop for good. */
__attribute__((noreturn, format(printf, 1, 2)))
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    puts_bios("isola-boot: ");
    for (; *fmt; fmt++) {
        if (*fmt != '%' || !fmt[1]) {
            putc_bios(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 's': puts_bios(va_arg(ap, const char *)); break;
        case 'u': put_unsigned(va_arg(ap, uint32_t), 10); break;
        case 'x': put_unsigned(va_arg(ap, uint32_t), 16); break;
        default: putc_bios(*fmt); break;
        }
    }
    va_end(ap);
    puts_bios("\r\n");
    halt();
}

/* ---- A20 ---- */

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* A gate may take a while to switch (the 8042 is a microcontroller that
 * has to notice the command), so the test is repeated. */
static bool a20_wait(void)
{
    for (unsigned k = 0; k < 10000; k++) {
        if (a20_on())
            return true;
        inb(0x80);   /* about a microsecond on a PC's ISA bus */
    }
    return false;
}

/* The 8042 takes a command only when its input buffer is empty (status
 * bit 1; IBM PC AT Technical Reference, keyboard controller). */
static void kbc_wait(void)
{
    for (unsigned k = 0; k < 100000 && (inb(0x64) & 2); k++)
        ;
}

/* The 1 MiB wrap of the 8086 survives on PCs behind the A20 gate; with it
 * closed every odd megabyte aliases the even one below. Three ways to
 * open it, most portable first, each checked. */
static void a20_enable(void)
{
    if (a20_on())
        return;
    struct bios_regs r = {.eax = 0x2401};   /* INT 15h AX=2401h: enable A20 */
    bios_int(0x15, &r);
    if (a20_wait())
        return;
    /* "Fast A20": bit 1 of system control port A; bit 0 would reset. */
    outb(0x92, (uint8_t)((inb(0x92) | 0x02) & ~0x01));
    if (a20_wait())
        return;
    /* The 8042's output port: D1h writes it, bit 1 is the A20 gate. */
    kbc_wait();
    outb(0x64, 0xD1);
    kbc_wait();
    outb(0x60, 0xDF);
    kbc_wait();
    if (a20_wait())
        return;
    fail("cannot enable the A20 line (INT 15h, port 92h and the 8042 all failed)");
}

/* ---- memory ---- */

/* INT 15h EAX=E820h (ACPI 6.4, 15.1): one entry per call, EBX carries on,
 * 0 or CF ends the list. A 24-byte entry whose "enabled" attribute bit is
 * clear is to be ignored. */
static void memory_map(void)
{
    struct { uint64_t base, len; uint32_t type, attr; } e;
    uint32_t next = 0;
    do {
        e.attr = 1;
        struct bios_regs r = {.eax = 0xE820, .ebx = next, .ecx = sizeof e,
                              .edx = E820_SMAP, .edi = (uint32_t)&e};
        bios_int(0x15, &r);
        if ((r.eflags & FLAG_CF) || r.eax != E820_SMAP) {
            if (mmap_count == 0)
                fail("no memory map: the BIOS lacks INT 15h E820h");
            break;
        }
        bool ignore = r.ecx >= 24 && !(e.attr & 1);
        if (e.len && !ignore && mmap_count < MMAP_MAX)
            info->mmap[mmap_count++] = (struct multiboot_mmap){20, e.base, e.len, e.type};
        next = r.ebx;
    } while (next);
}

/* The end of the run of usable RAM that holds addr (adjacent usable
 * entries join), or addr itself when addr is not usable RAM. */
static uint64_t usable_end(uint64_t addr)
{
    uint64_t end = addr;
    bool grew = true;
    while (grew) {
        grew = false;
        for (unsigned k = 0; k < mmap_count; k++) {
            const struct multiboot_mmap *m = &info->mmap[k];
            if (m->type == E820_RAM && m->addr <= end && m->addr + m->len > end) {
                end = m->addr + m->len;
                grew = true;
            }
        }
    }
    return end;
}

/* [base, base + len) is usable RAM at or above 1 MiB and below 4 GiB. */
static bool fits(uint64_t base, uint64_t len)
{
    return base >= ONE_MIB && base + len <= FOUR_GIB && base + len <= usable_end(base);
}

/* ---- disk ---- */

/* INT 13h AH=42h (EDD 3.0, 7.1.2), count sectors at lba to seg:0. The MBR
 * made sure the extensions are there. Three tries with a reset between. */
static void disk_read(uint32_t lba, uint16_t count, uint16_t seg)
{
    struct { uint8_t size, zero; uint16_t count, off, seg; uint64_t lba; } dap;
    struct bios_regs r;
    for (int tries = 0; tries < 3; tries++) {
        dap = (typeof(dap)){16, 0, count, 0, seg, lba};
        r = (struct bios_regs){.eax = 0x4200, .edx = boot_drive, .esi = (uint32_t)&dap};
        bios_int(0x13, &r);
        if (!(r.eflags & FLAG_CF))
            return;
        struct bios_regs reset = {.eax = 0, .edx = boot_drive};
        bios_int(0x13, &reset);
    }
    fail("disk read error 0x%x at LBA %u (drive 0x%x)", (r.eax >> 8) & 0xFF, lba, boot_drive);
}

/* Bytes [off, off + len) of the data starting at sector lba0, to linear
 * dst, through the bounce buffer. */
static void load_range(uint32_t lba0, uint32_t off, uint32_t len, uint32_t dst)
{
    while (len) {
        uint32_t skip = off % SECTOR, n = (skip + len + SECTOR - 1) / SECTOR;
        if (n > BOUNCE_SECTORS)
            n = BOUNCE_SECTORS;
        disk_read(lba0 + off / SECTOR, (uint16_t)n, BOUNCE_SEG);
        uint32_t take = n * SECTOR - skip;
        if (take > len)
            take = len;
        pm_copy(dst, BOUNCE_ADDR + skip, take);
        dst += take;
        off += take;
        len -= take;
    }
}

/* ---- the kernel ---- */

static const struct boot_config *config(void)
{
    const struct boot_config *c = (const struct boot_config *)CONFIG_ADDR;
    if (c->magic[0] != CONFIG_MAGIC0 || c->magic[1] != CONFIG_MAGIC1 ||
        c->version != CONFIG_VERSION)
        fail("no boot configuration at LBA 1 (this disk was not made by mkosimage.sh)");
    if (c->kernel_size == 0)
        fail("the disk holds no kernel");
    return c;
}

/* The Multiboot header (spec 3.1.1): 32-bit aligned in the first 8 KiB,
 * magic + flags + checksum = 0. Its required flags (bits 0-15) must all
 * be ones this loader meets. */
static void check_multiboot(const uint8_t *f, uint32_t n)
{
    const uint32_t *h = 0;
    for (uint32_t off = 0; off + 12 <= n && off + 12 <= MB_SEARCH; off += 4) {
        const uint32_t *w = (const uint32_t *)(f + off);
        if (w[0] == MULTIBOOT_HEADER_MAGIC && w[0] + w[1] + w[2] == 0) {
            h = w;
            break;
        }
    }
    if (!h)
        fail("the kernel has no Multiboot header in its first 8 KiB");
    uint32_t lacking = h[1] & MBH_REQUIRED & ~(MBH_PAGE_ALIGN | MBH_MEMORY_INFO);
    if (lacking)
        fail("the kernel asks for Multiboot features this loader lacks (flags 0x%x)", lacking);
    if (h[1] & MBH_AOUT_KLUDGE)
        fail("the kernel gives load addresses (Multiboot flag 16); only ELF kernels load");
}

static const struct elf_header *check_elf(const uint8_t *f, uint32_t n)
{
    const struct elf_header *e = (const struct elf_header *)f;
    if (n < sizeof *e || e->ident[0] != 0x7F || e->ident[1] != 'E' || e->ident[2] != 'L' ||
        e->ident[3] != 'F')
        fail("the kernel is not an ELF file");
    if (e->ident[4] != 1 || e->ident[5] != 1 || e->machine != EM_386 || e->type != ET_EXEC)
        fail("the kernel is not an ELF32 i386 executable");
    if (e->phentsize < sizeof(struct elf_phdr) || e->phnum == 0 ||
        (uint64_t)e->phoff + (uint64_t)e->phnum * e->phentsize > n)
        fail("the kernel's program headers are missing or lie past its first 8 KiB");
    return e;
}

static const struct elf_phdr *phdr(const uint8_t *f, const struct elf_header *e, unsigned k)
{
    return (const struct elf_phdr *)(f + e->phoff + k * e->phentsize);
}

/* Copy each PT_LOAD segment to its physical address and zero the rest of
 * its memory size (System V ABI, "Program Loading"). */
static void load_segments(const struct boot_config *c, const uint8_t *f,
                              const struct elf_header *e)
{
    bool any = false;
    for (unsigned k = 0; k < e->phnum; k++) {
        const struct elf_phdr *p = phdr(f, e, k);
        if (p->type != PT_LOAD || p->memsz == 0)
            continue;
        if (p->filesz > p->memsz || (uint64_t)p->offset + p->filesz > c->kernel_size)
            fail("kernel segment %u is malformed or runs past the end of the file", k);
        if (!fits(p->paddr, p->memsz))
            fail("out of memory: kernel segment %u (0x%x, %u bytes) is not in usable RAM "
                 "above 1 MiB", k, p->paddr, p->memsz);
        load_range(c->kernel_lba, p->offset, p->filesz, p->paddr);
        if (p->memsz > p->filesz)
            pm_copy(p->paddr + p->filesz, 0, p->memsz - p->filesz);
        any = true;
    }
    if (!any)
        fail("the kernel has no loadable segments");
}

/* The entry point is physical (the kernel starts with paging off). A
 * kernel that gives its virtual one gets the physical address behind it. */
static uint32_t entry_point(const uint8_t *f, const struct elf_header *e)
{
    for (unsigned k = 0; k < e->phnum; k++) {
        const struct elf_phdr *p = phdr(f, e, k);
        if (p->type == PT_LOAD && e->entry - p->paddr < p->memsz)
            return e->entry;
    }
    for (unsigned k = 0; k < e->phnum; k++) {
        const struct elf_phdr *p = phdr(f, e, k);
        if (p->type == PT_LOAD && e->entry - p->vaddr < p->memsz)
            return p->paddr + (e->entry - p->vaddr);
    }
    fail("the kernel's entry point 0x%x lies outside its segments", e->entry);
}

static uint32_t load_kernel(const struct boot_config *c)
{
    uint32_t head = c->kernel_size < ELF_BUF_SIZE ? c->kernel_size : ELF_BUF_SIZE;
    const uint8_t *f = (const uint8_t *)ELF_BUF;
    disk_read(c->kernel_lba, (uint16_t)((head + SECTOR - 1) / SECTOR), ELF_BUF >> 4);
    const struct elf_header *e = check_elf(f, head);
    check_multiboot(f, head);
    uint32_t entry = entry_point(f, e);
    load_segments(c, f, e);
    return entry;
}

/* ---- the information block ---- */

static void copy_string(char *dst, const char *src, unsigned max)
{
    unsigned k = 0;
    for (; k + 1 < max && src[k]; k++)
        dst[k] = src[k];
    dst[k] = '\0';
}

static void build_info(const struct boot_config *c)
{
    struct multiboot_info *m = &info->mbi;
    struct bios_regs r = {0};
    bios_int(0x12, &r);   /* conventional memory in KiB (below the EBDA) */
    copy_string(info->name, "isola-boot", sizeof info->name);
    copy_string(info->cmdline, c->cmdline, sizeof info->cmdline);
    m->flags = MBI_MEMORY | MBI_BOOT_DEVICE | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
    m->mem_lower = r.eax & 0xFFFF;
    m->mem_upper = (uint32_t)((usable_end(ONE_MIB) - ONE_MIB) >> 10);
    /* Drive, then partition 1 (numbered from 0) holding the root; no
     * sub-partitions (spec 3.3, boot_device). */
    m->boot_device = boot_drive << 24 | 0x00FFFFu;
    m->cmdline = (uint32_t)info->cmdline;
    m->mmap_length = mmap_count * sizeof(struct multiboot_mmap);
    m->mmap_addr = (uint32_t)info->mmap;
    m->boot_loader_name = (uint32_t)info->name;
}

void stage2_main(uint32_t drive)
{
    boot_drive = drive;
    memset(info, 0, sizeof *info);
    const struct boot_config *c = config();
    a20_enable();
    memory_map();
    uint32_t entry = load_kernel(c);
    build_info(c);
    enter_kernel(entry, MBI_ADDR);
}
