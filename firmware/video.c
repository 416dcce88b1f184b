/*
 * video.c: the console: the VGA text screen (mode 3, 80x25 at B800:0000)
 * behind INT 10h, and COM1, which mirrors what is written as teletype text.
 *
 * Rules it keeps:
 * - The BDA is the only record of the screen state (mode, cursor per page,
 *   cursor shape, active page), as programs read it directly.
 * - Text mode 3 only: 8 pages of 80x25 cells (char, attribute), 4 KiB
 *   apart; the CRTC (index/data at BDA 0x463 and +1) shows the active page
 *   and its cursor (VGA CRTC registers 0Ah/0Bh shape, 0Ch/0Dh start
 *   address, 0Eh/0Fh cursor location, in character cells).
 * - Teletype output (AH=0Eh, AH=13h, the BIOS's own messages) is also sent
 *   byte for byte to COM1 when the BDA lists one, so a run without a screen
 *   shows the same text; so is a single character written with AH=09h or
 *   0Ah (CX = 1), which is how console drivers such as GRUB's print (they
 *   then move the cursor themselves); longer runs are fills, not text.
 *   The UART's THR is written only when LSR bit 5 (THR empty) is set
 *   (16550A datasheet).
 * - Unknown INT 10h functions return with every register unchanged.
 */
#include "bios.h"

#define VGA_SEG     0xB800
#define COLS        80
#define ROWS        25
#define PAGE_BYTES  0x1000
#define ATTR_NORMAL 0x07

static uint16_t cell_offset(uint8_t page, uint8_t row, uint8_t col)
{
    return (uint16_t)(page * PAGE_BYTES + (row * COLS + col) * 2);
}

static void crtc_write(uint8_t index, uint8_t v)
{
    uint16_t port = BDA->crtc_base;

    outb(port, index);
    outb(port + 1, v);
}

static void crtc_show_cursor(void)
{
    uint8_t page = BDA->video_page;
    uint16_t pos = BDA->cursor_pos[page];
    uint16_t cell = page * (PAGE_BYTES / 2) + (pos >> 8) * COLS + (pos & 0xFF);

    crtc_write(0x0E, cell >> 8);
    crtc_write(0x0F, cell & 0xFF);
}

static void set_cursor(uint8_t page, uint8_t row, uint8_t col)
{
    BDA->cursor_pos[page & 7] = (uint16_t)(row << 8 | col);
    if ((page & 7) == BDA->video_page)
        crtc_show_cursor();
}

/*
 * The cursor shape in CGA scan lines (0-7), as programs give it; the VGA
 * draws 16-line cells, so lines 0-7 are stretched over them the way VGA
 * BIOSes emulate CGA cursors (6,7 becomes 13,14). Bit 5 of the start line
 * hides the cursor.
 */
static void set_cursor_shape(uint8_t start, uint8_t end)
{
    uint8_t s = start & 0x1F, e = end & 0x1F;

    BDA->cursor_shape = (uint16_t)(start << 8 | end);
    if (s < 8 && e < 8) {
        s = s ? (uint8_t)(s * 2 + 1) : 0;
        e = (uint8_t)(e * 2);
    }
    crtc_write(0x0A, (uint8_t)((start & 0x20) | s));
    crtc_write(0x0B, e);
}

static void show_page(uint8_t page)
{
    uint16_t start = page * (PAGE_BYTES / 2);

    BDA->video_page = page;
    BDA->video_pagestart = (uint16_t)(page * PAGE_BYTES);
    crtc_write(0x0C, start >> 8);
    crtc_write(0x0D, start & 0xFF);
    crtc_show_cursor();
}

static void clear_screen(void)
{
    far_fill16(VGA_SEG, 0, ATTR_NORMAL << 8 | ' ', 8 * PAGE_BYTES / 2);
    for (unsigned p = 0; p < 8; p++)
        BDA->cursor_pos[p] = 0;
}

/* Mode 3 and the BDA that describes it. */
static void set_mode3(bool clear)
{
    BDA->video_mode = 3;
    BDA->video_cols = COLS;
    BDA->video_pagesize = PAGE_BYTES;
    BDA->video_rows = ROWS - 1;
    BDA->char_height = 16;
    BDA->crtc_base = 0x3D4;
    BDA->video_msr = 0x29;
    BDA->video_pal = 0x30;
    BDA->video_ctl = 0x60;
    BDA->video_switches = 0xF9;
    BDA->video_flags = 0x51;
    BDA->video_dcc = 0x0B;
    if (clear)
        clear_screen();
    set_cursor_shape(6, 7);
    show_page(0);
}

