/*
 * seg.c: segment registers, descriptors and segment checks
 * (SDM vol. 3, chapters 3 and 5; MOV/POP Sreg in vol. 2).
 *
 * Rules kept here:
 *  - A segment register changes only after every check of its load passed,
 *    so a faulting MOV/POP Sreg leaves it as it was.
 *  - rlim/wlim always agree with ar and limit: whoever changes a segment
 *    cache calls seg_refresh_bounds(); the fast path in cpu.h trusts them.
 *  - An unusable segment (null selector loaded in protected mode) has
 *    AR_P clear; using it faults.
 *  - Real mode (and VM86, which isola does not model) checks limits but not
 *    types or privilege.
 *  - Descriptor tables are read and written with ACC_SYS (supervisor)
 *    accesses, whatever the CPL.
 */
#include "cpu.h"
#include "prot.h"

static bool ar_is_code(uint32_t ar) { return (ar & (AR_S | AR_CODE)) == (AR_S | AR_CODE); }
static bool ar_is_data(uint32_t ar) { return (ar & (AR_S | AR_CODE)) == AR_S; }
static unsigned ar_dpl(uint32_t ar) { return (ar & AR_DPL) >> AR_DPL_SHIFT; }
static bool protected_checks(const cpu_t *c) { return pmode(c) && !v86(c); }

/* The type in ar decides the bounds; is_code (the cache is CS) changes
 * nothing, since a real-mode CS may hold any type and real-mode accesses
 * that the bounds send to the slow path are let through by seg_check. */
void seg_refresh_bounds(struct segcache *s, bool is_code)
{
    uint32_t ar = s->ar;
    (void)is_code;
    s->rlim = s->wlim = -1;
    s->flat = 0;
    if (!(ar & AR_P) || !(ar & AR_S))
        return;
    if (ar & AR_CODE) {
        if (ar & AR_RW)
            s->rlim = s->limit;
        return;
    }
    if (ar & AR_EXPDOWN)
        return;
    s->rlim = s->limit;
    if (ar & AR_RW)
        s->wlim = s->limit;
    if (s->base == 0 && s->rlim == 0xFFFFFFFF)
        s->flat = SEG_FLAT_R | (s->wlim == 0xFFFFFFFF ? SEG_FLAT_W : 0);
}

/* ---- descriptors ---- */

static uint32_t desc_addr(cpu_t *c, uint16_t sel, unsigned vec, uint32_t err)
{
    uint32_t base = c->gdtr.base, limit = c->gdtr.limit;
    if (sel & 4) {
        if (!(c->ldtr.ar & AR_P))
            cpu_raise(c, vec, err);
        base = c->ldtr.base;
        limit = c->ldtr.limit;
    }
    if ((uint32_t)(sel & ~7u) + 7 > limit)
        cpu_raise(c, vec, err);
    return base + (sel & ~7u);
}

uint64_t desc_fetch(cpu_t *c, uint16_t sel, unsigned vec, uint32_t err)
{
    return lin_read64(c, desc_addr(c, sel, vec, err), ACC_R | ACC_SYS);
}

uint64_t desc_read(cpu_t *c, uint16_t sel, unsigned exc)
{
    return desc_fetch(c, sel, exc, sel & 0xFFFCu);
}

void desc_to_cache(uint64_t d, uint16_t sel, struct segcache *s)
{
    s->sel = sel;
    s->base = (uint32_t)((d >> 16) & 0xFFFFFFu) | (uint32_t)((d >> 32) & 0xFF000000u);
    s->limit = (uint32_t)(d & 0xFFFFu) | (uint32_t)((d >> 32) & 0xF0000u);
    s->ar = (uint32_t)((d >> 40) & 0xF0FFu);
    if (s->ar & AR_G)
        s->limit = (s->limit << 12) | 0xFFFu;
    seg_refresh_bounds(s, ar_is_code(s->ar));
}

/* The CPU sets the accessed bit of a code or data descriptor it loads
 * (SDM vol. 3, 3.4.5.1). The descriptor was read just before, so its
 * address is known to be valid. */
void desc_set_accessed(cpu_t *c, struct segcache *s)
{
    if (!(s->ar & AR_S) || (s->ar & AR_ACCESSED))
        return;
    s->ar |= AR_ACCESSED;
    lin_write(c, desc_addr(c, s->sel, EXC_GP, 0) + 5, 1, s->ar & 0xFFu, ACC_W | ACC_SYS);
}

void seg_make_unusable(struct segcache *s, uint16_t sel)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->ar = 0;
    seg_refresh_bounds(s, false);
}

/* Stack segment checks shared by MOV SS, stack switches and returns to an
 * outer ring: vec (#GP or #TS) for a bad selector or descriptor, #SS when
 * not present; ext is the EXT bit of the error codes. */
