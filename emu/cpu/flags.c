/*
 * flags.c: lazy arithmetic flags.
 *
 * An ALU instruction records its operands, result and kind in c->lf
 * instead of computing six flags that the next instruction usually
 * overwrites. The flags are computed only when something reads them: a
 * conditional jump (cpu_cond), PUSHF, an interrupt, LAHF...
 * Rules: c->lf.op == LF_NONE means the arithmetic bits of c->eflags are
 * current; otherwise those bits in c->eflags are stale and c->lf rules.
 */
#include "cpu.h"

static uint32_t sign_bit(unsigned size) { return 1u << (size * 8 - 1); }
static uint32_t size_mask(unsigned size) { return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1; }

static bool lf_cf(const struct lazyflags *f)
{
    switch (f->op) {
    case LF_ADD: return f->res < f->op1;
    case LF_ADC: return f->cf ? f->res <= f->op1 : f->res < f->op1;
    case LF_SUB: return f->op1 < f->op2;
    case LF_SBB: return f->cf ? f->op1 <= f->op2 : f->op1 < f->op2;
    case LF_NEG: return f->op2 != 0;
    case LF_INC: case LF_DEC: case LF_SHL: case LF_SHR: case LF_SAR:
    case LF_MUL: case LF_IMUL:
        return f->cf;
    default: return false;  /* LF_LOGIC */
    }
}

static bool lf_of(const struct lazyflags *f)
{
    uint32_t sb = sign_bit(f->size);
    switch (f->op) {
    case LF_ADD: case LF_ADC: return ((f->op1 ^ f->res) & (f->op2 ^ f->res) & sb) != 0;
    case LF_SUB: case LF_SBB: return ((f->op1 ^ f->op2) & (f->op1 ^ f->res) & sb) != 0;
    case LF_NEG: return f->res == sb;
    case LF_INC: return f->res == sb;
    case LF_DEC: return f->res == sb - 1;
    case LF_SHL: case LF_SHR: case LF_SAR: case LF_MUL: case LF_IMUL:
        return f->of;
    default: return false;
    }
}

static bool lf_af(const struct lazyflags *f)
{
    switch (f->op) {
    case LF_ADD: case LF_ADC: case LF_SUB: case LF_SBB: case LF_INC: case LF_DEC:
    case LF_NEG:
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
    uint32_t res = f->res & size_mask(f->size);
    uint32_t fl = 0;
    if (lf_cf(f)) fl |= FL_CF;
    if (parity_even(res)) fl |= FL_PF;
    if (lf_af(f)) fl |= FL_AF;
    if (res == 0) fl |= FL_ZF;
    if (res & sign_bit(f->size)) fl |= FL_SF;
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

bool cpu_cf(cpu_t *c)
{
    if (c->lf.op == LF_NONE)
        return c->eflags & FL_CF;
    return lf_cf(&c->lf);
}

/* Conditions straight from a recorded subtraction (CMP/SUB), the most
 * common producer for conditional jumps: no flag word is built. */
static bool cond_after_sub(const struct lazyflags *f, unsigned cc, bool *known)
{
    uint32_t sb = sign_bit(f->size);
    uint32_t a = f->op1, b = f->op2;
    int32_t sa = (int32_t)((a ^ sb) - sb), sbv = (int32_t)((b ^ sb) - sb);
    *known = true;
    switch (cc >> 1) {
    case 1: return (a < b) ^ (cc & 1);        /* B / AE */
    case 2: return (a == b) ^ (cc & 1);       /* E / NE */
    case 3: return (a <= b) ^ (cc & 1);       /* BE / A */
    case 6: return (sa < sbv) ^ (cc & 1);     /* L / GE */
    case 7: return (sa <= sbv) ^ (cc & 1);    /* LE / G */
    default: *known = false; return false;
    }
}

/* After a logical operation CF = OF = 0, so every condition is a test of
 * the result. */
static bool cond_after_logic(const struct lazyflags *f, unsigned cc)
{
    uint32_t res = f->res & size_mask(f->size);
    bool neg = (res & sign_bit(f->size)) != 0;
    bool r;
    switch (cc >> 1) {
    case 0: case 1: r = false; break;          /* O, B */
    case 2: case 3: r = res == 0; break;       /* E, BE */
    case 4: case 6: r = neg; break;            /* S, L */
    case 5: r = parity_even(res); break;       /* P */
    default: r = res == 0 || neg; break;       /* LE */
    }
    return r ^ (cc & 1);
}

bool cpu_cond(cpu_t *c, unsigned cc)
{
    uint32_t fl;
    bool r;
    switch (c->lf.op) {
    case LF_NONE:
        fl = c->eflags;
        break;
    case LF_LOGIC:
        return cond_after_logic(&c->lf, cc);
    case LF_SUB: {
        bool known;
        r = cond_after_sub(&c->lf, cc, &known);
        if (known)
            return r;
    }
    /* fall through */
    default:
        /* ZF and SF come from the result alone, whatever produced it. */
        if ((cc >> 1) == 2)
            return ((c->lf.res & size_mask(c->lf.size)) == 0) ^ (cc & 1);
        if ((cc >> 1) == 4)
            return ((c->lf.res & sign_bit(c->lf.size)) != 0) ^ (cc & 1);
        fl = lf_compute(&c->lf);
        break;
    }
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
