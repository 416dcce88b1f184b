/*
 * decode.c: x86 instruction decoding into struct insn.
 *
 * Rules kept here:
 *  - The decoder knows encodings, not semantics: each instruction group
 *    registers its opcodes (op_def, op_def_grp) with flags saying which
 *    ModRM, immediate and prefix forms it takes.
 *  - Decoding never changes CPU state. In probe mode (building a cached
 *    block ahead of execution) it raises nothing: a fetch it cannot do
 *    makes it fail, and an invalid encoding decodes to a handler that
 *    raises #UD when (and if) it executes, as hardware faults only on the
 *    instruction it reaches.
 *  - An instruction is at most 15 bytes (SDM vol. 2, 2.3.11): longer is #GP(0).
 */
#include "cpu.h"
#include "decode.h"

struct opdesc {
    insn_fn fn, tfn;                /* tfn NULL: insn_thread */
    const struct op_forms *forms;   /* NULL, or handlers by form (FORM_*) */
    uint16_t flags;
};

static struct opdesc optab[0x200];
static struct opdesc grptab[0x200][8];
static bool is_group[0x200];

void op_def(unsigned opcode, unsigned flags, insn_fn fn)
{
    optab[opcode & 0x1FF] = (struct opdesc){fn, NULL, NULL, (uint16_t)flags};
}

void op_def_t(unsigned opcode, unsigned flags, insn_fn fn, insn_fn tfn)
{
    optab[opcode & 0x1FF] = (struct opdesc){fn, tfn, NULL, (uint16_t)flags};
}

void op_def_grp(unsigned opcode, unsigned reg, unsigned flags, insn_fn fn)
{
    is_group[opcode & 0x1FF] = true;
    grptab[opcode & 0x1FF][reg & 7] =
        (struct opdesc){fn, NULL, NULL, (uint16_t)(flags | OPF_MODRM)};
}

void op_def_forms(unsigned opcode, unsigned flags, const struct op_forms *forms)
{
    optab[opcode & 0x1FF] =
        (struct opdesc){forms->fn[FORM_R32], forms->tfn[FORM_R32], forms, (uint16_t)flags};
}

void op_def_grp_forms(unsigned opcode, unsigned reg, unsigned flags,
                      const struct op_forms *forms)
{
    is_group[opcode & 0x1FF] = true;
    grptab[opcode & 0x1FF][reg & 7] = (struct opdesc){
        forms->fn[FORM_R32], forms->tfn[FORM_R32], forms, (uint16_t)(flags | OPF_MODRM)};
}

/* The handlers for the form decoded: a memory operand or not (no ModRM,
 * or mod 3; a moffs is memory), whether it is at base + displacement with
 * a 32-bit address (amask then masks nothing), and the operand size. */
static void form_handlers(const struct opdesc *d, struct insn *i)
{
    unsigned form = FORM_R16;
    if (i->mod != 3)
        form = i->a32 && i->index == REG_ZERO ? FORM_BD16 : FORM_M16;
    form += i->o32 ? 1 : 0;
    if (d->forms) {
        i->fn = d->forms->fn[form];
        i->tfn = d->forms->tfn[form];
    } else {
        i->fn = d->fn;
        i->tfn = d->tfn ? d->tfn : insn_thread;
    }
}

static void op_ud(cpu_t *c, const struct insn *i)
{
    (void)i;
    cpu_raise(c, EXC_UD, NO_ERRCODE);
}

/* An instruction that crosses into a page the probe may not fetch from,
 * or past the CS limit: fails the probe, raises in execution mode. */
static uint8_t fetch8(struct fetch *f)
{
    const struct segcache *cs = &f->c->seg[SR_CS];
    uint32_t off = f->eip + f->n;
    uint32_t lin;
    if (!f->o32_default)
        off &= 0xFFFFu;
    if (f->n >= 15 || off > cs->limit) {
        if (f->probe) {
            f->fail = true;
            return 0;
        }
        cpu_raise(f->c, EXC_GP, 0);
    }
    f->n++;
    lin = cs->base + off;
    if (f->page && (lin & ~0xFFFu) == f->page_lin)
        return f->page[lin & 0xFFFu];
    if (f->probe) {
        f->fail = true;
        return 0;
    }
    return (uint8_t)lin_read(f->c, lin, 1, ACC_X);
}

static uint32_t fetch16(struct fetch *f)
{
    uint32_t lo = fetch8(f);
    return lo | (uint32_t)fetch8(f) << 8;
}

static uint32_t fetch32(struct fetch *f)
{
    uint32_t lo = fetch16(f);
    return lo | fetch16(f) << 16;
}

static uint32_t fetch_sized(struct fetch *f, bool wide)
{
    return wide ? fetch32(f) : fetch16(f);
}

/* 16-bit addressing forms (SDM vol. 2, table 2-1). */
static const uint8_t rm16_base[8] = {EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX};
static const uint8_t rm16_index[8] = {ESI, EDI, ESI, EDI, REG_ZERO, REG_ZERO, REG_ZERO, REG_ZERO};

static void modrm16(struct fetch *f, struct insn *i)
{
    i->base = rm16_base[i->rm];
    i->index = rm16_index[i->rm];
    if (i->mod == 0 && i->rm == 6) {
        i->base = REG_ZERO;
        i->disp = fetch16(f);
    } else if (i->mod == 1) {
        i->disp = (uint32_t)(int32_t)(int8_t)fetch8(f);
    } else if (i->mod == 2) {
        i->disp = fetch16(f);
    }
    if (i->base == EBP)
        i->seg = SR_SS;
}

