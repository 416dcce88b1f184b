/*
 * difftest-gen.c: random instruction groups for the differential test.
 *
 * Rules kept here:
 *  - A group is written at the current EIP just before it runs: a few
 *    set-up instructions (MOV reg, imm; PUSH imm; MOV Sreg ...) that put
 *    registers, segments or the stack where the last one needs them, then
 *    that one. The generator tracks what the set-up changes, so every
 *    memory operand is aimed at mapped memory: data window or stack area,
 *    sometimes across a page boundary.
 *  - Control transfers go to free code bytes (new code is written there
 *    when execution arrives) or, backwards, to the start of a run of
 *    "safe" instructions (no memory operand, no control transfer) that
 *    ends at the branch: a loop that may run many times with other values.
 *    Far transfers may change rings (RETF/IRET out to 3, the call gate in
 *    to 0) or the code size (16-/32-bit code segments).
 *  - The same classes serve every mode: 32- or 16-bit code (prefixes 66/67
 *    flip the code segment's default), real mode (offsets stay below
 *    64 KiB), paging (some data and stack pages not present, read-only or
 *    supervisor-only).
 *  - Encodings whose result the SDM leaves undefined are not generated
 *    (16-bit SHLD/SHRD with a count above 16, 16-bit BSWAP, SMSW r32);
 *    undefined flags are masked instead (undef_flags below). Neither are
 *    what isola does not model: virtual-8086 mode and task switches
 *    (IRET never pops VM, never runs with NT set).
 *  - Encodings where Unicorn departs from the SDM are handled as listed in
 *    the deviation table in difftest.c (DEV_*), never silently.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "difftest.h"

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_TF 0x100u
#define F_IF 0x200u
#define F_DF 0x400u
#define F_OF 0x800u
#define F_NT 0x4000u
#define F_RF 0x10000u
#define F_VM 0x20000u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

#define CR0_PE 0x00000001u
#define CR0_ET 0x00000010u
#define CR0_WP 0x00010000u
#define CR0_PG 0x80000000u
#define CR4_PSE 0x00000010u

struct enc {
    uint8_t b[24];
    unsigned n;
};

/* Prefixes of one instruction, written in random order. */
struct pfx {
    bool o16, a16, lock;
    uint8_t seg;  /* 0 or 26 2E 36 3E 64 65 */
    uint8_t rep;  /* 0, F2 or F3 */
};

static const uint8_t seg_prefix[6] = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65};

struct gen {
    struct rng rng;
    unsigned cpl;
    struct xstate s;   /* predicted state while a group is built */
    uint8_t *mem;      /* the reference's memory */
    struct codemap *cm;
    uint32_t start;    /* where the group starts */
    uint32_t at;       /* where its next instruction goes */
    uint32_t limit;    /* first byte it may not use */
    struct ginsn pend[16];
    unsigned npend;
    bool failed;       /* the group does not fit or found no target */
    bool rm;           /* real mode */
    uint32_t smc_at;   /* a code byte the group rewrites (0: none)... */
    uint8_t smc_old;   /* ...and what memory holds there before */
    bool cs16;         /* 16-bit code: default operand and address size 16 */
};

#define R (&g->rng)

/* ---- encoding ---- */

static void e8(struct enc *e, uint32_t v) { e->b[e->n++] = (uint8_t)v; }
static void e16(struct enc *e, uint32_t v) { e8(e, v); e8(e, v >> 8); }
static void e32(struct enc *e, uint32_t v) { e16(e, v); e16(e, v >> 16); }
static void eimm(struct enc *e, unsigned size, uint32_t v)
{
    if (size == 1)
        e8(e, v);
    else if (size == 2)
        e16(e, v);
    else
        e32(e, v);
}

static void emit_pfx(struct gen *g, struct enc *e, const struct pfx *p)
{
    uint8_t list[8];
    unsigned n = 0;
    if (p->o16 != g->cs16)
        list[n++] = 0x66;
    if (p->a16 != g->cs16)
        list[n++] = 0x67;
    if (p->lock)
        list[n++] = 0xF0;
    if (p->seg)
        list[n++] = p->seg;
    if (p->rep)
        list[n++] = p->rep;
    if (p->o16 != g->cs16 && chance(R, 2))
        list[n++] = 0x66; /* a repeated 66, as padding NOPs use */
    for (unsigned i = n; i > 1; i--) {
        unsigned j = rnd(R, i);
        uint8_t t = list[i - 1];
        list[i - 1] = list[j];
        list[j] = t;
    }
    for (unsigned i = 0; i < n; i++)
        e8(e, list[i]);
}


/* Operand and address sizes: the prefix flips the code segment's default. */
static bool rand_o16(struct gen *g) { return chance(R, g->cs16 ? 75 : 25); }
static bool rand_a16(struct gen *g) { return chance(R, g->cs16 ? 80 : 20); }
static void pfx_o(struct gen *g, struct enc *e, bool o16)
{
    if (o16 != g->cs16)
        e8(e, 0x66);
}
static void pfx_a(struct gen *g, struct enc *e, bool a16)
{
    if (a16 != g->cs16)
        e8(e, 0x67);
}

/* [offset] with the default address size (offset < 64 KiB in 16-bit code). */
static void modrm_abs(struct gen *g, struct enc *e, unsigned reg, uint32_t t)
{
    if (g->cs16) {
        e8(e, 0 << 6 | reg << 3 | 6);
        e16(e, t);
    } else {
        e8(e, 0 << 6 | reg << 3 | 5);
        e32(e, t);
    }
}

/* Segment bases as this mode computes them. */
static uint32_t seg_base(struct gen *g, uint16_t sel)
{
    return g->rm ? (uint32_t)sel << 4 : sel_base(sel);
}
static bool seg_big(struct gen *g, uint16_t sel) { return !g->rm && sel_big(sel); }

/* A random segment override now and then. DEV_SEG_CHECKS: QEMU does not
 * check segment types on data accesses, so a write through CS would
 * succeed there and #GP on hardware: CS is used only for reads. */
static uint8_t rand_seg(struct gen *g, bool writes)
{
    if (!chance(R, 20))
        return 0;
    uint8_t p = seg_prefix[rnd(R, 6)];
    if (p == 0x2E && writes) {
        dev_used(DEV_SEG_CHECKS);
        return 0x3E;
    }
    return p;
}

/* A stray F2/F3 on an instruction that ignores it. */
static uint8_t rand_rep(struct gen *g)
{
    if (!chance(R, 4))
        return 0;
    return chance(R, 50) ? 0xF2 : 0xF3;
}

static struct pfx rand_pfx(struct gen *g, bool writes)
{
    struct pfx p = {0};
    p.o16 = rand_o16(g);
    p.a16 = rand_a16(g);
    p.seg = rand_seg(g, writes);
    p.rep = rand_rep(g);
    return p;
}

static unsigned osize(const struct pfx *p) { return p->o16 ? 2 : 4; }

/* ---- registers ---- */

static uint32_t reg_val(struct gen *g, unsigned r, unsigned size)
{
    if (size == 1)
        return (g->s.r[r & 3] >> ((r & 4) ? 8 : 0)) & 0xFF;
    return size == 2 ? (g->s.r[r] & 0xFFFF) : g->s.r[r];
}

/* A register that may be written: never (E)SP, whose value the stack
 * operations and the set-up rely on. AH..BH are fine for bytes. */
static unsigned dst_reg(struct gen *g, unsigned size)
{
    unsigned r = rnd(R, 8);
    if (size != 1 && r == ESP)
        r = rnd(R, 2) ? EBP : EAX;
    return r;
}

static uint32_t mem_rd(struct gen *g, uint32_t a, unsigned size)
{
    uint32_t v = 0;
    if (a + size <= MEM_SIZE)
        memcpy(&v, g->mem + a, size);
    return v;
}

/* ---- placing instructions ---- */

static struct ginsn blank(void)
{
    struct ginsn m;
    memset(&m, 0, sizeof m);
    m.dst_reg = 0xFF;
    m.fault_skip = true;
    return m;
}

static unsigned cur_class;

static void put(struct gen *g, const struct enc *e, struct ginsn m)
{
    if (g->npend == 16 || e->n > sizeof m.b || g->at + e->n > g->limit) {
        g->failed = true;
        return;
    }
    memcpy(m.b, e->b, e->n);
    m.len = (uint8_t)e->n;
    m.klass = (uint16_t)cur_class;
    g->pend[g->npend++] = m;
    g->at += e->n;
}

/* Set-up: MOV reg32, imm32 (B8+r), tracked. */
static void setup_mov32(struct gen *g, unsigned r, uint32_t v)
{
    struct enc e = {0};
    pfx_o(g, &e, false);
    e8(&e, 0xB8 + r);
    e32(&e, v);
    struct ginsn m = blank();
    m.safe = r != ESP;
    put(g, &e, m);
    g->s.r[r] = v;
}

static void setup_mov16(struct gen *g, unsigned r, uint32_t v)
{
    struct enc e = {0};
    pfx_o(g, &e, true);
    e8(&e, 0xB8 + r);
    e16(&e, v);
    struct ginsn m = blank();
    m.safe = r != ESP;
    put(g, &e, m);
    g->s.r[r] = (g->s.r[r] & 0xFFFF0000u) | (v & 0xFFFF);
}

static void setup_mov8(struct gen *g, unsigned r, uint32_t v)
{
    struct enc e = {0};
    e8(&e, 0xB0 + r);
    e8(&e, v);
    struct ginsn m = blank();
    m.safe = true;
    put(g, &e, m);
    unsigned sh = (r & 4) ? 8 : 0;
    g->s.r[r & 3] = (g->s.r[r & 3] & ~(0xFFu << sh)) | ((v & 0xFF) << sh);
}

/* Set-up: PUSH imm32 or, o16, PUSH imm16. The value lands in the
 * reference's memory only when it runs, so record it for later reads. */
static uint32_t pushed_at, pushed_val;
static unsigned pushed_size;
static void setup_push(struct gen *g, unsigned size, uint32_t v)
{
    struct enc e = {0};
    pfx_o(g, &e, size == 2);
    e8(&e, 0x68);
    eimm(&e, size, v);
    put(g, &e, blank());
    g->s.r[ESP] -= size;
    pushed_at = g->s.r[ESP];
    pushed_val = v;
    pushed_size = size;
}

/* Top of the stack as it will be when the group's next instruction runs. */
static uint32_t stack_top(struct gen *g, unsigned size)
{
    uint32_t sp = g->s.r[ESP];
    uint16_t ss = g->s.sel[2];
    if (pushed_size && sp == pushed_at && size <= pushed_size)
        return pushed_val & (size == 4 ? 0xFFFFFFFFu : 0xFFFFu);
    return mem_rd(g, seg_base(g, ss) + (seg_big(g, ss) ? sp : (sp & 0xFFFF)), size);
}

/* ESP well inside the stack area, with `room` bytes free below it. */
/* ESP values the stack operations may start from: in the stack area, or
 * in real mode an SP below 64 KiB (SS holds the stack area's base). */
static uint32_t sp_lo(struct gen *g) { return g->rm ? 0x1000 : STACK_LO; }
static uint32_t sp_hi(struct gen *g) { return g->rm ? 0xF000 : STACK_HI - 0x400; }
static uint32_t fresh_sp(struct gen *g) { return sp_lo(g) + 0x3000 + (rnd(R, 0x8000) & ~3u); }

static void ensure_stack(struct gen *g, uint32_t room)
{
    uint32_t sp = g->s.r[ESP];
    if (sp >= sp_lo(g) + room + 0x200 && sp <= sp_hi(g))
        return;
    uint32_t nsp = fresh_sp(g);
    if (chance(R, 10))
        nsp |= rnd(R, 4);
    setup_mov32(g, ESP, nsp);
    pushed_size = 0;
}

/* ---- memory operands ---- */

static bool rm_region; /* real mode: offsets stay below 64 KiB (DEV_SEG_CHECKS) */
static bool in_region(int64_t a, unsigned size)
{
    return a >= DATA_LO && a + size <= (rm_region ? 0x10000 : STACK_HI);
}

/* An address for a `size`-byte access: mostly the data window, sometimes
 * near ESP, sometimes straddling a page boundary. */
static uint32_t pick_target(struct gen *g, unsigned size, bool low64k)
{
    low64k |= g->rm;
    uint32_t hi = low64k ? DATA_HI : STACK_HI;
    unsigned k = rnd(R, 100);
    if (k < 12) {
        uint32_t page = DATA_LO + 0x1000 * (1 + rnd(R, (hi - DATA_LO) / 0x1000 - 1));
        uint32_t a = page - 1 - rnd(R, size > 1 ? size - 1 : 1);
        return a;
    }
    if (k < 30 && !low64k) {
        uint32_t sp = g->s.r[ESP];
        if (sp > sp_lo(g) + 0x100 && sp < sp_hi(g))
            return sp - 0x80 + rnd(R, 0x100);
    }
    return DATA_LO + rnd(R, hi - DATA_LO - size - 8);
}

static int64_t sx(uint32_t v) { return (int64_t)(int32_t)v; }

