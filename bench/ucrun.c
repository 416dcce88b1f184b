/*
 * ucrun.c: run a Multiboot (v1) ELF32 kernel under the Unicorn engine,
 * the way isola -kernel does, for side-by-side speed comparisons.
 *
 *   ucrun [-count] [-append STR] [-m MB] KERNEL.elf
 *
 * Rules kept here:
 *  - The machine is as bare as isola's: RAM from 0, the kernel's PT_LOAD
 *    segments at their physical addresses, a multiboot_info structure
 *    (memory sizes, command line "KERNEL STR"), and the Multiboot entry
 *    state: flat 32-bit protected mode, ring 0, EAX = 0x2BADB002,
 *    EBX = the info, paging and interrupts off.
 *  - Port 0xE9 prints on stdout; a write of v to port 0xF4 stops the run,
 *    and ucrun exits with (v << 1) | 1 as isola does. Other ports are
 *    ignored, reads give 0xFF.
 *  - The timed run has no per-instruction hook (it would slow Unicorn
 *    down several times); -count adds one to count instructions, for
 *    calibration only. The summary goes to stderr.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

#define MB_INFO 0x9000u
#define MB_CMDLINE 0x9100u
#define MB_CMDLINE_MAX 0xE00u
#define BOOT_GDT 0x8000u
#define BOOT_STACK 0x7000u
#define NEVER_REACHED 0xFFFFFFF0u

struct run {
    uc_engine *uc;
    uint64_t insns;
    int exit_value;   /* -1 until the guest writes port 0xF4 */
};

static void die(const char *what, uc_err e)
{
    fprintf(stderr, "ucrun: %s: %s\n", what, uc_strerror(e));
    exit(2);
}

static void check(const char *what, uc_err e)
{
    if (e != UC_ERR_OK)
        die(what, e);
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "ucrun: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *size = (size_t)n;
    return data;
}

/* Copy the PT_LOAD segments to RAM; returns the entry point. */
static uint32_t load_elf(uc_engine *uc, const uint8_t *data, size_t size, uint32_t ram)
{
    const Elf32_Ehdr *eh = (const Elf32_Ehdr *)data;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386) {
        fprintf(stderr, "ucrun: not an ELF32 i386 file\n");
        exit(2);
    }
    for (unsigned k = 0; k < eh->e_phnum; k++) {
        size_t at = eh->e_phoff + (size_t)k * eh->e_phentsize;
        if (at + sizeof(Elf32_Phdr) > size)
            break;
        const Elf32_Phdr *ph = (const Elf32_Phdr *)(data + at);
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        if ((uint64_t)ph->p_paddr + ph->p_memsz > ram || ph->p_offset + (uint64_t)ph->p_filesz > size) {
            fprintf(stderr, "ucrun: segment %u does not fit\n", k);
            exit(2);
        }
        check("write segment", uc_mem_write(uc, ph->p_paddr, data + ph->p_offset, ph->p_filesz));
        if (ph->p_memsz > ph->p_filesz) {
            size_t bss = ph->p_memsz - ph->p_filesz;
            uint8_t *zero = calloc(1, bss);
            check("zero bss", uc_mem_write(uc, ph->p_paddr + ph->p_filesz, zero, bss));
            free(zero);
        }
    }
    return eh->e_entry;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void write_multiboot_info(uc_engine *uc, uint32_t ram, const char *cmdline)
{
    uint8_t info[32] = {0};
    put32(info + 0, 1u | 4u);                 /* mem_*, cmdline */
    put32(info + 4, 639);                     /* KiB below 1 MiB */
    put32(info + 8, (ram >> 10) - 1024);      /* KiB above 1 MiB */
    put32(info + 16, MB_CMDLINE);
    check("write info", uc_mem_write(uc, MB_INFO, info, sizeof info));
    size_t n = strlen(cmdline);
    if (n >= MB_CMDLINE_MAX)
        n = MB_CMDLINE_MAX - 1;
    check("write cmdline", uc_mem_write(uc, MB_CMDLINE, cmdline, n));
    check("write cmdline", uc_mem_write(uc, MB_CMDLINE + n, "", 1));
}

