/*
 * bios.h: what every part of isola's BIOS shares: the segment conventions,
 * the interrupt register frame, port I/O, far memory, the BIOS data area
 * and the BIOS's own state in the EBDA.
 *
 * Rules every C file keeps (the code is gcc -m16: 32-bit code run in real
 * mode through operand/address-size prefixes):
 * - While C runs, CS = GS = 0xF000 (this ROM), DS = ES = SS = the EBDA
 *   (stack and state, see STATE), FS = 0 (IVT, BDA, low memory). entry.S
 *   sets this up before it calls any C. GCC assumes DS = ES = SS, so C may
 *   take the address of locals and use string instructions.
 * - The ROM is read-only and not at DS: constant data is declared ROM and
 *   __seg_gs (ROMSTR for strings) so every read of it goes through GS; the
 *   linker script rejects .data, .bss and .rodata, so a string literal or a
 *   jump table that would be read through DS fails the build.
 * - Memory anywhere else below 1 MiB (caller buffers, the text screen) is
 *   reached with the far_* helpers, which borrow ES for one instruction.
 * - Interrupts stay off in handlers unless a handler waits (INT 16h).
 */
#ifndef FIRMWARE_BIOS_H
#define FIRMWARE_BIOS_H

#define BIOS_SEG        0xF000
#define EBDA_SEG        0x9FC0      /* 1 KiB at 0x9FC00: base memory is 639 KiB */
#define EBDA_KIB        1
#define STATE_OFF       0x10        /* struct bios_state in the EBDA */
#define STACK_TOP       0x400       /* the BIOS stack: EBDA 0x100..0x3FF */
#define STACK_BOTTOM    0x100

/* The frame entry.S builds (struct regs): its size, where the handler's
 * address and the pushed ESP sit. */
#define FRAME_SIZE      50
#define FRAME_HANDLER   40
#define FRAME_ESP       20

#define PIC1_CMD    0x20
#define PIC1_DATA   0x21
#define PIC2_CMD    0xA0
#define PIC2_DATA   0xA1
#define PIC_EOI     0x20

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROM         __attribute__((section(".rom")))
/* A string constant in the ROM: ROMSTR("text") has type const __seg_gs char *. */
#define ROMSTR(s)   ({ static const __seg_gs char rom_str_[] ROM = s; rom_str_; })
typedef const __seg_gs char *romstr;

/*
 * The register frame entry.S builds for a C interrupt handler, lowest
 * address first: the segment registers, PUSHAD, the handler's address, and
 * the IRET frame the INT instruction pushed. Handlers return values by
 * changing it.
 */
struct regs {
    uint16_t gs, fs, es, ds;
    union { uint32_t edi; uint16_t di; };
    union { uint32_t esi; uint16_t si; };
    union { uint32_t ebp; uint16_t bp; };
    uint32_t esp;                           /* ignored by POPAD */
    union { uint32_t ebx; uint16_t bx; struct { uint8_t bl, bh; }; };
    union { uint32_t edx; uint16_t dx; struct { uint8_t dl, dh; }; };
    union { uint32_t ecx; uint16_t cx; struct { uint8_t cl, ch; }; };
    union { uint32_t eax; uint16_t ax; struct { uint8_t al, ah; }; };
    uint32_t handler;
    uint16_t ip, cs, flags;
} __attribute__((packed));
_Static_assert(sizeof(struct regs) == FRAME_SIZE, "entry.S FRAME_SIZE");
_Static_assert(offsetof(struct regs, handler) == FRAME_HANDLER, "entry.S");
_Static_assert(offsetof(struct regs, esp) == FRAME_ESP, "entry.S");

#define FLAG_CF     0x0001
#define FLAG_ZF     0x0040
#define FLAG_IF     0x0200

static inline void set_cf(struct regs *r, bool on)
{
    r->flags = on ? (r->flags | FLAG_CF) : (r->flags & ~FLAG_CF);
}

static inline void set_zf(struct regs *r, bool on)
{
    r->flags = on ? (r->flags | FLAG_ZF) : (r->flags & ~FLAG_ZF);
}