/* Pick disp for mod 1 so that base + disp lands in the region, if one does. */
static bool disp8_for(struct gen *g, int64_t base, unsigned size, int8_t *d)
{
    int64_t lo = DATA_LO - base, hi = (int64_t)(rm_region ? 0x10000 : STACK_HI) - size - base;
    if (lo < -128)
        lo = -128;
    if (hi > 127)
        hi = 127;
    if (lo > hi)
        return false;
    *d = (int8_t)(lo + rnd(R, (uint32_t)(hi - lo + 1)));
    return true;
}

/* 16-bit addressing: rm selects a sum of BX/BP/SI/DI (SDM vol. 2, table 2-1). */
static uint32_t sum16(struct gen *g, unsigned rm)
{
    static const int8_t a[8] = {EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX};
    static const int8_t b[8] = {ESI, EDI, ESI, EDI, -1, -1, -1, -1};
    uint32_t v = g->s.r[a[rm]] & 0xFFFF;
    if (b[rm] >= 0)
        v += g->s.r[b[rm]] & 0xFFFF;
    return v & 0xFFFF;
}

/*
 * ModRM (+ SIB + displacement) for a memory operand of `size` bytes.
 * adj: bytes the instruction itself adds to the effective address (BT bit
 * offsets); esp_bias: what ESP will be when the address is formed (POP
 * r/m). any: no access happens (LEA, NOP), anything goes. Returns the
 * linear address.
 */
static uint32_t modrm_mem_x(struct gen *g, struct enc *e, unsigned reg, bool a16,
                            unsigned size, int64_t adj, uint32_t esp_bias, bool any)
{
    unsigned mod = rnd(R, 3);
    if (a16) {
        unsigned rm = rnd(R, 8);
        uint32_t base = (mod == 0 && rm == 6) ? 0 : sum16(g, rm);
        int64_t ea;
        if (any) {
            e8(e, mod << 6 | reg << 3 | rm);
            if (mod == 1)
                e8(e, rnd32(R));
            else if (mod == 2 || (mod == 0 && rm == 6))
                e16(e, rnd32(R));
            return 0;
        }
        if (mod == 0 && rm != 6) {
            ea = base + adj;
            if (in_region(ea, size) && ea + size <= 0x10000) {
                e8(e, 0 << 6 | reg << 3 | rm);
                return (uint32_t)ea;
            }
            mod = 2;
        }
        if (mod == 1) {
            int8_t d;
            if (disp8_for(g, (int64_t)base + adj, size, &d) &&
                ((base + d) & 0xFFFF) + adj + size <= 0x10000 &&
                in_region((int64_t)((base + d) & 0xFFFF) + adj, size)) {
                e8(e, 1 << 6 | reg << 3 | rm);
                e8(e, (uint8_t)d);
                return (uint32_t)(((base + d) & 0xFFFF) + adj);
            }
            mod = 2;
        }
        uint32_t t = pick_target(g, size, true);
        uint32_t disp = (uint32_t)(t - adj - base) & 0xFFFF;
        if (mod == 0 && rm == 6) {
            e8(e, 0 << 6 | reg << 3 | 6);
        } else {
            e8(e, 2 << 6 | reg << 3 | rm);
        }
        e16(e, disp);
        return t;
    }

    /* 32-bit: [disp32], [base+disp], or SIB [base + index*scale + disp] */
    unsigned form = rnd(R, 10);
    unsigned rm, base = 8, index = 4, scale = 0;
    bool sib = false;
    if (form < 1 && !any) {
        uint32_t t = pick_target(g, size, false);
        e8(e, 0 << 6 | reg << 3 | 5);
        e32(e, (uint32_t)(t - adj));
        return t;
    }
    if (form < 5) {
        rm = rnd(R, 8);
        if (rm == 4) {
            sib = true;
            base = ESP;
        } else {
            base = rm;
            if (mod == 0 && rm == 5)
                mod = 1 + rnd(R, 2);
        }
    } else {
        sib = true;
        rm = 4;
        base = rnd(R, 8);
        index = rnd(R, 8);
        scale = rnd(R, 4);
        if (base == 5 && mod == 0)
            base = 8; /* no base: disp32 follows */
    }
    uint32_t regs = 0;
    if (base < 8)
        regs += base == ESP ? g->s.r[ESP] + esp_bias : g->s.r[base];
    if (index != 4)
        regs += g->s.r[index] << scale;
    uint8_t sibb = (uint8_t)(scale << 6 | index << 3 | (base == 8 ? 5 : base));
    if (base == 8) {
        /* mod 0 with SIB base 5: [index*scale + disp32] */
        e8(e, 0 << 6 | reg << 3 | 4);
        e8(e, sibb);
        uint32_t t = any ? rnd32(R) : pick_target(g, size, false);
        e32(e, (uint32_t)(t - adj - regs));
        return t;
    }
    if (any) {
        e8(e, mod << 6 | reg << 3 | rm);
        if (sib)
            e8(e, sibb);
        if (mod == 1)
            e8(e, rnd32(R));
        else if (mod == 2)
            e32(e, rnd32(R));
        return 0;
    }
    if (mod == 0) {
        int64_t ea = (int64_t)(uint32_t)(regs + (uint32_t)adj);
        if (in_region(ea, size)) {
            e8(e, 0 << 6 | reg << 3 | rm);
            if (sib)
                e8(e, sibb);
            return (uint32_t)ea;
        }
        mod = 2;
    }
    if (mod == 1) {
        int8_t d;
        if (disp8_for(g, (int64_t)(uint32_t)(regs + (uint32_t)adj), size, &d)) {
            e8(e, 1 << 6 | reg << 3 | rm);
            if (sib)
                e8(e, sibb);
            e8(e, (uint8_t)d);
            return regs + (uint32_t)adj + (uint32_t)(int32_t)d;
        }
    }
    uint32_t t = pick_target(g, size, false);
    e8(e, 2 << 6 | reg << 3 | rm);
    if (sib)
        e8(e, sibb);
    e32(e, (uint32_t)(t - adj - regs));
    return t;
}

static uint32_t modrm_mem(struct gen *g, struct enc *e, unsigned reg, bool a16, unsigned size)
{
    return modrm_mem_x(g, e, reg, a16, size, 0, 0, false);
}

/* A memory operand at exactly offset t in the data segment: [disp] or
 * [base + disp] with a base that defaults to DS (t < 64 KiB for a16). */
static void modrm_at(struct gen *g, struct enc *e, unsigned reg, bool a16, uint32_t t)
{
    if (a16) {
        static const uint8_t ds_rm[5] = {0, 1, 4, 5, 7}; /* BX+SI BX+DI SI DI BX */
        unsigned rm = ds_rm[rnd(R, 5)];
        if (rnd(R, 3) == 0) {
            e8(e, 0 << 6 | reg << 3 | 6);
            e16(e, t);
        } else {
            e8(e, 2 << 6 | reg << 3 | rm);
            e16(e, (t - sum16(g, rm)) & 0xFFFF);
        }
        return;
    }
    unsigned b = rnd(R, 8);
    if (rnd(R, 3) == 0 || b == ESP || b == EBP) {
        e8(e, 0 << 6 | reg << 3 | 5);
        e32(e, t);
    } else {
        e8(e, 2 << 6 | reg << 3 | b);
        e32(e, t - g->s.r[b]);
    }
}

/* The linear address of offset off in the segment a prefix set selects
 * (DS without one). */
static uint32_t ds_linear(struct gen *g, const struct pfx *p, uint32_t off)
{
    unsigned sr = 3;
    for (unsigned i = 0; i < 6; i++)
        if (p->seg == seg_prefix[i])
            sr = i;
    return seg_base(g, g->s.sel[sr]) + off;
}

static void modrm_reg(struct enc *e, unsigned reg, unsigned rm)
{
    e8(e, 3 << 6 | reg << 3 | rm);
}

/* ---- code addresses ---- */

static bool code_free(struct gen *g, uint32_t a, uint32_t need)
{
    if (a < CODE_LO || (uint64_t)a + need > CODE_HI)
        return false;
    for (uint32_t i = a; i < a + need; i++)
        if (g->cm->occ[i] != OCC_FREE)
            return false;
    return true;
}

/* A free code address in [lo, hi] with `need` free bytes, outside the
 * group being built (which ends at group_end). */
static bool pick_free(struct gen *g, int64_t lo, int64_t hi, uint32_t group_end,
                      uint32_t need, uint32_t *out)
{
    if (lo < CODE_LO)
        lo = CODE_LO;
    if (hi > (int64_t)(CODE_HI - need))
        hi = CODE_HI - need;
    for (int tries = 0; tries < 24 && lo <= hi; tries++) {
        uint32_t t = (uint32_t)(lo + rnd(R, (uint32_t)(hi - lo + 1)));
        if (t + need > g->start && t < group_end)
            continue;
        if (code_free(g, t, need)) {
            *out = t;
            return true;
        }
    }
    return false;
}

/* Start of a run of safe instructions ending right at the group start,
 * within [lo, hi]: a loop back there runs only register code. */
static bool pick_loop(struct gen *g, int64_t lo, int64_t hi, uint32_t *out)
{
    uint32_t cand[24];
    unsigned n = 0;
    uint32_t a = g->start;
    while (n < 24) {
        uint32_t p = g->cm->prev[a];
        if (p == 0 || g->cm->occ[p] != OCC_START || !g->cm->insn[g->cm->idx[p]].safe)
            break;
        if (p >= lo && p <= hi)
            cand[n++] = p;
        a = p;
    }
    if (n == 0)
        return false;
    *out = cand[rnd(R, n)];
    return true;
}

/* A place a RET or an indirect jump may go: free, with room to grow.
 * Code lives below 64 KiB, so 16-bit targets need no care. */
static bool fresh_target(struct gen *g, uint32_t group_end, uint32_t *out)
{
    return pick_free(g, CODE_LO, CODE_HI - 64, group_end, 48, out);
}

/* ---- instruction classes ---- */

static void cls_alu(struct gen *g)
{
    unsigned op = rnd(R, 8); /* ADD OR ADC SBB AND SUB XOR CMP */
    bool writes = op != 7;
    struct pfx p = rand_pfx(g, writes);
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = (op == 1 || op == 4 || op == 6) ? FR_LOGIC : FR_NONE;
    unsigned form = rnd(R, 100);
    if (form < 45) {
        /* op r/m, r  or  op r, r/m */
        unsigned w = rnd(R, 2), d = rnd(R, 2);
        unsigned size = w ? osize(&p) : 1;
        bool mem = chance(R, 45);
        if (mem && !d && writes && chance(R, 15))
            p.lock = true;
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, op * 8 + d * 2 + w);
        unsigned reg = (d && writes) ? dst_reg(g, size) : rnd(R, 8);
        if (mem) {
            modrm_mem(g, &e, reg, p.a16, size);
        } else {
            unsigned rm = (!d && writes) ? dst_reg(g, size) : rnd(R, 8);
            modrm_reg(&e, reg, rm);
            m.safe = true;
        }
    } else if (form < 60) {
        /* op AL/eAX, imm */
        unsigned w = rnd(R, 2);
        unsigned size = w ? osize(&p) : 1;
        p.a16 = false;
        emit_pfx(g, &e, &p);
        e8(&e, op * 8 + 4 + w);
        eimm(&e, size, rnd32(R));
        m.safe = true;
    } else {
        /* group 1: 80 Eb,Ib  81 Ev,Iz  82 Eb,Ib (alias of 80)  83 Ev,Ib */
        unsigned opc = 0x80 + rnd(R, 4);
        if (opc == 0x82 && chance(R, 70))
            opc = 0x80;
        unsigned size = (opc & 1) ? osize(&p) : 1;
        bool mem = chance(R, 45);
        if (mem && writes && chance(R, 15))
            p.lock = true;
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, opc);
        if (mem) {
            modrm_mem(g, &e, op, p.a16, size);
        } else {
            modrm_reg(&e, op, writes ? dst_reg(g, size) : rnd(R, 8));
            m.safe = true;
        }
        if (opc == 0x81)
            eimm(&e, size, rnd32(R));
        else
            e8(&e, rnd32(R));
    }
    put(g, &e, m);
}

static void cls_incdec(struct gen *g)
{
    struct pfx p = rand_pfx(g, true);
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 3);
    if (k == 0) {
        p.a16 = false;
        p.seg = 0;
        emit_pfx(g, &e, &p);
        e8(&e, 0x40 + rnd(R, 2) * 8 + dst_reg(g, 4));
        m.safe = true;
    } else {
        unsigned opc = k == 1 ? 0xFE : 0xFF;
        unsigned size = opc == 0xFE ? 1 : osize(&p);
        unsigned sub = rnd(R, 2);
        bool mem = chance(R, 50);
        if (mem && chance(R, 15))
            p.lock = true;
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, opc);
        if (mem) {
            modrm_mem(g, &e, sub, p.a16, size);
        } else {
            modrm_reg(&e, sub, dst_reg(g, size));
            m.safe = true;
        }
    }
    put(g, &e, m);
}

