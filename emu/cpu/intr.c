/*
 * intr.c: interrupt and exception delivery, far JMP/CALL/RET, IRET and the
 * triple fault (SDM vol. 3, chapters 5-7; vol. 2: CALL, JMP, RET, INT n,
 * IRET).
 *
 * Rules kept here:
 *  - Check, write the stack, then commit. Every descriptor and stack check
 *    is made, and every stack write done, before any register, segment
 *    cache, EFLAGS bit or the CPL changes; so a fault in the middle (which
 *    the loop may turn into #DF) finds the CPU as it was. A transfer builds
 *    its stack in a struct stk that reaches SS:ESP only in stk_commit().
 *  - Error codes follow the SDM: a selector error code is the selector
 *    with RPL replaced by the EXT bit (1 for events not caused by INT n,
 *    INT3 or INTO); an IDT entry's is vec*8+2+EXT.
 *  - Task switches are not modelled: task gates and TSS descriptors as
 *    targets raise #GP, as does IRET with NT set.
 *  - VM86 is not modelled: a CPU with EFLAGS.VM set is treated as in
 *    real mode, and IRET never sets VM.
 *  - Whatever changes CS ends the block (c->stop_block); a CPL change
 *    calls mmu_cpl_changed().
 */
#include "cpu.h"
#include "prot.h"

static bool ar_is_code(uint32_t ar) { return (ar & (AR_S | AR_CODE)) == (AR_S | AR_CODE); }
static bool ar_conforming(uint32_t ar) { return (ar & AR_CONFORMING) != 0; }
static unsigned ar_dpl(uint32_t ar) { return (ar & AR_DPL) >> AR_DPL_SHIFT; }
static bool protected_checks(const cpu_t *c) { return pmode(c) && !v86(c); }
static uint32_t sel_err(uint16_t sel, uint32_t ext) { return (sel & 0xFFFCu) | ext; }
static bool sel_null(uint16_t sel) { return (sel & 0xFFFCu) == 0; }

/* ---- stacks under construction ---- */

struct stk {
    struct segcache ss;
    uint32_t esp;   /* the ESP value to commit */
    uint32_t err;   /* #SS error code for a limit violation */
    int acc;        /* ACC_SYS: a more privileged stack written at the old CPL */
};

static void stk_open(cpu_t *c, struct stk *st)
{
    st->ss = c->seg[SR_SS];
    st->esp = c->reg[ESP];
    st->err = 0;
    st->acc = 0;
}

static bool stk_32(const struct stk *st) { return (st->ss.ar & AR_DB) != 0; }

/* ESP moved by delta: SS.B decides whether SP or ESP moves (vol. 1, 6.2.3). */
static uint32_t stk_moved(const struct stk *st, uint32_t delta)
{
    uint32_t n = st->esp + delta;
    return stk_32(st) ? n : (st->esp & 0xFFFF0000u) | (n & 0xFFFFu);
}

static uint32_t stk_lin(cpu_t *c, const struct stk *st, uint32_t esp, unsigned size, int acc)
{
    uint32_t off = stk_32(st) ? esp : esp & 0xFFFFu;
    return seg_check_cache(c, &st->ss, off, size, acc, EXC_SS, st->err);
}

/* Check that n pushes of size bytes fit, without writing. */
static void stk_room(cpu_t *c, const struct stk *st, unsigned n, unsigned size)
{
    struct stk t = *st;
    while (n--) {
        t.esp = stk_moved(&t, -size);
        stk_lin(c, &t, t.esp, size, ACC_W);
    }
}

static void stk_push(cpu_t *c, struct stk *st, unsigned size, uint32_t v)
{
    uint32_t esp = stk_moved(st, -size);
    lin_write(c, stk_lin(c, st, esp, size, ACC_W), size, v, ACC_W | st->acc);
    st->esp = esp;
}

static uint32_t stk_peek(cpu_t *c, const struct stk *st, uint32_t at, unsigned size)
{
    uint32_t lin = stk_lin(c, st, st->esp + at, size, ACC_R);
    return lin_read(c, lin, size, ACC_R | st->acc);
}

static uint32_t stk_pop(cpu_t *c, struct stk *st, unsigned size)
{
    uint32_t v = stk_peek(c, st, 0, size);
    st->esp = stk_moved(st, size);
    return v;
}

