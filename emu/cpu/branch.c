/*
 * branch.c: control transfers: Jcc, JMP, CALL, RET, LOOP*, JCXZ/JECXZ and
 * the far forms (which hand over to intr.c through prot.h).
 *
 * Rules kept here:
 *  - A near target is masked to 16 bits under a 16-bit operand size and
 *    must lie inside CS's limit, else #GP(0), raised before anything
 *    changes (SDM vol. 2, JMP/CALL/RET/Jcc).
 *  - CALL checks its target, then pushes, then sets next_eip; RET reads
 *    the return address before it moves the stack pointer. A fault thus
 *    leaves the CPU as it was.
 *  - LOOP and JCXZ count in CX or ECX by the ADDRESS size.
 */
#include "cpu.h"
#include "prot.h"

BODY uint32_t near_target(cpu_t *c, const struct insn *i, uint32_t target)
{
    if (!i->o32)
        target &= 0xFFFFu;
    if (unlikely(target > c->seg[SR_CS].limit))
        cpu_raise(c, EXC_GP, 0);
    return target;
}

/* 70-7F and 0F 80-8F: the condition is the opcode's low nibble, fixed
 * per handler so that cpu_cond folds to the test of that condition. */
BODY void jcc(cpu_t *c, const struct insn *i, unsigned cc)
{
    if (cpu_cond(c, cc))
        c->next_eip = near_target(c, i, c->next_eip + i->imm);
}

/* Threaded Jcc and JMP rel. A JMP is the last of its block; a Jcc
 * (OPF_BRANCH without OPF_END) leaves its block only when taken and
 * otherwise runs the next instruction of the block, as a pure
 * instruction would (the EIP pair may lag). Taken, they compute the EIP
 * from the decoded instruction and set it themselves, setting the EIP
 * pair only on the way to a fault, and leave conditions the inline test
 * cannot decide to a call in tail position, so that the common path
 * needs no stack frame. */
static __attribute__((noinline)) void branch_to(cpu_t *c, const struct insn *i, bool taken)
{
    insn_enter(c, i);
    if (taken)
        c->next_eip = near_target(c, i, c->next_eip + i->imm);
    c->eip = c->next_eip;
    c->icount++;
}

/* A taken relative branch, threaded: the block ends here and goes on at
 * eip, which must lie within CS's limit; the count includes the branch. */
BODY void leave_block_to(cpu_t *c, const struct insn *i, uint32_t eip)
{
    if (!i->o32)
        eip &= 0xFFFFu;
    if (unlikely(eip > c->seg[SR_CS].limit)) {
        branch_to(c, i, true);  /* raises #GP(0) */
        return;
    }
    c->eip = c->next_eip = eip;
    c->icount = c->ibase + i->idx + 1;
}

static __attribute__((noinline)) void jcc_slow(cpu_t *c, const struct insn *i)
{
    if (cpu_cond_slow(c, i->op & 15))
        branch_to(c, i, true);
    else
        insn_next_pure(c, i);
}

BODY void jcc_t(cpu_t *c, const struct insn *i, unsigned cc)
{
    int r = cpu_cond_fast(c, cc);
    if (unlikely(r < 0)) {
        jcc_slow(c, i);
        return;
    }
    if (!r) {
        insn_next_pure(c, i);
        return;
    }
    leave_block_to(c, i, i->next_eip + i->imm);
}

#define JCC(cc)                                                                 \
    static void jcc_##cc(cpu_t *c, const struct insn *i) { jcc(c, i, cc); }    \
    static void jcc_##cc##_t(cpu_t *c, const struct insn *i) { jcc_t(c, i, cc); }
