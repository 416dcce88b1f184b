/*
 * system.c: privileged and system instructions: control, debug and
 * model-specific registers, CPUID and RDTSC, the descriptor-table
 * instructions, HLT, cache and TLB maintenance, the flag instructions,
 * software interrupts, and the no-op and invalid opcodes. Port I/O is in
 * io.c, segment-register loads and stores in segload.c.
 *
 * Rules kept here:
 *  - Privilege and mode checks come before any operand is read, so a
 *    privileged instruction at CPL > 0 raises #GP(0) even when its memory
 *    operand would page-fault (SDM vol. 3, 6.9: the privilege fault is
 *    found first).
 *  - Every operand is read before any state changes.
 *  - CPUID reports only what isola implements; a feature bit is set here
 *    only when the code for it exists.
 *  - Anything that changes paging, CR0/CR3/CR4, EFER, CPL, CS, SS, IF/TF,
 *    or halts, ends the cached block (OPF_END or c->stop_block).
 *  - Debug registers are storage only: no breakpoint ever fires, and
 *    DR7.GD does not protect them.
 */
#include "cpu.h"
#include "prot.h"
#include "system.h"

static _Noreturn void raise_gp0(cpu_t *c) { cpu_raise(c, EXC_GP, 0); }
static _Noreturn void raise_ud(cpu_t *c) { cpu_raise(c, EXC_UD, NO_ERRCODE); }

/* Instructions that exist only in protected mode proper: #UD in real
 * and virtual-8086 mode (LLDT, LTR, LAR, VERR... SDM vol. 2). */
static void require_prot(cpu_t *c)
{
    if (!pmode(c) || v86(c))
        raise_ud(c);
}

/* CR4.UMIP: SGDT, SIDT, SLDT, SMSW and STR are ring-0 only
 * (SDM vol. 3, 2.5). */
static void umip_check(cpu_t *c)
{
    if ((c->cr4 & CR4_UMIP) && pmode(c) && c->cpl > 0)
        raise_gp0(c);
}

/* IOPL-sensitive instructions (CLI, STI): in real mode always allowed;
 * in protected and virtual-8086 mode CPL must not exceed IOPL (the CPL of
 * virtual-8086 code is 3). */
static bool iopl_allows(const cpu_t *c)
{
    return !pmode(c) || c->cpl <= iopl(c);
}

/* Without CR4.VME, PUSHF, POPF, INT n and IRET in virtual-8086 mode need
 * IOPL 3 (SDM vol. 3, 20.2.7). */
static void v86_iopl_check(cpu_t *c)
{
    if (v86(c) && iopl(c) < 3)
        raise_gp0(c);
}

static void set_zf(cpu_t *c, bool z)
{
    lf_materialize(c);
    if (z)
        c->eflags |= FL_ZF;
    else
        c->eflags &= ~FL_ZF;
}

/* ==== control registers ==== */

#define CR0_DEFINED (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | \
                     CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)
#define CR4_IMPLEMENTED (CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_PGE | CR4_UMIP)

/* Reserved CR0 bits are ignored on writes and read as 0; ET is hardwired
 * to 1 since the i486 (SDM vol. 3, 2.5). */
static void cr0_write(cpu_t *c, uint32_t v)
{
    uint32_t old = c->cr0;
    v = (v & CR0_DEFINED) | CR0_ET;
    if ((v & CR0_PG) && !(v & CR0_PE))
        raise_gp0(c);
    if ((v & CR0_NW) && !(v & CR0_CD))
        raise_gp0(c);
    c->cr0 = v;
    if ((old ^ v) & CR0_PG)
        tlb_flush_all(c, false);
    if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE))
        fast_flush(c);
}

static void cr3_write(cpu_t *c, uint32_t v)
{
    c->cr3 = v;
    c->stats.cr3_writes++;
    tlb_flush_cr3(c);
}

/* Setting a bit for a feature CPUID does not report is #GP(0), as on a
 * processor without that feature. Changing PGE, PAE or PSE flushes the
 * whole TLB, global entries included (SDM vol. 3, 4.10.4.1). */