/* Switch a stack under construction to segment ss at pointer esp; with a
 * 16-bit segment only SP is replaced. */
static void stk_switch(cpu_t *c, struct stk *st, const struct segcache *ss, uint32_t esp)
{
    st->ss = *ss;
    st->esp = stk_32(st) ? esp : (c->reg[ESP] & 0xFFFF0000u) | (esp & 0xFFFFu);
}

static void stk_commit(cpu_t *c, const struct stk *st)
{
    c->seg[SR_SS] = st->ss;
    c->reg[ESP] = st->esp;
}

/* The stack for privilege level cpl from the current TSS (vol. 3, 7.2.1,
 * and INT n): #TS(TSS selector) if the TSS is too short for it. */
static void tss_stack(cpu_t *c, unsigned cpl, uint32_t ext, uint16_t *ss, uint32_t *esp)
{
    uint32_t ar = c->tr.ar;
    bool tss32 = (ar & 8) != 0;
    uint32_t at = tss32 ? (cpl << 3) + 4 : (cpl << 2) + 2;
    uint32_t width = tss32 ? 4 : 2;
    if (!(ar & AR_P) || (ar & AR_S) || (ar & 5) != 1 || at + width + 1 > c->tr.limit)
        cpu_raise(c, EXC_TS, sel_err(c->tr.sel, ext));
    *esp = lin_read(c, c->tr.base + at, width, ACC_R | ACC_SYS);
    *ss = (uint16_t)lin_read(c, c->tr.base + at + width, 2, ACC_R | ACC_SYS);
}

/* Open the stack of an inner ring for a gate transfer: SS:ESP from the
 * TSS, checked with #TS, #SS(SS) for a limit violation. */
static void stk_open_inner(cpu_t *c, struct stk *st, unsigned cpl, uint32_t ext)
{
    uint16_t sel;
    uint32_t esp;
    tss_stack(c, cpl, ext, &sel, &esp);
    ss_fetch(c, sel, cpl, EXC_TS, ext, &st->ss);
    st->esp = esp;
    st->err = sel_err(sel, ext);
    st->acc = ACC_SYS;
}

/* ---- code segments ---- */

/* Read the descriptor of a code-segment selector for a transfer: #GP(ext)
 * if null, #GP(sel|ext) outside its table. The caller checks the type. */
static void code_fetch(cpu_t *c, uint16_t sel, uint32_t ext, struct segcache *cs)
{
    if (sel_null(sel))
        cpu_raise(c, EXC_GP, ext);
    desc_to_cache(desc_fetch(c, sel, EXC_GP, sel_err(sel, ext)), sel, cs);
}

static void code_require(cpu_t *c, bool ok, const struct segcache *cs, uint32_t ext)
{
    if (!ok)
        cpu_raise(c, EXC_GP, sel_err(cs->sel, ext));
    if (!(cs->ar & AR_P))
        cpu_raise(c, EXC_NP, sel_err(cs->sel, ext));
}

static void check_eip(cpu_t *c, const struct segcache *cs, uint32_t eip, uint32_t ext)
{
    if (eip > cs->limit)
        cpu_raise(c, EXC_GP, ext);
}

/* Make a checked transfer architectural: CS with RPL = cpl, CPL, EIP. */
static void enter_code(cpu_t *c, const struct segcache *cs, unsigned cpl, uint32_t eip)
{
    struct segcache *s = &c->seg[SR_CS];
    *s = *cs;
    s->sel = (uint16_t)((cs->sel & 0xFFFCu) | cpl);
    seg_refresh_bounds(s, true);
    blocks_unlink(c);
    c->next_eip = eip;
    c->stop_block = true;
    if (cpl != c->cpl) {
        c->cpl = cpl;
        c->stats.cpl_changes++;
        mmu_cpl_changed(c);
    }
}

static void enter_real(cpu_t *c, uint16_t sel, uint32_t eip)
{
    seg_load_real(c, SR_CS, sel);
    c->next_eip = eip;
    c->stop_block = true;
}

/* After a return to an outer ring, data segment registers the new CPL may
 * not use become null (RET and IRET in vol. 2). */
