/*
 * bits.c: BT BTS BTR BTC, BSF BSR, SETcc, CMOVcc, BSWAP.
 *
 * Rules kept here:
 *  - BT* with a register bit offset and a memory operand address a bit
 *    string: the offset is signed and may reach outside the operand
 *    (SDM vol. 2, BT: "Bit(BitBase, BitOffset)"); with an immediate or a
 *    register operand it is taken modulo the operand size.
 *  - BT* set CF to the selected bit and leave the other flags as they
 *    were (the SDM leaves OF SF AF PF undefined; ZF is unchanged).
 *  - Every operand is read (and may fault) before anything changes; a
 *    memory destination is written before CF changes.
 */
#include "cpu.h"

enum { B_BT, B_BTS, B_BTR, B_BTC };

static inline uint32_t bit_apply(unsigned kind, uint32_t v, uint32_t bit)
{
    switch (kind) {
    case B_BTS: return v | bit;
    case B_BTR: return v & ~bit;
    case B_BTC: return v ^ bit;
    default: return v;
    }
}

/* The offset of the operand that holds bit `bitoff` of the string at
 * `base`: operand-sized steps, rounding toward minus infinity. Address
 * arithmetic wraps at the address size. */
static inline uint32_t bit_string_offset(const struct insn *i, uint32_t base,
                                         uint32_t bitoff, unsigned size)
{
    int32_t units = size == 4 ? (int32_t)bitoff >> 5 : (int16_t)bitoff >> 4;
    uint32_t off = base + (uint32_t)units * size;
    return i->a32 ? off : (off & 0xFFFFu);
}

static inline void bt_insn(cpu_t *c, const struct insn *i, unsigned kind,
                           unsigned size, uint32_t bitoff, bool string)
{
    uint32_t bit = 1u << (bitoff & (size * 8 - 1)), v;
    if (i->mod == 3) {
        v = reg_get(c, i->rm, size);
        if (kind != B_BT)
            reg_set(c, i->rm, size, bit_apply(kind, v, bit));
    } else {
        uint32_t off = ea(c, i);
        if (string)
            off = bit_string_offset(i, off, bitoff, size);
        v = mem_read(c, i->seg, off, size);
        if (kind != B_BT)
            mem_write(c, i->seg, off, size, bit_apply(kind, v, bit));
    }
    lf_materialize(c);
    c->eflags = (c->eflags & ~FL_CF) | ((v & bit) ? FL_CF : 0);
}

/* 0F A3/AB/B3/BB: bit offset in a register */
static inline void bt_by_reg(cpu_t *c, const struct insn *i, unsigned kind)
{
    unsigned size = opsize(i);
    bt_insn(c, i, kind, size, reg_get(c, i->reg, size), true);
}

/* 0F BA /4-/7: bit offset in imm8 */
static inline void bt_by_imm(cpu_t *c, const struct insn *i, unsigned kind)
{
    bt_insn(c, i, kind, opsize(i), i->imm, false);
}

#define BT_FORMS(name, kind)                                            \
    static void name##_reg(cpu_t *c, const struct insn *i) { bt_by_reg(c, i, kind); } \
    static void name##_imm(cpu_t *c, const struct insn *i) { bt_by_imm(c, i, kind); }

BT_FORMS(bt, B_BT)
BT_FORMS(bts, B_BTS)
BT_FORMS(btr, B_BTR)
BT_FORMS(btc, B_BTC)

/* BSF/BSR: a zero source sets ZF and leaves the destination unchanged, as
 * hardware does (the SDM says undefined). The other flags are undefined;
 * as in QEMU they are those of a logical operation on the source
 * (CF = OF = AF = 0, SF and PF from the source). */
static void bit_scan(cpu_t *c, const struct insn *i, bool reverse)
{
    unsigned size = opsize(i);
    uint32_t src = rm_read(c, i, size);
    if (src)
        reg_set(c, i->reg, size, reverse ? 31u - (unsigned)__builtin_clz(src)
                                         : (unsigned)__builtin_ctz(src));
    lf_set(c, LF_LOGIC, size, src, 0, 0);
}