/* Port I/O. */
static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Far memory: seg:off anywhere below 1 MiB + 64 KiB. */
static inline uint8_t far_read8(uint16_t seg, uint16_t off)
{
    uint8_t v;
    asm volatile("pushw %%es; movw %w1, %%es; movb %%es:(%2), %0; popw %%es"
                 : "=q"(v) : "r"(seg), "r"((uint32_t)off) : "memory");
    return v;
}
static inline uint16_t far_read16(uint16_t seg, uint16_t off)
{
    uint16_t v;
    asm volatile("pushw %%es; movw %w1, %%es; movw %%es:(%2), %0; popw %%es"
                 : "=r"(v) : "r"(seg), "r"((uint32_t)off) : "memory");
    return v;
}
static inline uint32_t far_read32(uint16_t seg, uint16_t off)
{
    uint32_t v;
    asm volatile("pushw %%es; movw %w1, %%es; movl %%es:(%2), %0; popw %%es"
                 : "=r"(v) : "r"(seg), "r"((uint32_t)off) : "memory");
    return v;
}
static inline void far_write8(uint16_t seg, uint16_t off, uint8_t v)
{
    asm volatile("pushw %%es; movw %w0, %%es; movb %2, %%es:(%1); popw %%es"
                 : : "r"(seg), "r"((uint32_t)off), "q"(v) : "memory");
}
static inline void far_write16(uint16_t seg, uint16_t off, uint16_t v)
{
    asm volatile("pushw %%es; movw %w0, %%es; movw %2, %%es:(%1); popw %%es"
                 : : "r"(seg), "r"((uint32_t)off), "r"(v) : "memory");
}
static inline void far_write32(uint16_t seg, uint16_t off, uint32_t v)
{
    asm volatile("pushw %%es; movw %w0, %%es; movl %2, %%es:(%1); popw %%es"
                 : : "r"(seg), "r"((uint32_t)off), "r"(v) : "memory");
}
/* n words from seg:src to seg:dst, overlap allowed. */
void far_move16(uint16_t seg, uint16_t dst, uint16_t src, uint16_t n);
/* n copies of the word v at seg:dst. */
void far_fill16(uint16_t seg, uint16_t dst, uint16_t v, uint16_t n);

/*
 * The BIOS data area at 0040:0000 (IBM PC/AT Technical Reference; Ralf
 * Brown's list, "MEMORY.LST"), reached through FS = 0.
 */
struct bda {
    uint16_t com[4];            /* 00 serial port bases */
    uint16_t lpt[3];            /* 08 parallel port bases */
    uint16_t ebda_seg;          /* 0E */
    uint16_t equipment;         /* 10 INT 11h */
    uint8_t  pad12;
    uint16_t mem_kib;           /* 13 INT 12h */
    uint8_t  pad15[2];
    uint8_t  kbd_flags0;        /* 17 shift states and locks */
    uint8_t  kbd_flags1;        /* 18 keys held down */
    uint8_t  kbd_altnum;        /* 19 Alt+keypad number */
    uint16_t kbd_head;          /* 1A buffer offsets from 0040:0000 */
    uint16_t kbd_tail;          /* 1C */
    uint16_t kbd_buf[16];       /* 1E */
    uint8_t  floppy[11];        /* 3E */
    uint8_t  video_mode;        /* 49 */
    uint16_t video_cols;        /* 4A */
    uint16_t video_pagesize;    /* 4C */
    uint16_t video_pagestart;   /* 4E */
    uint16_t cursor_pos[8];     /* 50 per page: column low byte, row high */
    uint16_t cursor_shape;      /* 60 end line low byte, start line high */
    uint8_t  video_page;        /* 62 */
    uint16_t crtc_base;         /* 63 */
    uint8_t  video_msr;         /* 65 */
    uint8_t  video_pal;         /* 66 */
    uint16_t resume_ip;         /* 67 far pointer for CMOS shutdown codes 5, A */
    uint16_t resume_cs;         /* 69 */
    uint8_t  last_irq;          /* 6B */
    uint32_t ticks;             /* 6C timer ticks since midnight */
    uint8_t  midnight;          /* 70 */
    uint8_t  ctrl_break;        /* 71 */
    uint16_t reset_flag;        /* 72 */
    uint8_t  hd_status;         /* 74 last INT 13h hard disk status */
    uint8_t  hd_count;          /* 75 */
    uint8_t  hd_control;        /* 76 */
    uint8_t  hd_port;           /* 77 */
    uint8_t  lpt_timeout[4];    /* 78 */
    uint8_t  com_timeout[4];    /* 7C */
    uint16_t kbd_start;         /* 80 */
    uint16_t kbd_end;           /* 82 */
    uint8_t  video_rows;        /* 84 rows - 1 */
    uint16_t char_height;       /* 85 */
    uint8_t  video_ctl;         /* 87 */
    uint8_t  video_switches;    /* 88 */
    uint8_t  video_flags;       /* 89 */
    uint8_t  video_dcc;         /* 8A */
    uint8_t  pad8b[11];
    uint8_t  kbd_flags2;        /* 96 E0/E1 seen, right Ctrl/Alt, 101 keys */
    uint8_t  kbd_leds;          /* 97 */
} __attribute__((packed));
_Static_assert(offsetof(struct bda, ebda_seg) == 0x0E, "bda");
_Static_assert(offsetof(struct bda, kbd_head) == 0x1A, "bda");
_Static_assert(offsetof(struct bda, video_mode) == 0x49, "bda");
_Static_assert(offsetof(struct bda, cursor_pos) == 0x50, "bda");
_Static_assert(offsetof(struct bda, crtc_base) == 0x63, "bda");
_Static_assert(offsetof(struct bda, ticks) == 0x6C, "bda");
_Static_assert(offsetof(struct bda, hd_count) == 0x75, "bda");
_Static_assert(offsetof(struct bda, kbd_start) == 0x80, "bda");
_Static_assert(offsetof(struct bda, video_rows) == 0x84, "bda");
_Static_assert(offsetof(struct bda, kbd_flags2) == 0x96, "bda");