static void null_inaccessible_segments(cpu_t *c)
{
    static const int srs[] = { SR_ES, SR_DS, SR_FS, SR_GS };
    for (unsigned k = 0; k < sizeof srs / sizeof srs[0]; k++) {
        struct segcache *s = &c->seg[srs[k]];
        bool privileged = !(ar_is_code(s->ar) && ar_conforming(s->ar)) &&
                          ar_dpl(s->ar) < c->cpl;
        if (!(s->ar & AR_P) || privileged) {
            s->sel = 0;
            s->ar &= ~AR_P;
            seg_refresh_bounds(s, false);
        }
    }
}

/* ---- gates ---- */

struct gate {
    uint16_t sel;
    uint32_t off;
    unsigned type;   /* bits 0-3 type, bit 4 S */
    unsigned dpl, params;
    bool present, is32;
};

enum {
    GATE_CALL16 = 0x04, GATE_TASK = 0x05, GATE_INT16 = 0x06, GATE_TRAP16 = 0x07,
    GATE_CALL32 = 0x0C, GATE_INT32 = 0x0E, GATE_TRAP32 = 0x0F
};

static struct gate gate_decode(uint64_t d)
{
    struct gate g;
    uint32_t ar = (uint32_t)(d >> 40) & 0xFFu;
    g.sel = (uint16_t)(d >> 16);
    g.type = ar & 0x1Fu;
    g.dpl = (ar >> 5) & 3u;
    g.present = (ar & 0x80u) != 0;
    g.is32 = (ar & 8u) != 0;
    g.params = (uint32_t)(d >> 32) & 0x1Fu;
    g.off = (uint32_t)(d & 0xFFFFu);
    if (g.is32)
        g.off |= (uint32_t)(d >> 32) & 0xFFFF0000u;
    return g;
}

/* ---- interrupts and exceptions ---- */

static void intr_real(cpu_t *c, unsigned vec, uint32_t ret_eip)
{
    struct stk st;
    uint32_t ivt = vec * 4u, fl;
    uint16_t ip, cs;
    if (ivt + 3 > c->idtr.limit)
        cpu_raise(c, EXC_GP, 0);
    stk_open(c, &st);
    stk_room(c, &st, 3, 2);
    ip = (uint16_t)lin_read(c, c->idtr.base + ivt, 2, ACC_R | ACC_SYS);
    cs = (uint16_t)lin_read(c, c->idtr.base + ivt + 2, 2, ACC_R | ACC_SYS);
    fl = cpu_eflags(c);
    stk_push(c, &st, 2, fl);
    stk_push(c, &st, 2, c->seg[SR_CS].sel);
    stk_push(c, &st, 2, ret_eip);
    stk_commit(c, &st);
    cpu_set_eflags(c, 0, FL_IF | FL_TF | FL_AC);
    enter_real(c, cs, ip);
}

/* The IDT gate for vec, with the checks of INT n in vol. 2. */
static struct gate idt_gate(cpu_t *c, unsigned vec, bool soft, uint32_t ext)
{
    uint32_t err = vec * 8u + 2 + ext;
    struct gate g;
    if (vec * 8u + 7 > c->idtr.limit)
        cpu_raise(c, EXC_GP, err);
    g = gate_decode(lin_read64(c, c->idtr.base + vec * 8u, ACC_R | ACC_SYS));
    switch (g.type) {
    case GATE_TASK: case GATE_INT16: case GATE_TRAP16: case GATE_INT32: case GATE_TRAP32:
        break;
    default:
        cpu_raise(c, EXC_GP, err);
    }
    if (soft && g.dpl < c->cpl)
        cpu_raise(c, EXC_GP, vec * 8u + 2);
    if (!g.present)
        cpu_raise(c, EXC_NP, err);
    /* A task gate would switch tasks (vol. 3, 7.3), which isola does not
     * model. */
    if (g.type == GATE_TASK)
        cpu_raise(c, EXC_GP, err);
    return g;
}