static void cr4_write(cpu_t *c, uint32_t v)
{
    uint32_t old = c->cr4;
    if (v & ~CR4_IMPLEMENTED)
        raise_gp0(c);
    c->cr4 = v;
    if ((old ^ v) & (CR4_PGE | CR4_PAE | CR4_PSE))
        tlb_flush_all(c, false);
}

/* CR1, CR5-CR7 do not exist: #UD, found while decoding, so before the
 * privilege check. */
static void cr_valid(cpu_t *c, unsigned n)
{
    if (n != 0 && n != 2 && n != 3 && n != 4)
        raise_ud(c);
}

/* 0F 20: MOV r32, CRn. ModRM.reg names CRn, ModRM.rm the register; the
 * decoder treats every mod as 3. */
static void mov_r_cr(cpu_t *c, const struct insn *i)
{
    uint32_t v;
    cr_valid(c, i->reg);
    require_cpl0(c);
    switch (i->reg) {
    case 0: v = c->cr0 | CR0_ET; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    default: v = c->cr4; break;
    }
    c->reg[i->rm] = v;
}

/* 0F 22: MOV CRn, r32. */
static void mov_cr_r(cpu_t *c, const struct insn *i)
{
    uint32_t v = c->reg[i->rm];
    cr_valid(c, i->reg);
    require_cpl0(c);
    switch (i->reg) {
    case 0: cr0_write(c, v); break;
    case 2: c->cr2 = v; break;
    case 3: cr3_write(c, v); break;
    default: cr4_write(c, v); break;
    }
}

/* 0F 01 /6: LMSW loads PE, MP, EM and TS only, and cannot clear PE
 * (SDM vol. 2, LMSW). */
static void lmsw(cpu_t *c, const struct insn *i)
{
    uint32_t src;
    require_cpl0(c);
    src = rm_read(c, i, 2) & 0xFu;
    cr0_write(c, (c->cr0 & ~0xEu) | src);
}

/* 0F 01 /4: SMSW. A register destination with a 32-bit operand receives
 * all of CR0 (the SDM leaves bits 31:16 undefined; P6 and later give
 * CR0); memory always receives 16 bits. */
static void smsw(cpu_t *c, const struct insn *i)
{
    umip_check(c);
    if (i->mod == 3)
        reg_set(c, i->rm, opsize(i), c->cr0 | CR0_ET);
    else
        wr16(c, i->seg, ea(c, i), c->cr0 | CR0_ET);
}

/* 0F 06: CLTS. */
static void clts(cpu_t *c, const struct insn *i)
{
    (void)i;
    require_cpl0(c);
    c->cr0 &= ~CR0_TS;
}

/* ==== debug registers ==== */

/* DR4 and DR5 are aliases of DR6 and DR7 unless CR4.DE makes them #UD
 * (SDM vol. 3, 17.2.2). */
static unsigned dr_index(cpu_t *c, unsigned n)
{
    if (n == 4 || n == 5) {
        if (c->cr4 & CR4_DE)
            raise_ud(c);
        n += 2;
    }
    return n;
}

/* 0F 21: MOV r32, DRn. */
static void mov_r_dr(cpu_t *c, const struct insn *i)
{
    unsigned n;
    require_cpl0(c);
    n = dr_index(c, i->reg);
    c->reg[i->rm] = c->dr[n];
}

/* 0F 23: MOV DRn, r32. DR6 and DR7 keep their fixed bits: DR6 bits 4-11
 * and 16-31 read as 1, bit 12 as 0; DR7 bit 10 reads as 1, bits 11, 12,
 * 14, 15 as 0 (SDM vol. 3, 17.2.3 and 17.2.4). */
static void mov_dr_r(cpu_t *c, const struct insn *i)
{
    uint32_t v = c->reg[i->rm];
    unsigned n;
    require_cpl0(c);
    n = dr_index(c, i->reg);
    if (n == 6)
        v = (v & 0xE00Fu) | 0xFFFF0FF0u;
    else if (n == 7)
        v = (v & ~0xD800u) | 0x400u;
    c->dr[n] = v;
}

/* ==== caches, TLB, halting ==== */

/* 0F 08 INVD, 0F 09 WBINVD: isola has no caches to write back. */
static void invd(cpu_t *c, const struct insn *i)
{
    (void)i;
    require_cpl0(c);
}

