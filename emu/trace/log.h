/*
 * log.h: the debug log (-d insn,int and -D FILE) and the -stats report.
 * One log per process, as in QEMU: it is opened once by the command line
 * and every CPU observer writes to it.
 */
#ifndef ISOLA_TRACE_LOG_H
#define ISOLA_TRACE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"

/* Log items, selected with -d ITEM[,ITEM...]. */
#define LOG_INSN 0x1u  /* every instruction: count, CS:EIP, disassembly, registers */
#define LOG_INT 0x2u   /* every exception and interrupt delivered */

/* Parse a -d list into *mask. On a bad item returns false and points *bad
 * at the start of it (the rest of the list follows it). */
bool log_parse_items(const char *list, unsigned *mask, const char **bad);
/* The -d help text: one line per item. */
void log_print_items(FILE *f);

/* Send the log to path (NULL: stderr). Returns false with errno set. */
bool log_open(const char *path);
void log_close(void);
void log_flush(void);
FILE *log_file(void);

/* Install the observers the mask selects (call again after cpu_reset if it
 * clears them). Opens Capstone for LOG_INSN; returns false if it cannot. */
bool log_attach(cpu_t *c, unsigned mask);

/* Read n bytes of guest linear memory as the page tables map them now,
 * without touching the TLB, accessed/dirty bits or devices. Returns how
 * many bytes from the start could be read: it stops at the first byte that
 * is not present or not RAM. */
unsigned guest_peek(const cpu_t *c, uint32_t lin, uint8_t *buf, unsigned n);

/* The CPL the handler of vector vec will run at, read without side
 * effects from the IDT gate and the code descriptor it names (SDM vol. 3,
 * 6.12.1); -1 when they cannot be read or delivery will fault. */
int intr_handler_cpl(const cpu_t *c, unsigned vec, unsigned old_cpl);

/* The -stats report: calls mmu_fold_stats(c) first. */
void stats_print(cpu_t *c, FILE *f, double host_seconds);

#endif
