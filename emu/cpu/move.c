/*
 * move.c: data movement (MOV, MOVZX/MOVSX, XCHG, CMPXCHG, CMPXCHG8B, XADD,
 * LEA), the stack (PUSH/POP, PUSHA/POPA, ENTER/LEAVE), CBW/CWD and
 * friends, LAHF/SAHF, XLAT, and the stack primitives every other file uses.
 *
 * Rules kept here:
 *  - Precise: every operand is read, and every memory write that can
 *    fault is done (or probed) before a register or flag changes.
 *  - push() writes below the stack pointer first and moves it after, so a
 *    faulting push changes nothing; pop() reads first, then moves it.
 *  - SS.B chooses SP or ESP (sp_get/sp_set, sp_wrap); the instruction's
 *    address size never does. Stack accesses go through SS.
 */
#include "cpu.h"

/* ---- stack primitives ---- */

static inline uint32_t sp_wrap(const cpu_t *c, uint32_t v)
{
    return stack32(c) ? v : (v & 0xFFFFu);
}

void push(cpu_t *c, unsigned size, uint32_t v)
{
    uint32_t sp = sp_wrap(c, sp_get(c) - size);
    mem_write(c, SR_SS, sp, size, v);
    sp_set(c, sp);
}

uint32_t pop(cpu_t *c, unsigned size)
{
    uint32_t sp = sp_get(c);
    uint32_t v = mem_read(c, SR_SS, sp, size);
    sp_set(c, sp + size);
    return v;
}

uint32_t stack_peek(cpu_t *c, unsigned size, uint32_t at)
{
    return mem_read(c, SR_SS, sp_wrap(c, sp_get(c) + at), size);
}

/* ---- MOV ---- */

/* The bodies below take the operand size and whether r/m is memory as
 * constants: DEF_FORMS (cpu.h) makes a handler of each combination, and
 * the decoder picks it. Their first parameter is unused. */

BODY void mov_rm_r(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                            unsigned mem)
{
    (void)none;
    rm_put(c, i, size, mem, reg_get(c, i->reg, size));
}

BODY void mov_r_rm(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                            unsigned mem)
{
    (void)none;
    reg_set(c, i->reg, size, rm_get(c, i, size, mem));
}

/* Their fast ways (DEF_THREADED_FAST), for memory forms. */
BODY bool mov_rm_r_fast(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                        unsigned mem)
{
    uint8_t *p;
    (void)none;
    if (!mem_fast(c, i->seg, ea_form(c, i, mem), size, FAST_W, &p))
        return false;
    host_store(p, size, reg_get(c, i->reg, size));
    return true;
}

BODY bool mov_r_rm_fast(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                        unsigned mem)
{
    uint8_t *p;
    (void)none;
    if (!mem_fast(c, i->seg, ea_form(c, i, mem), size, FAST_R, &p))
        return false;
    reg_set(c, i->reg, size, host_load(p, size));
    return true;
}

DEF_FORMS_B_RP_FAST(mov_rm_r8, mov_rm_r, mov_rm_r_fast, 0)
DEF_FORMS_RP_FAST(mov_rm_rv, mov_rm_r, mov_rm_r_fast, 0)
DEF_FORMS_B_RP_FAST(mov_r_rm8, mov_r_rm, mov_r_rm_fast, 0)
DEF_FORMS_RP_FAST(mov_r_rmv, mov_r_rm, mov_r_rm_fast, 0)

/* A0-A3: the offset is an immediate (moffs), in i->disp. */
static void mov_al_moffs(cpu_t *c, const struct insn *i)
{
    reg_set(c, EAX, 1, mem_read(c, i->seg, i->disp, 1));
}

static void mov_eax_moffs(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i);
    reg_set(c, EAX, size, mem_read(c, i->seg, i->disp, size));
}

static void mov_moffs_al(cpu_t *c, const struct insn *i)
{
    mem_write(c, i->seg, i->disp, 1, reg_get(c, EAX, 1));
}

static void mov_moffs_eax(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i);
    mem_write(c, i->seg, i->disp, size, reg_get(c, EAX, size));
}

