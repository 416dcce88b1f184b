/*
 * chardev.h: the host end of a serial port. A chardev moves bytes between
 * the guest's UART and the host: stdio, a file, a pair of named pipes, or
 * nowhere.
 *
 *   stdio       output to stdout, input from stdin. When stdin is a
 *               terminal it is put in raw mode (restored at close and at
 *               exit) and Ctrl-A is an escape, as in QEMU's -nographic:
 *               Ctrl-A x quits, Ctrl-A a sends a literal Ctrl-A,
 *               Ctrl-A h lists these on stderr.
 *               Ctrl-C goes to the guest.
 *   file:PATH   output written to PATH (truncated), no input.
 *   pipe:PATH   input from PATH.in, output to PATH.out (FIFOs made with
 *               mkfifo), or both on PATH itself when those do not exist.
 *               Input from PATH.in ends while no writer holds it open
 *               (after one has); it resumes when a writer sends bytes.
 *   none        output discarded, no input.
 *
 * Reads never block. The machine asks chardev_quit_requested() after
 * polling to learn that the user typed Ctrl-A x.
 */
#ifndef ISOLA_DEV_CHARDEV_H
#define ISOLA_DEV_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;

/* NULL on a bad spec or an open failure, with a one-line reason in err
 * (without a "-serial SPEC:" prefix; the caller adds its own). */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
void chardev_close(struct chardev *ch);

void chardev_write(struct chardev *ch, uint8_t byte);
/* One byte of host input if one is waiting; never blocks. */
bool chardev_read(struct chardev *ch, uint8_t *byte);
/* Push buffered output to the host (done at newlines and on reads too). */
void chardev_flush(struct chardev *ch);
/* The input has ended and every byte read from it was handed out: stdin
 * at end of file, or PATH.in with no writer. Never true for backends
 * without input (none, file:). A serial port shows it as a hang-up. */
bool chardev_input_ended(const struct chardev *ch);
/* The user typed the quit escape (Ctrl-A x) on a stdio terminal. */
bool chardev_quit_requested(const struct chardev *ch);

#endif