static void bsf(cpu_t *c, const struct insn *i) { bit_scan(c, i, false); }
static void bsr(cpu_t *c, const struct insn *i) { bit_scan(c, i, true); }

/* 0F 90-9F: the ModRM reg field is ignored. */
static inline void setcc(cpu_t *c, const struct insn *i, unsigned cc)
{
    rm_write(c, i, 1, cpu_cond(c, cc));
}

/* 0F 40-4F: the source is read, and may fault, whatever the condition. */
static inline void cmovcc(cpu_t *c, const struct insn *i, unsigned cc)
{
    unsigned size = opsize(i);
    uint32_t src = rm_read(c, i, size);
    if (cpu_cond(c, cc))
        reg_set(c, i->reg, size, src);
}

/* One handler per condition (the opcode's low nibble), so that cpu_cond
 * folds to that condition's test. */
#define CC_OPS(cc)                                                              \
    static void setcc_##cc(cpu_t *c, const struct insn *i) { setcc(c, i, cc); } \
    static void cmovcc_##cc(cpu_t *c, const struct insn *i) { cmovcc(c, i, cc); }
CC_OPS(0) CC_OPS(1) CC_OPS(2) CC_OPS(3) CC_OPS(4) CC_OPS(5) CC_OPS(6) CC_OPS(7)
CC_OPS(8) CC_OPS(9) CC_OPS(10) CC_OPS(11) CC_OPS(12) CC_OPS(13) CC_OPS(14) CC_OPS(15)
static const insn_fn setcc_handlers[16] = {
    setcc_0, setcc_1, setcc_2, setcc_3, setcc_4, setcc_5, setcc_6, setcc_7,
    setcc_8, setcc_9, setcc_10, setcc_11, setcc_12, setcc_13, setcc_14, setcc_15,
};
static const insn_fn cmovcc_handlers[16] = {
    cmovcc_0, cmovcc_1, cmovcc_2, cmovcc_3, cmovcc_4, cmovcc_5, cmovcc_6, cmovcc_7,
    cmovcc_8, cmovcc_9, cmovcc_10, cmovcc_11, cmovcc_12, cmovcc_13, cmovcc_14, cmovcc_15,
};

/* 0F C8+r. With a 16-bit operand the SDM leaves the result undefined;
 * real CPUs give 0 in the low 16 bits, which we copy (QEMU instead
 * swaps all 32 bits). */
static void bswap(cpu_t *c, const struct insn *i)
{
    unsigned r = i->op & 7;
    if (i->o32)
        c->reg[r] = __builtin_bswap32(c->reg[r]);
    else
        reg_set(c, r, 2, 0);
}

void bits_ops_init(void)
{
    op_def(0x1A3, OPF_MODRM, bt_reg);
    op_def(0x1AB, OPF_MODRM | OPF_LOCK, bts_reg);
    op_def(0x1B3, OPF_MODRM | OPF_LOCK, btr_reg);
    op_def(0x1BB, OPF_MODRM | OPF_LOCK, btc_reg);
    op_def_grp(0x1BA, 4, OPF_MODRM | OPF_IMM_B, bt_imm);
    op_def_grp(0x1BA, 5, OPF_MODRM | OPF_IMM_B | OPF_LOCK, bts_imm);
    op_def_grp(0x1BA, 6, OPF_MODRM | OPF_IMM_B | OPF_LOCK, btr_imm);
    op_def_grp(0x1BA, 7, OPF_MODRM | OPF_IMM_B | OPF_LOCK, btc_imm);
    op_def(0x1BC, OPF_MODRM, bsf);
    op_def(0x1BD, OPF_MODRM, bsr);
    for (unsigned cc = 0; cc < 16; cc++) {
        op_def(0x190 + cc, OPF_MODRM, setcc_handlers[cc]);
        op_def(0x140 + cc, OPF_MODRM, cmovcc_handlers[cc]);
    }
    for (unsigned r = 0; r < 8; r++)
        op_def(0x1C8 + r, 0, bswap);
}