/* 0F 01 /7 (memory form): INVLPG takes the operand's linear address
 * without segment limit checks, and never faults on it. tlb_flush_page
 * counts it in stats.invlpg. */
static void invlpg(cpu_t *c, const struct insn *i)
{
    require_cpl0(c);
    tlb_flush_page(c, c->seg[i->seg].base + ea(c, i));
}

/* F4: HLT. The loop sleeps until an interrupt; EIP already points past
 * the HLT, where the interrupt returns to. */
static void hlt(cpu_t *c, const struct insn *i)
{
    (void)i;
    require_cpl0(c);
    c->halted = true;
}

/* ==== model-specific registers ==== */

#define APIC_BASE_BSP 0x100u
#define APIC_BASE_ENABLE 0x800u
#define APIC_BASE_DEFAULT (0xFEE00000u | APIC_BASE_BSP)

static uint64_t msr_read(cpu_t *c, uint32_t msr)
{
    switch (msr) {
    case MSR_TSC: return cpu_tsc(c);
    /* isola has no local APIC (CPUID.1:EDX.APIC is 0). The MSR reads as
     * the boot processor's default base with the global enable flag
     * clear, which is what a PC with its APIC turned off reports. */
    case MSR_APIC_BASE: return APIC_BASE_DEFAULT;
    case MSR_SYSENTER_CS: return c->sysenter_cs;
    case MSR_SYSENTER_ESP: return c->sysenter_esp;
    case MSR_SYSENTER_EIP: return c->sysenter_eip;
    case MSR_EFER: return c->efer;
    default: raise_gp0(c);
    }
}

static void efer_write(cpu_t *c, uint64_t v)
{
    if (v & ~(uint64_t)EFER_NXE)
        raise_gp0(c);
    if ((v ^ c->efer) & EFER_NXE)
        tlb_flush_all(c, false);
    c->efer = v;
}

static void msr_write(cpu_t *c, uint32_t msr, uint64_t v)
{
    switch (msr) {
    case MSR_TSC:
        c->tsc_offset = v - c->icount;
        break;
    /* No APIC to enable or move: writes that keep it disabled are
     * accepted and change nothing; enabling it is #GP(0). */
    case MSR_APIC_BASE:
        if (v & APIC_BASE_ENABLE)
            raise_gp0(c);
        break;
    case MSR_SYSENTER_CS: c->sysenter_cs = (uint32_t)v; break;
    case MSR_SYSENTER_ESP: c->sysenter_esp = (uint32_t)v; break;
    case MSR_SYSENTER_EIP: c->sysenter_eip = (uint32_t)v; break;
    case MSR_EFER: efer_write(c, v); break;
    default: raise_gp0(c);
    }
}

/* 0F 32: RDMSR. */
static void rdmsr(cpu_t *c, const struct insn *i)
{
    uint64_t v;
    (void)i;
    require_cpl0(c);
    v = msr_read(c, c->reg[ECX]);
    c->reg[EAX] = (uint32_t)v;
    c->reg[EDX] = (uint32_t)(v >> 32);
}

/* 0F 30: WRMSR. */
static void wrmsr(cpu_t *c, const struct insn *i)
{
    (void)i;
    require_cpl0(c);
    msr_write(c, c->reg[ECX], (uint64_t)c->reg[EDX] << 32 | c->reg[EAX]);
}

/* ==== CPUID, RDTSC ==== */

#define CPUID_MAX_BASIC 7u
#define CPUID_MAX_EXT 0x80000001u
#define CPUID_SIGNATURE 0x633u /* family 6, model 3, stepping 3: as EDX at reset */
#define CPUID_1_EDX ((1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8) | \
                     (1u << 13) | (1u << 15) | (1u << 17)) /* PSE TSC MSR PAE CX8 PGE CMOV PSE36 */
#define CPUID_7_ECX (1u << 2)                 /* UMIP */
#define CPUID_81_EDX (1u << 20)               /* NX */

static uint32_t vendor_word(unsigned k)
{
    static const char vendor[12] = {'I', 's', 'o', 'l', 'a', 'I', 's', 'o', 'l', 'a', 'P', 'C'};
    uint32_t w;
    memcpy(&w, vendor + 4 * k, 4);
    return w;
}

