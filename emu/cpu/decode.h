/*
 * decode.h: the decoder's fetch cursor, shared by decode.c and the block
 * builder in exec.c.
 */
#ifndef ISOLA_DECODE_H
#define ISOLA_DECODE_H

#include "cpu.h"

struct fetch {
    cpu_t *c;
    uint32_t eip;          /* offset of the instruction's first byte in CS */
    const uint8_t *page;   /* host copy of the code page, or NULL */
    uint32_t page_lin;     /* linear address of that page */
    unsigned n;            /* bytes fetched so far */
    unsigned flags;        /* OPF_* of the decoded opcode */
    bool o32_default;      /* CS.D */
    bool probe;            /* fail instead of raising, fetch only from page */
    bool fail;
};

/* Decode one instruction at f->eip. In probe mode check f->fail after. */
unsigned decode_fetch(struct fetch *f, struct insn *i);

#endif