/*
 * Scroll the window (top,left)-(bottom,right) of the active page up
 * (or down) by n lines, filling the lines it opens with blanks of attr;
 * n = 0 or more than the window clears it (INT 10h AH=06h/07h).
 */
static void scroll(bool up, uint8_t n, uint8_t attr, uint8_t top, uint8_t left,
                   uint8_t bottom, uint8_t right)
{
    uint8_t page = BDA->video_page;

    if (bottom >= ROWS)
        bottom = ROWS - 1;
    if (right >= COLS)
        right = COLS - 1;
    if (top > bottom || left > right)
        return;
    uint8_t height = bottom - top + 1, width = right - left + 1;
    if (n == 0 || n > height)
        n = height;
    for (unsigned i = 0; i < height; i++) {
        uint8_t row = up ? top + i : bottom - i;
        uint16_t dst = cell_offset(page, row, left);
        if (i + n < height) {
            uint8_t from = up ? row + n : row - n;
            far_move16(VGA_SEG, dst, cell_offset(page, from, left), width);
        } else {
            far_fill16(VGA_SEG, dst, (uint16_t)(attr << 8 | ' '), width);
        }
    }
}

/* Serial: COM1 at the BDA's first serial port, 115200 8N1, FIFOs on. */
void serial_init(void)
{
    uint16_t base = 0x3F8;

    /* A UART has a scratch register (16550A, offset 7): is one there? */
    outb(base + 7, 0x5A);
    if (inb(base + 7) != 0x5A)
        return;
    outb(base + 1, 0x00);           /* no UART interrupts */
    outb(base + 3, 0x80);           /* DLAB: the divisor latch */
    outb(base + 0, 0x01);           /* 115200 = 1.8432 MHz / 16 / 1 */
    outb(base + 1, 0x00);
    outb(base + 3, 0x03);           /* 8 data bits, no parity, 1 stop */
    outb(base + 2, 0x07);           /* enable and clear the FIFOs */
    outb(base + 4, 0x03);           /* DTR, RTS */
    BDA->com[0] = base;
    BDA->com_timeout[0] = 1;
}

static void serial_putc(uint8_t c)
{
    uint16_t base = BDA->com[0];

    if (base == 0)
        return;
    for (uint32_t n = 0; n < 100000; n++) {
        if (inb(base + 5) & 0x20)
            break;
    }
    outb(base, c);
}

/*
 * Teletype (INT 10h AH=0Eh): CR, LF, BS and BEL move the cursor or do
 * nothing visible; other bytes are drawn with attr (or, when attr is 0,
 * the attribute already in the cell). The screen scrolls up at the bottom.
 */
static void tty_putc(uint8_t c, uint8_t attr)
{
    uint8_t page = BDA->video_page;
    uint16_t pos = BDA->cursor_pos[page];
    uint8_t row = pos >> 8, col = pos & 0xFF;

    switch (c) {
    case '\r':
        col = 0;
        break;
    case '\n':
        row++;
        break;
    case '\b':
        if (col > 0)
            col--;
        break;
    case '\a':
        break;
    default: {
        uint16_t off = cell_offset(page, row, col);
        if (attr)
            far_write16(VGA_SEG, off, (uint16_t)(attr << 8 | c));
        else
            far_write8(VGA_SEG, off, c);
        if (++col >= COLS) {
            col = 0;
            row++;
        }
    }
    }
    if (row >= ROWS) {
        scroll(true, 1, ATTR_NORMAL, 0, 0, ROWS - 1, COLS - 1);
        row = ROWS - 1;
    }
    set_cursor(page, row, col);
    serial_putc(c);
}

void con_putc(uint8_t c)
{
    tty_putc(c, 0);
}

void con_puts(romstr s)
{
    while (*s)
        con_putc((uint8_t)*s++);
}

void con_putu(uint32_t v)
{
    char digits[10];
    unsigned n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        con_putc((uint8_t)digits[--n]);
}