JCC(0) JCC(1) JCC(2) JCC(3) JCC(4) JCC(5) JCC(6) JCC(7)
JCC(8) JCC(9) JCC(10) JCC(11) JCC(12) JCC(13) JCC(14) JCC(15)
static const insn_fn jcc_handlers[16][2] = {
    {jcc_0, jcc_0_t}, {jcc_1, jcc_1_t}, {jcc_2, jcc_2_t}, {jcc_3, jcc_3_t},
    {jcc_4, jcc_4_t}, {jcc_5, jcc_5_t}, {jcc_6, jcc_6_t}, {jcc_7, jcc_7_t},
    {jcc_8, jcc_8_t}, {jcc_9, jcc_9_t}, {jcc_10, jcc_10_t}, {jcc_11, jcc_11_t},
    {jcc_12, jcc_12_t}, {jcc_13, jcc_13_t}, {jcc_14, jcc_14_t}, {jcc_15, jcc_15_t},
};

static void jmp_rel(cpu_t *c, const struct insn *i)
{
    c->next_eip = near_target(c, i, c->next_eip + i->imm);
}

static void jmp_rel_t(cpu_t *c, const struct insn *i)
{
    leave_block_to(c, i, i->next_eip + i->imm);
}

/* A JMP rel that a block follows: the block goes on with the code at
 * its target, decoded right after it, so the JMP has nothing left to do
 * but be counted. Its next_eip is the target, which the EIP pair then
 * holds: a sentinel right after it, and run_observed, find the EIP there. */
static void jmp_followed(cpu_t *c, const struct insn *i)
{
    (void)c;
    (void)i;
}

static void jmp_followed_t(cpu_t *c, const struct insn *i)
{
    insn_next_pure(c, i);
}

bool jmp_rel_target(const struct insn *i, uint32_t *target)
{
    if ((i->op != 0xEB && i->op != 0xE9) || !i->o32)
        return false;
    *target = i->next_eip + i->imm;
    return true;
}

void jmp_rel_follow(struct insn *i, uint32_t target)
{
    i->fn = jmp_followed;
    i->tfn = jmp_followed_t;
    i->next_eip = target;
    i->ends = 0;
}

BODY void call_rel_body(cpu_t *c, const struct insn *i)
{
    uint32_t target = near_target(c, i, c->next_eip + i->imm);
    push(c, opsize(i), c->next_eip);
    c->next_eip = target;
}

DEF_BRANCH(call_rel, call_rel_body(c, i))

static void jmp_rm(cpu_t *c, const struct insn *i)
{
    c->next_eip = near_target(c, i, rm_read(c, i, opsize(i)));
}

static void call_rm(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i);
    uint32_t target = near_target(c, i, rm_read(c, i, size));
    push(c, size, c->next_eip);
    c->next_eip = target;
}

/* RET and RET imm16: the immediate is added to (E)SP after the pop, by
 * the stack's size. */
BODY void ret_near_body(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i);
    uint32_t target = near_target(c, i, stack_peek(c, size, 0));
    sp_set(c, sp_get(c) + size + (i->op == 0xC2 ? (i->imm & 0xFFFFu) : 0));
    c->next_eip = target;
}

DEF_BRANCH(ret_near, ret_near_body(c, i))

/* EA / 9A: ptr16:16 or ptr16:32, offset in imm, selector in imm2. */
static void jmp_far_ptr(cpu_t *c, const struct insn *i)
{
    far_jmp_sz(c, (uint16_t)i->imm2, i->imm, opsize(i));
}

static void call_far_ptr(cpu_t *c, const struct insn *i)
{
    far_call_sz(c, (uint16_t)i->imm2, i->imm, opsize(i));
}

/* FF /5, FF /3: m16:16 or m16:32, the offset first, the selector after. */
static void far_ptr_read(cpu_t *c, const struct insn *i, uint16_t *sel, uint32_t *off)
{
    unsigned size = opsize(i);
    uint32_t a = ea(c, i);
    *off = mem_read(c, i->seg, a, size);
    *sel = (uint16_t)mem_read(c, i->seg, a + size, 2);
}