/* r[] is EAX, EBX, ECX, EDX. A leaf above the highest basic or extended
 * leaf returns the highest basic leaf, as Intel processors do (SDM vol. 2,
 * CPUID). Leaves 2-6 exist but report nothing. */
static void cpuid_leaf(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    bool ext = leaf >= 0x80000000u;
    memset(r, 0, 4 * sizeof r[0]);
    if ((!ext && leaf > CPUID_MAX_BASIC) || (ext && leaf > CPUID_MAX_EXT))
        leaf = CPUID_MAX_BASIC;
    switch (leaf) {
    case 0:
        r[0] = CPUID_MAX_BASIC;
        r[1] = vendor_word(0);
        r[3] = vendor_word(1);
        r[2] = vendor_word(2);
        break;
    case 1:
        r[0] = CPUID_SIGNATURE;
        r[3] = CPUID_1_EDX;
        break;
    case 7:
        if (sub == 0)
            r[2] = CPUID_7_ECX;
        break;
    case 0x80000000u:
        r[0] = CPUID_MAX_EXT;
        break;
    case 0x80000001u:
        r[3] = CPUID_81_EDX;
        break;
    }
}

/* 0F A2: CPUID. */
static void cpuid(cpu_t *c, const struct insn *i)
{
    uint32_t r[4];
    (void)i;
    cpuid_leaf(c->reg[EAX], c->reg[ECX], r);
    c->reg[EAX] = r[0];
    c->reg[EBX] = r[1];
    c->reg[ECX] = r[2];
    c->reg[EDX] = r[3];
}

/* The time stamp counts retired instructions, so runs are repeatable. */
uint64_t cpu_tsc(const cpu_t *c)
{
    return c->icount + c->tsc_offset;
}

/* 0F 31: RDTSC. */
static void rdtsc(cpu_t *c, const struct insn *i)
{
    uint64_t t;
    (void)i;
    if ((c->cr4 & CR4_TSD) && pmode(c) && c->cpl > 0)
        raise_gp0(c);
    t = cpu_tsc(c);
    c->reg[EAX] = (uint32_t)t;
    c->reg[EDX] = (uint32_t)(t >> 32);
}

/* ==== descriptor tables ==== */

static uint32_t desc_ar(uint64_t d) { return (uint32_t)(d >> 40) & 0xF0FFu; }

static uint32_t desc_limit(uint64_t d)
{
    uint32_t lim = ((uint32_t)d & 0xFFFFu) | ((uint32_t)(d >> 32) & 0xF0000u);
    return desc_ar(d) & AR_G ? lim << 12 | 0xFFFu : lim;
}

static uint32_t sel_err(uint16_t sel) { return sel & 0xFFFCu; }

/* 0F 01 /2 LGDT, /3 LIDT. With a 16-bit operand only 24 bits of the base
 * are loaded (SDM vol. 2, LGDT/LIDT). */
static void load_dtr(cpu_t *c, const struct insn *i, struct dtreg *r)
{
    uint32_t off, base;
    uint16_t limit;
    require_cpl0(c);
    off = ea(c, i);
    limit = rd16(c, i->seg, off);
    base = rd32(c, i->seg, off + 2);
    r->limit = limit;
    r->base = i->o32 ? base : base & 0xFFFFFFu;
}

static void lgdt(cpu_t *c, const struct insn *i) { load_dtr(c, i, &c->gdtr); }
static void lidt(cpu_t *c, const struct insn *i) { load_dtr(c, i, &c->idtr); }

/* 0F 01 /0 SGDT, /1 SIDT: the limit and the whole 32-bit base, whatever
 * the operand size (SDM vol. 2, SGDT: "the 32-bit base address is
 * stored" for 16- and 32-bit operands alike). */
static void store_dtr(cpu_t *c, const struct insn *i, const struct dtreg *r)
{
    uint32_t off;
    umip_check(c);
    off = ea(c, i);
    mem_probe_write(c, i->seg, off, 2);  /* the limit first: the #PF's CR2 */
    mem_probe_write(c, i->seg, off + 2, 4);
    wr16(c, i->seg, off, r->limit);
    wr32(c, i->seg, off + 2, r->base);
}

static void sgdt(cpu_t *c, const struct insn *i) { store_dtr(c, i, &c->gdtr); }
static void sidt(cpu_t *c, const struct insn *i) { store_dtr(c, i, &c->idtr); }

