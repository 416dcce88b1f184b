/*
 * test_uart.c: the 16550A through its ports, with no CPU: loopback,
 * FIFO trigger levels and the character timeout, THRE, the IIR priority
 * order, MSR deltas in loopback, the IRQ line's edges, the file, pipe
 * and none chardevs, and the modem hang-up when host input ends.
 *
 * Rules kept here: a struct bus and bus_in/bus_out only; expected values
 * come from the PC16550D datasheet; each failed check prints a line; the
 * exit status is the number of failed checks (0 = pass).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "dev/chardev.h"
#include "dev/uart.h"
#include "vtime.h"

#include "check.h"

#define B 0x3F8
enum { RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

/* The IRQ line as the PIC sees it: level and rising edges. */
struct line {
    bool level;
    unsigned edges;
};

static void line_set(void *opaque, unsigned irq, bool level)
{
    struct line *l = opaque;
    (void)irq;
    if (level && !l->level)
        l->edges++;
    l->level = level;
}

static struct bus bus;
static struct line line;
static struct uart u;

static uint8_t in(unsigned r) { return (uint8_t)bus_in(&bus, (uint16_t)(B + r), 1); }
static void out(unsigned r, uint8_t v) { bus_out(&bus, (uint16_t)(B + r), 1, v); }

static void setup(struct chardev *chr)
{
    bus_init(&bus);
    line = (struct line){0};
    uart_init(&u, &bus, B, (struct irq_line){line_set, &line, 4}, chr);
}

static void test_reset_state(void)
{
    setup(NULL);
    EQ(in(IER), 0x00);
    EQ(in(IIR), 0x01);
    EQ(in(LCR), 0x00);
    EQ(in(MCR), 0x00);
    EQ(in(LSR), 0x60);
    CHECK(!line.level);
    out(SCR, 0x5A);
    EQ(in(SCR), 0x5A);
    /* divisor latch behind DLAB */
    out(LCR, 0x80);
    out(RBR, 0x01);
    out(IER, 0x02);
    EQ(in(RBR), 0x01);
    EQ(in(IER), 0x02);
    out(LCR, 0x03);
    EQ(in(IER), 0x00);
    EQ(u.divisor, 0x0201);
}

static void test_loopback(void)
{
    setup(NULL);
    out(MCR, 0x10);
    out(RBR, 'A');
    EQ(in(LSR), 0x61);         /* DR, THRE, TEMT */
    EQ(in(RBR), 'A');
    EQ(in(LSR), 0x60);
    /* no FIFO: a second byte before the first is read overruns */
    out(RBR, 'B');
    out(RBR, 'C');
    EQ(in(LSR), 0x63);         /* OE cleared by this read */
    EQ(in(LSR), 0x61);
    EQ(in(RBR), 'C');
    /* modem outputs come back as inputs: DTR->DSR RTS->CTS OUT1->RI OUT2->DCD */
    in(MSR);
    out(MCR, 0x10 | 0x01);
    EQ(in(MSR), 0x22);         /* DSR, delta DSR */
    EQ(in(MSR), 0x20);
    out(MCR, 0x10 | 0x0E);     /* DTR off; RTS, OUT1, OUT2 on */
    EQ(in(MSR), 0xD0 | 0x02 | 0x01 | 0x08);
    out(MCR, 0x10);            /* RI trailing edge -> TERI */
    EQ(in(MSR) & 0x0F, 0x01 | 0x04 | 0x08);
}

