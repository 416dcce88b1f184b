/*
 * alu.c: ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC NEG NOT, and the
 * BCD adjustments DAA DAS AAA AAS AAM AAD.
 *
 * Rules kept here:
 *  - One generic body per operand form, parameterised by operation,
 *    size and register-or-memory; the macros below stamp out a handler
 *    per combination (DEF_FORMS), and the decoder picks the one that
 *    fits, so nothing but the operands is looked at when it runs.
 *  - Read every operand first; a memory destination is written before
 *    the flags are recorded, so a faulting write leaves the flags alone.
 *  - Flags are recorded lazily (lf_set); only the BCD instructions touch
 *    c->eflags, after lf_materialize.
 *  - Where the SDM leaves a flag undefined, the value is QEMU's (the
 *    differential tests run against Unicorn, which is QEMU).
 */
#include "cpu.h"

enum { OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP, OP_TEST };

static const uint8_t alu_lf[9] = {
    LF_ADD, LF_LOGIC, LF_ADC, LF_SBB, LF_LOGIC, LF_SUB, LF_LOGIC, LF_SUB, LF_LOGIC
};

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

/* CMP and TEST only compute flags. */
static inline bool alu_writes(unsigned op) { return op < OP_CMP; }

BODY unsigned alu_carry_in(cpu_t *c, unsigned op)
{
    return (op == OP_ADC || op == OP_SBB) ? cpu_cf(c) : 0;
}

BODY uint32_t alu_result(unsigned op, uint32_t a, uint32_t b, unsigned cin)
{
    switch (op) {
    case OP_ADD: return a + b;
    case OP_OR: return a | b;
    case OP_ADC: return a + b + cin;
    case OP_SBB: return a - b - cin;
    case OP_AND: case OP_TEST: return a & b;
    case OP_XOR: return a ^ b;
    default: return a - b;  /* SUB, CMP */
    }
}

BODY void alu_flags(cpu_t *c, unsigned op, unsigned size, uint32_t res,
                             uint32_t a, uint32_t b, unsigned cin)
{
    lf_set(c, alu_lf[op], size, res, a, b);
    if (op == OP_ADC || op == OP_SBB)
        c->lf.cf = (uint8_t)cin;
}

/* r/m OP= b, for the 00/01, 80-83, 84/85 and F6/F7 /0 forms. */
BODY void alu_rm(cpu_t *c, const struct insn *i, unsigned op,
                          unsigned size, unsigned mem, uint32_t b)
{
    unsigned cin = alu_carry_in(c, op);
    uint32_t off = mem ? ea_form(c, i, mem) : 0;
    uint32_t a = mem ? mem_read(c, i->seg, off, size) : reg_get(c, i->rm, size);
    uint32_t res = alu_result(op, a, b, cin);
    if (alu_writes(op)) {
        if (mem)
            mem_write(c, i->seg, off, size, res);
        else
            reg_set(c, i->rm, size, res);
    }
    alu_flags(c, op, size, res, a, b, cin);
}

/* reg OP= b, for the 02/03 forms (b from r/m) and 04/05 (reg is AL/eAX). */
BODY void alu_reg(cpu_t *c, unsigned r, unsigned op, unsigned size, uint32_t b)
{
    unsigned cin = alu_carry_in(c, op);
    uint32_t a = reg_get(c, r, size);
    uint32_t res = alu_result(op, a, b, cin);
    if (alu_writes(op))
        reg_set(c, r, size, res);
    alu_flags(c, op, size, res, a, b, cin);
}

/* The four operand forms, each a body for DEF_FORMS (cpu.h): the
 * operation, the size and whether r/m is memory are constants in every
 * handler stamped out below, so nothing is decided at run time but the
 * operands. */
BODY void form_rm_reg(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                               unsigned mem)
{
    alu_rm(c, i, op, size, mem, reg_get(c, i->reg, size));
}

BODY void form_reg_rm(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                               unsigned mem)
{
    alu_reg(c, i->reg, op, size, rm_get(c, i, size, mem));
}

BODY void form_acc_imm(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                                unsigned mem)
{
    (void)mem;
    alu_reg(c, EAX, op, size, i->imm & size_mask(size));
}

BODY void form_rm_imm(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                               unsigned mem)
{
    alu_rm(c, i, op, size, mem, i->imm & size_mask(size));
}

/* The fast ways of the memory forms (DEF_THREADED_FAST): r/m OP= b
 * through the fast tables, where both the read and, for all but CMP
 * and TEST, the write find their entry; the hits are counted only then,
 * so that a slow way taken instead counts each access once. */
