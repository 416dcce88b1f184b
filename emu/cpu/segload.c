/*
 * segload.c: MOV, PUSH and POP of segment registers, and the far-pointer
 * loads LDS, LES, LSS, LFS, LGS.
 *
 * Rules kept here:
 *  - seg_load (seg.c) does every check and the real-mode form; this file
 *    only fetches the selector and orders the side effects.
 *  - The segment is loaded before the general register or ESP changes, so
 *    a faulting load leaves them as they were (the selector and offset are
 *    read from memory first).
 *  - A load of SS ends the block; MOV SS and POP SS also open the
 *    one-instruction interrupt shadow.
 */
#include "cpu.h"
#include "system.h"

/* A load of SS blocks interrupts (and debug traps) until after the next
 * instruction, so that MOV SS / MOV ESP pairs run together (SDM vol. 3,
 * 6.8.3). */
static void ss_loaded(cpu_t *c)
{
    c->inhibit_irq = true;
    c->ss_shadow = true;
    c->stop_block = true;
}

/* 8C: MOV r/m16, Sreg. A 32-bit register receives the selector
 * zero-extended; memory always 16 bits. */
static void mov_rm_sreg(cpu_t *c, const struct insn *i)
{
    uint16_t sel = c->seg[i->reg].sel;
    if (i->mod == 3)
        reg_set(c, i->rm, opsize(i), sel);
    else
        wr16(c, i->seg, ea(c, i), sel);
}

/* 8E: MOV Sreg, r/m16 (CS and the nonexistent Sreg 6, 7 are #UD: never
 * registered). */
static void mov_sreg_rm(cpu_t *c, const struct insn *i)
{
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    seg_load(c, i->reg, sel);
    if (i->reg == SR_SS)
        ss_loaded(c);
}

/* The segment register of a PUSH/POP Sreg opcode: 06/07 ES, 0E CS,
 * 16/17 SS, 1E/1F DS; 0F A0/A1 FS, 0F A8/A9 GS. */
static int sreg_of(const struct insn *i)
{
    if (i->op < 0x100)
        return (i->op >> 3) & 3;
    return (i->op & 0x08) ? SR_GS : SR_FS;
}

/* A 32-bit push writes the selector zero-extended (as Unicorn/QEMU do;
 * recent processors write only the low 16 bits). */
static void push_sreg(cpu_t *c, const struct insn *i)
{
    push(c, opsize(i), c->seg[sreg_of(i)].sel);
}

/* POP Sreg loads the segment before ESP moves, so a faulting load leaves
 * ESP alone; ESP moves by the stack width in force before the pop, even
 * when the pop changes SS. */
static void pop_sreg(cpu_t *c, const struct insn *i)
{
    int sr = sreg_of(i);
    unsigned size = opsize(i);
    bool was32 = stack32(c);
    uint32_t sp = sp_get(c) + size;
    uint16_t sel = (uint16_t)stack_peek(c, size, 0);
    seg_load(c, sr, sel);
    if (was32)
        c->reg[ESP] = sp;
    else
        c->reg[ESP] = (c->reg[ESP] & 0xFFFF0000u) | (sp & 0xFFFFu);
    if (sr == SR_SS)
        ss_loaded(c);
}

/* LDS, LES, LSS, LFS, LGS: offset then selector in memory. */
static void load_far_pointer(cpu_t *c, const struct insn *i, int sr)
{
    unsigned size = opsize(i);
    uint32_t off = ea(c, i);
    uint32_t v = mem_read(c, i->seg, off, size);
    uint16_t sel = rd16(c, i->seg, off + size);
    seg_load(c, sr, sel);
    reg_set(c, i->reg, size, v);
    if (sr == SR_SS)
        c->stop_block = true;
}

static void les(cpu_t *c, const struct insn *i) { load_far_pointer(c, i, SR_ES); }
static void lds(cpu_t *c, const struct insn *i) { load_far_pointer(c, i, SR_DS); }
static void lss(cpu_t *c, const struct insn *i) { load_far_pointer(c, i, SR_SS); }
static void lfs(cpu_t *c, const struct insn *i) { load_far_pointer(c, i, SR_FS); }
static void lgs(cpu_t *c, const struct insn *i) { load_far_pointer(c, i, SR_GS); }

void segload_ops_init(void)
{
    unsigned r;
    for (r = 0; r < SR_COUNT; r++)
        op_def_grp(0x8C, r, OPF_MODRM, mov_rm_sreg);
    op_def_grp(0x8E, SR_ES, OPF_MODRM, mov_sreg_rm);
    op_def_grp(0x8E, SR_SS, OPF_MODRM | OPF_END, mov_sreg_rm);
    op_def_grp(0x8E, SR_DS, OPF_MODRM, mov_sreg_rm);
    op_def_grp(0x8E, SR_FS, OPF_MODRM, mov_sreg_rm);
    op_def_grp(0x8E, SR_GS, OPF_MODRM, mov_sreg_rm);
    op_def(0x06, 0, push_sreg);
    op_def(0x0E, 0, push_sreg);
    op_def(0x16, 0, push_sreg);
    op_def(0x1E, 0, push_sreg);
    op_def(0x1A0, 0, push_sreg);
    op_def(0x1A8, 0, push_sreg);
    op_def(0x07, 0, pop_sreg);
    op_def(0x17, OPF_END, pop_sreg);
    op_def(0x1F, 0, pop_sreg);
    op_def(0x1A1, 0, pop_sreg);
    op_def(0x1A9, 0, pop_sreg);
    op_def(0xC4, OPF_MODRM | OPF_MEM, les);
    op_def(0xC5, OPF_MODRM | OPF_MEM, lds);
    op_def(0x1B2, OPF_MODRM | OPF_MEM | OPF_END, lss);
    op_def(0x1B4, OPF_MODRM | OPF_MEM, lfs);
    op_def(0x1B5, OPF_MODRM | OPF_MEM, lgs);
}
