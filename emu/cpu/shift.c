/*
 * shift.c: ROL ROR RCL RCR SHL/SAL SHR SAR (groups C0/C1, D0-D3) and
 * SHLD/SHRD.
 *
 * Rules kept here:
 *  - The count is masked to 5 bits (SDM vol. 2, SAL/SAR/SHL/SHR); RCL
 *    and RCR then take it modulo 9 or 17 for 8- and 16-bit operands. A
 *    count that ends up 0 changes no flag.
 *  - A memory operand is read and written back even when the count is 0,
 *    as hardware (a load and a store micro-op) and QEMU do, so the write
 *    may fault; the flags are recorded only after that write.
 *  - Shifts record LF_CFOF with lf.cf and lf.of; rotates
 *    change only CF and OF, in c->eflags after lf_materialize.
 *  - OF is defined for a count of 1 only; for larger counts we give the
 *    value QEMU (and so Unicorn) computes, noted at each operation.
 */
#include "cpu.h"

enum { K_ROL, K_ROR, K_RCL, K_RCR, K_SHL, K_SHR, K_SAL, K_SAR };

struct shift_out {
    uint32_t res;
    bool flags;  /* false: the effective count was 0 */
    uint8_t cf, of;
};

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

BODY struct shift_out shift_calc(unsigned kind, unsigned size, uint32_t a,
                                          unsigned n, unsigned cin)
{
    unsigned bits = size * 8;
    uint32_t mask = size_mask(size);
    struct shift_out o = {a, n != 0, 0, 0};
    unsigned k;
    uint64_t v, r;

    if (n == 0)
        return o;
    switch (kind) {
    case K_ROL:  /* OF = MSB(result) XOR CF */
        k = n & (bits - 1);
        if (k)
            o.res = ((a << k) | (a >> (bits - k))) & mask;
        o.cf = o.res & 1;
        o.of = (o.res >> (bits - 1)) ^ o.cf;
        break;
    case K_ROR:  /* OF = XOR of the result's two top bits */
        k = n & (bits - 1);
        if (k)
            o.res = ((a >> k) | (a << (bits - k))) & mask;
        o.cf = o.res >> (bits - 1);
        o.of = o.cf ^ ((o.res >> (bits - 2)) & 1);
        break;
    case K_RCL:  /* a rotate of CF:a, bits + 1 wide; OF = MSB(a ^ result) */
    case K_RCR:
        k = bits == 32 ? n : n % (bits + 1);
        if (k == 0) {
            o.flags = false;
            return o;
        }
        v = (uint64_t)cin << bits | a;
        if (kind == K_RCL)
            r = v << k | v >> (bits + 1 - k);
        else
            r = v >> k | v << (bits + 1 - k);
        o.res = (uint32_t)r & mask;
        o.cf = (r >> bits) & 1;
        o.of = ((a ^ o.res) >> (bits - 1)) & 1;
        break;
    case K_SHL:
    case K_SAL:  /* OF = MSB(result) XOR CF */
        r = (uint64_t)a << n;
        o.res = (uint32_t)r & mask;
        o.cf = (r >> bits) & 1;
        o.of = (o.res >> (bits - 1)) ^ o.cf;
        break;
    case K_SHR:  /* OF = MSB(a >> (n-1)): the original MSB if n = 1, else 0 */
        r = a >> (n - 1);
        o.res = (uint32_t)(r >> 1);
        o.cf = r & 1;
        o.of = (r >> (bits - 1)) & 1;
        break;
    default: {   /* K_SAR: OF = 0 */
        int32_t s = (int32_t)(a << (32 - bits)) >> (32 - bits);
        s >>= n - 1;
        o.cf = s & 1;
        o.res = (uint32_t)(s >> 1) & mask;
        o.of = 0;
        break;
    }
    }
    return o;
}

BODY void shift_flags(cpu_t *c, unsigned kind, unsigned size, uint32_t a,
                               unsigned n, struct shift_out o)
{
    if (!o.flags)
        return;
    if (kind >= K_SHL) {
        lf_set(c, LF_CFOF, size, o.res, a, n);
        c->lf.cf = o.cf;
        c->lf.of = o.of;
        return;
    }
    lf_materialize(c);
    c->eflags = (c->eflags & ~(FL_CF | FL_OF)) | (o.cf ? FL_CF : 0) | (o.of ? FL_OF : 0);
}

/* Where the count comes from: C0/C1 an imm8, D0/D1 the constant 1,
 * D2/D3 CL. Each source has handlers of its own, so that a count of 1
 * folds into the shift and the others test nothing but the count. */
enum { CNT_IMM = 0, CNT_ONE = 8, CNT_CL = 16 };

BODY unsigned shift_count(cpu_t *c, const struct insn *i, unsigned src)
{
    if (src == CNT_IMM)
        return i->imm & 31;
    if (src == CNT_ONE)
        return 1;
    return c->reg[ECX] & 31;
}

/* A body for DEF_FORMS (cpu.h): kind | count source, size and
 * register-or-memory are constants in each handler. */
BODY void
shift_insn(cpu_t *c, const struct insn *i, unsigned how, unsigned size, unsigned mem)
{
    unsigned kind = how & 7, n = shift_count(c, i, how & ~7u);
    unsigned cin = (kind == K_RCL || kind == K_RCR) ? cpu_cf(c) : 0;
    uint32_t off = mem ? ea_form(c, i, mem) : 0;
    uint32_t a = mem ? mem_read(c, i->seg, off, size) : reg_get(c, i->rm, size);
    struct shift_out o = shift_calc(kind, size, a, n, cin);
    if (mem)
        mem_write(c, i->seg, off, size, o.res);
    else
        reg_set(c, i->rm, size, o.res);
    shift_flags(c, kind, size, a, n, o);
}