/* SLDT and STR: a 32-bit register receives the selector zero-extended
 * (P6 and later), a 16-bit register its low half, memory 16 bits. */
static void store_selector(cpu_t *c, const struct insn *i, uint16_t sel)
{
    if (i->mod == 3)
        reg_set(c, i->rm, opsize(i), sel);
    else
        wr16(c, i->seg, ea(c, i), sel);
}

/* 0F 00 /0: SLDT. */
static void sldt(cpu_t *c, const struct insn *i)
{
    require_prot(c);
    umip_check(c);
    store_selector(c, i, c->ldtr.sel);
}

/* 0F 00 /1: STR. */
static void str(cpu_t *c, const struct insn *i)
{
    require_prot(c);
    umip_check(c);
    store_selector(c, i, c->tr.sel);
}

/* 0F 00 /2: LLDT. A null selector leaves the LDTR unusable: any later
 * reference through it faults (SDM vol. 2, LLDT). */
static void lldt(cpu_t *c, const struct insn *i)
{
    uint16_t sel;
    uint64_t d;
    uint32_t ar;
    require_prot(c);
    require_cpl0(c);
    sel = (uint16_t)rm_read(c, i, 2);
    if (sel_err(sel) == 0) {
        seg_make_unusable(&c->ldtr, sel);
        return;
    }
    if (sel & 4)
        cpu_raise(c, EXC_GP, sel_err(sel));
    d = desc_read(c, sel, EXC_GP);
    ar = desc_ar(d);
    if ((ar & (AR_S | AR_TYPE)) != 2)
        cpu_raise(c, EXC_GP, sel_err(sel));
    if (!(ar & AR_P))
        cpu_raise(c, EXC_NP, sel_err(sel));
    desc_to_cache(d, sel, &c->ldtr);
}

/* 0F 00 /3: LTR. The descriptor must be an available TSS in the GDT; it
 * is marked busy there, and TR caches the busy form (SDM vol. 2, LTR). */
static void ltr(cpu_t *c, const struct insn *i)
{
    uint16_t sel;
    uint64_t d;
    uint32_t type;
    require_prot(c);
    require_cpl0(c);
    sel = (uint16_t)rm_read(c, i, 2);
    if (sel_err(sel) == 0)
        raise_gp0(c);
    if (sel & 4)
        cpu_raise(c, EXC_GP, sel_err(sel));
    d = desc_read(c, sel, EXC_GP);
    type = desc_ar(d) & (AR_S | AR_TYPE);
    if (type != 1 && type != 9)
        cpu_raise(c, EXC_GP, sel_err(sel));
    if (!(desc_ar(d) & AR_P))
        cpu_raise(c, EXC_NP, sel_err(sel));
    d |= 2ull << 40;
    lin_write(c, c->gdtr.base + (sel & ~7u) + 5, 1, (uint8_t)(d >> 40), ACC_W | ACC_SYS);
    desc_to_cache(d, sel, &c->tr);
}

/* The descriptor for sel, for LAR, LSL, VERR and VERW: a null selector
 * or one past its table's limit is no fault for them, only "invalid". */
static bool desc_lookup(cpu_t *c, uint16_t sel, uint64_t *d)
{
    uint32_t base, limit;
    if (sel_err(sel) == 0)
        return false;
    if (sel & 4) {
        if (!(c->ldtr.ar & AR_P))
            return false;
        base = c->ldtr.base;
        limit = c->ldtr.limit;
    } else {
        base = c->gdtr.base;
        limit = c->gdtr.limit;
    }
    if ((uint32_t)(sel & ~7u) + 7 > limit)
        return false;
    *d = lin_read64(c, base + (sel & ~7u), ACC_R | ACC_SYS);
    return true;
}

/* Visible at CPL with RPL: DPL >= max(CPL, RPL), except conforming code. */
static bool desc_visible(const cpu_t *c, uint16_t sel, uint32_t ar)
{
    unsigned dpl = (ar & AR_DPL) >> AR_DPL_SHIFT;
    if ((ar & (AR_S | AR_CODE | AR_CONFORMING)) == (AR_S | AR_CODE | AR_CONFORMING))
        return true;
    return dpl >= c->cpl && dpl >= (sel & 3u);
}