/* F6/F7: TEST imm (/0), NOT (/2), NEG (/3). */
static void cls_unary(struct gen *g)
{
    unsigned sub = (unsigned[]){0, 2, 3}[rnd(R, 3)];
    struct pfx p = rand_pfx(g, sub != 0);
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned opc = 0xF6 + rnd(R, 2);
    unsigned size = (opc & 1) ? osize(&p) : 1;
    bool mem = chance(R, 45);
    if (mem && sub != 0 && chance(R, 15))
        p.lock = true;
    p.a16 = p.a16 && mem;
    m.frule = sub == 0 ? FR_LOGIC : FR_NONE;
    m.size = (uint8_t)size;
    emit_pfx(g, &e, &p);
    e8(&e, opc);
    if (mem && p.lock && sub == 3) {
        /* DEV_LOCK_NEG: the fix-up needs the operand's linear address */
        uint32_t t = pick_target(g, size, p.a16);
        modrm_at(g, &e, sub, p.a16, t);
        m.lock_neg = true;
        m.mem_lin = ds_linear(g, &p, t);
    } else if (mem) {
        modrm_mem(g, &e, sub, p.a16, size);
    } else {
        modrm_reg(&e, sub, sub ? dst_reg(g, size) : rnd(R, 8));
        m.safe = true;
    }
    if (sub == 0)
        eimm(&e, size, rnd32(R));
    put(g, &e, m);
}

/* TEST r/m, r (84/85) and TEST AL/eAX, imm (A8/A9). */
static void cls_test(struct gen *g)
{
    struct pfx p = rand_pfx(g, false);
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = FR_LOGIC;
    unsigned w = rnd(R, 2);
    unsigned size = w ? osize(&p) : 1;
    if (chance(R, 30)) {
        p.a16 = false;
        emit_pfx(g, &e, &p);
        e8(&e, 0xA8 + w);
        eimm(&e, size, rnd32(R));
        m.safe = true;
    } else {
        bool mem = chance(R, 45);
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, 0x84 + w);
        if (mem) {
            modrm_mem(g, &e, rnd(R, 8), p.a16, size);
        } else {
            modrm_reg(&e, rnd(R, 8), rnd(R, 8));
            m.safe = true;
        }
    }
    put(g, &e, m);
}

static uint8_t rand_count(struct gen *g, unsigned size)
{
    unsigned k = rnd(R, 100);
    if (k < 25)
        return (uint8_t)rnd(R, 2);
    if (k < 75)
        return (uint8_t)rnd(R, size * 8 + 2);
    return (uint8_t)rnd32(R);
}

static void cls_shift(struct gen *g)
{
    static const uint8_t opcs[6] = {0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3};
    static const uint8_t rule[8] = {FR_ROT, FR_ROT, FR_RCX, FR_RCX,
                                    FR_SHL, FR_SHR, FR_SHL, FR_SAR};
    unsigned opc = opcs[rnd(R, 6)];
    unsigned sub = rnd(R, 8);
    struct pfx p = rand_pfx(g, true);
    unsigned size = (opc & 1) ? osize(&p) : 1;
    if (opc >= 0xD2 && chance(R, 40))
        setup_mov8(g, 1, rand_count(g, size)); /* CL */
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = rule[sub];
    m.size = (uint8_t)size;
    bool mem = chance(R, 40);
    if (mem && chance(R, 3)) {
        p.lock = true; /* not lockable: #UD */
        m.sdm_ud = true;
    }
    p.a16 = p.a16 && mem;
    emit_pfx(g, &e, &p);
    e8(&e, opc);
    if (mem) {
        modrm_mem(g, &e, sub, p.a16, size);
        if (sub == 2 || sub == 3)
            m.special = SP_RCX_MEM;
    } else {
        modrm_reg(&e, sub, dst_reg(g, size));
        m.safe = !p.lock;
    }
    if (opc < 0xD0) {
        m.cnt_src = CNT_IMM;
        m.cnt_imm = rand_count(g, size);
        e8(&e, m.cnt_imm);
    } else {
        m.cnt_src = opc < 0xD2 ? CNT_ONE : CNT_CL;
    }
    put(g, &e, m);
}

/* SHLD/SHRD (0F A4/A5/AC/AD). A 16-bit one with a count above 16 has an
 * undefined result (SDM vol. 2, SHLD): such counts are not generated. */
static void cls_shxd(struct gen *g)
{
    struct pfx p = rand_pfx(g, true);
    unsigned size = osize(&p);
    bool by_cl = rnd(R, 2);
    uint8_t cnt = rand_count(g, size);
    if (size == 2 && (cnt & 31) > 16)
        cnt = (uint8_t)(cnt & 15);
    if (by_cl && (chance(R, 50) || (size == 2 && (g->s.r[ECX] & 31) > 16)))
        setup_mov8(g, 1, cnt);
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = FR_SHXD;
    m.size = (uint8_t)size;
    bool mem = chance(R, 40);
    p.a16 = p.a16 && mem;
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    e8(&e, (rnd(R, 2) ? 0xA4 : 0xAC) + by_cl);
    unsigned reg = rnd(R, 8);
    if (mem) {
        modrm_mem(g, &e, reg, p.a16, size);
    } else {
        modrm_reg(&e, reg, dst_reg(g, size));
        m.safe = !by_cl; /* CL may change in a loop */
    }
    if (by_cl) {
        m.cnt_src = CNT_CL;
    } else {
        m.cnt_src = CNT_IMM;
        m.cnt_imm = cnt;
        e8(&e, cnt);
    }
    put(g, &e, m);
}

static void cls_mul(struct gen *g)
{
    struct pfx p = rand_pfx(g, false);
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = FR_MUL;
    unsigned k = rnd(R, 4);
    bool mem = chance(R, 40);
    p.a16 = p.a16 && mem;
    unsigned size = osize(&p);
    emit_pfx(g, &e, &p);
    unsigned reg;
    if (k == 0) {
        /* F6/F7 /4 MUL, /5 IMUL */
        unsigned opc = 0xF6 + rnd(R, 2);
        size = (opc & 1) ? size : 1;
        e8(&e, opc);
        reg = 4 + rnd(R, 2);
    } else if (k == 1) {
        e8(&e, 0x0F);
        e8(&e, 0xAF);
        reg = dst_reg(g, size);
    } else {
        e8(&e, k == 2 ? 0x69 : 0x6B);
        reg = dst_reg(g, size);
    }
    if (mem) {
        modrm_mem(g, &e, reg, p.a16, size);
    } else {
        modrm_reg(&e, reg, rnd(R, 8));
        m.safe = true;
    }
    if (k == 2)
        eimm(&e, size, rnd32(R));
    else if (k == 3)
        e8(&e, rnd32(R));
    put(g, &e, m);
}

/* DIV/IDIV: sometimes set up a dividend whose quotient fits, sometimes a
 * zero divisor or an overflow (#DE). */
static void cls_div(struct gen *g)
{
    struct pfx p = rand_pfx(g, false);
    unsigned opc = 0xF6 + rnd(R, 2);
    unsigned size = (opc & 1) ? osize(&p) : 1;
    unsigned sub = 6 + rnd(R, 2);
    bool mem = chance(R, 40);
    p.a16 = p.a16 && mem;
    unsigned rm = rnd(R, 8);
    if (!mem && size != 1 && rm == ESP)
        rm = EBX;
    if (!mem && chance(R, 60)) {
        /* a divisor with a chance of success */
        unsigned k = rnd(R, 10);
        uint32_t v = k == 0 ? 0 : k < 4 ? 1 + rnd(R, 16) : rnd32(R);
        if (size == 1)
            setup_mov8(g, rm, v);
        else if (size == 2)
            setup_mov16(g, rm, v);
        else
            setup_mov32(g, rm, v);
    }
    if (chance(R, 60)) {
        /* a dividend high part that fits: zero or the sign extension */
        if (size == 1) {
            if (sub == 6)
                setup_mov8(g, 4, rnd(R, 2)); /* AH */
            else {
                struct enc e = {0};
                pfx_o(g, &e, true);
                e8(&e, 0x98); /* CBW */
                put(g, &e, blank());
                uint32_t al = g->s.r[EAX] & 0xFF;
                g->s.r[EAX] = (g->s.r[EAX] & 0xFFFF0000u) | (uint16_t)(int16_t)(int8_t)al;
            }
        } else if (sub == 6) {
            if (size == 2)
                setup_mov16(g, EDX, 0);
            else
                setup_mov32(g, EDX, 0);
        } else {
            struct enc e = {0};
            pfx_o(g, &e, size == 2);
            e8(&e, 0x99); /* CWD/CDQ */
            put(g, &e, blank());
            uint32_t sign = (g->s.r[EAX] >> (size * 8 - 1)) & 1 ? 0xFFFFFFFFu : 0;
            if (size == 2)
                g->s.r[EDX] = (g->s.r[EDX] & 0xFFFF0000u) | (sign & 0xFFFF);
            else
                g->s.r[EDX] = sign;
        }
    }
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = FR_DIV;
    emit_pfx(g, &e, &p);
    e8(&e, opc);
    if (mem) {
        modrm_mem(g, &e, sub, p.a16, size);
    } else {
        modrm_reg(&e, sub, rm);
        m.safe = true;
    }
    put(g, &e, m);
}

static void cls_bcd(struct gen *g)
{
    static const uint8_t ops[6] = {0x27, 0x2F, 0x37, 0x3F, 0xD4, 0xD5};
    static const uint8_t rules[6] = {FR_DAA, FR_DAA, FR_AAA, FR_AAA, FR_AAM, FR_AAM};
    unsigned k = rnd(R, 6);
    if (chance(R, 40)) {
        uint32_t v = rnd(R, 2) ? (rnd(R, 10) << 4 | rnd(R, 10)) : rnd32(R);
        setup_mov8(g, 0, v);
        if (chance(R, 30))
            setup_mov8(g, 4, rnd32(R));
    }
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = rules[k];
    m.safe = true;
    if (chance(R, 10))
        e8(&e, 0x66); /* ignored */
    e8(&e, ops[k]);
    if (k >= 4) {
        unsigned r = rnd(R, 10);
        e8(&e, r < 6 ? 10 : r < 7 ? 0 : rnd32(R));
    }
    put(g, &e, m);
}

/* BT/BTS/BTR/BTC: register bit offsets reach beyond the operand in memory
 * (SDM vol. 2, BT: EA + operand-size * (offset SAR log2(bits))). */
static void cls_bt(struct gen *g)
{
    unsigned op = rnd(R, 4); /* BT BTS BTR BTC */
    struct pfx p = rand_pfx(g, op != 0);
    unsigned size = osize(&p);
    bool mem = chance(R, 50);
    bool imm = chance(R, 35);
    struct ginsn m = blank();
    m.frule = FR_BT;
    unsigned reg = rnd(R, 8);
    int64_t adj = 0;
    if (!imm) {
        if (chance(R, 40) || (mem && p.a16)) {
            uint32_t off = (uint32_t)((int32_t)rnd(R, 512) - 128);
            if (reg == ESP)
                reg = ESI;
            if (size == 2)
                setup_mov16(g, reg, off);
            else
                setup_mov32(g, reg, off);
        }
        if (mem) {
            int64_t off = size == 2 ? (int16_t)(g->s.r[reg] & 0xFFFF) : sx(g->s.r[reg]);
            adj = size == 2 ? 2 * (off >> 4) : 4 * (off >> 5);
            if (adj < -0x6000 || adj > 0x6000)
                p.a16 = false; /* 16-bit addresses cannot reach it */
        }
    }
    if (mem && (op != 0) && chance(R, 15))
        p.lock = true;
    p.a16 = p.a16 && mem;
    struct enc e = {0};
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    if (imm) {
        e8(&e, 0xBA);
        if (mem)
            modrm_mem(g, &e, 4 + op, p.a16, size);
        else
            modrm_reg(&e, 4 + op, op ? dst_reg(g, size) : rnd(R, 8));
        e8(&e, rnd(R, 3) ? rnd(R, size * 8) : rnd32(R));
    } else {
        e8(&e, 0xA3 + op * 8);
        if (mem)
            modrm_mem_x(g, &e, reg, p.a16, size, adj, 0, false);
        else
            modrm_reg(&e, reg, op ? dst_reg(g, size) : rnd(R, 8));
    }
    m.safe = !mem;
    put(g, &e, m);
}

/* BSF/BSR. DEV_TZCNT_LZCNT: never with F3 (TZCNT/LZCNT in Unicorn). */
static void cls_bsf(struct gen *g)
{
    struct pfx p = rand_pfx(g, false);
    if (p.rep == 0xF3) {
        dev_used(DEV_TZCNT_LZCNT);
        p.rep = 0xF2;
    }
    unsigned size = osize(&p);
    bool mem = chance(R, 40);
    p.a16 = p.a16 && mem;
    unsigned reg = dst_reg(g, size);
    unsigned src = rnd(R, 8);
    if (!mem && chance(R, 25) && src != ESP)
        setup_mov32(g, src, chance(R, 50) ? 0 : 1u << rnd(R, 32));
    struct enc e = {0};
    struct ginsn m = blank();
    m.frule = FR_BSF;
    m.dst_reg = (uint8_t)reg;
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    e8(&e, 0xBC + rnd(R, 2));
    if (mem) {
        modrm_mem(g, &e, reg, p.a16, size);
    } else {
        modrm_reg(&e, reg, src);
        m.safe = true;
    }
    put(g, &e, m);
}