#define SHIFT_SRC(name, how)                   \
    DEF_FORMS_B_RP(name##_b, shift_insn, how)  \
    DEF_FORMS_RP(name##_v, shift_insn, how)
#define SHIFT(name, kind)                      \
    SHIFT_SRC(name##_imm, kind | CNT_IMM)      \
    SHIFT_SRC(name##_one, kind | CNT_ONE)      \
    SHIFT_SRC(name##_cl, kind | CNT_CL)

SHIFT(rol, K_ROL)
SHIFT(ror, K_ROR)
SHIFT(rcl, K_RCL)
SHIFT(rcr, K_RCR)
SHIFT(shl, K_SHL)
SHIFT(shr, K_SHR)
SHIFT(sar, K_SAR)

/* ---- SHLD, SHRD (SDM vol. 2) ----
 * Both work on a 64-bit window: dest:src for 32-bit operands. For 16-bit
 * operands with a count above 16 the SDM leaves the result undefined;
 * Intel CPUs (and QEMU) shift the 48-bit value dest:src:dest, which is
 * what the window below holds for 16-bit operands. */
static inline struct shift_out double_shift(bool right, unsigned size, uint32_t a,
                                            uint32_t b, unsigned n)
{
    unsigned bits = size * 8;
    uint32_t mask = size_mask(size);
    struct shift_out o = {a, true, 0, 0};
    uint64_t w;
    if (size == 2)
        w = (uint64_t)a << 32 | (uint64_t)b << 16 | a;
    else if (right)
        w = (uint64_t)b << 32 | a;
    else
        w = (uint64_t)a << 32 | b;
    if (right) {
        o.res = (uint32_t)(w >> n) & mask;
        o.cf = (w >> (n - 1)) & 1;
        /* OF: sign change against the value one step before the end */
        o.of = ((o.res >> (bits - 1)) ^ (w >> (n + bits - 2))) & 1;
    } else {
        o.res = (uint32_t)(w >> (32 - n)) & mask;
        o.cf = (w >> (bits + 32 - n)) & 1;
        o.of = ((o.res >> (bits - 1)) ^ o.cf) & 1;
    }
    return o;
}

static inline void double_shift_insn(cpu_t *c, const struct insn *i, bool right,
                                     unsigned size)
{
    unsigned n = ((i->op & 1) ? c->reg[ECX] : i->imm) & 31;  /* A5/AD: CL */
    uint32_t b = reg_get(c, i->reg, size), a;
    struct shift_out o = {0, false, 0, 0};
    if (i->mod == 3) {
        a = reg_get(c, i->rm, size);
        if (n == 0)
            return;
        o = double_shift(right, size, a, b, n);
        reg_set(c, i->rm, size, o.res);
    } else {
        uint32_t off = ea(c, i);
        a = mem_read(c, i->seg, off, size);
        o.res = a;
        if (n)
            o = double_shift(right, size, a, b, n);
        mem_write(c, i->seg, off, size, o.res);
    }
    if (n) {
        lf_set(c, LF_CFOF, size, o.res, a, n);
        c->lf.cf = o.cf;
        c->lf.of = o.of;
    }
}

static void shld(cpu_t *c, const struct insn *i)
{
    if (i->o32)
        double_shift_insn(c, i, false, 4);
    else
        double_shift_insn(c, i, false, 2);
}

static void shrd(cpu_t *c, const struct insn *i)
{
    if (i->o32)
        double_shift_insn(c, i, true, 4);
    else
        double_shift_insn(c, i, true, 2);
}

/* The group's handlers by ModRM reg, for one count source. */
#define SHIFT_GROUP(src, sz)                                            \
    {&rol_##src##_##sz##_forms, &ror_##src##_##sz##_forms,              \
     &rcl_##src##_##sz##_forms, &rcr_##src##_##sz##_forms,              \
     &shl_##src##_##sz##_forms, &shr_##src##_##sz##_forms,              \
     &shl_##src##_##sz##_forms, &sar_##src##_##sz##_forms}

void shift_ops_init(void)
{
    static const struct op_forms *const ops[3][2][8] = {
        {SHIFT_GROUP(imm, b), SHIFT_GROUP(imm, v)},
        {SHIFT_GROUP(one, b), SHIFT_GROUP(one, v)},
        {SHIFT_GROUP(cl, b), SHIFT_GROUP(cl, v)}};
    for (unsigned r = 0; r < 8; r++) {
        op_def_grp_forms(0xC0, r, OPF_MODRM | OPF_IMM_B, ops[0][0][r]);
        op_def_grp_forms(0xC1, r, OPF_MODRM | OPF_IMM_B, ops[0][1][r]);
        op_def_grp_forms(0xD0, r, OPF_MODRM, ops[1][0][r]);
        op_def_grp_forms(0xD1, r, OPF_MODRM, ops[1][1][r]);
        op_def_grp_forms(0xD2, r, OPF_MODRM, ops[2][0][r]);
        op_def_grp_forms(0xD3, r, OPF_MODRM, ops[2][1][r]);
    }
    op_def(0x1A4, OPF_MODRM | OPF_IMM_B, shld);
    op_def(0x1A5, OPF_MODRM, shld);
    op_def(0x1AC, OPF_MODRM | OPF_IMM_B, shrd);
    op_def(0x1AD, OPF_MODRM, shrd);
}