static void intr_protected(cpu_t *c, unsigned vec, uint32_t err, bool soft, uint32_t ret_eip)
{
    uint32_t ext = soft ? 0 : 1;
    struct gate g = idt_gate(c, vec, soft, ext);
    unsigned size = g.is32 ? 4 : 2, cpl = c->cpl, n = 3;
    uint32_t fl = cpu_eflags(c), clear = FL_TF | FL_NT | FL_RF | FL_VM;
    struct segcache cs;
    struct stk st;

    code_fetch(c, g.sel, ext, &cs);
    code_require(c, ar_is_code(cs.ar) && ar_dpl(cs.ar) <= c->cpl, &cs, ext);
    if (!ar_conforming(cs.ar))
        cpl = ar_dpl(cs.ar);
    stk_open(c, &st);
    st.err = ext;
    if (cpl < c->cpl) {
        stk_open_inner(c, &st, cpl, ext);
        n += 2;
    }
    if (err != NO_ERRCODE)
        n++;
    stk_room(c, &st, n, size);
    check_eip(c, &cs, g.off, ext);
    desc_set_accessed(c, &cs);
    if (cpl < c->cpl) {
        stk_push(c, &st, size, c->seg[SR_SS].sel);
        stk_push(c, &st, size, c->reg[ESP]);
    }
    stk_push(c, &st, size, fl);
    stk_push(c, &st, size, c->seg[SR_CS].sel);
    stk_push(c, &st, size, ret_eip);
    if (err != NO_ERRCODE)
        stk_push(c, &st, size, err);
    stk_commit(c, &st);
    if (g.type == GATE_INT16 || g.type == GATE_INT32)
        clear |= FL_IF;
    cpu_set_eflags(c, 0, clear);
    enter_code(c, &cs, cpl, g.off);
}

static void intr_record(cpu_t *c, unsigned vec, uint32_t err, bool soft)
{
    c->exc_vec = vec;
    c->exc_err = err;
    c->exc_stopped = true;
    c->stop_request = true;
    c->stop_block = true;
    if (!soft)
        c->next_eip = c->eip;
}

void intr_deliver(cpu_t *c, unsigned vec, uint32_t err, bool soft)
{
    uint32_t ret_eip = soft ? c->next_eip : c->eip;
    if (c->on_intr)
        c->on_intr(c, vec, err, !soft, c->seg[SR_CS].sel, ret_eip, c->cpl);
    if (c->stop_on_exception) {
        intr_record(c, vec, err, soft);
        return;
    }
    /* exception_deliver (exec.c) counts exceptions; it runs with
     * exc_depth > 0. */
    if (soft || c->exc_depth == 0)
        c->stats.interrupts++;
    if (protected_checks(c))
        intr_protected(c, vec, err, soft, ret_eip);
    else
        intr_real(c, vec, ret_eip);  /* real mode pushes no error code */
}

void cpu_triple_fault(cpu_t *c)
{
    if (c->on_reset)
        c->on_reset(c, "triple fault");
    if (c->no_reboot) {
        c->shutdown = true;
        c->stop_request = true;
    } else {
        cpu_reset(c);
    }
    c->stop_block = true;
}

/* ---- far JMP and CALL ---- */

static void far_jmp_call_real(cpu_t *c, uint16_t sel, uint32_t off, unsigned size, bool call)
{
    struct stk st;
    stk_open(c, &st);
    if (call)
        stk_room(c, &st, 2, size);
    check_eip(c, &c->seg[SR_CS], off, 0);
    if (call) {
        stk_push(c, &st, size, c->seg[SR_CS].sel);
        stk_push(c, &st, size, c->next_eip);
        stk_commit(c, &st);
    }
    enter_real(c, sel, off);
}

/* A transfer that keeps the CPL, pushing the return address for CALL. */
static void far_same_level(cpu_t *c, struct segcache *cs, uint32_t off, unsigned size, bool call)
{
    struct stk st;
    stk_open(c, &st);
    if (call)
        stk_room(c, &st, 2, size);
    check_eip(c, cs, off, 0);
    desc_set_accessed(c, cs);
    if (call) {
        stk_push(c, &st, size, c->seg[SR_CS].sel);
        stk_push(c, &st, size, c->next_eip);
        stk_commit(c, &st);
    }
    enter_code(c, cs, c->cpl, off);
}

/* CALL through a gate to a more privileged non-conforming segment: the
 * TSS stack, with the gate's parameter count of words or dwords copied
 * from the caller's stack (vol. 3, 5.8.5). */