static void modrm32(struct fetch *f, struct insn *i)
{
    uint8_t base = i->rm;
    if (i->rm == 4) {
        uint8_t sib = fetch8(f);
        uint8_t idx = (sib >> 3) & 7;
        i->scale = sib >> 6;
        i->index = idx == 4 ? REG_ZERO : idx;
        base = sib & 7;
    }
    if (base == 5 && i->mod == 0) {
        base = REG_ZERO;
        i->disp = fetch32(f);
    } else if (i->mod == 1) {
        i->disp = (uint32_t)(int32_t)(int8_t)fetch8(f);
    } else if (i->mod == 2) {
        i->disp = fetch32(f);
    }
    i->base = base;
    if (base == ESP || base == EBP)
        i->seg = SR_SS;
}

static void decode_modrm(struct fetch *f, struct insn *i, uint8_t m, unsigned ovr)
{
    i->mod = m >> 6;
    i->reg = (m >> 3) & 7;
    i->rm = m & 7;
    if (i->mod == 3)
        return;
    i->seg = SR_DS;
    if (i->a32)
        modrm32(f, i);
    else
        modrm16(f, i);
    if (ovr != SR_COUNT)
        i->seg = (uint8_t)ovr;
}

static void decode_imm(struct fetch *f, struct insn *i, unsigned flags)
{
    if (flags & OPF_IMM_B)
        i->imm = fetch8(f);
    else if (flags & OPF_IMM_BS)
        i->imm = (uint32_t)(int32_t)(int8_t)fetch8(f);
    else if (flags & OPF_IMM_W)
        i->imm = fetch16(f);
    else if (flags & OPF_IMM_Z)
        i->imm = fetch_sized(f, i->o32);
    else if (flags & OPF_FARPTR) {
        i->imm = fetch_sized(f, i->o32);
        i->imm2 = fetch16(f);
    } else if (flags & OPF_ENTER) {
        i->imm = fetch16(f);
        i->imm2 = fetch8(f);
    } else if (flags & OPF_MOFFS) {
        i->disp = fetch_sized(f, i->a32);
        i->mod = 0;
        i->base = i->index = REG_ZERO;
    }
}

/* MOV to and from control and debug registers ignore the mod field and
 * always name a register (SDM vol. 2, MOV—Move to/from Control Registers). */
static bool mod_ignored(unsigned op)
{
    return op >= 0x120 && op <= 0x123;
}

static bool encoding_valid(const struct insn *i, unsigned flags, bool lock)
{
    if ((flags & OPF_MEM) && i->mod == 3)
        return false;
    if ((flags & OPF_REG) && i->mod != 3)
        return false;
    if (lock && (!(flags & OPF_LOCK) || i->mod == 3))
        return false;
    return true;
}

/* Prefixes (SDM vol. 2, 2.1.1). Returns the first non-prefix byte. */
static uint8_t decode_prefixes(struct fetch *f, struct insn *i, unsigned *ovr, bool *lock)
{
    static const uint8_t seg_of[8] = {SR_ES, SR_CS, SR_SS, SR_DS};
    for (;;) {
        uint8_t b = fetch8(f);
        switch (b) {
        case 0x26: case 0x2E: case 0x36: case 0x3E:
            *ovr = seg_of[(b >> 3) & 3];
            break;
        case 0x64: *ovr = SR_FS; break;
        case 0x65: *ovr = SR_GS; break;
        case 0x66: i->o32 = !f->o32_default; break;
        case 0x67: i->a32 = !f->o32_default; break;
        case 0xF0: *lock = true; break;
        case 0xF2: i->rep = REP_NZ; break;
        case 0xF3: i->rep = REP_Z; break;
        default: return b;
        }
        if (f->fail)
            return 0;
    }
}

unsigned decode_fetch(struct fetch *f, struct insn *i)
{
    unsigned ovr = SR_COUNT, op;
    bool lock = false;
    struct opdesc d;
    memset(i, 0, sizeof *i);
    i->o32 = i->a32 = f->o32_default;
    i->seg = SR_DS;
    i->base = i->index = REG_ZERO;
    i->mod = 3;
    op = decode_prefixes(f, i, &ovr, &lock);
    if (ovr != SR_COUNT) {
        i->seg = (uint8_t)ovr;
        i->segovr = 1;
    }
    if (op == 0x0F)
        op = 0x100 | fetch8(f);
    i->op = (uint16_t)op;
    d = optab[op];
    if (is_group[op] || (d.flags & OPF_MODRM)) {
        uint8_t m = fetch8(f);
        if (mod_ignored(op))
            m |= 0xC0;
        decode_modrm(f, i, m, ovr);
        if (is_group[op])
            d = grptab[op][i->reg];
    }
    decode_imm(f, i, d.flags);
    i->lock = lock;
    if (d.fn && encoding_valid(i, d.flags, lock)) {
        form_handlers(&d, i);
    } else {
        i->fn = op_ud;
        i->tfn = insn_thread;
    }
    i->len = (uint8_t)f->n;
    i->amask = i->a32 ? 0xFFFFFFFFu : 0xFFFFu;
    i->ends = (d.flags & OPF_END) != 0;
    i->eip = f->eip;
    i->next_eip = (f->eip + f->n) & (f->o32_default ? 0xFFFFFFFFu : 0xFFFFu);
    f->flags = d.flags;
    return f->n;
}

unsigned decode_insn(cpu_t *c, uint32_t eip, struct insn *i)
{
    struct fetch f = {.c = c, .eip = eip,
                      .o32_default = (c->seg[SR_CS].ar & AR_DB) != 0};
    return decode_fetch(&f, i);
}

void ops_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    alu_ops_init();
    muldiv_ops_init();
    shift_ops_init();
    bits_ops_init();
    move_ops_init();
    string_ops_init();
    branch_ops_init();
    system_ops_init();
}