#define BDA     ((volatile __seg_fs struct bda *)0x400)
#define IVT     ((volatile __seg_fs uint32_t *)0)
#define LOWMEM  ((volatile __seg_fs uint8_t *)0)

/* One ATA hard disk as INT 13h presents it. */
struct hd {
    uint64_t sectors;           /* IDENTIFY's LBA capacity */
    uint16_t cyls;              /* translated geometry, cyls <= 1024 */
    uint8_t  heads, spt;
    uint8_t  select;            /* device register bit 4: 0 master, 1 slave */
    uint8_t  lba48;
};

/* What the BIOS keeps in RAM, at DS:STATE_OFF (the EBDA). */
struct bios_state {
    uint32_t ram_top;           /* end of RAM below 4 GiB (bytes) */
    uint32_t ram_high;          /* RAM above 4 GiB in 64 KiB units */
    struct hd hd[2];            /* INT 13h drives 0x80, 0x81 */
    uint8_t  nhd;
    uint8_t  kbd_skip;          /* bytes of an E1 (Pause) sequence to drop */
};
_Static_assert(STATE_OFF + sizeof(struct bios_state) <= STACK_BOTTOM, "state");

/* The pointer goes through an empty asm so that GCC does not treat a
 * constant address as an object of size 0 (-Warray-bounds). */
static inline struct bios_state *bios_state(void)
{
    struct bios_state *p;

    asm("" : "=r"(p) : "0"(STATE_OFF));
    return p;
}
#define STATE   (bios_state())

/* CMOS (MC146818) registers. */
static inline uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}
static inline void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

static inline void sti_hlt_cli(void)
{
    /* STI's one-instruction delay makes STI;HLT wait for the next IRQ
     * without a window in which it could be missed (SDM vol. 2, STI). */
    asm volatile("sti; hlt; cli" : : : "memory");
}

/* entry.S */
extern char int08_entry[], int09_entry[], int10_entry[], int11_entry[],
    int12_entry[], int13_entry[], int15_entry[], int16_entry[],
    int18_entry[], int19_entry[], int1a_entry[], iret_entry[],
    irq_master_entry[], irq_slave_entry[];
__attribute__((noreturn)) void boot_jump(uint8_t drive);
void lapic_virtual_wire(void);

/* video.c */
void video_init(void);
void serial_init(void);
void con_putc(uint8_t c);
void con_puts(romstr s);
void con_putu(uint32_t v);
void con_puthex(uint32_t v, unsigned digits);
void int10_handler(struct regs *r);

/* keyboard.c */
void kbd_init(void);
void int09_handler(struct regs *r);
void int16_handler(struct regs *r);

/* disk.c */
void disk_init(void);
void int13_handler(struct regs *r);
uint8_t disk_rw(unsigned drive, bool write, uint64_t lba, uint16_t count,
                uint16_t seg, uint16_t off, uint16_t *done);

/* services.c */
void ticks_init(void);
void int11_handler(struct regs *r);
void int12_handler(struct regs *r);
void int15_handler(struct regs *r);
void int18_handler(struct regs *r);
void int19_handler(struct regs *r);
void int1a_handler(struct regs *r);
__attribute__((noreturn)) void halt_forever(void);

/* pci.c */
void pci_init(void);

#endif /* __ASSEMBLER__ */
#endif
