/*
 * prot.h: protection helpers shared by seg.c and intr.c, and far
 * transfers with an explicit operand size.
 *
 * cpu.h's far_jmp/far_call/far_ret/iret assume a 32-bit operand size;
 * instruction handlers that know the size call the _sz forms instead.
 * opsize is the instruction's operand size in bytes: 2 or 4.
 */
#ifndef ISOLA_PROT_H
#define ISOLA_PROT_H

#include "cpu.h"

/* ---- far transfers (intr.c) ---- */
void far_jmp_sz(cpu_t *c, uint16_t sel, uint32_t off, unsigned opsize);
void far_call_sz(cpu_t *c, uint16_t sel, uint32_t off, unsigned opsize);
void far_ret_sz(cpu_t *c, uint16_t pop_bytes, unsigned opsize);
void iret_sz(cpu_t *c, unsigned opsize);

/* ---- descriptors and checks (seg.c) ---- */
/* desc_read with a chosen vector and error code for an out-of-table
 * selector (transfers need the EXT bit or #TS). */
uint64_t desc_fetch(cpu_t *c, uint16_t sel, unsigned vec, uint32_t err);
/* Set the accessed bit of the descriptor behind s (s->sel) if clear. */
void desc_set_accessed(cpu_t *c, struct segcache *s);
/* A null selector in a data segment register: every use faults. */
void seg_make_unusable(struct segcache *s, uint16_t sel);
/* Check a stack segment selector for a load at privilege cpl: vec(sel|ext)
 * for a bad one (vec(ext) if null), #SS(sel|ext) if not present. Sets the
 * accessed bit and fills *out. */
void ss_fetch(cpu_t *c, uint16_t sel, unsigned cpl, unsigned vec, uint32_t ext,
              struct segcache *out);
/* seg_check on any segment cache: vec(err) for a limit violation or an
 * unusable segment, #GP(0) for a type violation. */
uint32_t seg_check_cache(cpu_t *c, const struct segcache *s, uint32_t off,
                         unsigned size, int acc, unsigned vec, uint32_t err);

#endif