static void test_fifo_trigger(void)
{
    setup(NULL);
    out(MCR, 0x10);
    out(FCR, 0x01 | 0x80);     /* FIFOs on, trigger 8 */
    EQ(in(IIR), 0xC1);
    out(IER, 0x01);
    for (int j = 0; j < 7; j++)
        out(RBR, (uint8_t)('a' + j));
    EQ(in(IIR), 0xC1);         /* below the trigger, no timeout yet */
    CHECK(!line.level);
    out(RBR, 'h');
    EQ(in(IIR), 0xC4);
    CHECK(line.level);
    EQ(line.edges, 1);
    EQ(in(RBR), 'a');
    EQ(in(IIR), 0xC1);         /* 7 left: below the trigger again */
    CHECK(!line.level);
    /* the FIFO holds 16; the 17th overruns and is lost */
    for (int j = 0; j < 10; j++)
        out(RBR, (uint8_t)('0' + j));
    EQ(u.rx.count, 16);
    EQ(in(LSR) & 0x03, 0x03);
    for (int j = 0; j < 7; j++)  /* b..h */
        in(RBR);
    EQ(in(RBR), '0');
    /* FCR bit 1 empties the receive FIFO */
    out(FCR, 0x03);
    EQ(in(LSR) & 0x01, 0);
    CHECK(!line.level);
    /* trigger levels 1, 4, 14 */
    out(FCR, 0x41);
    for (int j = 0; j < 3; j++)
        out(RBR, 'x');
    EQ(in(IIR), 0xC1);
    out(RBR, 'x');
    EQ(in(IIR), 0xC4);
    out(FCR, 0xC3);
    for (int j = 0; j < 13; j++)
        out(RBR, 'y');
    EQ(in(IIR), 0xC1);
    out(RBR, 'y');
    EQ(in(IIR), 0xC4);
    /* turning FIFOs off clears them and IIR bits 6-7 */
    out(FCR, 0x00);
    EQ(in(IIR), 0x01);
    EQ(in(LSR), 0x60);
}

static void test_timeout_poll(void)
{
    setup(NULL);
    out(MCR, 0x10);
    out(FCR, 0xC1);            /* trigger 14 */
    out(IER, 0x01);
    out(RBR, 'z');
    uart_poll(&u);             /* activity since the last poll: no timeout */
    EQ(in(IIR), 0xC1);
    uart_poll(&u);             /* a quiet interval: character timeout */
    EQ(in(IIR), 0xCC);
    CHECK(line.level);
    EQ(in(RBR), 'z');
    EQ(in(IIR), 0xC1);
    CHECK(!line.level);
}

static void test_timeout_clock(void)
{
    uint64_t icount = 0;
    struct vclock clk;
    vclock_init(&clk, &icount, VTIME_DEFAULT_IPS, false);
    setup(NULL);
    uart_set_clock(&u, &clk);
    out(MCR, 0x10);
    out(LCR, 0x80);
    out(RBR, 1);               /* 115200 baud: 10 bits = 86.8 us */
    out(IER, 0);
    out(LCR, 0x03);
    out(FCR, 0xC1);
    out(IER, 0x01);
    out(RBR, 'q');
    icount = 30000;            /* 300 us: under 4 characters (347 us) */
    vclock_run_expired(&clk);
    EQ(in(IIR), 0xC1);
    icount = 40000;
    vclock_run_expired(&clk);
    EQ(in(IIR), 0xCC);
    CHECK(line.level);
    in(RBR);
    CHECK(!line.level);
}

static void test_thre_and_priority(void)
{
    setup(NULL);
    out(MCR, 0x10);
    in(MSR);                   /* entering loopback changed the inputs */
    /* enabling ETBEI with THR empty raises THRE at once */
    out(IER, 0x02);
    CHECK(line.level);
    EQ(line.edges, 1);
    EQ(in(IIR), 0x02);
    EQ(in(IIR), 0x01);         /* the IIR read cleared it */
    CHECK(!line.level);
    /* a write empties THR again at once: another THRE, another edge */
    out(IER, 0x0F);
    out(RBR, 'p');
    EQ(line.edges, 2);
    /* RDA outranks THRE */
    EQ(in(IIR), 0x04);
    /* line status outranks both: make an overrun */
    out(RBR, 'q');
    EQ(in(IIR), 0x06);
    EQ(line.edges, 3);         /* a new source while high: a fresh edge */
    in(LSR);
    EQ(in(IIR), 0x04);
    in(RBR);
    EQ(in(IIR), 0x02);
    EQ(in(IIR), 0x01);
    /* modem status is last */
    out(MCR, 0x11);
    EQ(in(IIR), 0x00);
    CHECK(line.level);
    in(MSR);
    EQ(in(IIR), 0x01);
    CHECK(!line.level);
    /* disabling the source in IER drops the line */
    out(RBR, 'r');
    CHECK(line.level);
    out(IER, 0x00);
    CHECK(!line.level);
    EQ(in(IIR), 0x01);
}

