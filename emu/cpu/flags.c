/*
 * flags.c: lazy arithmetic flags.
 *
 * An ALU instruction records its operands, result and kind in c->lf
 * instead of computing six flags that the next instruction usually
 * overwrites. The flags are computed only when something reads them: a
 * conditional jump (cpu_cond, inline in cpu.h for the usual cases;
 * cpu_cond_slow here for the rest), PUSHF, an interrupt, LAHF...
 * Rules: c->lf.op == LF_NONE means the arithmetic bits of c->eflags are
 * current; otherwise those bits in c->eflags are stale and c->lf rules.
 * Values in c->lf are sign-extended from the operation's size (cpu.h),
 * so every formula below holds for 8, 16 and 32 bits alike: the sign
 * bit is bit 31, and unsigned and signed order are both kept.
 */
#include "cpu.h"

static bool lf_cf(const struct lazyflags *f)
{
    switch (f->op) {
    case LF_ADD: return f->res < f->op1;
    case LF_ADC: return f->cf ? f->res <= f->op1 : f->res < f->op1;
    case LF_SUB: return f->op1 < f->op2;
    case LF_SBB: return f->cf ? f->op1 <= f->op2 : f->op1 < f->op2;
    case LF_LOGIC: return false;
    default: return f->cf;  /* INC, DEC, CFOF */
    }
}

/* Overflow: an addition whose operands agree in sign and whose result
 * does not; a subtraction whose operands differ in sign and whose result
 * differs from the first. INC and DEC are those with an operand of 1. */
static bool lf_of(const struct lazyflags *f)
{
    switch (f->op) {
    case LF_ADD: case LF_ADC: case LF_INC:
        return ((f->op1 ^ f->res) & (f->op2 ^ f->res)) >> 31;
    case LF_SUB: case LF_SBB: case LF_DEC:
        return ((f->op1 ^ f->op2) & (f->op1 ^ f->res)) >> 31;
    case LF_LOGIC: return false;
    default: return f->of;  /* CFOF */
    }
}

/* The carry out of bit 3, read back from the operands and the result. */
static bool lf_af(const struct lazyflags *f)
{
    switch (f->op) {
    case LF_ADD: case LF_ADC: case LF_SUB: case LF_SBB: case LF_INC: case LF_DEC:
        return ((f->op1 ^ f->op2 ^ f->res) & 0x10) != 0;
    default: return false;
    }
}

static bool parity_even(uint32_t v)
{
    return !__builtin_parity(v & 0xFF);
}

static uint32_t lf_compute(const struct lazyflags *f)
{
    uint32_t fl = 0;
    if (lf_cf(f)) fl |= FL_CF;
    if (parity_even(f->res)) fl |= FL_PF;
    if (lf_af(f)) fl |= FL_AF;
    if (f->res == 0) fl |= FL_ZF;
    if (f->res >> 31) fl |= FL_SF;
    if (lf_of(f)) fl |= FL_OF;
    return fl;
}

void lf_materialize(cpu_t *c)
{
    if (c->lf.op == LF_NONE)
        return;
    c->eflags = (c->eflags & ~FL_ARITH) | lf_compute(&c->lf);
    c->lf.op = LF_NONE;
}

uint32_t cpu_eflags(cpu_t *c)
{
    lf_materialize(c);
    return c->eflags | 0x2u;  /* bit 1 always reads as 1 */
}

void cpu_set_eflags(cpu_t *c, uint32_t value, uint32_t mask)
{
    lf_materialize(c);
    c->eflags = (c->eflags & ~mask) | (value & mask);
    c->eflags = (c->eflags | 0x2u) & ~0x8028u;  /* bits 3, 5, 15 are reserved zero */
}

bool cpu_cond_slow(cpu_t *c, unsigned cc)
{
    uint32_t fl = c->lf.op == LF_NONE ? c->eflags : lf_compute(&c->lf);
    bool r;
    switch (cc >> 1) {
    case 0: r = fl & FL_OF; break;
    case 1: r = fl & FL_CF; break;
    case 2: r = fl & FL_ZF; break;
    case 3: r = fl & (FL_CF | FL_ZF); break;
    case 4: r = fl & FL_SF; break;
    case 5: r = fl & FL_PF; break;
    case 6: r = !(fl & FL_SF) != !(fl & FL_OF); break;
    default: r = (fl & FL_ZF) || (!(fl & FL_SF) != !(fl & FL_OF)); break;
    }
    return r ^ (cc & 1);
}
