/*
 * chardev.c: host backends for serial ports (see chardev.h for the specs).
 *
 * Rules kept here:
 *  - Reads never block: poll() with a zero timeout, then one read() into a
 *    small buffer.
 *  - End of input is a state the UART shows the guest as a modem hang-up
 *    (chardev_input_ended). On stdio it is final: stdin cannot come back.
 *    On pipe:PATH with PATH.in it means "no writer has the FIFO open":
 *    PATH.in is opened read-only (non-blocking, so open() does not wait
 *    for a writer), and Linux reports POLLHUP once a writer has come and
 *    gone; the next writer's bytes end the hang-up. With one FIFO for both
 *    ways we hold its write end ourselves, so its input never ends.
 *  - stdin is never made O_NONBLOCK (that flag lives in the open file
 *    description the shell shares with us).
 *  - A pipe's output never blocks: bytes its reader has not taken wait
 *    in our buffer, and when that is full new ones are dropped.
 *  - Output is buffered and flushed at each newline, on every read
 *    attempt (the machine polls often) and at close, so an interactive
 *    prompt appears promptly and a test capturing stdout sees every byte.
 *    stdio output goes through the stdout FILE so it keeps its order with
 *    the debug console (port 0xE9), which prints there too.
 *  - A terminal on stdin is put in raw mode: no echo, no line editing, no
 *    signals (Ctrl-C reaches the guest), CR not turned into LF. Output
 *    processing stays on so a guest's "\n" still returns the carriage.
 *    The saved mode is restored at close and at exit; that one saved state
 *    is process-wide (atexit takes no argument), so it is a static.
 *  - Ctrl-A is an escape on stdio, terminal or not (a test can pipe it):
 *    Ctrl-A x asks the machine to quit, Ctrl-A a (or a second Ctrl-A)
 *    sends Ctrl-A, Ctrl-A h prints the list on stderr; anything else
 *    after Ctrl-A is dropped.
 */
#include "chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CTRL_A 0x01

enum chardev_kind { CHR_NONE, CHR_STDIO, CHR_FILE, CHR_PIPE };

struct chardev {
    enum chardev_kind kind;
    int in_fd, out_fd;        /* -1 when absent */
    bool in_eof;              /* the far end of the input has gone */
    bool escape;              /* the previous input byte was Ctrl-A */
    bool quit;
    uint8_t inbuf[256];
    unsigned in_pos, in_len;
    uint8_t outbuf[4096];
    unsigned out_len;
};

static struct termios saved_tty;
static bool tty_raw;

static void tty_restore(void)
{
    if (tty_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        tty_raw = false;
    }
}

static void tty_make_raw(void)
{
    static bool registered;
    struct termios t;
    if (tty_raw || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) != 0)
        return;
    t = saved_tty;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0)
        return;
    tty_raw = true;
    if (!registered) {
        atexit(tty_restore);
        registered = true;
    }
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b);
}

static struct chardev *chardev_new(enum chardev_kind kind, int in_fd, int out_fd)
{
    struct chardev *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    ch->kind = kind;
    ch->in_fd = in_fd;
    ch->out_fd = out_fd;
    return ch;
}

/* QEMU's convention: PATH.in and PATH.out, else PATH for both ways.
 * O_RDWR (O_NONBLOCK for the read-only PATH.in) keeps open() from waiting
 * for the other end of a FIFO. */
static struct chardev *open_pipe(const char *path, char *err, size_t errlen)
{
    size_t n = strlen(path) + 5;
    char *in = malloc(n), *out = malloc(n);
    int in_fd = -1, out_fd = -1;
    struct chardev *ch = NULL;
    if (!in || !out) {
        set_err(err, errlen, "%s%s", "out of memory", "");
        goto done;
    }
    snprintf(in, n, "%s.in", path);
    snprintf(out, n, "%s.out", path);
    in_fd = open(in, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    out_fd = open(out, O_RDWR | O_CLOEXEC);
    if (in_fd < 0 || out_fd < 0) {
        if (in_fd >= 0)
            close(in_fd);
        if (out_fd >= 0)
            close(out_fd);
        in_fd = open(path, O_RDWR | O_CLOEXEC);
        if (in_fd < 0) {
            int e = errno;
            set_err(err, errlen, "%s.in and .out, or %s itself: ", path, path);
            if (err && strlen(err) + 1 < errlen)
                snprintf(err + strlen(err), errlen - strlen(err), "%s", strerror(e));
            goto done;
        }
        out_fd = dup(in_fd);
    }
    fcntl(out_fd, F_SETFL, fcntl(out_fd, F_GETFL) | O_NONBLOCK);
    ch = chardev_new(CHR_PIPE, in_fd, out_fd);
done:
    free(in);
    free(out);
    return ch;
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    if (!spec)
        spec = "none";
    if (strcmp(spec, "none") == 0 || strcmp(spec, "null") == 0)
        return chardev_new(CHR_NONE, -1, -1);
    if (strcmp(spec, "stdio") == 0) {
        tty_make_raw();
        return chardev_new(CHR_STDIO, STDIN_FILENO, -1);
    }
    if (strncmp(spec, "file:", 5) == 0 && spec[5]) {
        int fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            set_err(err, errlen, "%s%s", strerror(errno), "");
            return NULL;
        }
        return chardev_new(CHR_FILE, -1, fd);
    }
    if (strncmp(spec, "pipe:", 5) == 0 && spec[5])
        return open_pipe(spec + 5, err, errlen);
    set_err(err, errlen, "unknown device '%s' (%s)", spec,
            "stdio, file:PATH, pipe:PATH or none");
    return NULL;
}