static void cls_setcc(struct gen *g)
{
    struct pfx p = rand_pfx(g, true);
    bool mem = chance(R, 35);
    p.a16 = p.a16 && mem;
    struct enc e = {0};
    struct ginsn m = blank();
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    e8(&e, 0x90 + rnd(R, 16));
    unsigned reg = rnd(R, 4) ? 0 : rnd(R, 8); /* the reg field is ignored */
    if (mem) {
        modrm_mem(g, &e, reg, p.a16, 1);
    } else {
        modrm_reg(&e, reg, rnd(R, 8));
        m.safe = true;
    }
    put(g, &e, m);
}

static void cls_cmov(struct gen *g)
{
    struct pfx p = rand_pfx(g, false);
    unsigned size = osize(&p);
    bool mem = chance(R, 40);
    p.a16 = p.a16 && mem;
    struct enc e = {0};
    struct ginsn m = blank();
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    e8(&e, 0x40 + rnd(R, 16));
    unsigned reg = dst_reg(g, size);
    if (mem) {
        modrm_mem(g, &e, reg, p.a16, size);
    } else {
        modrm_reg(&e, reg, rnd(R, 8));
        m.safe = true;
    }
    put(g, &e, m);
}

static void set_acc(struct gen *g, unsigned size, uint32_t v)
{
    if (size == 1)
        setup_mov8(g, 0, v);
    else if (size == 2)
        setup_mov16(g, EAX, v);
    else
        setup_mov32(g, EAX, v);
}

/* CMPXCHG (0F B0/B1) and XADD (0F C0/C1). */
static void cls_cmpxchg(struct gen *g)
{
    bool xadd = chance(R, 40);
    struct pfx p = rand_pfx(g, true);
    unsigned w = rnd(R, 2);
    unsigned size = w ? osize(&p) : 1;
    bool mem = chance(R, 50);
    p.a16 = p.a16 && mem;
    if (mem && chance(R, 20))
        p.lock = true;
    unsigned reg = dst_reg(g, size);
    unsigned rm = dst_reg(g, size);
    struct enc e = {0};
    struct ginsn m = blank();
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    e8(&e, (xadd ? 0xC0 : 0xB0) + w);
    if (mem) {
        uint32_t t = pick_target(g, size, p.a16);
        if (!xadd && chance(R, 40))
            set_acc(g, size, mem_rd(g, ds_linear(g, &p, t), size));
        modrm_at(g, &e, reg, p.a16, t);
    } else {
        if (!xadd && chance(R, 40) && rm != EAX)
            set_acc(g, size, reg_val(g, rm, size));
        modrm_reg(&e, reg, rm);
        m.safe = true;
    }
    put(g, &e, m);
}

static void cls_cmpxchg8b(struct gen *g)
{
    struct pfx p = rand_pfx(g, true);
    p.o16 = p.o16 && chance(R, 30); /* ignored */
    if (chance(R, 25))
        p.lock = true;
    uint32_t a = pick_target(g, 8, p.a16);
    if (chance(R, 50)) {
        setup_mov32(g, EAX, mem_rd(g, ds_linear(g, &p, a), 4));
        setup_mov32(g, EDX, mem_rd(g, ds_linear(g, &p, a) + 4, 4));
    }
    struct enc e = {0};
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    e8(&e, 0xC7);
    modrm_at(g, &e, 1, p.a16, a);
    put(g, &e, blank());
}

static void cls_bswap(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    m.safe = true;
    pfx_o(g, &e, false); /* a 16-bit BSWAP is undefined: none */
    e8(&e, 0x0F);
    e8(&e, 0xC8 + dst_reg(g, 4));
    put(g, &e, m);
}

static void cls_xchg(struct gen *g)
{
    struct pfx p = rand_pfx(g, true);
    struct enc e = {0};
    struct ginsn m = blank();
    if (chance(R, 30)) {
        p.a16 = false;
        emit_pfx(g, &e, &p);
        unsigned r = dst_reg(g, 4);
        e8(&e, 0x90 + (r ? r : 1));
        m.safe = true;
    } else {
        unsigned w = rnd(R, 2);
        unsigned size = w ? osize(&p) : 1;
        bool mem = chance(R, 50);
        p.a16 = p.a16 && mem;
        if (mem && chance(R, 15))
            p.lock = true;
        emit_pfx(g, &e, &p);
        e8(&e, 0x86 + w);
        unsigned reg = dst_reg(g, size);
        if (mem) {
            modrm_mem(g, &e, reg, p.a16, size);
        } else {
            modrm_reg(&e, reg, dst_reg(g, size));
            m.safe = true;
        }
    }
    put(g, &e, m);
}

static uint32_t window_addr(struct gen *g)
{
    return DATA_LO + rnd(R, DATA_HI - DATA_LO);
}

static void cls_mov(struct gen *g)
{
    struct pfx p = rand_pfx(g, true);
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 100);
    if (k < 40) {
        /* 88-8B */
        unsigned w = rnd(R, 2), d = rnd(R, 2);
        unsigned size = w ? osize(&p) : 1;
        bool mem = chance(R, 55);
        if (!d)
            p.seg = mem ? rand_seg(g, true) : p.seg;
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, 0x88 + d * 2 + w);
        unsigned reg = d ? dst_reg(g, size) : rnd(R, 8);
        if (mem) {
            modrm_mem(g, &e, reg, p.a16, size);
        } else {
            modrm_reg(&e, reg, d ? rnd(R, 8) : dst_reg(g, size));
            m.safe = true;
        }
    } else if (k < 65) {
        /* B0-BF: often a pointer into the data window */
        unsigned w = rnd(R, 2);
        unsigned size = w ? osize(&p) : 1;
        p.a16 = false;
        p.seg = 0;
        emit_pfx(g, &e, &p);
        unsigned r = dst_reg(g, size);
        e8(&e, 0xB0 + w * 8 + r);
        eimm(&e, size, chance(R, 50) ? window_addr(g) : rnd32(R));
        m.safe = true;
    } else if (k < 85) {
        /* C6/C7 /0 */
        unsigned w = rnd(R, 2);
        unsigned size = w ? osize(&p) : 1;
        bool mem = chance(R, 70);
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, 0xC6 + w);
        if (mem) {
            modrm_mem(g, &e, 0, p.a16, size);
        } else {
            modrm_reg(&e, 0, dst_reg(g, size));
            m.safe = true;
        }
        eimm(&e, size, rnd32(R));
    } else {
        /* A0-A3: moffs, 16- or 32-bit by address size */
        unsigned w = rnd(R, 2), d = rnd(R, 2);
        unsigned size = w ? osize(&p) : 1;
        if (d)
            p.seg = rand_seg(g, true);
        emit_pfx(g, &e, &p);
        e8(&e, 0xA0 + d * 2 + w);
        uint32_t t = pick_target(g, size, p.a16);
        if (p.a16)
            e16(&e, t);
        else
            e32(&e, t);
    }
    put(g, &e, m);
}

static void cls_movx(struct gen *g)
{
    struct pfx p = rand_pfx(g, false);
    unsigned size = osize(&p);
    unsigned op = rnd(R, 4); /* B6 B7 BE BF */
    unsigned opc = (op < 2 ? 0xB6 : 0xBE) + (op & 1);
    unsigned ssize = (opc & 1) ? 2 : 1;
    bool mem = chance(R, 45);
    p.a16 = p.a16 && mem;
    struct enc e = {0};
    struct ginsn m = blank();
    emit_pfx(g, &e, &p);
    e8(&e, 0x0F);
    e8(&e, opc);
    unsigned reg = dst_reg(g, size);
    if (mem) {
        modrm_mem(g, &e, reg, p.a16, ssize);
    } else {
        modrm_reg(&e, reg, rnd(R, 8));
        m.safe = true;
    }
    put(g, &e, m);
}

static void cls_lea(struct gen *g)
{
    struct pfx p = rand_pfx(g, false);
    struct enc e = {0};
    struct ginsn m = blank();
    m.safe = true;
    emit_pfx(g, &e, &p);
    e8(&e, 0x8D);
    modrm_mem_x(g, &e, dst_reg(g, osize(&p)), p.a16, 1, 0, 0, true);
    put(g, &e, m);
}

static void cls_nop(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    m.safe = true;
    unsigned k = rnd(R, 4);
    if (k == 0) {
        e8(&e, 0x90);
    } else if (k == 1) {
        e8(&e, 0x66);
        e8(&e, 0x90);
    } else if (k == 2) {
        e8(&e, 0xF3); /* PAUSE */
        e8(&e, 0x90);
    } else {
        struct pfx p = rand_pfx(g, false);
        if (p.rep == 0xF3 || p.rep == 0xF2)
            p.rep = 0;
        emit_pfx(g, &e, &p);
        e8(&e, 0x0F);
        e8(&e, 0x1F);
        if (chance(R, 20))
            modrm_reg(&e, 0, rnd(R, 8));
        else
            modrm_mem_x(g, &e, 0, p.a16, 1, 0, 0, true);
    }
    put(g, &e, m);
}

/* Whether a write to linear lin at the current CPL passes the page
 * tables (always, without paging). */
static bool page_writable(struct gen *g, uint32_t lin)
{
    if (!(g->s.cr0 & CR0_PG))
        return true;
    uint32_t pde = mem_rd(g, PD_BASE + (lin >> 22) * 4, 4), fl = pde;
    if (!(pde & 1))
        return false;
    if (!((pde & 0x80) && (g->s.cr4 & CR4_PSE))) {
        uint32_t pte = mem_rd(g, (pde & ~0xFFFu) + ((lin >> 12) & 0x3FF) * 4, 4);
        if (!(pte & 1))
            return false;
        fl &= pte;
    }
    if (g->cpl == 3)
        return (fl & 6) == 6;
    return (fl & 2) || !(g->s.cr0 & CR0_WP);
}

/* A stack whose pages take writes around ESP, for groups that push what
 * a later instruction of theirs pops: a push that faulted would leave it
 * popping whatever was there. DEV_FAR_KERNEL_STACK: at CPL 3 this also
 * keeps far transfers off read-only and supervisor stack pages. */
static void good_stack(struct gen *g, bool far)
{
    uint16_t ss = g->s.sel[2];
    for (int tries = 0; tries < 16; tries++) {
        uint32_t sp = g->s.r[ESP];
        uint32_t lo = seg_base(g, ss) + (seg_big(g, ss) ? sp - 40 : ((sp - 40) & 0xFFFF));
        if (page_writable(g, lo) && page_writable(g, lo + 56)) {
            if (tries && far && g->cpl == 3)
                dev_used(DEV_FAR_KERNEL_STACK);
            return;
        }
        setup_mov32(g, ESP, fresh_sp(g));
    }
    g->failed = true;
}

/* An offset in the data window for a set-up store through DS whose page
 * takes the write: a later instruction reads what it stored. */
static uint32_t store_target(struct gen *g, unsigned size)
{
    uint32_t t = 0;
    for (int tries = 0; tries < 16; tries++) {
        t = DATA_LO + rnd(R, DATA_HI - DATA_LO - 8);
        uint32_t lin = seg_base(g, g->s.sel[3]) + t;
        if (page_writable(g, lin) && page_writable(g, lin + size - 1))
            break;
    }
    return t;
}

/* PUSH/POP: registers, immediates, r/m. */
static void cls_pushpop(struct gen *g)
{
    ensure_stack(g, 64);
    struct pfx p = rand_pfx(g, true);
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned size = osize(&p);
    unsigned k = rnd(R, 8);
    bool mem = false;
    if (k <= 1) {
        p.a16 = false;
        p.seg = 0;
        emit_pfx(g, &e, &p);
        e8(&e, 0x50 + rnd(R, 8));  /* PUSH r, ESP included */
        m.safe = true;
    } else if (k <= 3) {
        p.a16 = false;
        p.seg = 0;
        unsigned r = dst_reg(g, size);
        emit_pfx(g, &e, &p);
        e8(&e, 0x58 + r);
        m.safe = true;
    } else if (k == 4) {
        p.a16 = false;
        emit_pfx(g, &e, &p);
        if (rnd(R, 2)) {
            e8(&e, 0x68);
            eimm(&e, size, rnd32(R));
        } else {
            e8(&e, 0x6A);
            e8(&e, rnd32(R));
        }
        m.safe = true;
    } else if (k == 5) {
        /* PUSH r/m (FF /6) */
        mem = chance(R, 70);
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, 0xFF);
        if (mem)
            modrm_mem(g, &e, 6, p.a16, size);
        else
            modrm_reg(&e, 6, rnd(R, 8));
        m.safe = !mem;
    } else if (k == 6) {
        /* POP r/m (8F /0): ESP as a base is used after the pop */
        mem = chance(R, 70);
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, 0x8F);
        if (mem)
            modrm_mem_x(g, &e, 0, p.a16, size, 0, size, false);
        else
            modrm_reg(&e, 0, dst_reg(g, size));
        m.safe = !mem;
    } else {
        /* POP ESP with a sane value on top */
        good_stack(g, false);
        setup_push(g, 4, fresh_sp(g));
        e8(&e, 0x5C);
    }
    put(g, &e, m);
}

static void cls_pusha(struct gen *g)
{
    ensure_stack(g, 64);
    struct enc e = {0};
    struct ginsn m = blank();
    bool o16 = rand_o16(g);
    pfx_o(g, &e, o16);
    e8(&e, rnd(R, 2) ? 0x60 : 0x61);
    m.special = e.b[e.n - 1] == 0x60 ? SP_PUSHA : SP_POPA;
    m.osz = o16 ? 2 : 4;
    put(g, &e, m);
}

