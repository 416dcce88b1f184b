/*
 * services.c: the system services: equipment and memory size (INT 11h,
 * 12h), INT 15h (memory maps, A20, waits), the clock (INT 1Ah) and the
 * boot (INT 19h, INT 18h).
 *
 * Rules it keeps:
 * - One memory map, made from the RAM size POST read from the CMOS, feeds
 *   E820h, E801h and 88h. E820h types are the ACPI ones (1 usable,
 *   2 reserved); the 1 KiB EBDA below 640 KiB, the BIOS at 0xF0000 and its
 *   alias below 4 GiB are reserved.
 * - INT 15h answers functions it does not know with CF=1, AH=86h.
 * - The RTC is read only when its update-in-progress bit (register A bit
 *   7) is clear, and its values are handed out in BCD, converting when
 *   register B bit 2 says the RTC counts in binary (MC146818 datasheet).
 * - A boot sector must end in 55h AAh; it is entered at 0000:7C00 with
 *   DL = 80h. When there is none the BIOS says so on the screen and the
 *   serial port and waits with interrupts on.
 */
#include "bios.h"

#define SMAP        0x534D4150      /* "SMAP" */
#define TICKS_DAY   0x1800B0        /* 1193182 / 65536 Hz * 86400 s */

struct e820 {
    uint64_t base, len;
    uint32_t type;
};

/* Entry i of the memory map; false past its end. */
static bool e820_entry(unsigned i, struct e820 *e)
{
    uint32_t top = STATE->ram_top;
    unsigned n = 0;

    e->type = 2;
    if (i == n++) {
        e->base = 0, e->len = 0x9FC00, e->type = 1;
        return true;
    }
    if (i == n++) {
        e->base = 0x9FC00, e->len = 0x400;
        return true;
    }
    if (i == n++) {
        e->base = 0xF0000, e->len = 0x10000;
        return true;
    }
    if (top > 0x100000 && i == n++) {
        e->base = 0x100000, e->len = top - 0x100000, e->type = 1;
        return true;
    }
    if (i == n++) {
        e->base = 0xFFFF0000, e->len = 0x10000;
        return true;
    }
    if (STATE->ram_high && i == n++) {
        e->base = 1ull << 32, e->len = (uint64_t)STATE->ram_high << 16, e->type = 1;
        return true;
    }
    return false;
}

/* AX=E820h: entry EBX into ES:DI, EBX the next one or 0 after the last. */
static void e820(struct regs *r)
{
    struct e820 e;

    if (r->edx != SMAP || r->ecx < 20 || !e820_entry(r->ebx, &e)) {
        r->ah = 0x86;
        set_cf(r, true);
        return;
    }
    far_write32(r->es, r->di + 0, (uint32_t)e.base);
    far_write32(r->es, r->di + 4, (uint32_t)(e.base >> 32));
    far_write32(r->es, r->di + 8, (uint32_t)e.len);
    far_write32(r->es, r->di + 12, (uint32_t)(e.len >> 32));
    far_write32(r->es, r->di + 16, e.type);
    struct e820 next;
    r->ebx = e820_entry(r->ebx + 1, &next) ? r->ebx + 1 : 0;
    r->eax = SMAP;
    r->ecx = 20;
    set_cf(r, false);
}

/* KiB of RAM from 1 MiB up to min(top, limit). */
static uint32_t ram_kib_between(uint32_t limit)
{
    uint32_t top = STATE->ram_top < limit ? STATE->ram_top : limit;

    return top > 0x100000 ? (top - 0x100000) >> 10 : 0;
}

/* AX=E801h: KiB between 1 and 16 MiB, 64 KiB blocks from 16 MiB to 4 GiB. */
static void e801(struct regs *r)
{
    uint32_t top = STATE->ram_top;
    uint16_t blocks = top > 0x1000000 ? (uint16_t)((top - 0x1000000) >> 16) : 0;

    r->ax = r->cx = (uint16_t)ram_kib_between(0x1000000);
    r->bx = r->dx = blocks;
    set_cf(r, false);
}

/* AH=86h: wait CX:DX microseconds, timed by PIT channel 0 (1193182 Hz),
 * which POST left counting down from 65536 forever. */
static uint16_t pit_count(void)
{
    outb(0x43, 0x00);               /* latch channel 0 */
    uint8_t lo = inb(0x40);
    return (uint16_t)(lo | inb(0x40) << 8);
}

static void wait_us(uint32_t us)
{
    uint64_t want = ((uint64_t)us * 78196) >> 16;   /* 1.193182 * 65536 */
    uint64_t seen = 0;
    uint16_t last = pit_count();

    while (seen < want) {
        uint16_t now = pit_count();
        seen += (uint16_t)(last - now);
        last = now;
    }
}

static void a20(struct regs *r)
{
    uint8_t port92 = inb(0x92) & ~0x01;

    switch (r->al) {
    case 0x00:
        outb(0x92, port92 & ~0x02);
        break;
    case 0x01:
        outb(0x92, port92 | 0x02);
        break;
    case 0x02:
        r->al = (port92 >> 1) & 1;
        break;
    case 0x03:
        r->bx = 0x0002;             /* through port 92h only */
        break;
    default:
        r->ah = 0x86;
        set_cf(r, true);
        return;
    }
    r->ah = 0;
    set_cf(r, false);
}

/* AH=C0h's system configuration table (Ralf Brown's list): length 8,
 * model FCh, feature byte 1 = second 8259, RTC, EBDA allocated. */
