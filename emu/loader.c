/*
 * loader.c: Multiboot (v1) kernels and flat binaries, loaded straight into
 * RAM with the CPU already in 32-bit protected mode.
 *
 * Rules kept here:
 *  - The file is untrusted. Every offset, size and address is checked
 *    against the file size and the RAM size in 64-bit arithmetic before
 *    anything is copied, so no ELF, however malformed, can make the loader
 *    read or write outside its buffers.
 *  - All checking happens in loader_open(); loader_boot() cannot fail.
 *  - The entry state is the one the Multiboot specification (0.6.96,
 *    section 3.2) promises and nothing more: no GDT is put in guest
 *    memory, the kernel must load its own.
 *  - Modules (-initrd) follow QEMU's layout: after the kernel's highest
 *    byte, page aligned, the module list and the modules' strings, then
 *    each module on a page boundary of its own (spec 3.3: mods_addr).
 *    Nothing is placed over the boot information area or the hole below
 *    1 MiB.
 */
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Multiboot header flags (spec 3.1.2). Bits 0-15 are requirements the
 * boot loader must meet or refuse the kernel. */
#define MBH_PAGE_ALIGN (1u << 0)  /* modules page-aligned: they always are */
#define MBH_MEMORY_INFO (1u << 1) /* mem_* fields: always given */
#define MBH_VIDEO_MODE (1u << 2)  /* we stay in text mode, as QEMU does */
#define MBH_AOUT_KLUDGE (1u << 16)
#define MBH_SUPPORTED_REQUIRED (MBH_PAGE_ALIGN | MBH_MEMORY_INFO | MBH_VIDEO_MODE)

/* multiboot_info flags (spec 3.3) */
#define MBI_MEMORY (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

#define E820_RAM 1u
#define E820_RESERVED 2u
#define LOW_RAM_END 0x9FC00u   /* conventional memory below the EBDA */
#define BIOS_AREA 0xF0000u
#define ONE_MIB 0x100000u
#define PAGE_SIZE 4096u
#define MOD_ENTRY 16u          /* mod_start, mod_end, string, reserved */

struct check {
    const char *path;
    uint32_t ram_size;
    char *err;
    size_t errlen;
};