/* ENTER size, level (level taken mod 32) and LEAVE: EBP must point into
 * the stack area for the frame pointers ENTER copies and for LEAVE. */
static void cls_enter(struct gen *g)
{
    ensure_stack(g, 0x400);
    bool o16 = rand_o16(g);
    uint32_t bp = g->s.r[EBP];
    if (bp < sp_lo(g) + 0x200 || bp > sp_hi(g) || chance(R, 20))
        setup_mov32(g, EBP, g->s.r[ESP] + rnd(R, 0x100) - 0x20);
    struct enc e = {0};
    struct ginsn m = blank();
    pfx_o(g, &e, o16);
    if (rnd(R, 2)) {
        e8(&e, 0xC8);
        m.special = SP_ENTER;
        m.osz = o16 ? 2 : 4;
        m.enter_size = (uint16_t)(rnd(R, 4) ? rnd(R, 0x100) : 0);
        e16(&e, m.enter_size);
        unsigned k = rnd(R, 10);
        m.enter_level = (uint8_t)(k < 5 ? 0 : k < 7 ? 1 : k < 9 ? 2 + rnd(R, 6) : rnd32(R));
        e8(&e, m.enter_level);
    } else {
        e8(&e, 0xC9);
    }
    put(g, &e, m);
}

/* PUSHF/POPF, LAHF/SAHF, CLC STC CMC CLD STD CLI STI. POPF now and then
 * sets TF: single-step traps follow every instruction until it is cleared. */
static void cls_flags(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 12);
    if (k == 0) {
        ensure_stack(g, 64);
        pfx_o(g, &e, rand_o16(g));
        e8(&e, 0x9C);
    } else if (k == 1) {
        ensure_stack(g, 64);
        good_stack(g, false);
        bool o16 = rand_o16(g);
        unsigned size = o16 ? 2 : 4;
        if (chance(R, 60) || ((stack_top(g, size) & F_TF) && !chance(R, 10))) {
            uint32_t v = rnd32(R) & ~F_TF;
            if (chance(R, 50))
                v &= 0x3FFFFF;
            if (chance(R, 4))
                v |= F_TF;
            setup_push(g, size, v);
        }
        pfx_o(g, &e, o16);
        e8(&e, 0x9D);
    } else {
        static const uint8_t ops[] = {0x9F, 0x9E, 0xF8, 0xF9, 0xF5, 0xFC, 0xFD, 0xFA, 0xFB, 0x9E};
        e8(&e, ops[k - 2]);
        m.safe = ops[k - 2] != 0xFA && ops[k - 2] != 0xFB;
    }
    put(g, &e, m);
}

static void cls_cbw(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    m.safe = true;
    pfx_o(g, &e, rand_o16(g));
    e8(&e, 0x98 + rnd(R, 2));
    put(g, &e, m);
}

static void cls_xlat(struct gen *g)
{
    bool a16 = rand_a16(g);
    uint32_t al = g->s.r[EAX] & 0xFF;
    uint32_t bx = a16 ? (g->s.r[EBX] & 0xFFFF) : g->s.r[EBX];
    if (bx < DATA_LO || (uint64_t)bx + al + 1 > DATA_HI || chance(R, 20)) {
        uint32_t t = DATA_LO + rnd(R, DATA_HI - DATA_LO - 0x100);
        if (a16)
            setup_mov16(g, EBX, t);
        else
            setup_mov32(g, EBX, t);
    }
    struct pfx p = {0};
    p.a16 = a16;
    p.seg = rand_seg(g, false);
    struct enc e = {0};
    emit_pfx(g, &e, &p);
    e8(&e, 0xD7);
    put(g, &e, blank());
}

/* String instructions, with and without REP, 16- and 32-bit addresses,
 * a bounded count, and ESI/EDI placed so the whole run stays mapped. */
static void cls_string(struct gen *g)
{
    static const uint8_t ops[] = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE, 0x6C, 0x6E};
    unsigned op = ops[rnd(R, 7)];
    if ((op == 0x6C || op == 0x6E) && chance(R, 60))
        op = 0xA4;
    unsigned w = rnd(R, 2);
    bool o16 = rand_o16(g);
    bool a16 = rand_a16(g);
    unsigned size = w ? (o16 ? 2 : 4) : 1;
    uint8_t rep = 0;
    unsigned k = rnd(R, 10);
    if (k < 5)
        rep = 0xF3;
    else if (k < 7)
        rep = 0xF2;
    uint32_t maxn = rep ? 40 : 1;
    uint32_t cnt = a16 ? (g->s.r[ECX] & 0xFFFF) : g->s.r[ECX];
    bool port = op == 0x6C || op == 0x6E;
    if (rep && (cnt > maxn || chance(R, 30) || (port && cnt == 0))) {
        /* a REP INS/OUTS of count 0 may or may not check the port: not 0 */
        cnt = port ? 1 + rnd(R, maxn) : rnd(R, maxn + 1);
        if (a16)
            setup_mov16(g, ECX, cnt);
        else
            setup_mov32(g, ECX, cnt);
    }
    if (!rep)
        cnt = 1;
    uint32_t span = cnt * size + 8;
    uint32_t lo = DATA_LO + span, hi = (a16 || g->rm ? DATA_HI : STACK_HI) - span;
    for (unsigned r = ESI; r <= EDI; r++) {
        uint32_t v = a16 ? (g->s.r[r] & 0xFFFF) : g->s.r[r];
        if (v < lo || v > hi || chance(R, 20)) {
            uint32_t t = lo + rnd(R, hi - lo);
            if (a16)
                setup_mov16(g, r, t);
            else
                setup_mov32(g, r, t);
        }
    }
    if ((op == 0x6C || op == 0x6E) && chance(R, 50))
        setup_mov32(g, EDX, rnd32(R)); /* any port: none answers */
    if (chance(R, 10)) {
        struct enc d = {0};
        e8(&d, rnd(R, 2) ? 0xFC : 0xFD);
        put(g, &d, blank());
    }
    struct pfx p = {0};
    p.o16 = o16;
    p.a16 = a16;
    p.rep = rep;
    if (op == 0xA4 || op == 0xA6 || op == 0xAC || op == 0x6E)
        p.seg = rand_seg(g, false); /* overrides the DS:ESI source */
    struct enc e = {0};
    struct ginsn m = blank();
    m.rep_string = rep != 0;
    m.str_seg = 3;
    for (unsigned i = 0; i < 6; i++)
        if (p.seg == seg_prefix[i])
            m.str_seg = (uint8_t)i;
    m.str_a16 = a16;
    m.size = (uint8_t)size;
    if (op == 0xA6)
        m.special = SP_CMPS;
    if (port) {
        m.io = IO_DX;
        m.io_size = (uint8_t)size;
    }
    emit_pfx(g, &e, &p);
    e8(&e, op + w);
    put(g, &e, m);
}

/* Port I/O: unclaimed ports read as all ones on both sides. Ports up to
 * 511 are in the TSS bitmap, the rest beyond its limit. */
static void cls_io(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 4);
    if (k >= 2 && chance(R, 60))
        setup_mov16(g, EDX, rnd(R, 3) ? rnd(R, 520) : rnd32(R));
    bool o16 = rand_o16(g);
    pfx_o(g, &e, o16);
    unsigned opc = (k < 2 ? 0xE4 : 0xEC) + rnd(R, 4);
    e8(&e, opc);
    m.io = k < 2 ? IO_IMM : IO_DX;
    m.io_size = (uint8_t)((opc & 1) ? (o16 ? 2 : 4) : 1);
    if (k < 2) {
        m.io_imm = (uint8_t)rnd32(R);
        e8(&e, m.io_imm);
    }
    put(g, &e, m);
}

/* Privileged instructions: #GP at ring 3 (CLI/STI and I/O only when
 * IOPL < CPL). Only generated at ring 3 except CLI/STI and I/O. */
static void cls_priv(struct gen *g)
{
    if (g->cpl == 0 || g->rm) {
        if (rnd(R, 2))
            cls_io(g);
        else
            cls_flags(g);
        return;
    }
    struct enc e = {0};
    unsigned k = rnd(R, 13);
    switch (k) {
    case 0: e8(&e, 0xF4); break;                                  /* HLT */
    case 1: e8(&e, 0xFA); break;                                  /* CLI */
    case 2: e8(&e, 0xFB); break;                                  /* STI */
    case 3: e8(&e, 0x0F); e8(&e, 0x20); modrm_reg(&e, (unsigned[]){0, 2, 3, 4}[rnd(R, 4)], rnd(R, 8)); break;
    case 4: e8(&e, 0x0F); e8(&e, 0x22); modrm_reg(&e, (unsigned[]){0, 2, 3, 4}[rnd(R, 4)], rnd(R, 8)); break;
    case 5: e8(&e, 0x0F); e8(&e, 0x21 + 2 * rnd(R, 2)); modrm_reg(&e, (unsigned[]){0, 1, 2, 3, 6, 7}[rnd(R, 6)], rnd(R, 8)); break;
    case 6: e8(&e, 0x0F); e8(&e, 0x01); modrm_mem(g, &e, 2 + rnd(R, 2), g->cs16, 6); break; /* LGDT/LIDT */
    case 7: e8(&e, 0x0F); e8(&e, 0x01); modrm_reg(&e, 6, rnd(R, 8)); break;  /* LMSW */
    case 8: e8(&e, 0x0F); e8(&e, 0x06); break;                    /* CLTS */
    case 9: e8(&e, 0x0F); e8(&e, 0x08 + rnd(R, 2)); break;        /* INVD/WBINVD */
    case 10: e8(&e, 0x0F); e8(&e, 0x01); modrm_mem(g, &e, 7, g->cs16, 1); break; /* INVLPG */
    case 11: e8(&e, 0x0F); e8(&e, 0x30); break;                   /* WRMSR */
    default: cls_io(g); return;
    }
    put(g, &e, blank());
}

/* INT n, INT3, INTO, BOUND, UD2. */
static void cls_int(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 6);
    if (k == 0) {
        e8(&e, 0xCD);
        e8(&e, chance(R, 10) ? 6 : rnd32(R));
        m.int_n = true;
    } else if (k == 1) {
        e8(&e, 0xCC);
    } else if (k == 2) {
        e8(&e, 0xCE);
    } else if (k == 3) {
        e8(&e, 0x0F);
        e8(&e, 0x0B);
    } else {
        /* BOUND r, m16&16 / m32&32: in range half of the time */
        struct pfx p = rand_pfx(g, false);
        unsigned size = osize(&p);
        p.rep = 0;
        unsigned reg = rnd(R, 8);
        if (chance(R, 50) && reg != ESP) {
            uint32_t v = rnd(R, 0x1000);
            if (size == 2)
                setup_mov16(g, reg, v);
            else
                setup_mov32(g, reg, v);
        }
        emit_pfx(g, &e, &p);
        e8(&e, 0x62);
        modrm_mem(g, &e, reg, p.a16, size * 2);
    }
    put(g, &e, m);
}

/* LOCK where it is not allowed, and other encodings that must #UD. */
static void cls_invalid(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 9);
    m.sdm_ud = k <= 2 || k == 7; /* the LOCK cases (DEV_LOCK_UD) */
    switch (k) {
    case 0: /* LOCK on a register destination */
        e8(&e, 0xF0);
        e8(&e, (unsigned[]){0x01, 0x09, 0x29, 0x31, 0x87}[rnd(R, 5)]);
        modrm_reg(&e, rnd(R, 8), rnd(R, 8));
        break;
    case 1: /* LOCK MOV, LOCK CMP, LOCK TEST to memory */
        e8(&e, 0xF0);
        e8(&e, (unsigned[]){0x89, 0x39, 0x85, 0x8B}[rnd(R, 4)]);
        modrm_mem(g, &e, rnd(R, 8), g->cs16, 4);
        break;
    case 2: /* LOCK on instructions without memory operands */
        e8(&e, 0xF0);
        e8(&e, (unsigned[]){0x90, 0x40, 0xF8, 0x99}[rnd(R, 4)]);
        break;
    case 3: /* LEA with a register operand */
        e8(&e, 0x8D);
        modrm_reg(&e, rnd(R, 8), rnd(R, 8));
        break;
    case 4: /* CMPXCHG8B with a register operand */
        e8(&e, 0x0F);
        e8(&e, 0xC7);
        modrm_reg(&e, 1, rnd(R, 8));
        break;
    case 5: /* MOV CS, r/m and MOV to/from segment register 6, 7 */
        e8(&e, rnd(R, 2) ? 0x8E : 0x8C);
        modrm_reg(&e, (unsigned[]){1, 6, 7}[rnd(R, 3)], rnd(R, 8));
        if (e.b[0] == 0x8C && ((e.b[1] >> 3) & 7) == 1)
            e.b[0] = 0x8E;
        break;
    case 6: /* FE /2-7, FF /7 */
        if (rnd(R, 2)) {
            e8(&e, 0xFE);
            modrm_reg(&e, 2 + rnd(R, 6), rnd(R, 8));
        } else {
            e8(&e, 0xFF);
            modrm_reg(&e, 7, rnd(R, 8));
        }
        break;
    case 7: /* LOCK on BT (no write), SHL, LEA, NOP r/m, MOVZX */
        e8(&e, 0xF0);
        switch (rnd(R, 5)) {
        case 0: e8(&e, 0x0F); e8(&e, 0xA3); break;
        case 1: e8(&e, 0xD1); break;
        case 2: e8(&e, 0x8D); break;
        case 3: e8(&e, 0x0F); e8(&e, 0x1F); break;
        default: e8(&e, 0x0F); e8(&e, 0xB6); break;
        }
        modrm_mem(g, &e, e.b[1] == 0xD1 ? 4 : e.b[2] == 0x1F ? 0 : rnd(R, 8), g->cs16, 4);
        break;
    default: /* too long: 15 bytes are fine, 16 are #GP */
        for (unsigned i = 0, n = 14 + rnd(R, 2); i < n; i++)
            e8(&e, 0x66);
        e8(&e, 0x90);
        break;
    }
    put(g, &e, m);
}