static const __seg_gs uint8_t sysconf[10] ROM = {
    8, 0, 0xFC, 0x01, 0x00, 0x64, 0, 0, 0, 0,
};

void int15_handler(struct regs *r)
{
    if (r->ax == 0xE820) {
        e820(r);
        return;
    }
    if (r->ax == 0xE801) {
        e801(r);
        return;
    }
    set_cf(r, false);
    switch (r->ah) {
    case 0x24:
        a20(r);
        break;
    case 0x4F:                      /* keyboard intercept: keep the key */
        set_cf(r, true);
        break;
    case 0x86:
        asm volatile("sti" : : : "memory");
        wait_us((uint32_t)r->cx << 16 | r->dx);
        asm volatile("cli" : : : "memory");
        r->ah = 0;
        break;
    case 0x88: {
        uint32_t kib = ram_kib_between(0xFFFFFFFF);
        r->ax = kib > 0xFFFF ? 0xFFFF : (uint16_t)kib;
        break;
    }
    case 0x90:                      /* device busy / interrupt complete */
    case 0x91:
        r->ah = 0;
        break;
    case 0xC0:
        r->es = BIOS_SEG;
        r->bx = (uint16_t)(uintptr_t)sysconf;
        r->ah = 0;
        break;
    default:
        r->ah = 0x86;
        set_cf(r, true);
        break;
    }
}

void int11_handler(struct regs *r)
{
    r->ax = BDA->equipment;
}

void int12_handler(struct regs *r)
{
    r->ax = BDA->mem_kib;
}

/* The RTC, in BCD whatever mode it counts in. */
static uint8_t bcd(uint8_t v)
{
    return (uint8_t)((v / 10) << 4 | v % 10);
}

static uint8_t bin(uint8_t v)
{
    return (uint8_t)((v >> 4) * 10 + (v & 0x0F));
}

static bool rtc_binary(void)
{
    return cmos_read(0x0B) & 0x04;
}

static uint8_t rtc_read(uint8_t reg)
{
    uint8_t v = cmos_read(reg);
    return rtc_binary() ? bcd(v) : v;
}

static void rtc_write(uint8_t reg, uint8_t v)
{
    cmos_write(reg, rtc_binary() ? bin(v) : v);
}

/* Wait (a bounded while) until the RTC is not updating its registers. */
static void rtc_wait(void)
{
    for (uint32_t n = 0; n < 100000 && (cmos_read(0x0A) & 0x80); n++)
        ;
}

/* POST: the tick count from the time of day. */
void ticks_init(void)
{
    rtc_wait();
    uint32_t h = bin(rtc_read(0x04)), m = bin(rtc_read(0x02)), s = bin(rtc_read(0x00));
    uint32_t secs = (h * 60 + m) * 60 + s;

    /* secs * TICKS_DAY / 86400 without 64-bit division: 18 + 223/1080. */
    BDA->ticks = secs * 18 + secs * 223 / 1080;
    BDA->midnight = 0;
}

void int1a_handler(struct regs *r)
{
    set_cf(r, false);
    switch (r->ah) {
    case 0x00:
        r->cx = (uint16_t)(BDA->ticks >> 16);
        r->dx = (uint16_t)BDA->ticks;
        r->al = BDA->midnight;
        BDA->midnight = 0;
        break;
    case 0x01:
        BDA->ticks = (uint32_t)r->cx << 16 | r->dx;
        BDA->midnight = 0;
        break;
    case 0x02:
        rtc_wait();
        r->ch = rtc_read(0x04);
        r->cl = rtc_read(0x02);
        r->dh = rtc_read(0x00);
        r->dl = cmos_read(0x0B) & 0x01;
        break;
    case 0x03:
        cmos_write(0x0B, cmos_read(0x0B) | 0x80);       /* SET: hold updates */
        rtc_write(0x04, r->ch);
        rtc_write(0x02, r->cl);
        rtc_write(0x00, r->dh);
        cmos_write(0x0B, (cmos_read(0x0B) & ~0x81) | (r->dl & 0x01));
        break;
    case 0x04:
        rtc_wait();
        r->ch = rtc_read(0x32);
        r->cl = rtc_read(0x09);
        r->dh = rtc_read(0x08);
        r->dl = rtc_read(0x07);
        break;
    case 0x05:
        cmos_write(0x0B, cmos_read(0x0B) | 0x80);
        rtc_write(0x32, r->ch);
        rtc_write(0x09, r->cl);
        rtc_write(0x08, r->dh);
        rtc_write(0x07, r->dl);
        cmos_write(0x0B, cmos_read(0x0B) & ~0x80);
        break;
    default:
        set_cf(r, true);
        break;
    }
}

void int18_handler(struct regs *r)
{
    (void)r;
    con_puts(ROMSTR("isola BIOS: no bootable device\r\n"));
    halt_forever();
}

void int19_handler(struct regs *r)
{
    uint16_t done;

    (void)r;
    if (STATE->nhd > 0) {
        con_puts(ROMSTR("isola BIOS: booting from disk 80\r\n"));
        if (disk_rw(0, false, 0, 1, 0x0000, 0x7C00, &done) == 0 &&
            *(volatile __seg_fs uint16_t *)0x7DFE == 0xAA55)
            boot_jump(0x80);
    }
    con_puts(ROMSTR("isola BIOS: no bootable disk\r\n"));
    halt_forever();
}
