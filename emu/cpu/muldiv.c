/*
 * muldiv.c: MUL, IMUL (one-, two- and three-operand), DIV, IDIV.
 *
 * Rules kept here:
 *  - The source is read (and may fault) before anything changes; #DE is
 *    raised before any register changes.
 *  - MUL/IMUL record the low half of the product with LF_CFOF and
 *    CF = OF = "the high half is significant" (SDM vol. 2, MUL, IMUL).
 *  - DIV/IDIV leave every flag as it was (the SDM leaves them undefined;
 *    QEMU does not touch them either).
 *  - Signed arithmetic is done in int64_t, where no product or quotient
 *    of these sizes overflows, save INT64_MIN / -1, which is checked
 *    before dividing (the build runs under UBSan).
 */
#include "cpu.h"

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

/* gcc converts to signed and shifts right arithmetically: no UB */
static inline int64_t sign_extend(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* The double-size accumulator AX, DX:AX or EDX:EAX. */
static inline uint64_t acc_get(cpu_t *c, unsigned size)
{
    if (size == 1)
        return c->reg[EAX] & 0xFFFFu;
    return (uint64_t)reg_get(c, EDX, size) << (size * 8) | reg_get(c, EAX, size);
}

/* Store low into AL/AX/EAX and high into AH/DX/EDX. */
static inline void acc_set(cpu_t *c, unsigned size, uint32_t low, uint32_t high)
{
    if (size == 1) {
        reg_set(c, EAX, 2, (high & 0xFF) << 8 | (low & 0xFF));
        return;
    }
    reg_set(c, EAX, size, low);
    reg_set(c, EDX, size, high);
}

static inline void mul_acc(cpu_t *c, const struct insn *i, unsigned size)
{
    unsigned bits = size * 8;
    uint64_t p = (uint64_t)rm_read(c, i, size) * reg_get(c, EAX, size);
    uint32_t low = (uint32_t)p & size_mask(size), high = (uint32_t)(p >> bits);
    acc_set(c, size, low, high);
    lf_set(c, LF_CFOF, size, low, 0, 0);
    c->lf.cf = c->lf.of = high != 0;
}

static inline void imul_acc(cpu_t *c, const struct insn *i, unsigned size)
{
    unsigned bits = size * 8;
    int64_t p = sign_extend(rm_read(c, i, size), bits) *
                sign_extend(reg_get(c, EAX, size), bits);
    uint32_t low = (uint32_t)p & size_mask(size), high = (uint32_t)((uint64_t)p >> bits);
    acc_set(c, size, low, high);
    lf_set(c, LF_CFOF, size, low, 0, 0);
    c->lf.cf = c->lf.of = p != sign_extend(low, bits);
}

static inline void div_acc(cpu_t *c, const struct insn *i, unsigned size)
{
    uint32_t d = rm_read(c, i, size);
    uint64_t n = acc_get(c, size), q;
    if (d == 0)
        cpu_raise(c, EXC_DE, NO_ERRCODE);
    q = n / d;
    if (q > size_mask(size))
        cpu_raise(c, EXC_DE, NO_ERRCODE);
    acc_set(c, size, (uint32_t)q, (uint32_t)(n % d));
}

static inline void idiv_acc(cpu_t *c, const struct insn *i, unsigned size)
{
    unsigned bits = size * 8;
    int64_t d = sign_extend(rm_read(c, i, size), bits);
    int64_t n = sign_extend(acc_get(c, size), 2 * bits), q;
    int64_t qmax = (int64_t)(size_mask(size) >> 1);
    if (d == 0 || (n == INT64_MIN && d == -1))
        cpu_raise(c, EXC_DE, NO_ERRCODE);
    q = n / d;
    if (q > qmax || q < -qmax - 1)
        cpu_raise(c, EXC_DE, NO_ERRCODE);
    acc_set(c, size, (uint32_t)q, (uint32_t)(n % d));
}

/* IMUL r, r/m, imm (69, 6B) and IMUL r, r/m (0F AF): 16/32-bit only. */
BODY void imul_to_reg(cpu_t *c, const struct insn *i, unsigned size, unsigned mem,
                               uint32_t b)
{
    unsigned bits = size * 8;
    int64_t p = sign_extend(rm_get(c, i, size, mem), bits) * sign_extend(b, bits);
    uint32_t low = (uint32_t)p & size_mask(size);
    reg_set(c, i->reg, size, low);
    lf_set(c, LF_CFOF, size, low, 0, 0);
    c->lf.cf = c->lf.of = p != sign_extend(low, bits);
}

/* Bodies for DEF_FORMS (cpu.h); the first parameter is unused. */
BODY void imul_reg_rm(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                               unsigned mem)
{
    (void)none;
    imul_to_reg(c, i, size, mem, reg_get(c, i->reg, size));
}

BODY void imul_reg_rm_imm(cpu_t *c, const struct insn *i, unsigned none,
                                   unsigned size, unsigned mem)
{
    (void)none;
    imul_to_reg(c, i, size, mem, i->imm);
}

#define SIZED(name, body)                                               \
    static void name##_b(cpu_t *c, const struct insn *i) { body(c, i, 1); } \
    static void name##_v(cpu_t *c, const struct insn *i)                \
    {                                                                   \
        if (i->o32)                                                     \
            body(c, i, 4);                                              \
        else                                                            \
            body(c, i, 2);                                              \
    }

SIZED(mul, mul_acc)
SIZED(imul, imul_acc)
SIZED(div, div_acc)
SIZED(idiv, idiv_acc)

DEF_FORMS_RP(imul2, imul_reg_rm, 0)
DEF_FORMS_RP(imul3, imul_reg_rm_imm, 0)

void muldiv_ops_init(void)
{
    op_def_grp(0xF6, 4, OPF_MODRM, mul_b);
    op_def_grp(0xF7, 4, OPF_MODRM, mul_v);
    op_def_grp(0xF6, 5, OPF_MODRM, imul_b);
    op_def_grp(0xF7, 5, OPF_MODRM, imul_v);
    op_def_grp(0xF6, 6, OPF_MODRM, div_b);
    op_def_grp(0xF7, 6, OPF_MODRM, div_v);
    op_def_grp(0xF6, 7, OPF_MODRM, idiv_b);
    op_def_grp(0xF7, 7, OPF_MODRM, idiv_v);
    op_def_forms(0x1AF, OPF_MODRM, &imul2_forms);
    op_def_forms(0x69, OPF_MODRM | OPF_IMM_Z, &imul3_forms);
    op_def_forms(0x6B, OPF_MODRM | OPF_IMM_BS, &imul3_forms);
}