static void call_gate_inner(cpu_t *c, struct segcache *cs, const struct gate *g)
{
    unsigned cpl = ar_dpl(cs->ar), size = g->is32 ? 4 : 2;
    struct stk st, old;
    stk_open_inner(c, &st, cpl, 0);
    stk_room(c, &st, 4 + g->params, size);
    check_eip(c, cs, g->off, 0);
    desc_set_accessed(c, cs);
    stk_open(c, &old);
    stk_push(c, &st, size, c->seg[SR_SS].sel);
    stk_push(c, &st, size, c->reg[ESP]);
    for (unsigned k = g->params; k-- > 0;)
        stk_push(c, &st, size, stk_peek(c, &old, k * size, size));
    stk_push(c, &st, size, c->seg[SR_CS].sel);
    stk_push(c, &st, size, c->next_eip);
    stk_commit(c, &st);
    enter_code(c, cs, cpl, g->off);
}

static void far_via_call_gate(cpu_t *c, uint16_t gsel, const struct gate *g, bool call)
{
    struct segcache cs;
    unsigned dpl;
    bool ok;
    if (g->dpl < c->cpl || g->dpl < (gsel & 3u))
        cpu_raise(c, EXC_GP, gsel & 0xFFFCu);
    if (!g->present)
        cpu_raise(c, EXC_NP, gsel & 0xFFFCu);
    code_fetch(c, g->sel, 0, &cs);
    dpl = ar_dpl(cs.ar);
    /* JMP cannot change privilege; CALL may go inward */
    if (call)
        ok = dpl <= c->cpl;
    else
        ok = ar_conforming(cs.ar) ? dpl <= c->cpl : dpl == c->cpl;
    code_require(c, ar_is_code(cs.ar) && ok, &cs, 0);
    if (call && !ar_conforming(cs.ar) && dpl < c->cpl)
        call_gate_inner(c, &cs, g);
    else
        far_same_level(c, &cs, g->off, g->is32 ? 4 : 2, call);
}

static void far_jmp_call_protected(cpu_t *c, uint16_t sel, uint32_t off, unsigned size, bool call)
{
    struct segcache s;
    uint64_t d;
    if (sel_null(sel))
        cpu_raise(c, EXC_GP, 0);
    d = desc_read(c, sel, EXC_GP);
    desc_to_cache(d, sel, &s);
    if (ar_is_code(s.ar)) {
        bool ok = ar_conforming(s.ar) ? ar_dpl(s.ar) <= c->cpl
                                      : (sel & 3u) <= c->cpl && ar_dpl(s.ar) == c->cpl;
        code_require(c, ok, &s, 0);
        far_same_level(c, &s, off, size, call);
        return;
    }
    if ((s.ar & (AR_S | 0x7u)) == GATE_CALL16) {  /* 16- or 32-bit call gate */
        struct gate g = gate_decode(d);
        far_via_call_gate(c, sel, &g, call);
        return;
    }
    /* Task gates and TSS descriptors would switch tasks (vol. 3, 7.3),
     * which isola does not model; anything else is no valid target. */
    cpu_raise(c, EXC_GP, sel & 0xFFFCu);
}

static void far_jmp_call(cpu_t *c, uint16_t sel, uint32_t off, unsigned size, bool call)
{
    if (size == 2)
        off &= 0xFFFFu;
    if (protected_checks(c))
        far_jmp_call_protected(c, sel, off, size, call);
    else
        far_jmp_call_real(c, sel, off, size, call);
}

void far_jmp_sz(cpu_t *c, uint16_t sel, uint32_t off, unsigned opsize)
{
    far_jmp_call(c, sel, off, opsize, false);
}

void far_call_sz(cpu_t *c, uint16_t sel, uint32_t off, unsigned opsize)
{
    far_jmp_call(c, sel, off, opsize, true);
}

void far_jmp(cpu_t *c, uint16_t sel, uint32_t off) { far_jmp_sz(c, sel, off, 4); }
void far_call(cpu_t *c, uint16_t sel, uint32_t off) { far_call_sz(c, sel, off, 4); }

/* ---- far RET and IRET ---- */

/* The code segment a far RET or IRET returns to. */
static void ret_code_fetch(cpu_t *c, uint16_t sel, struct segcache *cs)
{
    unsigned rpl = sel & 3u, dpl;
    bool ok;
    code_fetch(c, sel, 0, cs);
    dpl = ar_dpl(cs->ar);
    ok = ar_is_code(cs->ar) && rpl >= c->cpl &&
         (ar_conforming(cs->ar) ? dpl <= rpl : dpl == rpl);
    code_require(c, ok, cs, 0);
}

