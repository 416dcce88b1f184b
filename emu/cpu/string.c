/*
 * string.c: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with and without REP.
 *
 * Rules kept here:
 *  - The address size picks ESI/EDI/ECX or SI/DI/CX: SI and DI wrap at
 *    64 KiB and only CX counts, the upper halves untouched.
 *  - The source is i->seg (DS or an override); the destination is always
 *    ES, which no prefix overrides (SDM vol. 1, 3.7.5).
 *  - Each iteration does its memory accesses first and then updates the
 *    registers, so a fault in iteration k leaves them describing k-1
 *    finished iterations with EIP still at the instruction, and the
 *    instruction resumes where it stopped (SDM vol. 2, REP).
 *  - REPE/REPNE end early only for CMPS and SCAS; for the others F2 acts
 *    as F3.
 *  - A long REP runs at most REP_BUDGET iterations at a time, then
 *    restarts itself (next_eip = eip) so interrupts can come in between.
 *  - Forward REP MOVS/STOS copy whole page-sized runs through host
 *    pointers when the fast tables already allow every access in the run;
 *    per-element order is kept, so overlapping copies behave as on
 *    hardware.
 */
#include "cpu.h"

#define REP_BUDGET 4096u

enum strop { S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS, S_INS, S_OUTS };

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

static inline uint32_t idx_get(const cpu_t *c, const struct insn *i, unsigned r)
{
    return i->a32 ? c->reg[r] : (c->reg[r] & 0xFFFFu);
}

static inline void idx_add(cpu_t *c, const struct insn *i, unsigned r, uint32_t delta)
{
    if (i->a32)
        c->reg[r] += delta;
    else
        reg_set(c, r, 2, c->reg[r] + delta);
}

static inline void count_set(cpu_t *c, const struct insn *i, uint32_t n)
{
    if (i->a32)
        c->reg[ECX] = n;
    else
        reg_set(c, ECX, 2, n);
}

/* INS reads the port only once the write is known to succeed, so a
 * faulting INS does not consume device data it then drops. */
static void probe_dest(cpu_t *c, uint32_t off, unsigned size)
{
    const struct segcache *s = &c->seg[SR_ES];
    uint32_t lin = s->base + off;
    if ((int64_t)off + size - 1 <= s->wlim && (lin & 0xFFFu) <= 4096u - size &&
        c->fast[FAST_W][(lin >> 12) & (FAST_SIZE - 1)].tag == (lin & ~0xFFFu))
        return;
    mem_probe_write(c, SR_ES, off, size);
}

/* One iteration. Returns true when a REPE/REPNE condition ends the loop. */
static inline __attribute__((always_inline)) bool
str_step(cpu_t *c, const struct insn *i, unsigned size, enum strop op)
{
    uint32_t d = (c->eflags & FL_DF) ? (uint32_t)-size : size;
    uint32_t a, b;
    uint16_t port = (uint16_t)c->reg[EDX];
    switch (op) {
    case S_MOVS:
        a = mem_read(c, i->seg, idx_get(c, i, ESI), size);
        mem_write(c, SR_ES, idx_get(c, i, EDI), size, a);
        idx_add(c, i, ESI, d);
        idx_add(c, i, EDI, d);
        return false;
    case S_STOS:
        mem_write(c, SR_ES, idx_get(c, i, EDI), size, reg_get(c, EAX, size));
        idx_add(c, i, EDI, d);
        return false;
    case S_LODS:
        a = mem_read(c, i->seg, idx_get(c, i, ESI), size);
        reg_set(c, EAX, size, a);
        idx_add(c, i, ESI, d);
        return false;
    case S_CMPS:
        a = mem_read(c, i->seg, idx_get(c, i, ESI), size);
        b = mem_read(c, SR_ES, idx_get(c, i, EDI), size);
        idx_add(c, i, ESI, d);
        idx_add(c, i, EDI, d);
        break;
    case S_SCAS:
        a = reg_get(c, EAX, size);
        b = mem_read(c, SR_ES, idx_get(c, i, EDI), size);
        idx_add(c, i, EDI, d);
        break;
    case S_INS:
        probe_dest(c, idx_get(c, i, EDI), size);
        a = bus_in(c->bus, port, size);
        mem_write(c, SR_ES, idx_get(c, i, EDI), size, a);
        idx_add(c, i, EDI, d);
        return false;
    default: /* S_OUTS */
        a = mem_read(c, i->seg, idx_get(c, i, ESI), size);
        bus_out(c->bus, port, size, a);
        idx_add(c, i, ESI, d);
        return false;
    }
    lf_set(c, LF_SUB, size, (a - b) & size_mask(size), a, b);
    return i->rep == REP_Z ? a != b : i->rep == REP_NZ ? a == b : false;
}

/* How many whole elements (at most max) from sr:off lie in one page the
 * fast table maps for kind, inside the segment's fast bound and, with
 * 16-bit addresses, before the offset wraps. 0 when the run must take
 * the ordinary path. */