static void test_chardev_file(void)
{
    char path[] = "/tmp/isola-uart-XXXXXX", spec[64], err[128], buf[16] = {0};
    int fd = mkstemp(path);
    FILE *f;
    struct chardev *ch;
    CHECK(fd >= 0);
    close(fd);
    snprintf(spec, sizeof spec, "file:%s", path);
    ch = chardev_open(spec, err, sizeof err);
    CHECK(ch != NULL);
    if (!ch)
        return;
    setup(ch);
    out(RBR, 'o');
    out(RBR, 'k');
    out(RBR, '\n');
    uart_poll(&u);             /* file: no input */
    EQ(in(LSR), 0x60);
    chardev_close(ch);
    f = fopen(path, "r");
    CHECK(f && fread(buf, 1, sizeof buf - 1, f) == 3);
    CHECK(strcmp(buf, "ok\n") == 0);
    if (f)
        fclose(f);
    unlink(path);

    CHECK(chardev_open("bogus", err, sizeof err) == NULL);
    CHECK(strstr(err, "bogus") != NULL);
    ch = chardev_open("none", err, sizeof err);
    CHECK(ch != NULL);
    chardev_write(ch, 'x');
    CHECK(!chardev_quit_requested(ch));
    chardev_close(ch);
}

/* pipe:PATH with PATH.in / PATH.out FIFOs; input reaches RBR via uart_poll. */
static void test_chardev_pipe(void)
{
    char dir[] = "/tmp/isola-pipe-XXXXXX", base[64], in_path[80], out_path[80];
    char spec[96], err[128];
    uint8_t got[8] = {0};
    struct chardev *ch;
    int wfd, rfd;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(base, sizeof base, "%s/com", dir);
    snprintf(in_path, sizeof in_path, "%s.in", base);
    snprintf(out_path, sizeof out_path, "%s.out", base);
    CHECK(mkfifo(in_path, 0600) == 0 && mkfifo(out_path, 0600) == 0);
    snprintf(spec, sizeof spec, "pipe:%s", base);
    ch = chardev_open(spec, err, sizeof err);
    CHECK(ch != NULL);
    if (!ch)
        return;
    wfd = open(in_path, O_WRONLY);
    rfd = open(out_path, O_RDONLY | O_NONBLOCK);
    CHECK(write(wfd, "hi", 2) == 2);
    setup(ch);
    out(FCR, 0x01);
    uart_poll(&u);
    EQ(in(LSR) & 1, 1);
    EQ(in(RBR), 'h');
    EQ(in(RBR), 'i');
    EQ(in(LSR) & 1, 0);
    out(RBR, 'y');
    chardev_flush(ch);
    CHECK(read(rfd, got, sizeof got) == 1 && got[0] == 'y');
    /* nobody reads PATH.out any more: the writes must not block */
    for (int k = 0; k < 200000; k++)
        out(RBR, (uint8_t)k);
    EQ(in(LSR), 0x60);
    chardev_close(ch);
    close(wfd);
    close(rfd);
    unlink(in_path);
    unlink(out_path);
    rmdir(dir);
}

/* End of host input is a hang-up: DCD and DSR drop (with DDCD, DDSR and
 * the modem status interrupt) once the guest has read every byte. */