/* System descriptor types LAR accepts: TSSs, LDT, call and task gates;
 * LSL: those with a limit, TSSs and LDT (SDM vol. 2, LAR and LSL). */
#define LAR_SYS_TYPES 0x1A3Eu /* 1 2 3 4 5 9 B C */
#define LSL_SYS_TYPES 0x0A0Eu /* 1 2 3 9 B */

static bool desc_check(cpu_t *c, uint16_t sel, uint16_t sys_types, uint64_t *d)
{
    uint32_t ar;
    if (!desc_lookup(c, sel, d))
        return false;
    ar = desc_ar(*d);
    if (!(ar & AR_S) && !((sys_types >> (ar & AR_TYPE)) & 1))
        return false;
    return desc_visible(c, sel, ar);
}

/* 0F 02: LAR. The destination gets the descriptor's second dword masked
 * to the access-rights bits; an invalid selector clears ZF and leaves the
 * destination alone. */
static void lar(cpu_t *c, const struct insn *i)
{
    uint16_t sel;
    uint64_t d;
    bool ok;
    require_prot(c);
    sel = (uint16_t)rm_read(c, i, 2);
    ok = desc_check(c, sel, LAR_SYS_TYPES, &d);
    if (ok)
        reg_set(c, i->reg, opsize(i), (uint32_t)(d >> 32) & (i->o32 ? 0x00F0FF00u : 0xFF00u));
    set_zf(c, ok);
}

/* 0F 03: LSL: the byte-granular limit. */
static void lsl(cpu_t *c, const struct insn *i)
{
    uint16_t sel;
    uint64_t d;
    bool ok;
    require_prot(c);
    sel = (uint16_t)rm_read(c, i, 2);
    ok = desc_check(c, sel, LSL_SYS_TYPES, &d);
    if (ok)
        reg_set(c, i->reg, opsize(i), desc_limit(d));
    set_zf(c, ok);
}

/* VERR/VERW ignore the present bit (SDM vol. 2, VERR/VERW). */
static void verify(cpu_t *c, const struct insn *i, bool write)
{
    uint16_t sel;
    uint64_t d;
    uint32_t ar;
    bool ok;
    require_prot(c);
    sel = (uint16_t)rm_read(c, i, 2);
    ok = desc_check(c, sel, 0, &d);
    if (ok) {
        ar = desc_ar(d);
        if (write)
            ok = !(ar & AR_CODE) && (ar & AR_RW);
        else
            ok = !(ar & AR_CODE) || (ar & AR_RW);
    }
    set_zf(c, ok);
}

static void verr(cpu_t *c, const struct insn *i) { verify(c, i, false); }
static void verw(cpu_t *c, const struct insn *i) { verify(c, i, true); }

/* 63: ARPL. A memory destination is read, modified and written back
 * even when its RPL needs no change (as Unicorn/QEMU do), so a read-only
 * destination faults either way. */
static void arpl(cpu_t *c, const struct insn *i)
{
    uint16_t dst, src;
    bool raise_rpl;
    require_prot(c);
    dst = (uint16_t)rm_read(c, i, 2);
    src = (uint16_t)reg_get(c, i->reg, 2);
    raise_rpl = (dst & 3u) < (src & 3u);
    if (raise_rpl)
        dst = (uint16_t)((dst & ~3u) | (src & 3u));
    if (raise_rpl || i->mod != 3)
        rm_write(c, i, 2, dst);
    set_zf(c, raise_rpl);
}

/* ==== flags ==== */

/* F8 CLC, F9 STC, F5 CMC. */
static void clc(cpu_t *c, const struct insn *i)
{
    (void)i;
    lf_materialize(c);
    c->eflags &= ~FL_CF;
}

static void stc(cpu_t *c, const struct insn *i)
{
    (void)i;
    lf_materialize(c);
    c->eflags |= FL_CF;
}

static void cmc(cpu_t *c, const struct insn *i)
{
    (void)i;
    lf_materialize(c);
    c->eflags ^= FL_CF;
}

/* FC CLD, FD STD: DF is not an arithmetic flag, so it lives in eflags. */
static void cld(cpu_t *c, const struct insn *i)
{
    (void)i;
    c->eflags &= ~FL_DF;
}

