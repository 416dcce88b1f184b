/*
 * isola/multiboot.h: the Multiboot (v1) structures a boot loader hands
 * the kernel (specification 0.6.96, section 3.3), shared by the bundled
 * boot loader that writes them and the kernel that reads them. All
 * addresses in them are physical.
 */
#ifndef ISOLA_MULTIBOOT_H
#define ISOLA_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u

#define MBI_MEMORY (1u << 0)
#define MBI_BOOT_DEVICE (1u << 1)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};

struct multiboot_module {
    uint32_t start, end;
    uint32_t string;
    uint32_t reserved;
};

/* A memory-map entry; `size` counts the bytes after itself, so the next
 * entry is at (char *)e + e->size + 4. */
struct multiboot_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

#define MMAP_RAM 1u

#endif