/* Flat ring-0 code and data in a boot GDT, CR0.PE set, segments loaded. */
static void enter_protected_mode(uc_engine *uc, uint32_t entry)
{
    static const uint64_t gdt[3] = { 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull };
    check("write gdt", uc_mem_write(uc, BOOT_GDT, gdt, sizeof gdt));
    uc_x86_mmr gdtr = { .selector = 0, .base = BOOT_GDT, .limit = sizeof gdt - 1, .flags = 0 };
    check("gdtr", uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr));
    uint32_t cr0 = 0x11;  /* PE, ET */
    check("cr0", uc_reg_write(uc, UC_X86_REG_CR0, &cr0));
    uint32_t code = 0x08, data = 0x10;
    check("cs", uc_reg_write(uc, UC_X86_REG_CS, &code));
    int segs[] = { UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_SS, UC_X86_REG_FS, UC_X86_REG_GS };
    for (unsigned k = 0; k < sizeof segs / sizeof segs[0]; k++)
        check("segment", uc_reg_write(uc, segs[k], &data));
    uint32_t eax = 0x2BADB002, ebx = MB_INFO, esp = BOOT_STACK, eflags = 0x2;
    check("eax", uc_reg_write(uc, UC_X86_REG_EAX, &eax));
    check("ebx", uc_reg_write(uc, UC_X86_REG_EBX, &ebx));
    check("esp", uc_reg_write(uc, UC_X86_REG_ESP, &esp));
    check("eflags", uc_reg_write(uc, UC_X86_REG_EFLAGS, &eflags));
    check("eip", uc_reg_write(uc, UC_X86_REG_EIP, &entry));
}

static void on_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user)
{
    struct run *r = user;
    (void)size;
    if (port == 0xE9) {
        putchar((int)(value & 0xFF));
    } else if (port == 0xF4) {
        r->exit_value = (int)(value & 0xFF);
        uc_emu_stop(uc);
    }
}

static uint32_t on_in(uc_engine *uc, uint32_t port, int size, void *user)
{
    (void)uc;
    (void)user;
    if (port == 0xE9)
        return 0xE9;
    return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFFu;
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc;
    (void)addr;
    (void)size;
    ((struct run *)user)->insns++;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    bool count = false;
    const char *append = NULL, *path = NULL;
    uint32_t ram_mb = 128;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "-count") == 0)
            count = true;
        else if (strcmp(argv[k], "-append") == 0 && k + 1 < argc)
            append = argv[++k];
        else if (strcmp(argv[k], "-m") == 0 && k + 1 < argc)
            ram_mb = (uint32_t)strtoul(argv[++k], NULL, 0);
        else if (argv[k][0] != '-' && !path)
            path = argv[k];
        else {
            fprintf(stderr, "usage: ucrun [-count] [-append STR] [-m MB] KERNEL.elf\n");
            return 2;
        }
    }
    if (!path || ram_mb < 2 || ram_mb > 3584) {
        fprintf(stderr, "usage: ucrun [-count] [-append STR] [-m MB] KERNEL.elf\n");
        return 2;
    }
    uint32_t ram = ram_mb << 20;
    size_t size;
    uint8_t *data = read_file(path, &size);

    struct run r = { .exit_value = -1 };
    check("uc_open", uc_open(UC_ARCH_X86, UC_MODE_32, &r.uc));
    check("map RAM", uc_mem_map(r.uc, 0, ram, UC_PROT_ALL));
    uint32_t entry = load_elf(r.uc, data, size, ram);
    char cmdline[MB_CMDLINE_MAX];
    snprintf(cmdline, sizeof cmdline, "%s%s%s", path, append ? " " : "", append ? append : "");
    write_multiboot_info(r.uc, ram, cmdline);
    enter_protected_mode(r.uc, entry);

    uc_hook h_out, h_in, h_code;
    check("hook out", uc_hook_add(r.uc, &h_out, UC_HOOK_INSN, (void *)on_out, &r, 1, 0, UC_X86_INS_OUT));
    check("hook in", uc_hook_add(r.uc, &h_in, UC_HOOK_INSN, (void *)on_in, &r, 1, 0, UC_X86_INS_IN));
    if (count)
        check("hook code", uc_hook_add(r.uc, &h_code, UC_HOOK_CODE, (void *)on_code, &r, 1, 0));

    double t0 = now();
    uc_err e = uc_emu_start(r.uc, entry, NEVER_REACHED, 0, 0);
    double secs = now() - t0;
    fflush(stdout);
    if (e != UC_ERR_OK) {
        uint32_t eip;
        uc_reg_read(r.uc, UC_X86_REG_EIP, &eip);
        fprintf(stderr, "ucrun: stopped at %08x: %s\n", eip, uc_strerror(e));
    }
    fprintf(stderr, "ucrun: host seconds %.3f\n", secs);
    if (count)
        fprintf(stderr, "ucrun: instructions %llu\n", (unsigned long long)r.insns);
    uc_close(r.uc);
    free(data);
    if (r.exit_value < 0) {
        fprintf(stderr, "ucrun: the guest did not write port 0xF4\n");
        return 3;
    }
    return (r.exit_value << 1) | 1;
}