static void jmp_far_m(cpu_t *c, const struct insn *i)
{
    uint16_t sel;
    uint32_t off;
    far_ptr_read(c, i, &sel, &off);
    far_jmp_sz(c, sel, off, opsize(i));
}

static void call_far_m(cpu_t *c, const struct insn *i)
{
    uint16_t sel;
    uint32_t off;
    far_ptr_read(c, i, &sel, &off);
    far_call_sz(c, sel, off, opsize(i));
}

static void retf(cpu_t *c, const struct insn *i)
{
    far_ret_sz(c, i->op == 0xCA ? (uint16_t)i->imm : 0, opsize(i));
}

/* E0-E3. The counter changes only once the jump (if taken) is known to
 * be inside CS. */
static void loop(cpu_t *c, const struct insn *i)
{
    uint32_t n = (c->reg[ECX] - 1) & (i->a32 ? 0xFFFFFFFFu : 0xFFFFu);
    bool take = n != 0;
    if (i->op == 0xE1)
        take = take && cpu_cond(c, 4);  /* LOOPE: ZF = 1 */
    else if (i->op == 0xE0)
        take = take && cpu_cond(c, 5);  /* LOOPNE: ZF = 0 */
    if (take)
        c->next_eip = near_target(c, i, c->next_eip + i->imm);
    if (i->a32)
        c->reg[ECX] = n;
    else
        reg_set(c, ECX, 2, n);
}

static void jcxz(cpu_t *c, const struct insn *i)
{
    uint32_t n = i->a32 ? c->reg[ECX] : (c->reg[ECX] & 0xFFFFu);
    if (n == 0)
        c->next_eip = near_target(c, i, c->next_eip + i->imm);
}

void branch_ops_init(void)
{
    unsigned cc;
    for (cc = 0; cc < 16; cc++) {
        op_def_t(0x70 + cc, OPF_IMM_BS | OPF_BRANCH, jcc_handlers[cc][0],
                 jcc_handlers[cc][1]);
        op_def_t(0x180 + cc, OPF_IMM_Z | OPF_BRANCH, jcc_handlers[cc][0],
                 jcc_handlers[cc][1]);
    }
    op_def_t(0xEB, OPF_IMM_BS | OPF_END | OPF_BRANCH, jmp_rel, jmp_rel_t);
    op_def_t(0xE9, OPF_IMM_Z | OPF_END | OPF_BRANCH, jmp_rel, jmp_rel_t);
    op_def_t(0xE8, OPF_IMM_Z | OPF_END | OPF_BRANCH, call_rel, call_rel_t);
    op_def_t(0xC3, OPF_END | OPF_BRANCH, ret_near, ret_near_t);
    op_def_t(0xC2, OPF_IMM_W | OPF_END | OPF_BRANCH, ret_near, ret_near_t);
    op_def_grp(0xFF, 4, OPF_MODRM | OPF_END | OPF_BRANCH, jmp_rm);
    op_def_grp(0xFF, 2, OPF_MODRM | OPF_END | OPF_BRANCH, call_rm);
    op_def(0xEA, OPF_FARPTR | OPF_END, jmp_far_ptr);
    op_def(0x9A, OPF_FARPTR | OPF_END, call_far_ptr);
    op_def_grp(0xFF, 5, OPF_MODRM | OPF_MEM | OPF_END, jmp_far_m);
    op_def_grp(0xFF, 3, OPF_MODRM | OPF_MEM | OPF_END, call_far_m);
    op_def(0xCB, OPF_END, retf);
    op_def(0xCA, OPF_IMM_W | OPF_END, retf);
    op_def(0xE2, OPF_IMM_BS | OPF_END | OPF_BRANCH, loop);
    op_def(0xE1, OPF_IMM_BS | OPF_END | OPF_BRANCH, loop);
    op_def(0xE0, OPF_IMM_BS | OPF_END | OPF_BRANCH, loop);
    op_def(0xE3, OPF_IMM_BS | OPF_END | OPF_BRANCH, jcxz);
}