static void mov_r8_imm(cpu_t *c, const struct insn *i)
{
    reg_set(c, i->op & 7, 1, i->imm);
}

BODY void mov_r_imm(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                             unsigned mem)
{
    (void)none;
    (void)mem;
    reg_set(c, i->op & 7, size, i->imm);
}

BODY void mov_rm_imm(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                              unsigned mem)
{
    (void)none;
    rm_put(c, i, size, mem, i->imm);
}

BODY bool mov_rm_imm_fast(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                          unsigned mem)
{
    uint8_t *p;
    (void)none;
    if (!mem_fast(c, i->seg, ea_form(c, i, mem), size, FAST_W, &p))
        return false;
    host_store(p, size, i->imm);
    return true;
}

DEF_FORMS_RP(mov_r_immv, mov_r_imm, 0)
DEF_FORMS_B_RP_FAST(mov_rm8_imm, mov_rm_imm, mov_rm_imm_fast, 0)
DEF_FORMS_RP_FAST(mov_rm_immv, mov_rm_imm, mov_rm_imm_fast, 0)

/* MOVZX, MOVSX: the source's size is the body's parameter (1 or 2). */
BODY void movzx(cpu_t *c, const struct insn *i, unsigned from, unsigned size, unsigned mem)
{
    reg_set(c, i->reg, size, rm_get(c, i, from, mem));
}

BODY void movsx(cpu_t *c, const struct insn *i, unsigned from, unsigned size, unsigned mem)
{
    reg_set(c, i->reg, size, lf_sext(rm_get(c, i, from, mem), from));
}

DEF_FORMS_RP(movzx8, movzx, 1)
DEF_FORMS_RP(movzx16, movzx, 2)
DEF_FORMS_RP(movsx8, movsx, 1)
DEF_FORMS_RP(movsx16, movsx, 2)

/* ---- exchanges ---- */

/* XCHG with memory is locked whether or not LOCK is given (SDM vol. 2,
 * XCHG); an interpreter running one CPU needs nothing more for that. */
static void xchg_rm_r_sz(cpu_t *c, const struct insn *i, unsigned size)
{
    uint32_t m = rm_read(c, i, size);
    uint32_t r = reg_get(c, i->reg, size);
    rm_write(c, i, size, r);
    reg_set(c, i->reg, size, m);
}

static void xchg_rm_r8(cpu_t *c, const struct insn *i) { xchg_rm_r_sz(c, i, 1); }
static void xchg_rm_r(cpu_t *c, const struct insn *i) { xchg_rm_r_sz(c, i, opsize(i)); }

static void xchg_eax_r(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i), r = i->op & 7;
    uint32_t a = reg_get(c, EAX, size);
    reg_set(c, EAX, size, reg_get(c, r, size));
    reg_set(c, r, size, a);
}

/* 90: XCHG eAX,eAX, also PAUSE with F3. */
static void nop(cpu_t *c, const struct insn *i)
{
    (void)c;
    (void)i;
}

/* CMPXCHG writes its destination in both outcomes: the old value back
 * when the compare fails (SDM vol. 2, CMPXCHG), so a read-only
 * destination faults either way. */
static void cmpxchg_sz(cpu_t *c, const struct insn *i, unsigned size)
{
    uint32_t dst = rm_read(c, i, size);
    uint32_t acc = reg_get(c, EAX, size);
    uint32_t src = reg_get(c, i->reg, size);
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
    if (acc == dst) {
        rm_write(c, i, size, src);
    } else {
        rm_write(c, i, size, dst);
        reg_set(c, EAX, size, dst);
    }
    lf_set(c, LF_SUB, size, (acc - dst) & mask, acc, dst);
}

static void cmpxchg8(cpu_t *c, const struct insn *i) { cmpxchg_sz(c, i, 1); }
static void cmpxchg(cpu_t *c, const struct insn *i) { cmpxchg_sz(c, i, opsize(i)); }

/* 0F C7 /1: only ZF changes. The whole quadword is limit-checked as one
 * operand, and written back unchanged when the compare fails. */
