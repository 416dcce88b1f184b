/*
 * kbd.c (guest): the i8042 and its keyboard as a driver sees them, A20
 * through both gates, and (with -append reset / reset92) the reset lines.
 *
 * Run by kbd.sh with -keys "aB1\nx": isola types those at 0.5 emulated
 * seconds, one character per 10 ms. The checks before that are polled
 * (IRQ1 masked at the PIC); the typed keys arrive by IRQ1 at vector 0x21.
 *
 * Rules kept here:
 *  - Expected values come from the IBM PS/2 technical reference and the
 *    8042 behaviour OSDev documents: set-2 codes translated to set 1 while
 *    command-byte bit 6 is set, replies included (identify gives AB 41).
 *  - -kernel runs no firmware, so the controller is in isola's documented
 *    power-on state: command byte 0x45, A20 on.
 *  - -append nokeys skips the typed keys (for QEMU, which has no -keys).
 *    Under QEMU 7.2 checks 2 (SeaBIOS leaves command byte 0x61), 6 (QEMU
 *    never clears status bit 3 on a data write; the 8042's A2 input is
 *    low for port 0x60) and 30 (no 0xDD/0xDF) fail.
 *  - The A20 probes run from a copy at 0x7000 (below 1 MiB, bit 20 clear)
 *    and touch only explicit addresses while A20 is off: this kernel's
 *    code, data and stack sit at 1 MiB and would be aliased away.
 */
#include "rt.h"

#define DATA 0x60
#define STATUS 0x64
#define CMD 0x64
#define IRQ1_VECTOR (0x20 + 1)
#define LOW_CODE 0x7000u

/* ---- polled I/O ---- */

static void wait_write(void)
{
    for (int n = 0; n < 100000 && (inb(STATUS) & 0x02); n++)
        ;
}

static void command(uint8_t c)
{
    wait_write();
    outb(CMD, c);
}

static void put(uint8_t v)
{
    wait_write();
    outb(DATA, v);
}

/* A byte from the output buffer, or -1 if none comes. */
static int get(void)
{
    for (int n = 0; n < 100000; n++)
        if (inb(STATUS) & 0x01)
            return inb(DATA);
    return -1;
}

static void flush(void)
{
    while (inb(STATUS) & 0x01)
        inb(DATA);
}

static void controller(void)
{
    flush();
    check(inb(STATUS) & 0x14, 0x14, "status: keyboard not inhibited, system flag set");
    command(0x20);
    check(get(), 0x45, "command byte: IRQ1, system flag, translation");
    check(inb(STATUS) & 0x08, 0x08, "status bit 3: the last write was a command");
    command(0xAA);
    check(get(), 0x55, "controller self test: 0x55");
    command(0xAB);
    check(get(), 0x00, "keyboard interface test: 0x00");
    command(0x60);
    put(0x44);                        /* IRQ1 off while polling */
    check(inb(STATUS) & 0x08, 0x00, "status bit 3: the last write was data");
    command(0x20);
    check(get(), 0x44, "command byte written with 0x60 reads back");
    command(0xAD);
    command(0x20);
    check(get(), 0x54, "0xAD sets command-byte bit 4 (keyboard disabled)");
    command(0xAE);
    command(0x20);
    check(get(), 0x44, "0xAE clears it");
}

static void keyboard(void)
{
    put(0xFF);
    check(get(), 0xFA, "keyboard reset: ACK");
    check(get(), 0xAA, "... then self test passed");
    put(0xEE);
    check(get(), 0xEE, "echo");
    put(0xF2);
    check(get(), 0xFA, "identify: ACK");
    check(get(), 0xAB, "... 0xAB");
    check(get(), 0x41, "... 0x83, translated to 0x41");
    put(0xED);
    check(get(), 0xFA, "set LEDs: ACK");
    put(0x02);
    check(get(), 0xFA, "... ACK for the LED byte");
    put(0xF0);
    check(get(), 0xFA, "get scancode set: ACK");
    put(0x00);
    check(get(), 0xFA, "... ACK");
    check(get(), 0x41, "... set 2 (0x02, translated to 0x41)");
    command(0x60);
    put(0x04);                        /* translation off */
    put(0xF2);
    get();
    get();
    check(get(), 0x83, "untranslated identify: 0xAB 0x83");
    command(0x60);
    put(0x44);
    check(get(), -1, "the output buffer is empty now");
}

/* ---- A20 ---- */

/* Runs at LOW_CODE: A20 off, write 0x11111111 to 0x6000 and 0x22222222 to
 * 0x106000, read 0x6000 back into EAX, A20 on. Position independent. */
extern const uint8_t a20_probe_92[], a20_probe_92_end[];
extern const uint8_t a20_probe_kbc[], a20_probe_kbc_end[];
/* Runs at LOW_CODE: 0xDD, read port 0x92 into EAX, 0xDF. */
extern const uint8_t a20_dd_df[], a20_dd_df_end[];
__asm__(".text\n"
        "a20_probe_92:\n\t"
        "inb $0x92, %al\n\tandb $0xFC, %al\n\toutb %al, $0x92\n\t"
        "movl $0x11111111, 0x6000\n\tmovl $0x22222222, 0x106000\n\t"
        "movl 0x6000, %ecx\n\t"
        "inb $0x92, %al\n\torb $0x02, %al\n\toutb %al, $0x92\n\t"
        "movl %ecx, %eax\n\tret\n"
        "a20_probe_92_end:\n"
        "a20_probe_kbc:\n\t"
        "movb $0xD1, %al\n\toutb %al, $0x64\n\tmovb $0xDD, %al\n\toutb %al, $0x60\n\t"
        "movl $0x11111111, 0x6000\n\tmovl $0x22222222, 0x106000\n\t"
        "movl 0x6000, %ecx\n\t"
        "movb $0xD1, %al\n\toutb %al, $0x64\n\tmovb $0xDF, %al\n\toutb %al, $0x60\n\t"
        "movl %ecx, %eax\n\tret\n"
        "a20_probe_kbc_end:\n"
        "a20_dd_df:\n\t"
        "movb $0xDD, %al\n\toutb %al, $0x64\n\t"
        "inb $0x92, %al\n\tmovzbl %al, %ecx\n\t"
        "movb $0xDF, %al\n\toutb %al, $0x64\n\t"
        "movl %ecx, %eax\n\tret\n"
        "a20_dd_df_end:\n");