void ss_fetch(cpu_t *c, uint16_t sel, unsigned cpl, unsigned vec, uint32_t ext,
              struct segcache *out)
{
    uint32_t err = (sel & 0xFFFCu) | ext;
    if (!(sel & 0xFFFCu))
        cpu_raise(c, vec, ext);
    desc_to_cache(desc_fetch(c, sel, vec, err), sel, out);
    if ((sel & 3u) != cpl || !ar_is_data(out->ar) || !(out->ar & AR_RW) ||
        ar_dpl(out->ar) != cpl)
        cpu_raise(c, vec, err);
    if (!(out->ar & AR_P))
        cpu_raise(c, EXC_SS, err);
    desc_set_accessed(c, out);
}

/* ---- loads ---- */

void seg_load_real(cpu_t *c, int sr, uint16_t sel)
{
    struct segcache *s = &c->seg[sr];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (sr == SR_CS) {
        s->ar |= AR_P;
        blocks_unlink(c);
    } else {
        s->ar = (s->ar & ~AR_TYPE) | AR_P | AR_S | AR_RW | AR_ACCESSED;
    }
    seg_refresh_bounds(s, sr == SR_CS);
}

/* DS, ES, FS, GS: data or readable code (MOV Sreg, SDM vol. 2). */
static void data_seg_fetch(cpu_t *c, uint16_t sel, struct segcache *out)
{
    uint32_t err = sel & 0xFFFCu;
    uint32_t ar;
    desc_to_cache(desc_read(c, sel, EXC_GP), sel, out);
    ar = out->ar;
    if (!ar_is_data(ar) && !(ar_is_code(ar) && (ar & AR_RW)))
        cpu_raise(c, EXC_GP, err);
    if ((ar_is_data(ar) || !(ar & AR_CONFORMING)) &&
        ((sel & 3u) > ar_dpl(ar) || c->cpl > ar_dpl(ar)))
        cpu_raise(c, EXC_GP, err);
    if (!(ar & AR_P))
        cpu_raise(c, EXC_NP, err);
    desc_set_accessed(c, out);
}

static void seg_load_protected(cpu_t *c, int sr, uint16_t sel)
{
    struct segcache s;
    if (sr == SR_SS) {
        ss_fetch(c, sel, c->cpl, EXC_GP, 0, &s);
    } else if (!(sel & 0xFFFCu)) {
        seg_make_unusable(&s, sel);
    } else {
        data_seg_fetch(c, sel, &s);
    }
    c->seg[sr] = s;
}

void seg_load(cpu_t *c, int sr, uint16_t sel)
{
    if (protected_checks(c))
        seg_load_protected(c, sr, sel);
    else
        seg_load_real(c, sr, sel);
    if (sr == SR_SS)
        c->stop_block = true;  /* SS.B may change the stack width */
}

/* ---- checks on access ---- */

static bool type_allows(uint32_t ar, int acc)
{
    switch (acc & 3) {
    case ACC_W: return ar_is_data(ar) && (ar & AR_RW);
    case ACC_R: return ar_is_data(ar) || (ar & AR_RW);
    default: return ar_is_code(ar);
    }
}

static bool within_limit(const struct segcache *s, uint32_t off, unsigned size)
{
    uint64_t last = (uint64_t)off + size - 1;
    if (ar_is_data(s->ar) && (s->ar & AR_EXPDOWN)) {
        uint64_t top = (s->ar & AR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        return off > s->limit && last <= top;
    }
    /* A 4 GiB segment lets an access wrap past 0xFFFFFFFF to 0, as the
     * reference emulators do. */
    return s->limit == 0xFFFFFFFFu || last <= s->limit;
}

uint32_t seg_check_cache(cpu_t *c, const struct segcache *s, uint32_t off,
                         unsigned size, int acc, unsigned vec, uint32_t err)
{
    if (protected_checks(c)) {
        if (!(s->ar & AR_P))
            cpu_raise(c, vec, err);
        if (!type_allows(s->ar, acc))
            cpu_raise(c, EXC_GP, 0);
    }
    if (!within_limit(s, off, size))
        cpu_raise(c, vec, err);
    return s->base + off;
}

uint32_t seg_check(cpu_t *c, int sr, uint32_t off, unsigned size, int acc)
{
    return seg_check_cache(c, &c->seg[sr], off, size, acc,
                           sr == SR_SS ? EXC_SS : EXC_GP, 0);
}

uint32_t seg_read_slow(cpu_t *c, int sr, uint32_t off, unsigned size)
{
    return lin_read(c, seg_check(c, sr, off, size, ACC_R), size, ACC_R);
}

void seg_write_slow(cpu_t *c, int sr, uint32_t off, unsigned size, uint32_t v)
{
    lin_write(c, seg_check(c, sr, off, size, ACC_W), size, v, ACC_W);
}