BODY bool alu_rm_fast(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                      unsigned mem, uint32_t b)
{
    uint32_t off = ea_form(c, i, mem), lin, a, res;
    struct fast_entry *r = mem_fast_entry(c, i->seg, off, size, FAST_R, &lin), *w = NULL;
    unsigned cin;
    if (!r || (alu_writes(op) && !(w = mem_fast_entry(c, i->seg, off, size, FAST_W, &lin))))
        return false;
    r->hits++;
    cin = alu_carry_in(c, op);
    a = host_load(r->host + (lin & 0xFFFu), size);
    res = alu_result(op, a, b, cin);
    if (w) {
        w->hits++;
        host_store(w->host + (lin & 0xFFFu), size, res);
    }
    alu_flags(c, op, size, res, a, b, cin);
    return true;
}

BODY bool form_rm_reg_fast(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                           unsigned mem)
{
    return alu_rm_fast(c, i, op, size, mem, reg_get(c, i->reg, size));
}

BODY bool form_reg_rm_fast(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                           unsigned mem)
{
    uint8_t *p;
    if (!mem_fast(c, i->seg, ea_form(c, i, mem), size, FAST_R, &p))
        return false;
    alu_reg(c, i->reg, op, size, host_load(p, size));
    return true;
}

BODY bool form_rm_imm_fast(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                           unsigned mem)
{
    return alu_rm_fast(c, i, op, size, mem, i->imm & size_mask(size));
}