static uint32_t run_low(const uint8_t *code, const uint8_t *end)
{
    uint32_t (*fn)(void) = (uint32_t (*)(void))LOW_CODE;
    memcpy((void *)LOW_CODE, code, (size_t)(end - code));
    return fn();
}

static void a20(void)
{
    poke32(0x106000, 0);
    check(run_low(a20_probe_92, a20_probe_92_end), 0x22222222,
          "A20 off through port 0x92: 0x106000 aliases 0x6000");
    check(peek32(0x106000), 0, "... the write never reached 0x106000");
    check(inb(0x92) & 0x02, 0x02, "port 0x92 bit 1 reads back A20 on");
    poke32(0x106000, 0x33333333);
    check(peek32(0x6000), 0x22222222, "A20 on again: 0x106000 and 0x6000 are apart");

    poke32(0x106000, 0);
    check(run_low(a20_probe_kbc, a20_probe_kbc_end), 0x22222222,
          "A20 off through the output port (0xD1): 0x106000 aliases 0x6000");
    check(peek32(0x106000), 0, "... the write never reached 0x106000");
    command(0xD0);
    check(get() & 0x03, 0x03, "output port reads back A20 on, reset line high");

    check(run_low(a20_dd_df, a20_dd_df_end) & 0x02, 0x00,
          "0xDD turns A20 off, as port 0x92 bit 1 shows: one A20 line");
    check(inb(0x92) & 0x02, 0x02, "0xDF turns it back on");
}

/* ---- typed keys, by interrupt ---- */

static volatile unsigned nkeys;
static volatile uint8_t keys[32];

static int on_irq1(struct trapframe *f)
{
    (void)f;
    uint8_t b = inb(DATA);
    if (nkeys < sizeof keys)
        keys[nkeys++] = b;
    /* After "aB1\n" (10 set-1 bytes) take the rest untranslated. */
    if (nkeys == 10) {
        outb(CMD, 0x60);
        outb(DATA, 0x05);
    }
    outb(0x20, 0x20);
    return 1;
}

static void pic_setup(void)
{
    outb(0x20, 0x11);
    outb(0x21, 0x20);
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    outb(0xA0, 0x11);
    outb(0xA1, 0x28);
    outb(0xA1, 0x02);
    outb(0xA1, 0x01);
    outb(0xA1, 0xFF);
    outb(0x21, (uint8_t)~(1u << 1));
    set_trap_hook(IRQ1_VECTOR, on_irq1);
}

static void typed_keys(void)
{
    static const uint8_t want[] = {
        0x1E, 0x9E,                   /* a */
        0x2A, 0x30, 0xB0, 0xAA,       /* Shift B, release B, release Shift */
        0x02, 0x82,                   /* 1 */
        0x1C, 0x9C,                   /* Enter */
        0x22, 0xF0, 0x22,             /* x in set 2: translation now off */
    };
    unsigned k;
    pic_setup();
    command(0x60);
    put(0x45);                        /* IRQ1 on, translation on */
    /* HLT skips ahead to the typing timer; every key wakes us. */
    for (k = 0; nkeys < sizeof want && k < 1000; k++)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    check(nkeys, sizeof want, "13 bytes arrived by IRQ1 for the typed \"aB1\\nx\"");
    for (k = 0; k < sizeof want; k++)
        if (keys[k] != want[k])
            break;
    ok(k == sizeof want, "they are the set-1 codes of aB1\\n, then set-2 codes of x");
    if (k < sizeof want && k < nkeys)
        diag("byte %u is 0x%02x, want 0x%02x", k, keys[k], want[k]);
}

/* ---- reset ---- */

static int has_word(const char *s, const char *w)
{
    for (; *s; s++) {
        const char *a = s, *b = w;
        while (*b && *a == *b)
            a++, b++;
        if (!*b && (!*a || *a == ' ') && (s == mb_cmdline || s[-1] == ' '))
            return 1;
    }
    return 0;
}

static void reset_now(void)
{
    int r92 = has_word(mb_cmdline, "reset92");
    ok(1, "asking for a reset through %s", r92 ? "port 0x92" : "the controller (0xFE)");
    printf("# the machine should stop here (-no-reboot)\n");
    if (r92)
        outb(0x92, inb(0x92) | 0x01);
    else
        command(0xFE);
    for (int n = 0; n < 1000; n++)
        __asm__ volatile("nop");
    ok(0, "still running after the reset request");
}

void test_main(void)
{
    if (has_word(mb_cmdline, "reset") || has_word(mb_cmdline, "reset92"))
        reset_now();
    controller();
    keyboard();
    a20();
    if (!has_word(mb_cmdline, "nokeys"))
        typed_keys();
}