static bool fail(const struct check *k, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(k->err, k->errlen, "%s: ", k->path);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < k->errlen)
        vsnprintf(k->err + n, k->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

/* ---- reading the file ---- */

#define MAX_IMAGE 0xFFFFFFFFull  /* ELF32 offsets cannot reach further */

/* The whole file, however long (an empty one too); k names it in errors. */
static bool read_whole(const char *path, const struct check *k, uint8_t **data,
                       size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(k, "%s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return fail(k, "is a directory");
    }
    if (fstat(fileno(f), &st) == 0 && (uint64_t)st.st_size > MAX_IMAGE) {
        fclose(f);
        return fail(k, "file too large (over 4 GiB)");
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap || (uint64_t)cap > MAX_IMAGE)
            break;
        uint8_t *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    bool bad = ferror(f);
    int e = errno;
    fclose(f);
    if (!buf)
        return fail(k, "out of memory reading the file");
    if (bad) {
        free(buf);
        return fail(k, "read error: %s", strerror(e));
    }
    if ((uint64_t)len > MAX_IMAGE) {
        free(buf);
        return fail(k, "file too large (over 4 GiB)");
    }
    *data = buf;
    *size = len;
    return true;
}

static bool read_file(struct boot_image *im, const struct check *k)
{
    if (!read_whole(k->path, k, &im->data, &im->size))
        return false;
    if (im->size == 0) {
        free(im->data);
        im->data = NULL;
        return fail(k, "empty file");
    }
    return true;
}

/* ---- placing pieces in RAM ---- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static bool add_seg(struct boot_image *im, const struct check *k, uint32_t off,
                    uint32_t filesz, uint32_t paddr, uint32_t memsz)
{
    if ((uint64_t)paddr + memsz > k->ram_size)
        return fail(k, "would load at 0x%08x-0x%08" PRIx64 ", outside RAM (%u MiB)",
                    paddr, (uint64_t)paddr + memsz, k->ram_size >> 20);
    if (im->kind == IMAGE_MULTIBOOT &&
        overlaps(paddr, memsz, MB_INFO_BASE, MB_INFO_END - MB_INFO_BASE))
        return fail(k, "would load at 0x%08x-0x%08" PRIx64 ", over the boot information "
                    "area 0x%05x-0x%05x", paddr, (uint64_t)paddr + memsz,
                    MB_INFO_BASE, MB_INFO_END);
    struct load_seg *s = realloc(im->seg, (im->nseg + 1) * sizeof *s);
    if (!s)
        return fail(k, "out of memory");
    im->seg = s;
    im->seg[im->nseg++] = (struct load_seg){off, filesz, paddr, memsz};
    return true;
}

static bool check_entry(const struct boot_image *im, const struct check *k)
{
    if (im->entry >= k->ram_size)
        return fail(k, "entry point 0x%08x lies outside RAM (%u MiB)", im->entry,
                    k->ram_size >> 20);
    return true;
}

/* ---- ELF ---- */

/* The ELF header fields we use (ELF32 layout, System V ABI). */
#define EH_SIZE 52u
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_ENTRY 24
#define EH_PHOFF 28
#define EH_PHENTSIZE 42
#define EH_PHNUM 44
#define PH_SIZE 32u
#define PH_TYPE 0
#define PH_OFFSET 4
#define PH_VADDR 8
#define PH_PADDR 12
#define PH_FILESZ 16
#define PH_MEMSZ 20

static bool is_elf(const struct boot_image *im)
{
    return im->size >= 4 && memcmp(im->data, ELFMAG, SELFMAG) == 0;
}

static bool elf_header_ok(const struct boot_image *im, const struct check *k)
{
    const uint8_t *d = im->data;
    if (im->size < EH_SIZE)
        return fail(k, "truncated ELF header (%zu bytes)", im->size);
    if (d[EI_CLASS] != ELFCLASS32 || d[EI_DATA] != ELFDATA2LSB ||
        get16(d + EH_MACHINE) != EM_386)
        return fail(k, "not an ELF32 i386 file (class %u, data %u, machine %u)",
                    d[EI_CLASS], d[EI_DATA], get16(d + EH_MACHINE));
    if (get16(d + EH_TYPE) != ET_EXEC)
        return fail(k, "not an executable ELF (type %u)", get16(d + EH_TYPE));
    return true;
}

/* A higher-half kernel may give a virtual entry point: turn it into the
 * physical address of the segment that holds it, as GRUB does. */
static uint32_t elf_entry_phys(const uint8_t *ph, unsigned n, unsigned entsize,
                               uint32_t entry)
{
    for (unsigned j = 0; j < n; j++, ph += entsize) {
        uint32_t va = get32(ph + PH_VADDR), memsz = get32(ph + PH_MEMSZ);
        if (get32(ph + PH_TYPE) == PT_LOAD && entry >= va && entry - va < memsz)
            return get32(ph + PH_PADDR) + (entry - va);
    }
    return entry;
}

static bool elf_load_plan(struct boot_image *im, const struct check *k)
{
    const uint8_t *d = im->data;
    if (!elf_header_ok(im, k))
        return false;
    uint64_t phoff = get32(d + EH_PHOFF);
    unsigned entsize = get16(d + EH_PHENTSIZE), n = get16(d + EH_PHNUM);
    if (n == 0)
        return fail(k, "ELF has no program headers");
    if (entsize < PH_SIZE)
        return fail(k, "bad ELF program header size %u", entsize);
    if (phoff + (uint64_t)n * entsize > im->size)
        return fail(k, "truncated ELF: program headers at 0x%" PRIx64 " run past the end "
                    "of the file (%zu bytes)", phoff, im->size);
    const uint8_t *ph = d + phoff;
    for (unsigned j = 0; j < n; j++) {
        const uint8_t *p = ph + (size_t)j * entsize;
        uint32_t off = get32(p + PH_OFFSET), filesz = get32(p + PH_FILESZ);
        uint32_t paddr = get32(p + PH_PADDR), memsz = get32(p + PH_MEMSZ);
        if (get32(p + PH_TYPE) != PT_LOAD || memsz == 0)
            continue;
        if (filesz > memsz)
            return fail(k, "bad ELF segment %u: file size 0x%x exceeds memory size 0x%x",
                        j, filesz, memsz);
        if ((uint64_t)off + filesz > im->size)
            return fail(k, "truncated ELF: segment %u (offset 0x%x, size 0x%x) runs past "
                        "the end of the file (%zu bytes)", j, off, filesz, im->size);
        if (!add_seg(im, k, off, filesz, paddr, memsz))
            return false;
    }
    if (im->nseg == 0)
        return fail(k, "ELF has no loadable segments");
    im->entry = elf_entry_phys(ph, n, entsize, get32(d + EH_ENTRY));
    return check_entry(im, k);
}

/* ---- Multiboot ---- */

/* Offset of the first valid header in the first 8 KiB (spec 3.1.1: 32-bit
 * aligned, magic + flags + checksum == 0), or -1. */
static long mb_find(const struct boot_image *im, long *bad_checksum_at)
{
    size_t end = im->size < MULTIBOOT_SEARCH ? im->size : MULTIBOOT_SEARCH;
    *bad_checksum_at = -1;
    for (size_t off = 0; off + 12 <= end; off += 4) {
        const uint8_t *h = im->data + off;
        if (get32(h) != MULTIBOOT_HEADER_MAGIC)
            continue;
        if ((uint32_t)(get32(h) + get32(h + 4) + get32(h + 8)) == 0)
            return (long)off;
        if (*bad_checksum_at < 0)
            *bad_checksum_at = (long)off;
    }
    return -1;
}

/* Flag 16: the header's address fields say where the image goes (spec
 * 3.1.3); the file is loaded from the header's position backwards. */
static bool aout_load_plan(struct boot_image *im, const struct check *k, size_t hoff)
{
    if (hoff + 32 > im->size || hoff + 32 > MULTIBOOT_SEARCH)
        return fail(k, "Multiboot header at offset 0x%zx is cut short", hoff);
    const uint8_t *h = im->data + hoff;
    uint32_t header_addr = get32(h + 12), load_addr = get32(h + 16);
    uint32_t load_end = get32(h + 20), bss_end = get32(h + 24);
    if (load_addr > header_addr || header_addr - load_addr > hoff)
        return fail(k, "Multiboot load_addr 0x%08x does not fit header_addr 0x%08x at "
                    "file offset 0x%zx", load_addr, header_addr, hoff);
    uint32_t start = (uint32_t)hoff - (header_addr - load_addr);
    uint64_t filesz = load_end ? (uint64_t)load_end - load_addr : im->size - start;
    if (load_end && load_end < load_addr)
        return fail(k, "Multiboot load_end_addr 0x%08x is below load_addr 0x%08x",
                    load_end, load_addr);
    if (start + filesz > im->size)
        return fail(k, "truncated: Multiboot load_end_addr 0x%08x lies past the end of "
                    "the file", load_end);
    uint64_t memsz = filesz;
    if (bss_end) {
        if (bss_end < load_addr + filesz)
            return fail(k, "Multiboot bss_end_addr 0x%08x is below the loaded image",
                        bss_end);
        memsz = (uint64_t)bss_end - load_addr;
    }
    if (!add_seg(im, k, start, (uint32_t)filesz, load_addr, (uint32_t)memsz))
        return false;
    im->entry = get32(h + 28);
    return check_entry(im, k);
}

static bool set_cmdline(struct boot_image *im, const struct check *k, const char *append)
{
    size_t len = strlen(k->path) + (append && *append ? 1 + strlen(append) : 0);
    if (len > MB_CMDLINE_MAX)
        return fail(k, "command line (kernel path and -append) is %zu bytes; at most %u fit",
                    len, MB_CMDLINE_MAX);
    im->cmdline = malloc(len + 1);
    if (!im->cmdline)
        return fail(k, "out of memory");
    snprintf(im->cmdline, len + 1, "%s%s%s", k->path, append && *append ? " " : "",
             append && *append ? append : "");
    return true;
}

static bool mb_load_plan(struct boot_image *im, const struct check *k, size_t hoff,
                         const char *append)
{
    uint32_t flags = get32(im->data + hoff + 4);
    uint32_t unknown = flags & 0xFFFFu & ~MBH_SUPPORTED_REQUIRED;
    im->kind = IMAGE_MULTIBOOT;
    if (unknown)
        return fail(k, "the Multiboot header requires features isola lacks (flags 0x%04x)",
                    unknown);
    if (!set_cmdline(im, k, append))
        return false;
    if (flags & MBH_AOUT_KLUDGE)
        return aout_load_plan(im, k, hoff);
    if (!is_elf(im))
        return fail(k, "Multiboot kernel is neither ELF nor gives load addresses (flag 16)");
    return elf_load_plan(im, k);
}

/* ---- modules (-initrd) ---- */

static uint64_t page_up(uint64_t a)
{
    return (a + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* The first page boundary at or above `at` where len bytes stay clear of
 * the boot information area and of the EBDA, video memory and ROM below
 * 1 MiB. The two windows are in ascending order and end on page
 * boundaries, so one pass over them settles it. */
static uint64_t place(uint64_t at, uint64_t len)
{
    static const uint32_t hole[][2] = {{MB_INFO_BASE, MB_INFO_END}, {LOW_RAM_END, ONE_MIB}};
    at = page_up(at);
    for (unsigned j = 0; j < sizeof hole / sizeof hole[0]; j++)
        if (overlaps(at, len ? len : 1, hole[j][0], hole[j][1] - hole[j][0]))
            at = hole[j][1];
    return at;
}

static uint64_t kernel_end(const struct boot_image *im)
{
    uint64_t end = 0;
    for (unsigned j = 0; j < im->nseg; j++) {
        uint64_t e = (uint64_t)im->seg[j].paddr + im->seg[j].memsz;
        end = e > end ? e : end;
    }
    return end;
}

/* The next item of an -initrd list as a new string, ",," read as a comma
 * (QEMU's option syntax). *more says a comma followed it. */
static char *next_item(const char **p, bool *more)
{
    const char *s = *p;
    char *out = malloc(strlen(s) + 1), *o = out;
    *more = false;
    if (!out)
        return NULL;
    while (*s) {
        if (s[0] == ',' && s[1] == ',') {
            *o++ = ',';
            s += 2;
        } else if (*s == ',') {
            *more = true;
            s++;
            break;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    *p = s;
    return out;
}

/* Read one module: the file is the item up to its first space. */
static bool read_module(struct boot_module *m, const struct check *k)
{
    size_t n = strcspn(m->string, " ");
    if (n == 0)
        return fail(k, "a module has no file name ('%s')", m->string);
    char *label = malloc(n + 10);
    if (!label)
        return fail(k, "out of memory");
    snprintf(label, n + 10, "-initrd %.*s", (int)n, m->string);
    struct check mk = {label, k->ram_size, k->err, k->errlen};
    bool ok = read_whole(label + 8, &mk, &m->data, &m->size);
    free(label);
    return ok;
}

static bool add_module(struct boot_image *im, const struct check *k, char *string)
{
    struct boot_module *m = realloc(im->mod, (im->nmod + 1) * sizeof *m);
    if (!m) {
        free(string);
        return fail(k, "out of memory");
    }
    im->mod = m;
    m = &im->mod[im->nmod++];
    *m = (struct boot_module){.string = string};
    return read_module(m, k);
}

static bool modules_fit(struct boot_image *im, const struct check *k)
{
    uint64_t list = (uint64_t)im->nmod * MOD_ENTRY;
    for (unsigned j = 0; j < im->nmod; j++)
        list += strlen(im->mod[j].string) + 1;
    uint64_t at = place(kernel_end(im), list), end = at + list;
    if (end > k->ram_size)
        return fail(k, "no room in RAM (%u MiB) for the module list after the kernel",
                    k->ram_size >> 20);
    im->mods_addr = (uint32_t)at;
    for (unsigned j = 0; j < im->nmod; j++) {
        struct boot_module *m = &im->mod[j];
        at = place(end, m->size);
        end = at + m->size;
        if (end > k->ram_size)
            return fail(k, "module '%s' (%zu bytes) would load at 0x%08" PRIx64 "-0x%08"
                        PRIx64 ", outside RAM (%u MiB)", m->string, m->size, at, end,
                        k->ram_size >> 20);
        m->start = (uint32_t)at;
    }
    return true;
}

static bool modules_plan(struct boot_image *im, const struct check *kernel, const char *spec)
{
    struct check k = {"-initrd", kernel->ram_size, kernel->err, kernel->errlen};
    if (im->kind != IMAGE_MULTIBOOT)
        return fail(&k, "modules need a Multiboot kernel, and %s is a flat binary",
                    kernel->path);
    bool more = true;
    while (more) {
        char *item = next_item(&spec, &more);
        if (!item)
            return fail(&k, "out of memory");
        if (!add_module(im, &k, item))
            return false;
    }
    return modules_fit(im, &k);
}

/* ---- flat binaries ---- */

static bool flat_load_plan(struct boot_image *im, const struct check *k, uint32_t addr)
{
    if (is_elf(im))
        return fail(k, "ELF file without a Multiboot header (a flat binary cannot be ELF; "
                    "add a Multiboot header or convert it with objcopy -O binary)");
    im->kind = IMAGE_FLAT;
    if (!add_seg(im, k, 0, (uint32_t)im->size, addr, (uint32_t)im->size))
        return false;
    im->entry = addr;
    return true;
}

bool loader_open(struct boot_image *im, const char *path, enum load_want want,
                 uint32_t flat_addr, uint32_t ram_size, const char *append,
                 const char *initrd, char *err, size_t errlen)
{
    struct check k = {path, ram_size, err, errlen};
    memset(im, 0, sizeof *im);
    im->path = strdup(path);
    if (!im->path)
        return fail(&k, "out of memory");
    bool ok = read_file(im, &k);
    if (ok) {
        long bad_at, hoff = mb_find(im, &bad_at);
        if (hoff >= 0)
            ok = mb_load_plan(im, &k, (size_t)hoff, append);
        else if (want == LOAD_KERNEL && bad_at >= 0)
            ok = fail(&k, "Multiboot header at offset 0x%lx has a bad checksum", bad_at);
        else if (want == LOAD_KERNEL)
            ok = fail(&k, "not a Multiboot kernel (no header with magic 0x%08x in the "
                      "first %u bytes)", MULTIBOOT_HEADER_MAGIC, MULTIBOOT_SEARCH);
        else
            ok = flat_load_plan(im, &k, flat_addr);
    }
    if (ok && initrd)
        ok = modules_plan(im, &k, initrd);
    if (!ok)
        loader_free(im);
    return ok;
}

void loader_free(struct boot_image *im)
{
    free(im->path);
    free(im->data);
    free(im->seg);
    free(im->cmdline);
    for (unsigned j = 0; j < im->nmod; j++) {
        free(im->mod[j].string);
        free(im->mod[j].data);
    }
    free(im->mod);
    memset(im, 0, sizeof *im);
}

/* ---- booting ---- */

static void put32(cpu_t *c, uint32_t addr, uint32_t v) { host_store(c->ram + addr, 4, v); }

static void put_mmap_entry(cpu_t *c, uint32_t at, uint64_t base, uint64_t len, uint32_t type)
{
    put32(c, at, 20);   /* size of the rest of the entry */
    put32(c, at + 4, (uint32_t)base);
    put32(c, at + 8, (uint32_t)(base >> 32));
    put32(c, at + 12, (uint32_t)len);
    put32(c, at + 16, (uint32_t)(len >> 32));
    put32(c, at + 20, type);
}

/* The modules, their list (spec 3.3: mod_start, mod_end, string,
 * reserved) and their strings; flag 3 says mods_count/mods_addr are valid. */
static void write_modules(const struct boot_image *im, cpu_t *c, uint32_t mbi)
{
    uint32_t entry = im->mods_addr, str = im->mods_addr + im->nmod * MOD_ENTRY;
    for (unsigned j = 0; j < im->nmod; j++, entry += MOD_ENTRY) {
        const struct boot_module *m = &im->mod[j];
        size_t n = strlen(m->string) + 1;
        memcpy(c->ram + m->start, m->data, m->size);
        memcpy(c->ram + str, m->string, n);
        put32(c, entry, m->start);
        put32(c, entry + 4, m->start + (uint32_t)m->size);
        put32(c, entry + 8, str);
        put32(c, entry + 12, 0);
        str += (uint32_t)n;
    }
    put32(c, mbi, get32(c->ram + mbi) | MBI_MODS);
    put32(c, mbi + 20, im->nmod);
    put32(c, mbi + 24, im->mods_addr);
}

/* The multiboot_info structure (spec 3.3) with the memory fields, the
 * command line, an E820-style memory map and the boot loader's name. */
static void write_boot_info(const struct boot_image *im, cpu_t *c)
{
    uint32_t at = MB_MMAP_ADDR, upper = c->ram_size > ONE_MIB ? c->ram_size - ONE_MIB : 0;
    memset(c->ram + MB_INFO_BASE, 0, MB_INFO_END - MB_INFO_BASE);
    put_mmap_entry(c, at, 0, LOW_RAM_END, E820_RAM);
    put_mmap_entry(c, at += 24, BIOS_AREA, ONE_MIB - BIOS_AREA, E820_RESERVED);
    if (upper)
        put_mmap_entry(c, at += 24, ONE_MIB, upper, E820_RAM);
    at += 24;
    memcpy(c->ram + MB_NAME_ADDR, "isola", 6);
    memcpy(c->ram + MB_CMDLINE_ADDR, im->cmdline, strlen(im->cmdline) + 1);

    uint32_t mbi = MB_INFO_BASE;
    put32(c, mbi + 0, MBI_MEMORY | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME);
    put32(c, mbi + 4, LOW_RAM_END / 1024);
    put32(c, mbi + 8, upper / 1024);
    put32(c, mbi + 16, MB_CMDLINE_ADDR);
    put32(c, mbi + 44, at - MB_MMAP_ADDR);
    put32(c, mbi + 48, MB_MMAP_ADDR);
    put32(c, mbi + 64, MB_NAME_ADDR);
    if (im->nmod)
        write_modules(im, c, mbi);
}

void loader_boot(const struct boot_image *im, cpu_t *c)
{
    for (unsigned j = 0; j < im->nseg; j++) {
        const struct load_seg *s = &im->seg[j];
        memcpy(c->ram + s->paddr, im->data + s->off, s->filesz);
        memset(c->ram + s->paddr + s->filesz, 0, s->memsz - s->filesz);
    }
    cpu_set_flat32(c, 0);
    c->a20_mask = 0xFFFFFFFFu;
    for (int r = EAX; r <= EDI; r++)
        c->reg[r] = 0;
    if (im->kind == IMAGE_MULTIBOOT) {
        write_boot_info(im, c);
        c->reg[EAX] = MULTIBOOT_BOOT_MAGIC;
        c->reg[EBX] = MB_INFO_BASE;
        c->reg[ESP] = MB_STACK_TOP;   /* the spec leaves ESP undefined */
    } else {
        c->reg[ESP] = c->ram_size & ~15u;
    }
    cpu_set_eflags(c, 0x2, 0xFFFFFFFFu);   /* IF=0, bit 1 reserved as one */
    c->eip = c->next_eip = im->entry;
}

/* ---- firmware ---- */

static bool rom_size_ok(size_t n)
{
    return n == 0x10000 || n == 0x20000 || n == 0x40000;
}

bool rom_open(struct rom_image *r, const char *path, char *err, size_t errlen)
{
    struct boot_image im = {0};
    struct check k = {path, 0, err, errlen};
    memset(r, 0, sizeof *r);
    if (!read_file(&im, &k))
        return false;
    if (!rom_size_ok(im.size)) {
        free(im.data);
        return fail(&k, "firmware image is %zu bytes; it must be 64, 128 or 256 KiB",
                    im.size);
    }
    r->path = strdup(path);
    if (!r->path) {
        free(im.data);
        return fail(&k, "out of memory");
    }
    r->data = im.data;
    r->size = (uint32_t)im.size;
    return true;
}

void rom_free(struct rom_image *r)
{
    free(r->path);
    free(r->data);
    memset(r, 0, sizeof *r);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* DIR/../firmware/bios.bin for the directory holding the running binary:
 * a build tree's emu/isola finds the firmware/ the same build made, even
 * when the tree was moved. */
static bool rom_next_to_binary(char *path, size_t pathlen)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    int w = snprintf(path, pathlen, "%s/../firmware/" FIRMWARE_NAME, exe);
    return w > 0 && (size_t)w < pathlen && is_file(path);
}

bool rom_find_default(char *path, size_t pathlen, char *err, size_t errlen)
{
    static const char *const dirs[] = {ISOLA_PKGDATADIR, ISOLA_FIRMWARE_DIR};
    if (rom_next_to_binary(path, pathlen))
        return true;
    for (unsigned k = 0; k < sizeof dirs / sizeof dirs[0]; k++) {
        int w = snprintf(path, pathlen, "%s/" FIRMWARE_NAME, dirs[k]);
        if (w > 0 && (size_t)w < pathlen && is_file(path))
            return true;
    }
    snprintf(err, errlen, "no firmware: %s not found in %s or %s (run make, or give "
             "-bios FILE, or boot a kernel with -kernel FILE)", FIRMWARE_NAME,
             ISOLA_FIRMWARE_DIR, ISOLA_PKGDATADIR);
    return false;
}
