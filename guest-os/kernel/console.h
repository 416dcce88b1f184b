/*
 * console.h: the system console: output to the VGA text screen and/or
 * COM1, input from the keyboard and/or COM1 through a line discipline.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct object;

void console_init(void);
/* Output that must get out whatever state the kernel is in (printk). */
void console_write_kernel(const char *s, size_t n);
/* A byte typed on the keyboard or received on the serial line. */
void console_input(char c);
/* The serial line's carrier dropped: the console's input has ended. */
void console_hangup(void);
/* The console's foreground process group (0 if none was set). */
int console_foreground(void);
/* A new open file on the console, with open() flags. */
struct object *console_open(unsigned flags);

/* output devices (uart.c, vga.c) */
void uart_init(void);
void uart_putc(char c);
void vga_init(void);
void vga_putc(char c);
void kbd_init(void);

#endif