static void std_(cpu_t *c, const struct insn *i)
{
    (void)i;
    c->eflags |= FL_DF;
}

/* FA: CLI. */
static void cli(cpu_t *c, const struct insn *i)
{
    (void)i;
    if (!iopl_allows(c))
        raise_gp0(c);
    c->eflags &= ~FL_IF;
}

/* FB: STI. When it sets IF, interrupts stay blocked until after the next
 * instruction (SDM vol. 2, STI); STI with IF already set has no shadow. */
static void sti(cpu_t *c, const struct insn *i)
{
    (void)i;
    if (!iopl_allows(c))
        raise_gp0(c);
    if (!(c->eflags & FL_IF)) {
        c->eflags |= FL_IF;
        c->inhibit_irq = true;
        c->stop_block = true;
    }
}

/* D6: SALC (undocumented): AL = CF ? 0xFF : 0, flags unchanged. */
static void salc(cpu_t *c, const struct insn *i)
{
    (void)i;
    *reg8p(c, EAX) = cpu_cf(c) ? 0xFF : 0;
}

/* 9C: PUSHF. The image has VM and RF clear (SDM vol. 2, PUSHF). */
static void pushf(cpu_t *c, const struct insn *i)
{
    v86_iopl_check(c);
    push(c, opsize(i), cpu_eflags(c) & ~(FL_VM | FL_RF));
}

/* 9D: POPF (SDM vol. 2, POPF). VM, VIP and VIF never change; RF is
 * cleared by a 32-bit POPF. Outside ring 0 IOPL is kept, and IF is kept
 * when CPL > IOPL; neither is a fault, the bits just stay. */
static void popf(cpu_t *c, const struct insn *i)
{
    unsigned size = opsize(i);
    uint32_t v, mask = FL_ARITH | FL_TF | FL_IF | FL_DF | FL_IOPL | FL_NT;
    v86_iopl_check(c);
    v = pop(c, size);
    if (size == 4) {
        mask |= FL_RF | FL_AC | FL_ID;
        v &= ~FL_RF;
    }
    if (pmode(c) && c->cpl > 0) {
        mask &= ~FL_IOPL;
        if (c->cpl > iopl(c))
            mask &= ~FL_IF;
    }
    cpu_set_eflags(c, v, mask);
}

/* ==== software interrupts ==== */

/* CD ib: INT n. Only INT n is IOPL-sensitive in virtual-8086 mode;
 * INT3 and INTO are not. */
static void int_n(cpu_t *c, const struct insn *i)
{
    v86_iopl_check(c);
    intr_deliver(c, i->imm & 0xFFu, NO_ERRCODE, true);
}

/* CC: INT3. */
static void int3(cpu_t *c, const struct insn *i)
{
    (void)i;
    intr_deliver(c, EXC_BP, NO_ERRCODE, true);
}

/* CE: INTO. */
static void into(cpu_t *c, const struct insn *i)
{
    (void)i;
    if (cpu_cond(c, 0))
        intr_deliver(c, EXC_OF, NO_ERRCODE, true);
}

/* F1: INT1 (ICEBP). Delivered as a software interrupt so the return
 * address follows the instruction. Unlike hardware, which skips the
 * gate's DPL check for INT1 (SDM vol. 2, INT n/INTO/INT3/INT1), this
 * applies it: a DPL-0 #DB gate reached from ring 3 gives #GP here. */
static void int1(cpu_t *c, const struct insn *i)
{
    (void)i;
    intr_deliver(c, EXC_DB, NO_ERRCODE, true);
}

/* 62: BOUND r, m: #BR (a fault) when the signed index lies outside
 * [lower, upper]. */
static void bound(cpu_t *c, const struct insn *i)
{
    uint32_t off = ea(c, i);
    int32_t idx, lo, hi;
    if (i->o32) {
        lo = (int32_t)rd32(c, i->seg, off);
        hi = (int32_t)rd32(c, i->seg, off + 4);
        idx = (int32_t)c->reg[i->reg];
    } else {
        lo = (int16_t)rd16(c, i->seg, off);
        hi = (int16_t)rd16(c, i->seg, off + 2);
        idx = (int16_t)c->reg[i->reg];
    }
    if (idx < lo || idx > hi)
        cpu_raise(c, EXC_BR, NO_ERRCODE);
}