/* ---- segment registers ---- */

/* The GDT (SDM vol. 3, 3.4.5): flat segments for both rings, segments with
 * a base, 16-bit stacks and code, and odd ones for the descriptor checks
 * of segment loads, LAR, LSL, VERR and VERW. Descriptors a stream may load
 * later start with the accessed bit clear: the load must set it. */
const uint64_t gdt_table[GDT_ENTRIES] = {
    0,
    0x00CF9A000000FFFFull, /* 08 code, DPL 0, 32-bit, flat */
    0x00CF93000000FFFFull, /* 10 data, DPL 0, flat */
    0x00CFFA000000FFFFull, /* 18 code, DPL 3 */
    0x00CFF3000000FFFFull, /* 20 data, DPL 3 */
    0x00008900090000A8ull, /* 28 32-bit TSS, available, at TSS_BASE */
    0x00CF92001000FFFFull, /* 30 data, DPL 0, base 0x1000 */
    0x008F92010000FFFFull, /* 38 data, DPL 0, base 0x10000, B=0 (16-bit stack) */
    0x00CFF2001000FFFFull, /* 40 data, DPL 3, base 0x1000 */
    0x008FF2010000FFFFull, /* 48 data, DPL 3, base 0x10000, B=0 */
    0x008F9A000000FFFFull, /* 50 code, DPL 0, 16-bit */
    0x008FFA000000FFFFull, /* 58 code, DPL 3, 16-bit */
    0x00CF91000000FFFFull, /* 60 data, DPL 0, read-only */
    0x0040F60000000FFFull, /* 68 data, DPL 3, expand-down, limit 0xFFF */
    0x0000EC0000081234ull, /* 70 32-bit call gate, DPL 3 */
    0x00CF72000000FFFFull, /* 78 data, DPL 3, not present */
    0x00CF9E000000FFFFull, /* 80 code, DPL 0, conforming */
    0x000082000A000017ull, /* 88 LDT */
    0x0040F300000007FFull, /* 90 data, DPL 3, byte-granular limit 0x7FF */
};

/* Data selectors a load accepts at this CPL (SDM vol. 3, 5.6): DPL >=
 * max(CPL, RPL); for SS, RPL = DPL = CPL and writable. Only writable,
 * present, non-null data: DEV_SEG_CHECKS. */
static uint16_t good_sel(struct gen *g, bool ss)
{
    static const uint16_t data0[] = {SEL_DATA0, SEL_DATA3, SEL_BASED0, SEL_BASED3,
                                     SEL_STK16_0, SEL_STK16_3, 0x20, 0x40, SEL_EXPDOWN3};
    static const uint16_t data3[] = {SEL_DATA3, SEL_BASED3, SEL_STK16_3, 0x20, 0x41,
                                     SEL_EXPDOWN3};
    static const uint16_t ss0[] = {SEL_DATA0, SEL_STK16_0, SEL_BASED0};
    static const uint16_t ss3[] = {SEL_DATA3, SEL_STK16_3, SEL_BASED3};
    static const uint16_t real[] = {0, 0x100, 0x800, 0x1000, 0x2000};
    if (g->rm)
        return ss ? (rnd(R, 2) ? 0x1000 : 0x0C00) : real[rnd(R, 5)];
    if (ss)
        return g->cpl ? ss3[rnd(R, 3)] : ss0[rnd(R, 3)];
    return g->cpl ? data3[rnd(R, 6)] : data0[rnd(R, 9)];
}

/* Selectors a load refuses: #GP, #SS or #NP, the machine unchanged. */
static uint16_t bad_sel(struct gen *g, bool ss)
{
    static const uint16_t any[] = {SEL_NOTP3, SEL_TSS, 0x98, 0xF8, SEL_GATE3, SEL_LDT,
                                   0x0C, 0x14, SEL_NOTP3 & ~3u, SEL_EXPDOWN3 | 0x100};
    static const uint16_t bad_ss[] = {0, 3, SEL_RODATA0, SEL_CODE0, SEL_CODE3, SEL_CONFORM0,
                                      SEL_SMALL3 ^ 3, SEL_DATA3 ^ 3};
    if (ss && rnd(R, 2))
        return bad_ss[rnd(R, 8)];
    if (g->cpl == 3 && rnd(R, 2))
        return (uint16_t[]){SEL_DATA0, SEL_BASED0, SEL_RODATA0, SEL_STK16_0 | 3}[rnd(R, 4)];
    return any[rnd(R, 10)];
}

static uint16_t load_sel(struct gen *g, bool ss)
{
    return chance(R, 12) && !g->rm ? bad_sel(g, ss) : good_sel(g, ss);
}

/* Set-up: a word or dword of memory at seg:t (DS without a prefix),
 * through C7 /0 (MOV m, imm). */
static void setup_store_seg(struct gen *g, uint8_t seg, uint32_t t, unsigned size, uint32_t v)
{
    struct enc e = {0};
    if (seg)
        e8(&e, seg);
    pfx_o(g, &e, size == 2);
    e8(&e, 0xC7);
    modrm_abs(g, &e, 0, t);
    eimm(&e, size, v);
    put(g, &e, blank());
}

static void setup_store(struct gen *g, uint32_t t, unsigned size, uint32_t v)
{
    struct enc e = {0};
    pfx_o(g, &e, size == 2);
    e8(&e, 0xC7);
    modrm_abs(g, &e, 0, t);
    eimm(&e, size, v);
    put(g, &e, blank());
}

/* A return to ring 3 nulls data segment registers whose DPL is below 3
 * (SDM vol. 2, RET/IRET); QEMU does not fault on accesses through a
 * null one (DEV_SEG_CHECKS), so the next group first reloads them. */
static void load_sreg(struct gen *g, unsigned sr, uint16_t sel)
{
    unsigned r = dst_reg(g, 2);
    setup_mov16(g, r, sel);
    struct enc e = {0};
    e8(&e, 0x8E);
    modrm_reg(&e, sr, r);
    put(g, &e, blank());
    g->s.sel[sr] = sel;
}

static void repair_nulls(struct gen *g)
{
    if (g->rm)
        return;
    for (unsigned sr = 0; sr < 6; sr++)
        if (sr != 1 && sr != 2 && (g->s.sel[sr] & ~3u) == 0)
            load_sreg(g, sr, good_sel(g, false));
}

/* MOV r/m, Sreg; MOV Sreg, r/m; PUSH/POP Sreg; LDS LES LFS LGS LSS. */
static void cls_sreg(struct gen *g)
{
    static const uint8_t loadable[5] = {0, 2, 3, 4, 5}; /* ES SS DS FS GS */
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 6);
    if (k == 0) {
        struct pfx p = rand_pfx(g, true);
        bool mem = chance(R, 40);
        p.a16 = p.a16 && mem;
        emit_pfx(g, &e, &p);
        e8(&e, 0x8C);
        if (mem)
            modrm_mem(g, &e, rnd(R, 6), p.a16, 2);
        else
            modrm_reg(&e, rnd(R, 6), dst_reg(g, 4));
    } else if (k == 1) {
        unsigned sr = loadable[rnd(R, 5)];
        uint16_t sel = load_sel(g, sr == 2);
        if (rnd(R, 2)) {
            unsigned r = dst_reg(g, 2);
            setup_mov16(g, r, sel);
            e8(&e, 0x8E);
            modrm_reg(&e, sr, r);
        } else {
            uint32_t t = store_target(g, 2);
            setup_store(g, t, 2, sel);
            e8(&e, 0x8E);
            modrm_abs(g, &e, sr, t);
        }
    } else if (k == 2) {
        ensure_stack(g, 64);
        bool o16 = rand_o16(g);
        pfx_o(g, &e, o16);
        static const uint8_t push[6][2] = {{0x06}, {0x0E}, {0x16}, {0x1E}, {0x0F, 0xA0}, {0x0F, 0xA8}};
        unsigned sr = rnd(R, 6);
        e8(&e, push[sr][0]);
        if (push[sr][1])
            e8(&e, push[sr][1]);
        m.push_sreg32 = !o16;
    } else if (k == 3) {
        ensure_stack(g, 64);
        bool o16 = rand_o16(g);
        static const uint8_t pop[5][2] = {{0x07}, {0x17}, {0x1F}, {0x0F, 0xA1}, {0x0F, 0xA9}};
        unsigned sr = rnd(R, 5);
        good_stack(g, false);
        setup_push(g, o16 ? 2 : 4, load_sel(g, sr == 1) | (o16 ? 0 : rnd32(R) & 0xFFFF0000u));
        pfx_o(g, &e, o16);
        e8(&e, pop[sr][0]);
        if (pop[sr][1])
            e8(&e, pop[sr][1]);
    } else {
        /* LDS/LES/LFS/LGS/LSS r, m16:32 (m16:16): offset, then selector */
        static const uint8_t op[5][2] = {{0xC5}, {0xC4}, {0x0F, 0xB4}, {0x0F, 0xB5}, {0x0F, 0xB2}};
        unsigned which = rnd(R, 5);
        bool lss = which == 4;
        bool o16 = rand_o16(g);
        unsigned size = o16 ? 2 : 4;
        unsigned r = lss && chance(R, 80) ? ESP : dst_reg(g, size);
        uint32_t off = r == ESP ? fresh_sp(g) : rnd32(R);
        uint32_t t = store_target(g, size + 2);
        setup_store(g, t, size, off);
        setup_store(g, t + size, 2, load_sel(g, lss));
        pfx_o(g, &e, o16);
        e8(&e, op[which][0]);
        if (op[which][1])
            e8(&e, op[which][1]);
        modrm_abs(g, &e, r, t); /* never a VEX-looking C4/C5 (mod 3) */
    }
    put(g, &e, m);
}

/* LAR LSL VERR VERW on every kind of descriptor, SGDT SIDT SLDT STR SMSW. */
static uint16_t probe_sel(struct gen *g)
{
    unsigned k = rnd(R, 10);
    if (k < 7)
        return (uint16_t)(rnd(R, GDT_ENTRIES) * 8 | rnd(R, 4));
    if (k < 8)
        return (uint16_t)(rnd(R, 4) | (chance(R, 50) ? 4 : 0));
    if (k < 9)
        return (uint16_t)(rnd(R, 32) * 8 | 4 | rnd(R, 4)); /* the LDT: unusable */
    return (uint16_t)rnd32(R);
}

static void cls_sysread(struct gen *g)
{
    struct enc e = {0};
    struct ginsn m = blank();
    unsigned k = rnd(R, 8);
    if (k <= 3) {
        /* LAR, LSL (0F 02, 0F 03); VERR, VERW (0F 00 /4, /5) */
        uint16_t sel = probe_sel(g);
        bool mem = chance(R, 30);
        unsigned src = dst_reg(g, 2);
        uint32_t t = store_target(g, 2);
        if (mem)
            setup_store(g, t, 2, sel);
        else
            setup_mov16(g, src, sel);
        bool o16 = k <= 1 && chance(R, 30);
        pfx_o(g, &e, o16);
        e8(&e, 0x0F);
        e8(&e, k <= 1 ? 0x02 + k : 0x00);
        unsigned reg = k <= 1 ? dst_reg(g, 4) : 4 + (k - 2);
        if (mem)
            modrm_abs(g, &e, reg, t);
        else
            modrm_reg(&e, reg, src);
    } else if (k == 4) {
        /* SGDT, SIDT */
        struct pfx p = rand_pfx(g, true);
        p.rep = 0;
        emit_pfx(g, &e, &p);
        e8(&e, 0x0F);
        e8(&e, 0x01);
        modrm_mem(g, &e, rnd(R, 2), p.a16, 6);
    } else if (k <= 6) {
        /* SLDT, STR: a 32-bit register gets the selector zero-extended */
        struct pfx p = rand_pfx(g, true);
        bool mem = chance(R, 40);
        p.a16 = p.a16 && mem;
        p.rep = 0;
        emit_pfx(g, &e, &p);
        e8(&e, 0x0F);
        e8(&e, 0x00);
        if (mem)
            modrm_mem(g, &e, k - 5, p.a16, 2);
        else
            modrm_reg(&e, k - 5, dst_reg(g, 4));
    } else {
        /* SMSW m16 or r16 (SMSW r32 leaves bits 31:16 undefined) */
        bool mem = chance(R, 50);
        if (!mem)
            pfx_o(g, &e, true);
        e8(&e, 0x0F);
        e8(&e, 0x01);
        if (mem)
            modrm_mem(g, &e, 4, g->cs16, 2);
        else
            modrm_reg(&e, 4, dst_reg(g, 2));
    }
    put(g, &e, m);
}