static void cmpxchg8b(cpu_t *c, const struct insn *i)
{
    uint32_t lin = seg_check(c, i->seg, ea(c, i), 8, ACC_W);
    uint64_t m = lin_read64(c, lin, ACC_R);
    uint64_t cmp = ((uint64_t)c->reg[EDX] << 32) | c->reg[EAX];
    bool equal = m == cmp;
    if (equal) {
        lin_write64(c, lin, ((uint64_t)c->reg[ECX] << 32) | c->reg[EBX], ACC_W);
    } else {
        lin_write64(c, lin, m, ACC_W);
        c->reg[EAX] = (uint32_t)m;
        c->reg[EDX] = (uint32_t)(m >> 32);
    }
    lf_materialize(c);
    c->eflags = equal ? (c->eflags | FL_ZF) : (c->eflags & ~FL_ZF);
}

/* XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. When both are the
 * same register the sum wins, so the source is written first. */
static void xadd_sz(cpu_t *c, const struct insn *i, unsigned size)
{
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
    uint32_t dst = rm_read(c, i, size);
    uint32_t src = reg_get(c, i->reg, size);
    uint32_t sum = (dst + src) & mask;
    if (i->mod == 3) {
        reg_set(c, i->reg, size, dst);
        reg_set(c, i->rm, size, sum);
    } else {
        rm_write(c, i, size, sum);
        reg_set(c, i->reg, size, dst);
    }
    lf_set(c, LF_ADD, size, sum, dst, src);
}

static void xadd8(cpu_t *c, const struct insn *i) { xadd_sz(c, i, 1); }
static void xadd(cpu_t *c, const struct insn *i) { xadd_sz(c, i, opsize(i)); }

/* LEA: the offset only; with 16-bit operands its low half. */
BODY void lea(cpu_t *c, const struct insn *i, unsigned none, unsigned size, unsigned mem)
{
    (void)none;
    reg_set(c, i->reg, size, ea_form(c, i, mem));
}

/* LEA only computes: even its memory forms are pure. */
DEF_THREADED_PURE(lea_m16, lea(c, i, 0, 2, RM_MEM))
DEF_THREADED_PURE(lea_m32, lea(c, i, 0, 4, RM_MEM))
DEF_THREADED_PURE(lea_bd16, lea(c, i, 0, 2, RM_MEM_BD))
DEF_THREADED_PURE(lea_bd32, lea(c, i, 0, 4, RM_MEM_BD))
static const struct op_forms lea_forms = {
    {lea_m16, lea_m32, lea_m16, lea_m32, lea_bd16, lea_bd32},
    {lea_m16_t, lea_m32_t, lea_m16_t, lea_m32_t, lea_bd16_t, lea_bd32_t}};

/* ---- PUSH and POP ---- */

/* PUSH ESP pushes the value before the push (SDM vol. 2, PUSH). */
BODY void push_r(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                          unsigned mem)
{
    (void)none;
    (void)mem;
    push(c, size, reg_get(c, i->op & 7, size));
}

/* POP ESP leaves ESP holding the popped value: the increment comes first. */
BODY void pop_r(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                         unsigned mem)
{
    uint32_t v = pop(c, size);
    (void)none;
    (void)mem;
    reg_set(c, i->op & 7, size, v);
}

BODY void push_imm(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                            unsigned mem)
{
    (void)none;
    (void)mem;
    push(c, size, i->imm);
}

BODY void push_rm(cpu_t *c, const struct insn *i, unsigned none, unsigned size,
                           unsigned mem)
{
    (void)none;
    push(c, size, rm_get(c, i, size, mem));
}

DEF_FORMS(push_r, push_r, 0)
DEF_FORMS(pop_r, pop_r, 0)
DEF_FORMS(push_imm, push_imm, 0)
DEF_FORMS(push_rm, push_rm, 0)

/* 8F /0. With ESP as the base, the destination address is computed after
 * ESP is incremented (SDM vol. 2, POP); a faulting write must still leave
 * ESP as it was. */
