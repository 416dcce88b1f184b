/*
 * loader.h: what the machine boots. Either firmware (a BIOS ROM image,
 * mapped by the machine below 1 MiB and below 4 GiB), or a guest booted
 * without firmware, as QEMU's -kernel does: a Multiboot (v1) kernel (ELF32
 * i386, or any image with the a.out-kludge address fields), or a flat
 * binary entered at its load address.
 *
 * loader_open() reads and checks the whole image once; loader_boot() copies
 * it into RAM and sets the CPU up, and may be called again to start over
 * after a reset.
 */
#ifndef ISOLA_LOADER_H
#define ISOLA_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u   /* EAX at the kernel's entry */
#define MULTIBOOT_SEARCH 8192u             /* the header lies in this prefix */

/* Low RAM the loader owns for a Multiboot kernel: the multiboot_info
 * structure, the memory map, the boot loader's name and the command line.
 * Kernel segments may not overlap it. The initial ESP sits just below. */
#define MB_INFO_BASE 0x8000u
#define MB_INFO_END 0xA000u
#define MB_MMAP_ADDR 0x8080u
#define MB_NAME_ADDR 0x8100u
#define MB_CMDLINE_ADDR 0x8200u
#define MB_CMDLINE_MAX (MB_INFO_END - MB_CMDLINE_ADDR - 1)
#define MB_STACK_TOP MB_INFO_BASE

#define FLAT_DEFAULT_ADDR 0x100000u

enum image_kind { IMAGE_MULTIBOOT, IMAGE_FLAT };

/* One piece of the image: filesz bytes from file offset off go to paddr,
 * and the rest of memsz is zeroed (bss). */
struct load_seg {
    uint32_t off, filesz, paddr, memsz;
};

/* A Multiboot module (-initrd): its bytes go to start, page aligned. */
struct boot_module {
    char *string;    /* "FILE ARGS" as given, the file name included (QEMU's convention) */
    uint8_t *data;
    size_t size;
    uint32_t start;
};

struct boot_image {
    char *path;
    uint8_t *data;   /* the whole file, kept so a reset can reload it */
    size_t size;
    enum image_kind kind;
    struct load_seg *seg;
    unsigned nseg;
    uint32_t entry;
    char *cmdline;   /* Multiboot only: "PATH APPEND", as GRUB passes it */
    struct boot_module *mod;
    unsigned nmod;
    uint32_t mods_addr;   /* the module list, then the modules' strings */
};

/* How the file was named on the command line. */
enum load_want {
    LOAD_KERNEL,  /* -kernel FILE: must be a Multiboot kernel */
    LOAD_ANY      /* FILE: a Multiboot kernel, or else a flat binary */
};

/* Read and check path, and the modules initrd names (NULL: none): QEMU's
 * -initrd syntax, "FILE ARGS,FILE ARGS", ",," standing for a comma. The
 * modules go after the kernel, page aligned. On failure returns false
 * with a one-line message naming the file in err (without the "isola: "
 * prefix). */
bool loader_open(struct boot_image *im, const char *path, enum load_want want,
                 uint32_t flat_addr, uint32_t ram_size, const char *append,
                 const char *initrd, char *err, size_t errlen);
/* Copy the image into c's RAM and put the CPU in the entry state. The
 * caller has reset the CPU and flushes cached blocks after. */
void loader_boot(const struct boot_image *im, cpu_t *c);
void loader_free(struct boot_image *im);

/* ---- firmware ---- */

/* A PC's BIOS ROM is 64, 128 or 256 KiB; its last 16 bytes hold the reset
 * vector at F000:FFF0. The last ROM_LOW_MAX bytes also appear just below
 * 1 MiB (the "legacy BIOS area", SeaBIOS's convention for big images). */
#define ROM_LOW_MAX 0x20000u
#define FIRMWARE_NAME "bios.bin"

struct rom_image {
    char *path;
    uint8_t *data;
    uint32_t size;
};

/* Read and check a ROM file. On failure returns false with a one-line
 * message naming the file in err (without the "isola: " prefix). */
bool rom_open(struct rom_image *r, const char *path, char *err, size_t errlen);
void rom_free(struct rom_image *r);
/* The bundled firmware: firmware/bios.bin next to the build tree's emu/
 * directory that holds this isola, else the installed copy, else the build
 * tree that compiled it. Returns false (with the places tried in err) when
 * there is none. */
bool rom_find_default(char *path, size_t pathlen, char *err, size_t errlen);

#endif