/* A code selector for a far transfer: this ring's 32- or 16-bit code
 * (the stream may switch between them), or 0 in real mode. */
static uint16_t far_cs(struct gen *g)
{
    if (g->rm)
        return 0;
    if (rnd(R, 2))
        return g->s.sel[1];
    if (g->cpl)
        return rnd(R, 2) ? SEL_CODE3 : SEL_CODE16_3;
    return rnd(R, 2) ? SEL_CODE0 : SEL_CODE16_0;
}

static unsigned desc_dpl(uint16_t sel) { return (gdt_table[(sel >> 3) % GDT_ENTRIES] >> 45) & 3; }

/* Far JMP/CALL/RETF/IRET: within the privilege level, out from ring 0 to
 * ring 3 (RETF, IRET pop SS:ESP too), in to ring 0 through the call gate
 * (its target is written into the descriptor first, the stack comes from
 * the TSS), or through a pointer in memory. */
static void far_branch(struct gen *g, bool o16, struct enc *e, struct ginsn *m)
{
    unsigned kind = rnd(R, 6);
    uint16_t cs = far_cs(g);
    unsigned size = o16 ? 2 : 4;
    uint32_t t;
    bool outer = !g->rm && g->cpl == 0 && (kind == 2 || kind == 3) && !o16 && chance(R, 40);
    if ((kind == 3 && (g->s.eflags & F_NT) && !g->rm) || (kind == 5 && g->rm)) {
        g->failed = true; /* no task return; no gates in real mode */
        return;
    }
    ensure_stack(g, 64);
    good_stack(g, true);
    if (kind == 5) {
        /* the call gate: its offset fields, written through a flat FS */
        load_sreg(g, 4, g->cpl ? SEL_DATA3 : SEL_DATA0);
    }
    if (outer) {
        /* data segments the return would null: mostly reload them first */
        for (unsigned sr = 0; sr < 6; sr++)
            if (sr != 1 && sr != 2 && desc_dpl(g->s.sel[sr]) < 3 && chance(R, 70))
                load_sreg(g, sr, (uint16_t[]){SEL_DATA3, SEL_BASED3, 0x20}[rnd(R, 3)]);
        cs = rnd(R, 3) ? SEL_CODE3 : SEL_CODE16_3;
        setup_push(g, 4, (uint16_t[]){SEL_DATA3, SEL_STK16_3, SEL_BASED3}[rnd(R, 3)]);
        setup_push(g, 4, fresh_sp(g));
    }
    if (kind == 3) {
        /* IRET: never into a task return (NT) or virtual-8086 mode (VM),
         * which isola does not model, nor setting RF */
        uint32_t fl = (rnd32(R) & 0x3F7FD5u & ~(F_TF | F_VM | F_RF)) | 2;
        if (chance(R, 3))
            fl |= F_TF;
        setup_push(g, size, fl);
        if (!g->rm && g->cpl == 0 && size == 4)
            m->iret_flags = fl; /* for DEV_IRET_VIF */
        m->iret = true;
    }
    /* the target, clear of everything this group still writes */
    if (!fresh_target(g, g->at + 48, &t)) {
        g->failed = true;
        return;
    }
    if (kind == 2 || kind == 3) {
        setup_push(g, size, cs);
        setup_push(g, size, t);
        pushed_size = 0;
        pfx_o(g, e, o16);
        if (kind == 3) {
            e8(e, 0xCF);
        } else if (rnd(R, 2)) {
            e8(e, 0xCB);
        } else {
            e8(e, 0xCA);
            e16(e, rnd(R, 16));
        }
        return;
    }
    if (kind == 4) {
        /* JMP/CALL m16:16 or m16:32 (FF /5, FF /3) */
        uint32_t a = store_target(g, 8);
        setup_store(g, a, size, t);
        setup_store(g, a + size, 2, cs);
        pfx_o(g, e, o16);
        e8(e, 0xFF);
        modrm_abs(g, e, rnd(R, 2) ? 3 : 5, a);
        return;
    }
    if (kind == 5) {
        setup_store_seg(g, 0x64, GDT_BASE + (SEL_GATE3 & ~7u), 2, t & 0xFFFF);
        setup_store_seg(g, 0x64, GDT_BASE + (SEL_GATE3 & ~7u) + 6, 2, t >> 16);
        cs = SEL_GATE3;
        t = rnd32(R); /* the offset in the instruction is ignored */
        kind = chance(R, 75) ? 1 : 0;
    }
    pfx_o(g, e, o16);
    e8(e, kind == 0 ? 0xEA : 0x9A);
    if (o16)
        e16(e, t);
    else
        e32(e, t);
    e16(e, cs);
}

/* Near and short branches, far ones, IRET. Targets are free code (the
 * stream grows there) or the start of a safe run ending here (a loop). */
static void cls_branch(struct gen *g)
{
    unsigned k = rnd(R, 100);
    bool o16 = rand_o16(g);
    struct enc e = {0};
    struct ginsn m = blank();
    if (k < 55) {
        /* Jcc / JMP / CALL / LOOPcc / JCXZ with relative targets */
        unsigned kind = rnd(R, 10);
        bool is_short = rnd(R, 2);
        if (kind == 6 || kind == 7)
            ensure_stack(g, 64);
        pfx_o(g, &e, o16);
        if (kind < 5) {
            if (is_short) {
                e8(&e, 0x70 + rnd(R, 16));
            } else {
                e8(&e, 0x0F);
                e8(&e, 0x80 + rnd(R, 16));
            }
        } else if (kind < 6) {
            e8(&e, is_short ? 0xEB : 0xE9);
        } else if (kind < 8) {
            is_short = false;
            e8(&e, 0xE8);
        } else {
            pfx_a(g, &e, rand_a16(g)); /* LOOP/JCXZ count in CX or ECX */
            is_short = true;
            e8(&e, 0xE0 + rnd(R, 4));
        }
        unsigned dlen = is_short ? 1 : (o16 ? 2 : 4);
        uint32_t next = g->at + e.n + dlen;
        uint32_t t;
        bool back = (kind < 5 || kind >= 8) && chance(R, 30) && g->npend == 0;
        int64_t lo = is_short ? (int64_t)next - 128 : CODE_LO;
        int64_t hi = is_short ? (int64_t)next + 127 : CODE_HI;
        if (back) {
            if (!pick_loop(g, lo, hi, &t))
                back = false;
        }
        if (!back && !pick_free(g, next, hi, next, 24, &t) &&
            !pick_free(g, lo, hi, next, 24, &t)) {
            g->failed = true;
            return;
        }
        int32_t d = (int32_t)(t - next);
        if (is_short)
            e8(&e, (uint8_t)d);
        else if (o16)
            e16(&e, (uint32_t)d);
        else
            e32(&e, (uint32_t)d);
    } else if (k < 72) {
        /* RET / RET imm16 to a prepared address */
        ensure_stack(g, 64);
        good_stack(g, false);
        unsigned size = o16 ? 2 : 4;
        bool imm = chance(R, 30);
        uint32_t len = (o16 != g->cs16 ? 1 : 0) + (imm ? 3 : 1);
        uint32_t top = stack_top(g, size);
        if (!code_free(g, top, 48) || (top >= g->start && top < g->at + len + 8)) {
            uint32_t t;
            if (!fresh_target(g, g->at + 6 + len, &t)) {
                g->failed = true;
                return;
            }
            setup_push(g, size, t);
        }
        pfx_o(g, &e, o16);
        if (imm) {
            e8(&e, 0xC2);
            e16(&e, rnd(R, 4) ? rnd(R, 32) : rnd(R, 0x200));
        } else {
            e8(&e, 0xC3);
        }
    } else if (k < 86) {
        /* JMP/CALL near indirect through a register or memory */
        bool call = rnd(R, 2);
        bool mem = chance(R, 40);
        if (call)
            ensure_stack(g, 64);
        uint32_t t;
        if (!fresh_target(g, g->at + 32, &t)) {
            g->failed = true;
            return;
        }
        unsigned r = dst_reg(g, 4);
        if (mem) {
            uint32_t a = store_target(g, 4);
            setup_store(g, a, o16 ? 2 : 4, t);
            pfx_o(g, &e, o16);
            e8(&e, 0xFF);
            modrm_abs(g, &e, call ? 2 : 4, a);
        } else {
            setup_mov32(g, r, t);
            pfx_o(g, &e, o16);
            e8(&e, 0xFF);
            modrm_reg(&e, call ? 2 : 4, r);
        }
    } else {
        far_branch(g, o16, &e, &m);
        if (g->failed)
            return;
    }
    put(g, &e, m);
}

/* Self-modifying code: a MOV byte to the next instruction of the group,
 * which both machines have already seen (isola may have it decoded in a
 * block, Unicorn translated): they must run the new bytes (SDM vol. 3,
 * 11.6). The write goes through FS, loaded flat first; the new byte is an
 * immediate of MOV r, imm or flips INC r into DEC r. */
static void cls_smc(struct gen *g)
{
    load_sreg(g, 4, g->rm ? 0 : g->cpl ? SEL_DATA3 : SEL_DATA0);
    struct enc w = {0}, v = {0};
    e8(&w, 0x64);
    e8(&w, 0xC6);
    unsigned wlen = w.n + (g->cs16 ? 3 : 5) + 1;
    uint32_t victim = g->at + wlen;
    unsigned r = dst_reg(g, 4);
    unsigned at;
    uint8_t nv;
    if (rnd(R, 2)) {
        e8(&v, 0xB8 + r);              /* MOV r, imm (default size) */
        eimm(&v, g->cs16 ? 2 : 4, rnd32(R));
        at = 1 + rnd(R, v.n - 1);
        nv = (uint8_t)rnd32(R);
    } else {
        e8(&v, 0x40 + r);              /* INC r, to become DEC r */
        at = 0;
        nv = (uint8_t)(0x48 + r);
    }
    modrm_abs(g, &w, 0, victim + at);
    e8(&w, nv);
    struct ginsn wm = blank();
    wm.smc_write = true;
    put(g, &w, wm);
    struct ginsn m = blank();
    m.safe = true;
    put(g, &v, m);
    if (!g->failed) {
        /* what will run is the new byte */
        g->pend[g->npend - 1].b[at] = nv;
        g->smc_at = victim + at;
        g->smc_old = v.b[at];
    }
}

/* Paging (SDM vol. 3, 4.3): one page directory, identity maps of the low
 * 4 MiB by one page table or one 4 MiB page (CR4.PSE). With the table,
 * pages of the data window and the stack area are now and then not
 * present, read-only or supervisor-only, so accesses fault with #PF or
 * not as U/S, R/W and CR0.WP decide. Code pages and page 0 (GDT, TSS) are
 * user-writable, as the flat tests need them. */
static void build_page_tables(struct gen *g, struct xstate *s, uint8_t *mem)
{
    uint32_t pde;
    s->cr0 |= CR0_PG | (rnd(R, 2) ? CR0_WP : 0);
    s->cr3 = PD_BASE;
    memset(mem + PD_BASE, 0, 0x2000);
    /* Page 0 is marked accessed and dirty already: the reference keeps a
     * stale ring-0 translation of it after its TLB flush (difftest-ref.c) */
    if (chance(R, 20)) {
        s->cr4 = CR4_PSE;
        pde = 0xE7; /* 4 MiB page: PS, D, A, U, W, P */
    } else {
        pde = PT_BASE | 7;
        for (uint32_t pn = 0; pn < 1024; pn++) {
            uint32_t pte = pn << 12 | 7; /* U, W, P */
            if (pn >= DATA_LO >> 12 && pn < 0x30) {
                unsigned k = rnd(R, 100);
                bool stack = pn >= STACK_LO >> 12;
                if (k < (stack ? 3u : 8u))
                    pte &= ~1u;                /* not present */
                else if (k < (stack ? 6u : 16u))
                    pte &= ~2u;                /* read-only */
                else if (k < (stack ? 9u : 24u))
                    pte &= ~4u;                /* supervisor */
            }
            if (pn == PD_BASE >> 12 || pn == PT_BASE >> 12)
                pte &= ~4u;                    /* the tables: supervisor */
            if (pn == 0)
                pte |= 0x60;                   /* D, A */
            memcpy(mem + PT_BASE + pn * 4, &pte, 4);
        }
    }
    memcpy(mem + PD_BASE, &pde, 4);
}

/* Control registers at ring 0 (protected mode): reads of CR0 CR2 CR3 CR4,
 * CR3 rewritten (a TLB flush), CR0.WP toggled, INVLPG, CLTS, WBINVD. */