static void pop_rm(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i);
    uint32_t old_esp = c->reg[ESP];
    uint32_t v = stack_peek(c, size, 0);
    uint32_t off;
    if (i->mod == 3) {
        sp_set(c, sp_get(c) + size);
        reg_set(c, i->rm, size, v);
        return;
    }
    sp_set(c, sp_get(c) + size);
    off = ea(c, i);
    c->reg[ESP] = old_esp;
    mem_write(c, i->seg, off, size, v);
    sp_set(c, sp_get(c) + size);
}

/* PUSHA: the order EAX ECX EDX EBX (old ESP) EBP ESI EDI. Every slot is
 * probed before any is written, so a fault leaves memory unchanged. */
static void pusha(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i), k;
    uint32_t sp = sp_get(c), v[8];
    for (k = 0; k < 8; k++)
        v[k] = reg_get(c, k, size);
    for (k = 0; k < 8; k++)
        mem_probe_write(c, SR_SS, sp_wrap(c, sp - (k + 1) * size), size);
    for (k = 0; k < 8; k++)
        mem_write(c, SR_SS, sp_wrap(c, sp - (k + 1) * size), size, v[k]);
    sp_set(c, sp - 8 * size);
}

/* POPA: the saved ESP slot is skipped. */
static void popa(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i), k;
    uint32_t sp = sp_get(c), v[8];
    for (k = 0; k < 8; k++)
        if (7 - k != ESP)
            v[7 - k] = mem_read(c, SR_SS, sp_wrap(c, sp + k * size), size);
    for (k = 0; k < 8; k++)
        if (k != ESP)
            reg_set(c, k, size, v[k]);
    sp_set(c, sp + 8 * size);
}

/* ENTER (SDM vol. 2, ENTER): push (E)BP, copy level-1 frame pointers from
 * the old frame, push the new frame pointer, then allocate. The stack
 * size picks BP/EBP for the copies; the operand size picks the width of
 * each push and of the frame pointer written to (E)BP. The final stack
 * pointer must be writable (#PF/#SS checked before anything commits). */
static void enter(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i), level = i->imm2 & 31, k;
    uint32_t sp = sp_get(c), bp = c->reg[EBP], frame;
    sp = sp_wrap(c, sp - size);
    mem_write(c, SR_SS, sp, size, reg_get(c, EBP, size));
    frame = stack32(c) ? sp : ((c->reg[ESP] & 0xFFFF0000u) | sp);
    if (level > 0) {
        for (k = 1; k < level; k++) {
            uint32_t v;
            bp = sp_wrap(c, bp - size);
            v = mem_read(c, SR_SS, bp, size);
            sp = sp_wrap(c, sp - size);
            mem_write(c, SR_SS, sp, size, v);
        }
        sp = sp_wrap(c, sp - size);
        mem_write(c, SR_SS, sp, size, frame);
    }
    sp = sp_wrap(c, sp - (i->imm & 0xFFFFu));
    mem_probe_write(c, SR_SS, sp, size);
    reg_set(c, EBP, size, frame);
    sp_set(c, sp);
}

/* LEAVE: (E)SP = (E)BP by stack size, then pop (E)BP by operand size. */
static void leave(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i);
    uint32_t bp = sp_wrap(c, c->reg[EBP]);
    uint32_t v = mem_read(c, SR_SS, bp, size);
    sp_set(c, bp + size);
    reg_set(c, EBP, size, v);
}

/* ---- conversions, flags byte, table lookup ---- */

static void cbw(cpu_t *c, const struct insn *i)
{
    if (i->o32)
        c->reg[EAX] = (uint32_t)(int32_t)(int16_t)c->reg[EAX];
    else
        reg_set(c, EAX, 2, (uint32_t)(int32_t)(int8_t)c->reg[EAX]);
}