void con_puthex(uint32_t v, unsigned ndigits)
{
    while (ndigits--) {
        uint8_t d = (v >> (ndigits * 4)) & 0xF;
        con_putc(d < 10 ? '0' + d : 'a' + d - 10);
    }
}

void video_init(void)
{
    set_mode3(true);
}

/* AH=09h/0Ah: n copies of a character at the cursor, the cursor stays. */
static void write_chars(struct regs *r, bool with_attr)
{
    uint8_t page = r->bh & 7;
    uint16_t pos = BDA->cursor_pos[page];
    uint16_t off = cell_offset(page, pos >> 8, pos & 0xFF);
    uint16_t end = (uint16_t)((page + 1) * PAGE_BYTES);

    for (uint16_t n = r->cx; n && off < end; n--, off += 2) {
        if (with_attr)
            far_write16(VGA_SEG, off, (uint16_t)(r->bl << 8 | r->al));
        else
            far_write8(VGA_SEG, off, r->al);
    }
    if (r->cx == 1)
        serial_putc(r->al);
}

/* AH=13h: write the string at ES:BP from (DH, DL) on page BH; AL bit 0
 * moves the cursor, bit 1 means the string alternates char and attribute. */
static void write_string(struct regs *r)
{
    uint8_t page = r->bh & 7;
    uint8_t shown = BDA->video_page;
    uint16_t saved = BDA->cursor_pos[page];
    uint16_t off = r->bp;

    /* Teletype draws on the active page: show this one while writing. */
    BDA->video_page = page;
    set_cursor(page, r->dh, r->dl);
    for (uint16_t n = r->cx; n; n--) {
        uint8_t c = far_read8(r->es, off++);
        uint8_t attr = r->bl;
        if (r->al & 2)
            attr = far_read8(r->es, off++);
        tty_putc(c, attr);
    }
    if (!(r->al & 1))
        BDA->cursor_pos[page] = saved;
    BDA->video_page = shown;
    crtc_show_cursor();
}

void int10_handler(struct regs *r)
{
    uint8_t page = r->bh & 7;

    switch (r->ah) {
    case 0x00:                      /* set mode: 2, 3 (and 7) become 3 */
        if ((r->al & 0x7F) == 2 || (r->al & 0x7F) == 3 || (r->al & 0x7F) == 7)
            set_mode3(!(r->al & 0x80));
        break;
    case 0x01:
        set_cursor_shape(r->ch, r->cl);
        break;
    case 0x02:
        set_cursor(page, r->dh, r->dl);
        break;
    case 0x03:
        r->cx = BDA->cursor_shape;
        r->dx = BDA->cursor_pos[page];
        break;
    case 0x05:
        show_page(r->al & 7);
        break;
    case 0x06:
    case 0x07:
        scroll(r->ah == 0x06, r->al, r->bh, r->ch, r->cl, r->dh, r->dl);
        break;
    case 0x08: {
        uint16_t pos = BDA->cursor_pos[page];
        r->ax = far_read16(VGA_SEG, cell_offset(page, pos >> 8, pos & 0xFF));
        break;
    }
    case 0x09:
    case 0x0A:
        write_chars(r, r->ah == 0x09);
        break;
    case 0x0E:
        tty_putc(r->al, 0);
        break;
    case 0x0F:
        r->al = BDA->video_mode;
        r->ah = (uint8_t)BDA->video_cols;
        r->bh = BDA->video_page;
        break;
    case 0x11:                      /* AX=1130h: font information */
        if (r->al == 0x30) {
            r->cx = BDA->char_height;
            r->dl = BDA->video_rows;
            r->es = 0;
            r->bp = 0;
        }
        break;
    case 0x12:                      /* BL=10h: EGA/VGA information */
        if (r->bl == 0x10) {
            r->bh = 0;              /* colour */
            r->bl = 3;              /* 256 KiB */
            r->cx = 0x0009;         /* no feature bits, switches 9 */
        }
        break;
    case 0x13:
        write_string(r);
        break;
    case 0x1A:                      /* AL=00h: display combination */
        if (r->al == 0x00) {
            r->al = 0x1A;
            r->bx = 0x0008;         /* VGA with colour display */
        }
        break;
    default:
        break;
    }
}
