/*
 * boot.h: the layout the boot loader (mbr.S, stage2.S, loader.c) and the
 * image builder (disks/mkosimage.sh) agree on, in memory and on disk.
 *
 * Rules kept here:
 *  - Everything the loader touches in real mode lies below 64 KiB, so C
 *    compiled with gcc -m16 reaches it with DS = ES = SS = 0 and plain
 *    pointers; the only buffer above is the disk bounce buffer at
 *    0x10000, which only the BIOS and the protected-mode copy touch.
 *  - Nothing of the loader lies in 0x80000-0x9FFFF, which a BIOS may
 *    claim for its extended data area (its size is in the BDA at 0x413),
 *    nor at or above 1 MiB, where the kernel goes.
 *  - The disk layout below is mirrored in disks/mkosimage.sh; change both.
 *
 * Disk (512-byte sectors):
 *   LBA 0        the MBR: mbr.S, the partition table, 55 AA
 *   LBA 1        the config sector: struct boot_config
 *   LBA 2-63     the second stage (stage2.S + loader.c), at most 62 sectors
 *   LBA 64-2047  the kernel ELF, byte for byte (at most 992 KiB)
 *   LBA 2048-    partition 1: the root file system (ext2, type 0x83)
 *
 * Memory (real mode, all in segment 0 but the bounce buffer):
 *   0x01000-0x01FFF  the Multiboot information the kernel gets
 *   0x02000-0x03FFF  the first 8 KiB of the kernel file (ELF and
 *                    Multiboot headers)
 *   0x04000-0x07BFF  the stack (SS:SP = 0000:7C00)
 *   0x07C00-0x07DFF  the MBR, its partition table read from here
 *   0x07E00-0x07FFF  the config sector
 *   0x08000-0x0FBFF  the second stage (code, data, bss)
 *   0x10000-0x17FFF  the bounce buffer for disk reads (64 sectors)
 */
#ifndef ISOLA_BOOT_H
#define ISOLA_BOOT_H

#define SECTOR 512

#define MBR_ADDR 0x7C00
#define PART_TABLE_OFF 446        /* four 16-byte entries, then 55 AA */
#define STACK_TOP 0x7C00

#define CONFIG_LBA 1
#define CONFIG_ADDR 0x7E00
#define STAGE2_LBA 2
#define STAGE2_ADDR 0x8000
#define STAGE2_MAX_SECTORS 62     /* LBA 2-63 */
#define STAGE2_MAGIC 0x32534F49   /* "IOS2", the first dword of stage 2 */
#define KERNEL_LBA 64             /* where mkosimage.sh puts the kernel */
#define ROOT_LBA 2048             /* partition 1 starts at 1 MiB */

#define MBI_ADDR 0x1000
#define MBI_AREA_END 0x2000
#define ELF_BUF 0x2000
#define ELF_BUF_SIZE 0x2000       /* the Multiboot header lies in the first 8 KiB */
#define BOUNCE_SEG 0x1000         /* linear 0x10000 */
#define BOUNCE_ADDR 0x10000
#define BOUNCE_SECTORS 64         /* 32 KiB: no read crosses a 64 KiB boundary */

/* Selectors of the loader's GDT (stage2.S). */
#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20

#ifndef __ASSEMBLER__
#include <stdint.h>

/* LBA 1, written by disks/mkosimage.sh. The command line is what the
 * kernel gets, verbatim: by convention (GRUB, QEMU) the kernel's name,
 * then its arguments. */
#define CONFIG_MAGIC0 0x4C4F5349u  /* "ISOL" */
#define CONFIG_MAGIC1 0x47464341u  /* "ACFG" */
#define CONFIG_VERSION 1u
#define CMDLINE_MAX 448
struct boot_config {
    uint32_t magic[2];
    uint32_t version;
    uint32_t kernel_lba;
    uint32_t kernel_size;          /* bytes */
    uint32_t reserved[11];
    char cmdline[CMDLINE_MAX];     /* NUL-terminated */
};

/* One entry of the MBR's partition table. */
struct mbr_part {
    uint8_t status, chs_first[3], type, chs_last[3];
    uint32_t lba, sectors;
};

/* Registers in and out of a BIOS call (stage2.S: bios_int). */
struct bios_regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, eflags;
};
#define FLAG_CF 0x01u

/* stage2.S; -mregparm=3: the first three arguments in EAX, EDX, ECX. */
void bios_int(uint32_t vector, struct bios_regs *r);
int a20_on(void);
/* Copy len bytes from linear src to linear dst, or zero them when src
 * is 0, in 32-bit protected mode, so any address below 4 GiB is reached. */
void pm_copy(uint32_t dst, uint32_t src, uint32_t len);
__attribute__((noreturn)) void enter_kernel(uint32_t entry, uint32_t mbi);
__attribute__((noreturn)) void halt(void);
void stage2_main(uint32_t drive);
#endif

#endif