static void cwd(cpu_t *c, const struct insn *i)
{
    if (i->o32)
        c->reg[EDX] = (c->reg[EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
    else
        reg_set(c, EDX, 2, (c->reg[EAX] & 0x8000u) ? 0xFFFFu : 0);
}

/* LAHF: SF ZF 0 AF 0 PF 1 CF (bit 1 reads as one). */
static void lahf(cpu_t *c, const struct insn *i)
{
    (void)i;
    reg_set(c, 4 /* AH */, 1, cpu_eflags(c) & 0xFFu);
}

static void sahf(cpu_t *c, const struct insn *i)
{
    (void)i;
    cpu_set_eflags(c, reg_get(c, 4 /* AH */, 1),
                   FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF);
}

/* XLAT: AL = [seg:(E)BX + AL], wrapped to the address size. */
static void xlat(cpu_t *c, const struct insn *i)
{
    uint32_t off = c->reg[EBX] + (c->reg[EAX] & 0xFFu);
    if (!i->a32)
        off &= 0xFFFFu;
    reg_set(c, EAX, 1, mem_read(c, i->seg, off, 1));
}

void move_ops_init(void)
{
    unsigned r;
    op_def_forms(0x88, OPF_MODRM, &mov_rm_r8_forms);
    op_def_forms(0x89, OPF_MODRM, &mov_rm_rv_forms);
    op_def_forms(0x8A, OPF_MODRM, &mov_r_rm8_forms);
    op_def_forms(0x8B, OPF_MODRM, &mov_r_rmv_forms);
    op_def(0xA0, OPF_MOFFS, mov_al_moffs);
    op_def(0xA1, OPF_MOFFS, mov_eax_moffs);
    op_def(0xA2, OPF_MOFFS, mov_moffs_al);
    op_def(0xA3, OPF_MOFFS, mov_moffs_eax);
    for (r = 0; r < 8; r++) {
        op_def(0xB0 + r, OPF_IMM_B, mov_r8_imm);
        op_def_forms(0xB8 + r, OPF_IMM_Z, &mov_r_immv_forms);
        op_def_forms(0x50 + r, 0, &push_r_forms);
        op_def_forms(0x58 + r, 0, &pop_r_forms);
    }
    op_def_grp_forms(0xC6, 0, OPF_MODRM | OPF_IMM_B, &mov_rm8_imm_forms);
    op_def_grp_forms(0xC7, 0, OPF_MODRM | OPF_IMM_Z, &mov_rm_immv_forms);
    op_def_forms(0x1B6, OPF_MODRM, &movzx8_forms);
    op_def_forms(0x1B7, OPF_MODRM, &movzx16_forms);
    op_def_forms(0x1BE, OPF_MODRM, &movsx8_forms);
    op_def_forms(0x1BF, OPF_MODRM, &movsx16_forms);

    op_def(0x86, OPF_MODRM | OPF_LOCK, xchg_rm_r8);
    op_def(0x87, OPF_MODRM | OPF_LOCK, xchg_rm_r);
    op_def(0x90, 0, nop);
    for (r = 1; r < 8; r++)
        op_def(0x90 + r, 0, xchg_eax_r);
    op_def(0x1B0, OPF_MODRM | OPF_LOCK, cmpxchg8);
    op_def(0x1B1, OPF_MODRM | OPF_LOCK, cmpxchg);
    op_def_grp(0x1C7, 1, OPF_MODRM | OPF_MEM | OPF_LOCK, cmpxchg8b);
    op_def(0x1C0, OPF_MODRM | OPF_LOCK, xadd8);
    op_def(0x1C1, OPF_MODRM | OPF_LOCK, xadd);
    op_def_forms(0x8D, OPF_MODRM | OPF_MEM, &lea_forms);

    op_def_forms(0x68, OPF_IMM_Z, &push_imm_forms);
    op_def_forms(0x6A, OPF_IMM_BS, &push_imm_forms);
    op_def_grp_forms(0xFF, 6, OPF_MODRM, &push_rm_forms);
    op_def_grp(0x8F, 0, OPF_MODRM, pop_rm);
    op_def(0x60, 0, pusha);
    op_def(0x61, 0, popa);
    op_def(0xC8, OPF_ENTER, enter);
    op_def(0xC9, 0, leave);

    op_def(0x98, 0, cbw);
    op_def(0x99, 0, cwd);
    op_def(0x9F, 0, lahf);
    op_def(0x9E, 0, sahf);
    op_def(0xD7, 0, xlat);
}