static void expect_hangup(void)
{
    unsigned edges = line.edges;
    uart_poll(&u);
    EQ(in(IIR), 0xC0);          /* modem status, FIFOs on */
    CHECK(line.level && line.edges == edges + 1);
    EQ(in(MSR), 0x1A);          /* CTS kept; DDSR, DDCD */
    EQ(in(MSR), 0x10);
    EQ(in(IIR), 0xC1);
    CHECK(!line.level);
}

static void test_hangup_pipe(void)
{
    char dir[] = "/tmp/isola-hup-XXXXXX", base[64], in_path[80], out_path[80];
    char spec[96], err[128];
    struct chardev *ch;
    int wfd;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(base, sizeof base, "%s/com", dir);
    snprintf(in_path, sizeof in_path, "%s.in", base);
    snprintf(out_path, sizeof out_path, "%s.out", base);
    CHECK(mkfifo(in_path, 0600) == 0 && mkfifo(out_path, 0600) == 0);
    snprintf(spec, sizeof spec, "pipe:%s", base);
    ch = chardev_open(spec, err, sizeof err);
    CHECK(ch != NULL);
    if (!ch)
        return;
    setup(ch);
    out(FCR, 0x01);
    out(IER, 0x08);             /* EDSSI */
    uart_poll(&u);
    EQ(in(MSR), 0xB0);          /* no writer yet: not a hang-up */
    wfd = open(in_path, O_WRONLY);
    CHECK(write(wfd, "hi", 2) == 2);
    close(wfd);
    uart_poll(&u);
    uart_poll(&u);
    EQ(in(MSR), 0xB0);          /* bytes still unread: carrier stays */
    EQ(in(RBR), 'h');
    EQ(in(RBR), 'i');
    expect_hangup();
    uart_poll(&u);
    EQ(in(MSR), 0x10);          /* stays down, no new deltas */
    wfd = open(in_path, O_WRONLY);
    CHECK(write(wfd, "x", 1) == 1);
    uart_poll(&u);
    EQ(in(IIR), 0xC0);
    EQ(in(MSR), 0xBA);          /* a new writer: carrier back, deltas again */
    EQ(in(RBR), 'x');
    close(wfd);
    chardev_close(ch);
    unlink(in_path);
    unlink(out_path);
    rmdir(dir);
}

/* stdin at end of file: the hang-up is final. none and file: never had
 * input and never hang up. */
static void test_hangup_stdio(void)
{
    char err[128];
    int p[2], saved = dup(STDIN_FILENO);
    struct chardev *ch;
    CHECK(saved >= 0 && pipe(p) == 0);
    CHECK(write(p[1], "z", 1) == 1);
    close(p[1]);
    CHECK(dup2(p[0], STDIN_FILENO) == STDIN_FILENO);
    close(p[0]);
    ch = chardev_open("stdio", err, sizeof err);
    CHECK(ch != NULL);
    setup(ch);
    out(FCR, 0x01);
    out(IER, 0x08);
    uart_poll(&u);
    uart_poll(&u);
    EQ(in(MSR), 0xB0);
    EQ(in(RBR), 'z');
    expect_hangup();
    out(MCR, 0x10);             /* loopback: the modem inputs come from MCR */
    EQ(in(MSR) & 0xF0, 0x00);
    out(MCR, 0x00);             /* back out: still hung up */
    EQ(in(MSR) & 0xF0, 0x10);
    chardev_close(ch);
    dup2(saved, STDIN_FILENO);
    close(saved);

    ch = chardev_open("none", err, sizeof err);
    setup(ch);
    out(IER, 0x08);
    for (int k = 0; k < 3; k++)
        uart_poll(&u);
    EQ(in(MSR), 0xB0);
    EQ(in(IIR), 0x01);
    chardev_close(ch);
}

int main(void)
{
    test_reset_state();
    test_loopback();
    test_fifo_trigger();
    test_timeout_poll();
    test_timeout_clock();
    test_thre_and_priority();
    test_chardev_file();
    test_chardev_pipe();
    test_hangup_pipe();
    test_hangup_stdio();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures;
}