/* Pop the outer ring's SS:ESP and check it; st then describes the outer
 * stack. */
static void ret_outer_stack(cpu_t *c, struct stk *st, unsigned cpl, unsigned size)
{
    struct segcache ss;
    uint32_t esp = stk_pop(c, st, size);
    uint16_t sel = (uint16_t)stk_pop(c, st, size);
    ss_fetch(c, sel, cpl, EXC_GP, 0, &ss);
    stk_switch(c, st, &ss, esp);
}

/* Commit a checked far RET or IRET to privilege level cpl. */
static void ret_commit(cpu_t *c, const struct stk *st, struct segcache *cs,
                       unsigned cpl, uint32_t eip)
{
    bool outer = cpl > c->cpl;
    check_eip(c, cs, eip, 0);
    desc_set_accessed(c, cs);
    stk_commit(c, st);
    enter_code(c, cs, cpl, eip);
    if (outer)
        null_inaccessible_segments(c);
}

void far_ret_sz(cpu_t *c, uint16_t pop_bytes, unsigned opsize)
{
    struct segcache cs;
    struct stk st;
    uint32_t eip;
    uint16_t sel;
    unsigned cpl;
    stk_open(c, &st);
    eip = stk_pop(c, &st, opsize);
    sel = (uint16_t)stk_pop(c, &st, opsize);
    if (!protected_checks(c)) {
        check_eip(c, &c->seg[SR_CS], eip, 0);
        st.esp = stk_moved(&st, pop_bytes);
        stk_commit(c, &st);
        enter_real(c, sel, eip);
        return;
    }
    ret_code_fetch(c, sel, &cs);
    cpl = sel & 3u;
    st.esp = stk_moved(&st, pop_bytes);
    if (cpl > c->cpl) {
        /* the immediate also releases the caller's parameters on the
         * outer stack */
        ret_outer_stack(c, &st, cpl, opsize);
        st.esp = stk_moved(&st, pop_bytes);
    }
    ret_commit(c, &st, &cs, cpl, eip);
}

void far_ret(cpu_t *c, uint16_t pop_bytes) { far_ret_sz(c, pop_bytes, 4); }

/* The EFLAGS bits IRET may change, by the CPL and IOPL before it. */
static uint32_t iret_flags_mask(const cpu_t *c, unsigned size)
{
    bool prot = protected_checks(c);
    uint32_t m = FL_ARITH | FL_TF | FL_DF | FL_NT;
    if (size == 4)
        m |= FL_RF | FL_AC | FL_ID;
    if (!prot || c->cpl == 0)
        m |= FL_IOPL;
    if (prot && c->cpl == 0 && size == 4)
        m |= FL_VIF | FL_VIP;
    if (!prot || c->cpl <= iopl(c))
        m |= FL_IF;
    return m;
}

void iret_sz(cpu_t *c, unsigned opsize)
{
    struct segcache cs;
    struct stk st;
    uint32_t eip, fl, mask;
    uint16_t sel;
    unsigned cpl;
    /* With NT set IRET returns to the previous task (vol. 3, 7.3), which
     * isola does not model. */
    if (protected_checks(c) && (c->eflags & FL_NT))
        cpu_raise(c, EXC_GP, 0);
    stk_open(c, &st);
    eip = stk_pop(c, &st, opsize);
    sel = (uint16_t)stk_pop(c, &st, opsize);
    fl = stk_pop(c, &st, opsize);
    mask = iret_flags_mask(c, opsize);
    if (!protected_checks(c)) {
        check_eip(c, &c->seg[SR_CS], eip, 0);
        stk_commit(c, &st);
        cpu_set_eflags(c, fl, mask);
        enter_real(c, sel, eip);
        return;
    }
    /* A popped VM bit at CPL 0 would return to VM86 mode, which isola
     * does not model: the mask never lets VM through, so it stays clear. */
    ret_code_fetch(c, sel, &cs);
    cpl = sel & 3u;
    if (cpl > c->cpl)
        ret_outer_stack(c, &st, cpl, opsize);
    ret_commit(c, &st, &cs, cpl, eip);
    cpu_set_eflags(c, fl, mask);
}

void iret(cpu_t *c) { iret_sz(c, 4); }