static uint32_t fast_run(cpu_t *c, const struct insn *i, int sr, uint32_t off,
                         unsigned size, uint32_t max, int kind,
                         uint8_t **host, struct fast_entry **fep)
{
    const struct segcache *s = &c->seg[sr];
    int64_t lim = kind == FAST_W ? s->wlim : s->rlim;
    uint32_t lin = s->base + off, k = max, room;
    struct fast_entry *fe;
    if ((int64_t)off + size - 1 > lim)
        return 0;
    if ((uint64_t)((lim - off + 1) / size) < k)
        k = (uint32_t)((lim - off + 1) / size);
    if (!i->a32 && (0x10000u - off) / size < k)
        k = (0x10000u - off) / size;
    room = (4096u - (lin & 0xFFFu)) / size;
    if (room < k)
        k = room;
    if (k == 0)
        return 0;
    fe = &c->fast[kind][(lin >> 12) & (FAST_SIZE - 1)];
    if (fe->tag != (lin & ~0xFFFu))
        return 0;
    *host = fe->host + (lin & 0xFFFu);
    *fep = fe;
    return k;
}

/* Forward MOVS over up to max elements in one go; returns how many. */
static uint32_t movs_run(cpu_t *c, const struct insn *i, unsigned size, uint32_t max)
{
    uint8_t *src, *dst;
    struct fast_entry *fs, *fd;
    uint32_t k, len, j;
    k = fast_run(c, i, i->seg, idx_get(c, i, ESI), size, max, FAST_R, &src, &fs);
    if (k == 0)
        return 0;
    k = fast_run(c, i, SR_ES, idx_get(c, i, EDI), size, k, FAST_W, &dst, &fd);
    if (k == 0)
        return 0;
    len = k * size;
    if (dst > src && dst < src + len) {
        /* overlapping forward copy: element by element, as the CPU does */
        for (j = 0; j < len; j += size)
            host_store(dst + j, size, host_load(src + j, size));
    } else {
        memmove(dst, src, len);
    }
    fs->hits += k;
    fd->hits += k;
    idx_add(c, i, ESI, len);
    idx_add(c, i, EDI, len);
    return k;
}

/* Forward STOS over up to max elements in one go; returns how many. */
static uint32_t stos_run(cpu_t *c, const struct insn *i, unsigned size, uint32_t max)
{
    uint8_t *dst;
    struct fast_entry *fd;
    uint32_t k, len, j, v = reg_get(c, EAX, size);
    k = fast_run(c, i, SR_ES, idx_get(c, i, EDI), size, max, FAST_W, &dst, &fd);
    if (k == 0)
        return 0;
    len = k * size;
    if (size == 1)
        memset(dst, (int)v, len);
    else
        for (j = 0; j < len; j += size)
            host_store(dst + j, size, v);
    fd->hits += k;
    idx_add(c, i, EDI, len);
    return k;
}

static inline __attribute__((always_inline)) void
str_run(cpu_t *c, const struct insn *i, unsigned size, enum strop op)
{
    /* With TF set a REP instruction traps after every iteration (SDM
     * vol. 3, 17.3.1.4), so it does one and restarts. */
    uint32_t n, budget = (c->eflags & FL_TF) ? 1 : REP_BUDGET;
    if (op == S_INS || op == S_OUTS)
        io_check(c, (uint16_t)c->reg[EDX], size);
    if (!i->rep) {
        str_step(c, i, size, op);
        return;
    }
    n = idx_get(c, i, ECX);
    while (n != 0) {
        if (budget == 0) {
            c->next_eip = c->eip;
            c->stop_block = true;
            return;
        }
        if ((op == S_MOVS || op == S_STOS) && !(c->eflags & FL_DF)) {
            uint32_t max = n < budget ? n : budget;
            uint32_t k = op == S_MOVS ? movs_run(c, i, size, max)
                                      : stos_run(c, i, size, max);
            if (k != 0) {
                n -= k;
                budget -= k;
                count_set(c, i, n);
                continue;
            }
        }
        bool stop = str_step(c, i, size, op);
        count_set(c, i, --n);
        budget--;
        if (stop)
            return;
    }
}

#define STRING_OP(name, op)                                              \
    static void name##b(cpu_t *c, const struct insn *i) { str_run(c, i, 1, op); } \
    static void name(cpu_t *c, const struct insn *i) { str_run(c, i, opsize(i), op); }

STRING_OP(movs, S_MOVS)
STRING_OP(cmps, S_CMPS)
STRING_OP(stos, S_STOS)
STRING_OP(lods, S_LODS)
STRING_OP(scas, S_SCAS)
STRING_OP(ins, S_INS)
STRING_OP(outs, S_OUTS)

void string_ops_init(void)
{
    op_def(0xA4, 0, movsb);
    op_def(0xA5, 0, movs);
    op_def(0xA6, 0, cmpsb);
    op_def(0xA7, 0, cmps);
    op_def(0xAA, 0, stosb);
    op_def(0xAB, 0, stos);
    op_def(0xAC, 0, lodsb);
    op_def(0xAD, 0, lods);
    op_def(0xAE, 0, scasb);
    op_def(0xAF, 0, scas);
    op_def(0x6C, 0, insb);
    op_def(0x6D, 0, ins);
    op_def(0x6E, 0, outsb);
    op_def(0x6F, 0, outs);
}