static void cls_cr(struct gen *g)
{
    if (g->rm || g->cpl != 0) {
        cls_priv(g);
        return;
    }
    struct enc e = {0};
    unsigned r = dst_reg(g, 4);
    switch (rnd(R, 7)) {
    case 0: case 1:
        e8(&e, 0x0F);
        e8(&e, 0x20);
        modrm_reg(&e, (unsigned[]){0, 2, 3, 4}[rnd(R, 4)], r);
        break;
    case 2:
        setup_mov32(g, r, g->s.cr3);
        e8(&e, 0x0F);
        e8(&e, 0x22);
        modrm_reg(&e, 3, r);
        break;
    case 3:
        setup_mov32(g, r, g->s.cr0 ^ CR0_WP);
        e8(&e, 0x0F);
        e8(&e, 0x22);
        modrm_reg(&e, 0, r);
        break;
    case 4: case 5: {
        struct pfx p = rand_pfx(g, false);
        p.rep = 0;
        emit_pfx(g, &e, &p);
        e8(&e, 0x0F);
        e8(&e, 0x01);
        modrm_mem_x(g, &e, 7, p.a16, 1, 0, 0, rnd(R, 4) == 0); /* INVLPG */
        break;
    }
    default:
        e8(&e, 0x0F);
        e8(&e, (unsigned[]){0x06, 0x09, 0x08}[rnd(R, 3)]);
        break;
    }
    put(g, &e, blank());
}

/* ---- class table ---- */

struct klass {
    const char *name;
    unsigned weight;
    void (*fn)(struct gen *g);
};

static const struct klass classes[] = {
    {"alu", 14, cls_alu},
    {"incdec", 4, cls_incdec},
    {"not/neg/test", 4, cls_unary},
    {"test", 2, cls_test},
    {"shift", 10, cls_shift},
    {"shld/shrd", 3, cls_shxd},
    {"mul", 4, cls_mul},
    {"div", 4, cls_div},
    {"bcd", 3, cls_bcd},
    {"bt", 4, cls_bt},
    {"bsf/bsr", 2, cls_bsf},
    {"setcc", 2, cls_setcc},
    {"cmovcc", 2, cls_cmov},
    {"cmpxchg/xadd", 3, cls_cmpxchg},
    {"cmpxchg8b", 1, cls_cmpxchg8b},
    {"bswap", 1, cls_bswap},
    {"xchg", 2, cls_xchg},
    {"mov", 8, cls_mov},
    {"movsx/movzx", 2, cls_movx},
    {"lea", 2, cls_lea},
    {"nop", 1, cls_nop},
    {"push/pop", 5, cls_pushpop},
    {"pusha/popa", 1, cls_pusha},
    {"enter/leave", 2, cls_enter},
    {"flags", 3, cls_flags},
    {"cbw/cwd", 1, cls_cbw},
    {"xlat", 1, cls_xlat},
    {"string", 5, cls_string},
    {"branch", 9, cls_branch},
    {"io/priv", 2, cls_priv},
    {"int/bound/ud2", 1, cls_int},
    {"invalid", 1, cls_invalid},
    {"sreg", 2, cls_sreg},
    {"lar/lsl/sgdt", 1, cls_sysread},
    {"smc", 1, cls_smc},
    {"cr/invlpg", 1, cls_cr},
};
#define NCLASS (sizeof classes / sizeof classes[0])

const char *gen_class_name(unsigned k) { return k < NCLASS ? classes[k].name : "fallback"; }
unsigned gen_class_count(void) { return NCLASS + 1; }

/* ---- groups ---- */

static void reset_group(struct gen *g, const struct xstate *s)
{
    g->s = *s;
    g->at = g->start;
    g->npend = 0;
    g->failed = false;
    g->smc_at = 0;
    pushed_size = 0;
}

static void commit(struct gen *g)
{
    uint32_t a = g->start;
    struct codemap *cm = g->cm;
    for (unsigned i = 0; i < g->npend; i++) {
        struct ginsn *m = &g->pend[i];
        unsigned n = cm->ninsn++;
        cm->insn[n] = *m;
        memcpy(g->mem + a, m->b, m->len);
        cm->occ[a] = OCC_START;
        cm->idx[a] = (uint16_t)n;
        for (unsigned j = 1; j < m->len; j++)
            cm->occ[a + j] = OCC_BODY;
        cm->prev[a + m->len] = (uint16_t)a;
        a += m->len;
    }
    if (g->smc_at)
        g->mem[g->smc_at] = g->smc_old; /* the group's own MOV writes the new one */
}

/* A one-byte register instruction: always fits. */
static void fallback(struct gen *g)
{
    static const uint8_t one[] = {0x90, 0xF8, 0xF9, 0xF5, 0x40, 0x41, 0x4B, 0x4F,
                                  0x98, 0x99, 0x9F, 0x27, 0x37, 0x91, 0x93};
    struct enc e = {0};
    e8(&e, one[rnd(R, sizeof one)]);
    struct ginsn m = blank();
    m.safe = true;
    m.frule = e.b[0] == 0x27 ? FR_DAA : e.b[0] == 0x37 ? FR_AAA : FR_NONE;
    cur_class = NCLASS;
    put(g, &e, m);
}

/* Near the end of free space: jump somewhere roomy. */
static void escape(struct gen *g)
{
    struct enc e = {0};
    uint32_t t;
    unsigned near_len = g->cs16 ? 3 : 5;
    bool near = g->limit - g->at >= near_len;
    uint32_t next = g->at + (near ? near_len : 2);
    int64_t lo = near ? CODE_LO : (int64_t)next - 128;
    int64_t hi = near ? CODE_HI : (int64_t)next + 127;
    if (g->limit - g->at < 2 || !pick_free(g, lo, hi, next, 64, &t)) {
        g->failed = true;
        return;
    }
    e8(&e, near ? 0xE9 : 0xEB);
    if (near && g->cs16)
        e16(&e, t - next);
    else if (near)
        e32(&e, t - next);
    else
        e8(&e, (uint8_t)(t - next));
    cur_class = NCLASS;
    put(g, &e, blank());
}

uint32_t gen_group(struct gen *g, const struct xstate *s, uint8_t *mem, struct codemap *cm)
{
    g->mem = mem;
    g->cm = cm;
    g->start = s->eip;
    g->cs16 = g->rm || !(gdt_table[(s->sel[1] >> 3) % GDT_ENTRIES] >> 54 & 1);
    if (!g->rm)
        g->cpl = s->sel[1] & 3; /* code may have changed rings */
    rm_region = g->rm;
    uint32_t lim = s->eip;
    while (lim < CODE_HI && lim < s->eip + 96 && cm->occ[lim] == OCC_FREE)
        lim++;
    /* keep the last bytes of the code area for a jump back */
    if (s->eip < CODE_HI - 16 && lim > CODE_HI - 16)
        lim = CODE_HI - 16;
    g->limit = lim;
    unsigned total = 0;
    for (unsigned i = 0; i < NCLASS; i++)
        total += classes[i].weight;
    for (int tries = 0; tries < 12; tries++) {
        reset_group(g, s);
        if (g->limit - g->start < 24 && tries < 4) {
            escape(g);
        } else {
            repair_nulls(g);
            unsigned w = rnd(R, total), k = 0;
            while (w >= classes[k].weight)
                w -= classes[k++].weight;
            cur_class = k;
            classes[k].fn(g);
        }
        if (!g->failed && g->npend > 0) {
            commit(g);
            return g->at;
        }
    }
    reset_group(g, s);
    fallback(g);
    commit(g);
    return g->at;
}

/* ---- streams ---- */

void gen_free(struct gen *g)
{
    free(g);
}

struct gen *gen_new(uint64_t seed)
{
    struct gen *g = calloc(1, sizeof *g);
    if (!g) {
        fprintf(stderr, "difftest: out of memory\n");
        exit(2);
    }
    g->rng.s = seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;
    if (g->rng.s == 0)
        g->rng.s = 1;
    for (int i = 0; i < 8; i++)
        rng_next(&g->rng);
    return g;
}

static uint32_t rand_reg_value(struct gen *g)
{
    unsigned k = rnd(R, 10);
    if (k < 4)
        return window_addr(g);
    if (k < 6)
        return rnd(R, 2) ? rnd(R, 0x100) : rnd(R, 0x10000);
    if (k < 7)
        return (uint32_t)-(int32_t)rnd(R, 0x100);
    return rnd32(R);
}

void gen_stream_start(struct gen *g, enum mode mode, unsigned cpl, struct xstate *s,
                      uint8_t *mem, struct codemap *cm)
{
    g->cpl = cpl;
    g->rm = mode == MODE_RM;
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 8; i++)
        s->r[i] = rand_reg_value(g);
    s->r[ESP] = fresh_sp(g) | (chance(R, 10) ? rnd(R, 4) : 0);
    if (chance(R, 50))
        s->r[EBP] = s->r[ESP] + rnd(R, 0x200);
    uint32_t fl = 0x2 | (rnd32(R) & (F_ARITH | F_DF | F_IF | F_NT | 0x40000u | 0x200000u));
    fl |= rnd(R, 4) << 12;  /* IOPL */
    s->eflags = fl;
    s->eip = CODE_LO + rnd(R, 0x100);
    uint16_t data = g->rm ? 0 : cpl ? SEL_DATA3 : SEL_DATA0;
    uint16_t code = mode == MODE_PM16 ? (cpl ? SEL_CODE16_3 : SEL_CODE16_0)
                                      : (cpl ? SEL_CODE3 : SEL_CODE0);
    for (int i = 0; i < 6; i++)
        s->sel[i] = i == 1 ? (g->rm ? 0 : code)
                           : i == 2 && g->rm ? 0x1000
                           : chance(R, 60) ? data : good_sel(g, i == 2);

    /* Free code is INT3: a translation running into it ends there, which
     * keeps the reference's blocks short (and cheap to translate). */
    memset(mem, 0, CODE_LO);
    memset(mem + CODE_LO, 0xCC, CODE_HI - CODE_LO);
    memcpy(mem + GDT_BASE, gdt_table, sizeof gdt_table);
    static const uint8_t stub[4] = {0x0F, 0x22, 0xC0, 0xCC}; /* MOV CR0, EAX; INT3 */
    memcpy(mem + STUB_ADDR, stub, sizeof stub);
    s->cr0 = g->rm ? CR0_ET : CR0_ET | CR0_PE;
    s->cr2 = s->cr3 = s->cr4 = 0;
    if (mode == MODE_PG)
        build_page_tables(g, s, mem);
    for (int i = 0; i < 6 && !g->rm; i++)
        mem[GDT_BASE + (s->sel[i] & ~7u) + 5] |= 1; /* loaded: accessed */
    /* the TSS: the ring-0 stack for the call gate, and the I/O bitmap:
     * open, closed, or a random mix per stream */
    uint32_t esp0 = STACK_LO + 0x4000 + (rnd(R, 0x8000) & ~3u);
    uint16_t ss0 = rnd(R, 3) ? SEL_DATA0 : SEL_STK16_0;
    memcpy(mem + TSS_BASE + 4, &esp0, 4);
    memcpy(mem + TSS_BASE + 8, &ss0, 2);
    mem[TSS_BASE + 102] = TSS_IOMAP;
    unsigned kind = rnd(R, 4);
    for (uint32_t i = 0; i < TSS_LIMIT - TSS_IOMAP; i++)
        mem[TSS_BASE + TSS_IOMAP + i] = kind == 0 ? 0 : kind == 1 ? 0xFF : (uint8_t)rnd32(R);
    mem[TSS_BASE + TSS_LIMIT] = 0xFF;
    for (uint32_t a = DATA_LO; a < STACK_HI; a += 8) {
        uint64_t v = rng_next(&g->rng);
        memcpy(mem + a, &v, 8);
    }
    memset(cm->occ, 0, sizeof cm->occ);
    memset(cm->prev, 0, sizeof cm->prev);
    cm->ninsn = 0;
}

/* ---- undefined flags (SDM vol. 2, each instruction's "Flags Affected") ---- */

uint32_t undef_flags(const struct ginsn *gi, const struct xstate *pre)
{
    unsigned c = 0;
    if (gi->cnt_src == CNT_ONE)
        c = 1;
    else if (gi->cnt_src == CNT_IMM)
        c = gi->cnt_imm;
    else
        c = pre->r[ECX] & 0xFF;
    c &= 31;
    unsigned bits = gi->size * 8u;
    switch (gi->frule) {
    case FR_LOGIC: return F_AF;
    case FR_SHL: case FR_SHR: case FR_SAR: {
        if (c == 0)
            return 0;
        uint32_t u = F_AF;
        if (c != 1)
            u |= F_OF;
        /* CF is undefined for SHL/SHR counts >= the operand width */
        if (gi->frule != FR_SAR && c >= bits)
            u |= F_CF;
        return u;
    }
    case FR_ROT: case FR_RCX:
        return c > 1 ? F_OF : 0;
    case FR_SHXD:
        if (c == 0)
            return 0;
        if (c > bits)
            return F_ARITH;
        return F_AF | (c != 1 ? F_OF : 0);
    case FR_MUL: return F_SF | F_ZF | F_AF | F_PF;
    case FR_DIV: return F_ARITH;
    case FR_DAA: return F_OF;
    case FR_AAA: return F_OF | F_SF | F_ZF | F_PF;
    case FR_AAM: return F_OF | F_AF | F_CF;
    case FR_BT: return F_OF | F_SF | F_AF | F_PF;
    case FR_BSF: return F_CF | F_OF | F_SF | F_AF | F_PF;
    default: return 0;
    }
}
