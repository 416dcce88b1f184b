/*
 * post.c: the power-on self test: from a CPU fresh out of reset to a PC
 * ready for its boot sector.
 *
 * Rules it keeps:
 * - The order is fixed: serial first (so every later message reaches it),
 *   then IVT and BDA, interrupt controllers and timer, memory size, the
 *   screen and banner, keyboard, clock, PCI, disks. entry.S then issues
 *   INT 19h.
 * - Every vector points into this ROM; vectors of hardware interrupts
 *   nobody handles acknowledge the PIC and return.
 * - The PICs are programmed as on every PC: master at vectors 08h-0Fh,
 *   slave at 70h-77h on master input 2, edge triggered (8259A datasheet,
 *   ICW1-ICW4); only IRQ 0 (timer), 1 (keyboard) and 2 (cascade) are open.
 *   A local APIC, if the CPU has one, passes them on in virtual wire mode.
 * - The PIT's channel 0 runs in mode 2 with divisor 65536: 18.2 Hz on
 *   IRQ 0 (8254 datasheet).
 * - Memory size comes from the CMOS bytes the machine fills: 30h/31h KiB
 *   above 1 MiB (at most 0xFFFF), 34h/35h 64 KiB blocks above 16 MiB,
 *   5Bh-5Dh 64 KiB blocks above 4 GiB (QEMU's convention).
 */
#include "bios.h"

#ifndef BIOS_VERSION
#define BIOS_VERSION "0"
#endif

/* GCC may call these for struct copies and clears even when freestanding. */
void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

static uint32_t far_ptr(const char *entry)
{
    return (uint32_t)BIOS_SEG << 16 | (uint16_t)(uintptr_t)entry;
}

static void ivt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        IVT[v] = far_ptr(iret_entry);
    for (unsigned v = 0x08; v < 0x10; v++)
        IVT[v] = far_ptr(irq_master_entry);
    for (unsigned v = 0x70; v < 0x78; v++)
        IVT[v] = far_ptr(irq_slave_entry);
    IVT[0x08] = far_ptr(int08_entry);
    IVT[0x09] = far_ptr(int09_entry);
    IVT[0x10] = far_ptr(int10_entry);
    IVT[0x11] = far_ptr(int11_entry);
    IVT[0x12] = far_ptr(int12_entry);
    IVT[0x13] = far_ptr(int13_entry);
    IVT[0x15] = far_ptr(int15_entry);
    IVT[0x16] = far_ptr(int16_entry);
    IVT[0x18] = far_ptr(int18_entry);
    IVT[0x19] = far_ptr(int19_entry);
    IVT[0x1A] = far_ptr(int1a_entry);
}

static void bda_init(void)
{
    BDA->ebda_seg = EBDA_SEG;
    BDA->mem_kib = 640 - EBDA_KIB;
    far_write8(EBDA_SEG, 0, EBDA_KIB);      /* the EBDA's first byte: its size */
    /* Equipment: 80x25 colour (bits 5-4 = 10b), serial ports in bits 11-9. */
    BDA->equipment = (uint16_t)(0x0020 | (BDA->com[0] ? 1 << 9 : 0));
}

static void pic_init(void)
{
    outb(PIC1_CMD, 0x11);           /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, 0x08);          /* ICW2: vector base */
    outb(PIC2_DATA, 0x70);
    outb(PIC1_DATA, 0x04);          /* ICW3: slave on IR2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);          /* ICW4: 8086 mode, normal EOI */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xF8);          /* open IRQ 0, 1, 2 */
    outb(PIC2_DATA, 0xFF);
}

static void pit_init(void)
{
    outb(0x43, 0x34);               /* channel 0, lobyte/hibyte, mode 2 */
    outb(0x40, 0x00);
    outb(0x40, 0x00);
}

static void memory_init(void)
{
    uint32_t ext_kib = cmos_read(0x30) | (uint32_t)cmos_read(0x31) << 8;
    uint32_t blocks16m = cmos_read(0x34) | (uint32_t)cmos_read(0x35) << 8;
    uint64_t top = blocks16m ? 0x1000000 + ((uint64_t)blocks16m << 16)
                             : 0x100000 + ((uint64_t)ext_kib << 10);

    if (top > 0xFEC00000)
        top = 0xFEC00000;           /* keep clear of the APICs and this ROM */
    STATE->ram_top = (uint32_t)top;
    STATE->ram_high = cmos_read(0x5B) | (uint32_t)cmos_read(0x5C) << 8 |
                      (uint32_t)cmos_read(0x5D) << 16;
}

static void banner(void)
{
    uint32_t mib = (STATE->ram_top >> 20) + (STATE->ram_high >> 4);

    con_puts(ROMSTR("isola BIOS " BIOS_VERSION ": "));
    con_putu(mib);
    con_puts(ROMSTR(" MiB RAM\r\n"));
}

void post_main(void)
{
    serial_init();
    ivt_init();
    bda_init();
    pic_init();
    lapic_virtual_wire();
    pit_init();
    memory_init();
    video_init();
    banner();
    kbd_init();
    ticks_init();
    pci_init();
    disk_init();
}