/* Write what the host takes now; returns how many bytes are done with.
 * A FIFO nobody reads fills up: its fd is non-blocking and what does not
 * fit stays buffered, so the emulator never hangs on a serial port. */
static size_t write_some(int fd, const uint8_t *p, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, p + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (w <= 0)
            return n;  /* the host end failed: the bytes are lost, as on a cut wire */
        done += (size_t)w;
    }
    return done;
}

void chardev_flush(struct chardev *ch)
{
    if (!ch)
        return;
    if (ch->kind == CHR_STDIO)
        fflush(stdout);
    if (ch->out_len && ch->out_fd >= 0) {
        size_t w = write_some(ch->out_fd, ch->outbuf, ch->out_len);
        memmove(ch->outbuf, ch->outbuf + w, ch->out_len - w);
        ch->out_len -= (unsigned)w;
    }
}

void chardev_write(struct chardev *ch, uint8_t byte)
{
    if (!ch || ch->kind == CHR_NONE)
        return;
    if (ch->kind == CHR_STDIO) {
        fputc(byte, stdout);
        if (byte == '\n')
            fflush(stdout);
        return;
    }
    if (ch->out_len == sizeof ch->outbuf)
        chardev_flush(ch);
    if (ch->out_len == sizeof ch->outbuf)
        return;  /* the reader is not keeping up: the byte is dropped */
    ch->outbuf[ch->out_len++] = byte;
    if (byte == '\n' || ch->out_len == sizeof ch->outbuf)
        chardev_flush(ch);
}

static bool fill_input(struct chardev *ch)
{
    struct pollfd p = {.fd = ch->in_fd, .events = POLLIN};
    ssize_t n;
    if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
        return false;
    n = read(ch->in_fd, ch->inbuf, sizeof ch->inbuf);
    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN))
            ch->in_eof = true;
        return false;
    }
    ch->in_eof = false;   /* a pipe's new writer */
    ch->in_pos = 0;
    ch->in_len = (unsigned)n;
    return true;
}

static void escape_help(void)
{
    fputs("\r\nisola: C-a h    this list\r\n"
          "isola: C-a x    quit\r\n"
          "isola: C-a a    send C-a to the guest (C-a C-a too)\r\n", stderr);
}

/* Ctrl-A handling for stdio; true when *b is to be delivered. */
static bool stdio_filter(struct chardev *ch, uint8_t *b)
{
    if (ch->escape) {
        ch->escape = false;
        if (*b == 'x' || *b == 'X') {
            ch->quit = true;
            return false;
        }
        if (*b == 'h' || *b == 'H' || *b == '?') {
            fflush(stdout);
            escape_help();
            return false;
        }
        if (*b != 'a' && *b != CTRL_A)
            return false;
        *b = CTRL_A;
        return true;
    }
    if (*b == CTRL_A) {
        ch->escape = true;
        return false;
    }
    return true;
}

bool chardev_read(struct chardev *ch, uint8_t *byte)
{
    if (!ch)
        return false;
    chardev_flush(ch);
    if (ch->in_fd < 0 || ch->quit)
        return false;
    for (;;) {
        bool final = ch->in_eof && ch->kind == CHR_STDIO;
        if (ch->in_pos == ch->in_len && (final || !fill_input(ch)))
            return false;
        uint8_t b = ch->inbuf[ch->in_pos++];
        if (ch->kind != CHR_STDIO || stdio_filter(ch, &b)) {
            *byte = b;
            return true;
        }
        if (ch->quit)
            return false;
    }
}

bool chardev_input_ended(const struct chardev *ch)
{
    return ch && ch->in_eof && ch->in_pos == ch->in_len;
}

bool chardev_quit_requested(const struct chardev *ch)
{
    return ch && ch->quit;
}

void chardev_close(struct chardev *ch)
{
    if (!ch)
        return;
    chardev_flush(ch);
    if (ch->kind == CHR_STDIO)
        tty_restore();
    if (ch->kind == CHR_PIPE || ch->kind == CHR_FILE) {
        if (ch->in_fd >= 0)
            close(ch->in_fd);
        if (ch->out_fd >= 0)
            close(ch->out_fd);
    }
    free(ch);
}