/* name_b_forms: the 8-bit form; name_v_forms: 16- or 32-bit. */
#define SIZED(name, form, op)           \
    DEF_FORMS_B_RP(name##_b, form, op)  \
    DEF_FORMS_RP(name##_v, form, op)
#define SIZED_FAST(name, form, op)                       \
    DEF_FORMS_B_RP_FAST(name##_b, form, form##_fast, op) \
    DEF_FORMS_RP_FAST(name##_v, form, form##_fast, op)
#define ALU_FORMS(name, op)                     \
    SIZED_FAST(name##_rm_reg, form_rm_reg, op)  \
    SIZED_FAST(name##_reg_rm, form_reg_rm, op)  \
    SIZED(name##_acc_imm, form_acc_imm, op)     \
    SIZED_FAST(name##_rm_imm, form_rm_imm, op)
#define ALU_ROW(name)                                                   \
    { &name##_rm_reg_b_forms, &name##_rm_reg_v_forms, &name##_reg_rm_b_forms, \
      &name##_reg_rm_v_forms, &name##_acc_imm_b_forms, &name##_acc_imm_v_forms, \
      &name##_rm_imm_b_forms, &name##_rm_imm_v_forms }

ALU_FORMS(add, OP_ADD)
ALU_FORMS(or, OP_OR)
ALU_FORMS(adc, OP_ADC)
ALU_FORMS(sbb, OP_SBB)
ALU_FORMS(and, OP_AND)
ALU_FORMS(sub, OP_SUB)
ALU_FORMS(xor, OP_XOR)
ALU_FORMS(cmp, OP_CMP)
SIZED_FAST(test_rm_reg, form_rm_reg, OP_TEST)
SIZED(test_acc_imm, form_acc_imm, OP_TEST)
SIZED_FAST(test_rm_imm, form_rm_imm, OP_TEST)

/* Indexed by operation, then: 8-bit and wider forms of r/m,reg;
 * reg,r/m; acc,imm; group 80-83 r/m,imm. */
static const struct op_forms *const alu_handlers[8][8] = {
    ALU_ROW(add), ALU_ROW(or), ALU_ROW(adc), ALU_ROW(sbb),
    ALU_ROW(and), ALU_ROW(sub), ALU_ROW(xor), ALU_ROW(cmp),
};

/* ---- INC, DEC, NEG, NOT ---- */

enum { U_INC, U_DEC, U_NEG, U_NOT };

BODY uint32_t unary_result(unsigned op, uint32_t a)
{
    switch (op) {
    case U_INC: return a + 1;
    case U_DEC: return a - 1;
    case U_NEG: return 0u - a;
    default: return ~a;
    }
}

/* INC and DEC keep CF (SDM vol. 2, INC); NOT changes no flag. */
BODY void unary_flags(cpu_t *c, unsigned op, unsigned size, uint32_t res,
                               uint32_t a, unsigned old_cf)
{
    switch (op) {
    case U_INC:
    case U_DEC:
        lf_set(c, op == U_INC ? LF_INC : LF_DEC, size, res, a, 1);
        c->lf.cf = (uint8_t)old_cf;
        break;
    case U_NEG:  /* 0 - a, as SUB computes it (SDM vol. 2, NEG) */
        lf_set(c, LF_SUB, size, res, 0, a);
        break;
    default:
        break;
    }
}

BODY void unary_rm(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                            unsigned mem)
{
    unsigned old_cf = op <= U_DEC ? cpu_cf(c) : 0;
    uint32_t off = mem ? ea_form(c, i, mem) : 0;
    uint32_t a = mem ? mem_read(c, i->seg, off, size) : reg_get(c, i->rm, size);
    uint32_t res = unary_result(op, a);
    if (mem)
        mem_write(c, i->seg, off, size, res);
    else
        reg_set(c, i->rm, size, res);
    unary_flags(c, op, size, res, a, old_cf);
}

/* 40+r INC r16/32, 48+r DEC r16/32 */
BODY void incdec_reg(cpu_t *c, const struct insn *i, unsigned op, unsigned size,
                              unsigned mem)
{
    unsigned r = i->op & 7, old_cf = cpu_cf(c);
    uint32_t a = reg_get(c, r, size);
    uint32_t res = unary_result(op, a);
    (void)mem;
    reg_set(c, r, size, res);
    unary_flags(c, op, size, res, a, old_cf);
}

SIZED(inc_rm, unary_rm, U_INC)
SIZED(dec_rm, unary_rm, U_DEC)
SIZED(neg_rm, unary_rm, U_NEG)
SIZED(not_rm, unary_rm, U_NOT)
DEF_FORMS_RP(inc_reg, incdec_reg, U_INC)
DEF_FORMS_RP(dec_reg, incdec_reg, U_DEC)

/* ---- BCD adjustments (SDM vol. 2, DAA DAS AAA AAS AAM AAD) ---- */

static uint32_t szp_flags(uint8_t v)
{
    uint32_t f = __builtin_parity(v) ? 0 : FL_PF;
    if (v == 0)
        f |= FL_ZF;
    if (v & 0x80)
        f |= FL_SF;
    return f;
}

/* Arithmetic flags after an adjustment: keep those outside `changed`. */
static void bcd_set_flags(cpu_t *c, uint32_t changed, uint32_t value)
{
    c->eflags = (c->eflags & ~changed) | (value & changed);
}

/* OF is undefined for DAA/DAS; QEMU clears it. */
static void daa(cpu_t *c, const struct insn *i)
{
    uint32_t fl = cpu_eflags(c), out = 0;
    uint8_t al = (uint8_t)c->reg[EAX], old_al = al;
    (void)i;
    if ((al & 0x0F) > 9 || (fl & FL_AF)) {
        al += 6;
        out |= FL_AF;
    }
    if (old_al > 0x99 || (fl & FL_CF)) {
        al += 0x60;
        out |= FL_CF;
    }
    *reg8p(c, EAX) = al;
    bcd_set_flags(c, FL_ARITH, out | szp_flags(al));
}

/* DAS: CF also catches the borrow of AL - 6 (SDM vol. 2, DAS). */
static void das(cpu_t *c, const struct insn *i)
{
    uint32_t fl = cpu_eflags(c), out = 0;
    uint8_t al = (uint8_t)c->reg[EAX], old_al = al;
    (void)i;
    if ((al & 0x0F) > 9 || (fl & FL_AF)) {
        if (al < 6 || (fl & FL_CF))
            out |= FL_CF;
        al -= 6;
        out |= FL_AF;
    }
    if (old_al > 0x99 || (fl & FL_CF)) {
        al -= 0x60;
        out |= FL_CF;
    }
    *reg8p(c, EAX) = al;
    bcd_set_flags(c, FL_ARITH, out | szp_flags(al));
}

/* AAA/AAS: AX +/- 0x106 (the low byte's carry reaches AH, as on P6 and
 * later); OF SF ZF PF are undefined and QEMU leaves them unchanged. */
static void ascii_adjust(cpu_t *c, bool sub)
{
    uint32_t fl = cpu_eflags(c), out = 0;
    uint16_t ax = (uint16_t)c->reg[EAX];
    if ((ax & 0x0F) > 9 || (fl & FL_AF)) {
        ax = sub ? (uint16_t)(ax - 0x106) : (uint16_t)(ax + 0x106);
        out = FL_AF | FL_CF;
    }
    ax &= 0xFF0F;
    reg_set(c, EAX, 2, ax);
    bcd_set_flags(c, FL_AF | FL_CF, out);
}

static void aaa(cpu_t *c, const struct insn *i) { (void)i; ascii_adjust(c, false); }
static void aas(cpu_t *c, const struct insn *i) { (void)i; ascii_adjust(c, true); }

/* AAM/AAD: SF ZF PF from AL; the undefined OF AF CF are 0 as in QEMU
 * (hardware derives them from the internal division/addition). */
static void aam(cpu_t *c, const struct insn *i)
{
    uint8_t base = (uint8_t)i->imm, al = (uint8_t)c->reg[EAX];
    if (base == 0)
        cpu_raise(c, EXC_DE, NO_ERRCODE);
    reg_set(c, EAX, 2, (uint32_t)(al / base) << 8 | (al % base));
    lf_set(c, LF_LOGIC, 1, al % base, 0, 0);
}

static void aad(cpu_t *c, const struct insn *i)
{
    uint8_t base = (uint8_t)i->imm;
    uint32_t ax = c->reg[EAX];
    uint8_t al = (uint8_t)((ax & 0xFF) + ((ax >> 8) & 0xFF) * base);
    reg_set(c, EAX, 2, al);
    lf_set(c, LF_LOGIC, 1, al, 0, 0);
}

void alu_ops_init(void)
{
    for (unsigned op = OP_ADD; op <= OP_CMP; op++) {
        const struct op_forms *const *h = alu_handlers[op];
        unsigned base = op << 3;
        unsigned lock = alu_writes(op) ? OPF_LOCK : 0;
        op_def_forms(base + 0, OPF_MODRM | lock, h[0]);
        op_def_forms(base + 1, OPF_MODRM | lock, h[1]);
        op_def_forms(base + 2, OPF_MODRM, h[2]);
        op_def_forms(base + 3, OPF_MODRM, h[3]);
        op_def_forms(base + 4, OPF_IMM_B, h[4]);
        op_def_forms(base + 5, OPF_IMM_Z, h[5]);
        op_def_grp_forms(0x80, op, OPF_MODRM | OPF_IMM_B | lock, h[6]);
        op_def_grp_forms(0x81, op, OPF_MODRM | OPF_IMM_Z | lock, h[7]);
        /* 82 is an alias of 80, valid outside 64-bit mode */
        op_def_grp_forms(0x82, op, OPF_MODRM | OPF_IMM_B | lock, h[6]);
        op_def_grp_forms(0x83, op, OPF_MODRM | OPF_IMM_BS | lock, h[7]);
    }

    op_def_forms(0x84, OPF_MODRM, &test_rm_reg_b_forms);
    op_def_forms(0x85, OPF_MODRM, &test_rm_reg_v_forms);
    op_def_forms(0xA8, OPF_IMM_B, &test_acc_imm_b_forms);
    op_def_forms(0xA9, OPF_IMM_Z, &test_acc_imm_v_forms);
    /* F6/F7 /1 is an undocumented alias of /0 (TEST) */
    for (unsigned r = 0; r < 2; r++) {
        op_def_grp_forms(0xF6, r, OPF_MODRM | OPF_IMM_B, &test_rm_imm_b_forms);
        op_def_grp_forms(0xF7, r, OPF_MODRM | OPF_IMM_Z, &test_rm_imm_v_forms);
    }
    op_def_grp_forms(0xF6, 2, OPF_MODRM | OPF_LOCK, &not_rm_b_forms);
    op_def_grp_forms(0xF7, 2, OPF_MODRM | OPF_LOCK, &not_rm_v_forms);
    op_def_grp_forms(0xF6, 3, OPF_MODRM | OPF_LOCK, &neg_rm_b_forms);
    op_def_grp_forms(0xF7, 3, OPF_MODRM | OPF_LOCK, &neg_rm_v_forms);

    for (unsigned r = 0; r < 8; r++) {
        op_def_forms(0x40 + r, 0, &inc_reg_forms);
        op_def_forms(0x48 + r, 0, &dec_reg_forms);
    }
    op_def_grp_forms(0xFE, 0, OPF_MODRM | OPF_LOCK, &inc_rm_b_forms);
    op_def_grp_forms(0xFE, 1, OPF_MODRM | OPF_LOCK, &dec_rm_b_forms);
    op_def_grp_forms(0xFF, 0, OPF_MODRM | OPF_LOCK, &inc_rm_v_forms);
    op_def_grp_forms(0xFF, 1, OPF_MODRM | OPF_LOCK, &dec_rm_v_forms);

    op_def(0x27, 0, daa);
    op_def(0x2F, 0, das);
    op_def(0x37, 0, aaa);
    op_def(0x3F, 0, aas);
    op_def(0xD4, OPF_IMM_B, aam);
    op_def(0xD5, OPF_IMM_B, aad);
}