/* CF: IRET. */
static void iret_op(cpu_t *c, const struct insn *i)
{
    v86_iopl_check(c);
    iret_sz(c, opsize(i));
}

/* ==== no-ops and invalid opcodes ==== */

/* 0F 18-0F 1F: prefetch hints and the reserved-NOP space, including the
 * multi-byte NOP 0F 1F /0 and ENDBR32 (F3 0F 1E FB). The memory operand
 * is never accessed. */
static void nop_modrm(cpu_t *c, const struct insn *i)
{
    (void)c;
    (void)i;
}

/* 0F 0B: UD2. */
static void ud2(cpu_t *c, const struct insn *i)
{
    (void)i;
    raise_ud(c);
}

/* ==== registration ==== */

static void control_ops_init(void)
{
    op_def(0x120, OPF_MODRM, mov_r_cr);
    op_def(0x122, OPF_MODRM | OPF_END, mov_cr_r);
    op_def(0x121, OPF_MODRM, mov_r_dr);
    op_def(0x123, OPF_MODRM, mov_dr_r);
    op_def(0x106, 0, clts);
    op_def(0x108, 0, invd);
    op_def(0x109, 0, invd);
    op_def(0x130, OPF_END, wrmsr);
    op_def(0x132, 0, rdmsr);
    op_def(0x131, 0, rdtsc);
    op_def(0x1A2, 0, cpuid);
    op_def(0xF4, OPF_END, hlt);
}

static void table_ops_init(void)
{
    op_def_grp(0x100, 0, OPF_MODRM, sldt);
    op_def_grp(0x100, 1, OPF_MODRM, str);
    op_def_grp(0x100, 2, OPF_MODRM, lldt);
    op_def_grp(0x100, 3, OPF_MODRM, ltr);
    op_def_grp(0x100, 4, OPF_MODRM, verr);
    op_def_grp(0x100, 5, OPF_MODRM, verw);
    op_def_grp(0x101, 0, OPF_MODRM | OPF_MEM, sgdt);
    op_def_grp(0x101, 1, OPF_MODRM | OPF_MEM, sidt);
    op_def_grp(0x101, 2, OPF_MODRM | OPF_MEM, lgdt);
    op_def_grp(0x101, 3, OPF_MODRM | OPF_MEM, lidt);
    op_def_grp(0x101, 4, OPF_MODRM, smsw);
    op_def_grp(0x101, 6, OPF_MODRM | OPF_END, lmsw);
    op_def_grp(0x101, 7, OPF_MODRM | OPF_MEM | OPF_END, invlpg);
    op_def(0x102, OPF_MODRM, lar);
    op_def(0x103, OPF_MODRM, lsl);
    op_def(0x63, OPF_MODRM, arpl);
}

static void flag_ops_init(void)
{
    op_def(0xF8, 0, clc);
    op_def(0xF9, 0, stc);
    op_def(0xF5, 0, cmc);
    op_def(0xFC, 0, cld);
    op_def(0xFD, 0, std_);
    op_def(0xFA, 0, cli);
    op_def(0xFB, OPF_END, sti);
    op_def(0xD6, 0, salc);
    op_def(0x9C, 0, pushf);
    op_def(0x9D, OPF_END, popf);
}

static void interrupt_ops_init(void)
{
    op_def(0xCD, OPF_IMM_B | OPF_END, int_n);
    op_def(0xCC, OPF_END, int3);
    op_def(0xCE, OPF_END, into);
    op_def(0xF1, OPF_END, int1);
    op_def(0x62, OPF_MODRM | OPF_MEM | OPF_END, bound);
    op_def(0xCF, OPF_END, iret_op);
}

static void nop_ops_init(void)
{
    unsigned op;
    for (op = 0x118; op <= 0x11F; op++)
        op_def(op, OPF_MODRM, nop_modrm);
    op_def(0x10B, 0, ud2);
}

void system_ops_init(void)
{
    control_ops_init();
    table_ops_init();
    flag_ops_init();
    io_ops_init();
    interrupt_ops_init();
    segload_ops_init();
    nop_ops_init();
}
