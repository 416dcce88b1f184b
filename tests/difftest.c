/*
 * difftest.c: differential testing of isola's CPU against Unicorn.
 *
 *   tests/difftest --seed S --count N [--verbose] [--ring 0|3|both]
 *                  [--mode pm32|pm16|real|paging|all] [--insn-per-stream K]
 *                  [--keep-going]
 *
 * Random instruction streams (difftest-gen.c) run one instruction at a
 * time on isola's CPU and on Unicorn (difftest-ref.c), from the same state:
 * protected mode with 32- or 16-bit code at ring 0 or 3, with or without
 * paging, or real mode. After every instruction the eight general
 * registers, EIP, EFLAGS (less the flags the SDM leaves undefined for that
 * instruction), the selectors, CR0 CR2 CR3 CR4, the exception raised if
 * any, and the low 200 KiB of memory (descriptor tables, code, data
 * window, stack area, page tables) must agree; the whole 1 MiB is
 * compared at the end of each stream.
 *
 * Rules kept here:
 *  - Running one instruction at a time makes the undefined-flag mask just
 *    the current instruction's, and pins a mismatch on one instruction.
 *  - Where the SDM leaves something undefined, isola takes Unicorn's value
 *    afterwards (flags, a BSF destination, the upper half of a 32-bit
 *    segment push), so later instructions start from one state.
 *  - Where Unicorn departs from the SDM, the departure is listed, with its
 *    reason and what the test does about it, in deviations[] below, and
 *    counted each time it is applied. Nothing else is skipped.
 *  - After an exception both machines resume after the faulting
 *    instruction, so one stream covers many faults.
 *  - Exit status: 0 all agreed, 1 a mismatch, 2 the harness itself failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "cpu.h"
#include "difftest.h"

/* ---- Unicorn's departures from the SDM, and what the test does ---- */

struct deviation_info {
    const char *name;
    const char *what;   /* Unicorn's behaviour */
    const char *action; /* what the test does about it */
    unsigned long used;
};

static struct deviation_info deviations[DEV_COUNT] = {
    [DEV_EIP_AFTER_FAULT] = {
        "eip-after-fault",
        "Unicorn never delivers exceptions: the hook sees the vector with EIP at the "
        "faulting instruction (after it for INT n, INT3, INTO); #UD comes back as "
        "UC_ERR_INSN_INVALID instead of a hook call",
        "compare isola's recorded exception (stop_on_exception) with that vector and "
        "EIP, then resume both after the instruction", 0},
    [DEV_REP_STEPS] = {
        "rep-steps",
        "uc_emu_start(count=1) runs one iteration of a REP string instruction (QEMU "
        "translates each iteration as a jump back to the instruction)",
        "repeat count=1 runs until EIP leaves the instruction; isola runs it as one", 0},
    [DEV_STICKY_EXCEPTION] = {
        "sticky-exception",
        "an exception that was reported but not delivered stays 'in flight' inside "
        "QEMU (env->old_exception), so the next #GP becomes #DF and then a triple fault",
        "reload Unicorn's saved clean context after every exception, then the registers", 0},
    [DEV_SEG_CHECKS] = {
        "no-segment-checks",
        "QEMU's TCG checks neither segment types, limits nor null selectors on data "
        "accesses, in protected or real mode: a write through CS, an access past a "
        "limit or through a null data segment succeeds where hardware faults",
        "never write through a CS override; load data segment registers only with "
        "present, writable data segments; keep real-mode offsets below 64 KiB and "
        "expand-down offsets above the limit; after a return to ring 3 nulls a data "
        "segment register, reload it first (the loads themselves, good and bad, are "
        "compared)", 0},
    [DEV_TZCNT_LZCNT] = {
        "cpu-model",
        "Unicorn's CPU model is not an i686: with BMI1/ABM, F3 0F BC/BD are TZCNT/LZCNT "
        "(on an i686 BSF/BSR with an ignored REP prefix), and with AVX C4/C5 with a "
        "register operand are VEX prefixes (on an i686 LES/LDS, #UD)",
        "never put F3 on BSF/BSR (F2 is used instead); LES/LDS always take a memory "
        "operand", 0},
    [DEV_LOCK_UD] = {
        "lock-ud",
        "Unicorn 2.0.1 ignores LOCK where the SDM (vol. 2, LOCK) demands #UD on most "
        "instructions (LOCK MOV/SHL/BT m executes; only some register forms fault) "
        "and aborts the process (tcg fatal error) on LOCK CMP m and LOCK BT r",
        "for a LOCK the SDM refuses, isola alone is checked against the SDM (#UD, state "
        "unchanged); Unicorn does not run that instruction, both resume after it", 0},
    [DEV_LOCK_NEG] = {
        "lock-neg-flags",
        "LOCK NEG m sets the flags from the operand, not from the result (its "
        "compare-and-swap loop leaves the old value where the flags are taken from)",
        "the reference's arithmetic flags for LOCK NEG m are recomputed from the result "
        "in memory (SDM vol. 2, NEG: as 0 - operand) before comparing", 0},
    [DEV_NO_IO_CHECK] = {
        "no-io-permission",
        "Unicorn removes the I/O permission check (gen_check_io returns at once: "
        "'allow all I/O instructions'), so IN/OUT/INS/OUTS never #GP",
        "where CPL > IOPL the harness applies the check itself (SDM vol. 1, 19.5: IOPL, "
        "then the TSS bitmap both machines share); a refused access is checked on isola "
        "alone (#GP, state unchanged) and Unicorn does not run it", 0},
    [DEV_INT6] = {
        "int6-as-ud",
        "INT 6 is taken for an invalid opcode (Unicorn stops on vector 6 as it does for "
        "#UD) and leaves EIP at the INT instead of after it",
        "for INT 6 the reference's EIP is moved past the instruction, as for any INT n", 0},
    [DEV_IRET_VIF] = {
        "iret-vif-vip",
        "a 32-bit IRET to the same level at CPL 0 leaves VIF and VIP alone; the SDM "
        "(vol. 2, IRET, RETURN-TO-SAME-PRIVILEGE-LEVEL) loads them from the image",
        "the reference's VIF/VIP after such an IRET are set from the popped image "
        "(which the generator pushed) before comparing", 0},
    [DEV_NO_ACCESSED] = {
        "no-accessed-bit",
        "QEMU does not set a descriptor's accessed bit when a far transfer loads SS "
        "(the inner stack of a call gate, the outer stack of RETF/IRET); the SDM (vol. 3, "
        "3.4.5.1) sets it whenever a selector is loaded into a segment register",
        "after each instruction the reference's accessed bit is set for every code or "
        "data descriptor then in a segment register, so isola must have set it too", 0},
    [DEV_SMC_RESTART] = {
        "smc-restart",
        "a write into the translation block being executed makes QEMU retranslate and "
        "restart the instruction, which the count hook counts again: under "
        "uc_emu_start(count=1) it never completes (EIP unchanged, nothing written)",
        "when an instruction that writes the next one leaves EIP unchanged, it runs "
        "again with a count of 2 (the restart is counted)", 0},
    [DEV_PREFETCH_ACCESSED] = {
        "prefetch-accessed",
        "with a count of 1 Unicorn still translates the block at the next EIP before it "
        "stops, walking the page tables for it (accessed bits of that code page set "
        "an instruction early), and reuses a translation spanning two pages without "
        "walking the second page again (its accessed bit never set)",
        "for the page-table entries of the code pages at EIP before and after a step, "
        "an accessed bit set on one side only is set on both", 0},
    [DEV_FETCH_FAULT_EARLY] = {
        "fetch-fault-early",
        "the same look-ahead raises the #PF of fetching the next instruction (a jump to "
        "an unmapped address) inside the step of the jump, with EIP at the target",
        "such a #PF (EIP not at the instruction) is taken as the jump completing; the "
        "fault is compared at the next step, where isola raises it", 0},
    [DEV_ENTER_PROBE] = {
        "enter-probe",
        "ENTER does not check that a write at the final stack pointer would succeed; "
        "the SDM (vol. 2, ENTER) raises #PF then",
        "when the reference completes an ENTER whose final stack pointer the page tables "
        "refuse, the expected result is that #PF (CR2 there, state and memory as "
        "before), and the reference is set back to it; isola's check marks that page "
        "accessed and dirty (model-specific), which the reference then adopts", 0},
    [DEV_PUSHA_ORDER] = {
        "pusha-order",
        "PUSHA writes from the lowest address up, so a #PF reports the lowest address; "
        "the SDM pushes EAX first, at the top",
        "for a faulting PUSHA the expected CR2 is that of the first push in the SDM's "
        "order that the page tables refuse", 0},
    [DEV_RCX_FAULT_FLAGS] = {
        "rcl-rcr-fault-flags",
        "RCL/RCR m set the flags before the store, so when the store faults (#PF) the "
        "flags have changed already",
        "after such a fault the expected flags are those before the instruction", 0},
    [DEV_FAULT_PARTIAL] = {
        "fault-partial",
        "which operand of a faulting instruction is accessed first (CMPS reads ES:EDI "
        "first) and which parts of a split or multiple write land before the fault are "
        "model-specific: accessed/dirty bits and the written bytes may differ",
        "after a #PF in both (CR2 compared), memory that differs is taken from the "
        "reference (and isola's TLB flushed): the step before agreed, so only this "
        "instruction's partial writes and accessed/dirty bits can differ", 0},
    [DEV_FAR_KERNEL_STACK] = {
        "far-kernel-stack",
        "far CALL, RETF and IRET push and pop with supervisor accesses (cpu_st*_kernel) "
        "even at CPL 3, so a read-only or supervisor stack page does not fault",
        "at CPL 3 with paging the generator moves ESP to a user-writable page before "
        "those instructions (other stack instructions still meet such pages)", 0},
    [DEV_PAUSE_TF] = {
        "pause-tf",
        "PAUSE (F3 90) with EFLAGS.TF set raises no single-step trap: QEMU's PAUSE "
        "leaves the translation block without the single-step check",
        "after PAUSE with TF set the expected result is the #DB trap (EIP after it)", 0},
    [DEV_POPA_FAULT] = {
        "popa-fault",
        "POPA loads the registers one by one, so a #PF on a later pop leaves the earlier "
        "ones loaded; the SDM's exceptions are precise",
        "after a faulting POPA the expected registers are those before it", 0},
    [DEV_INT14] = {
        "int14",
        "INT 0x0E (the page-fault vector) never reaches the interrupt hook: Unicorn "
        "goes on after it as if it were a NOP",
        "for INT 0x0E the expected result is vector 14 with EIP after the instruction", 0},
    [DEV_CMPS_ORDER] = {
        "cmps-order",
        "CMPS reads ES:EDI before DS:ESI, so when both pages fault CR2 is EDI's; the "
        "SDM compares SRC1 = DS:ESI with SRC2 = ES:EDI",
        "for a CMPS that faults, the expected CR2 is ESI's when that read faults", 0},
};

void dev_used(enum deviation d) { deviations[d].used++; }

/* ---- options ---- */

static uint64_t opt_seed = 1;
static uint64_t opt_count = 200000;
static unsigned opt_per_stream = 64;
static int opt_ring = -1;  /* -1 both */
static int opt_mode = -1;  /* -1 all, else enum mode */
static bool opt_verbose, opt_keep_going;

static void usage(void)
{
    fprintf(stderr, "usage: difftest --seed S --count N [--verbose] [--ring 0|3|both]\n"
                    "                [--mode pm32|pm16|real|paging|all] [--insn-per-stream K]\n"
                    "                [--keep-going]\n");
    exit(2);
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--verbose")) {
            opt_verbose = true;
        } else if (!strcmp(a, "--keep-going")) {
            opt_keep_going = true;
        } else if (!strcmp(a, "--seed") && v) {
            opt_seed = strtoull(v, NULL, 0);
            i++;
        } else if (!strcmp(a, "--count") && v) {
            opt_count = strtoull(v, NULL, 0);
            i++;
        } else if (!strcmp(a, "--insn-per-stream") && v) {
            opt_per_stream = (unsigned)strtoul(v, NULL, 0);
            if (opt_per_stream == 0)
                usage();
            i++;
        } else if (!strcmp(a, "--mode") && v) {
            if (!strcmp(v, "all"))
                opt_mode = -1;
            else if (!strcmp(v, "pm32"))
                opt_mode = MODE_PM32;
            else if (!strcmp(v, "pm16"))
                opt_mode = MODE_PM16;
            else if (!strcmp(v, "real"))
                opt_mode = MODE_RM;
            else if (!strcmp(v, "paging"))
                opt_mode = MODE_PG;
            else
                usage();
            i++;
        } else if (!strcmp(a, "--ring") && v) {
            if (!strcmp(v, "both"))
                opt_ring = -1;
            else if (!strcmp(v, "0") || !strcmp(v, "3"))
                opt_ring = atoi(v);
            else
                usage();
            i++;
        } else {
            usage();
        }
    }
}

/* ---- isola's side ---- */

static cpu_t *cpu;
static uint8_t *ram;
static struct bus *test_bus;

#define TSS_SEL 0x28u

static void isola_new(void)
{
    cpu = calloc(1, sizeof *cpu);
    test_bus = calloc(1, sizeof *test_bus);
    ram = aligned_alloc(4096, MEM_SIZE);
    if (!cpu || !test_bus || !ram) {
        fprintf(stderr, "difftest: out of memory\n");
        exit(2);
    }
    memset(ram, 0, MEM_SIZE);
    bus_init(test_bus);
    cpu_init(cpu, ram, MEM_SIZE, test_bus);
    mmu_init(cpu, 64, 4, false, TLB_LRU);
    cpu_reset(cpu);
}

static void isola_free(void)
{
    mmu_free(cpu);
    cpu_free(cpu);
    free(cpu);
    free(test_bus);
    free(ram);
}

static void isola_load_real(const struct xstate *s)
{
    cpu->cr0 &= ~CR0_PE;
    cpu->cpl = 0;
    for (int i = 0; i < 6; i++) {
        struct segcache *sc = &cpu->seg[i];
        sc->sel = s->sel[i];
        sc->base = (uint32_t)s->sel[i] << 4;
        sc->limit = 0xFFFF;
        sc->ar = AR_P | AR_S | AR_RW | AR_ACCESSED | (i == SR_CS ? AR_CODE : 0);
        seg_refresh_bounds(sc, i == SR_CS);
    }
    mmu_cpl_changed(cpu);
    cpu->stop_block = true;
}

/* Protected mode at the ring CS.RPL says (code may change rings), or real
 * mode. */
static void isola_load(enum mode mode, const struct xstate *s)
{
    if (mode == MODE_RM)
        isola_load_real(s);
    else
        cpu_set_flat32(cpu, s->sel[SR_CS] & 3);
    cpu->gdtr = (struct dtreg){GDT_BASE, GDT_LIMIT};
    /* IDTR and LDTR as Unicorn has them: empty */
    cpu->idtr = (struct dtreg){0, 0};
    cpu->ldtr = (struct segcache){0};
    seg_refresh_bounds(&cpu->ldtr, false);
    for (int i = 0; i < 6 && mode != MODE_RM; i++) {
        uint64_t d;
        memcpy(&d, ram + GDT_BASE + (s->sel[i] & ~7u), 8);
        desc_to_cache(d, s->sel[i], &cpu->seg[i]);
    }
    /* the same TSS as the reference's TR (its I/O bitmap matters at ring 3) */
    cpu->tr = (struct segcache){.sel = TSS_SEL, .base = TSS_BASE, .limit = TSS_LIMIT,
                                .ar = AR_P | 11};
    for (int i = 0; i < 8; i++)
        cpu->reg[i] = s->r[i];
    cpu->eip = s->eip;
    cpu->cr0 = s->cr0;
    cpu->cr2 = s->cr2;
    cpu->cr3 = s->cr3;
    cpu->cr4 = s->cr4;
    tlb_flush_all(cpu, false);
    fast_flush(cpu);
    cpu_set_eflags(cpu, s->eflags, 0xFFFFFFFFu);
    cpu->stop_on_exception = true;
    cpu->exc_stopped = false;
    cpu->stop_request = false;
    cpu->halted = false;
    cpu->inhibit_irq = false;
    cpu->ss_shadow = false;
    cpu->db_pending = false; /* no single-step trap carried over from before */
}

static void isola_save(struct xstate *s)
{
    for (int i = 0; i < 8; i++)
        s->r[i] = cpu->reg[i];
    s->eip = cpu->eip;
    s->eflags = cpu_eflags(cpu);
    for (int i = 0; i < 6; i++)
        s->sel[i] = cpu->seg[i].sel;
    s->cr0 = cpu->cr0;
    s->cr2 = cpu->cr2;
    s->cr3 = cpu->cr3;
    s->cr4 = cpu->cr4;
}

#define STEP_HANG (-2)

/* One instruction; a REP string instruction may take several runs if the
 * loop chooses to break it up. Returns -1 or the exception vector. */
static int isola_step(bool rep_string)
{
    uint32_t eip0 = cpu->eip;
    cpu->exc_stopped = false;
    for (unsigned n = 0; n < 1000000; n++) {
        cpu_run(cpu, 1);
        if (cpu->exc_stopped) {
            cpu->stop_request = false;
            return (int)cpu->exc_vec;
        }
        if (!rep_string || cpu->eip != eip0)
            return -1;
    }
    return STEP_HANG;
}

static void isola_code_written(uint32_t lo, uint32_t hi)
{
    for (uint32_t p = lo & ~0xFFFu; p < hi; p += 0x1000)
        code_page_written(cpu, p);
}

/* ---- reporting ---- */

static csh capstone, capstone16;
static bool code16; /* the instruction being shown is 16-bit code */

static void disasm(const struct ginsn *gi, uint32_t eip, char *out, size_t n)
{
    cs_insn *ci;
    size_t k = cs_disasm(code16 ? capstone16 : capstone, gi->b, gi->len, eip, 1, &ci);
    if (k == 0) {
        snprintf(out, n, "(capstone: no decode)");
        return;
    }
    snprintf(out, n, "%s %s", ci[0].mnemonic, ci[0].op_str);
    cs_free(ci, k);
}

static void mnemonic(const struct ginsn *gi, char *out, size_t n)
{
    cs_insn *ci;
    size_t k = cs_disasm(code16 ? capstone16 : capstone, gi->b, gi->len, 0, 1, &ci);
    if (k == 0) {
        snprintf(out, n, "(bad)");
        return;
    }
    snprintf(out, n, "%s", ci[0].mnemonic);
    cs_free(ci, k);
}

static void hexbytes(const struct ginsn *gi, char *out, size_t n)
{
    size_t o = 0;
    out[0] = 0;
    for (unsigned i = 0; i < gi->len && o + 4 < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%02x ", gi->b[i]);
}

static const char *reg_name[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
static const char *sel_name[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};

static void flag_str(uint32_t f, char *out)
{
    static const struct { uint32_t bit; char c; } fl[] = {
        {FL_ID, 'i'}, {FL_AC, 'a'}, {FL_NT, 'n'}, {FL_OF, 'O'}, {FL_DF, 'D'},
        {FL_IF, 'I'}, {FL_TF, 'T'}, {FL_SF, 'S'}, {FL_ZF, 'Z'}, {FL_AF, 'A'},
        {FL_PF, 'P'}, {FL_CF, 'C'},
    };
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof fl / sizeof fl[0]; i++)
        out[n++] = (f & fl[i].bit) ? fl[i].c : '-';
    n += (unsigned)sprintf(out + n, " iopl%u", (f >> 12) & 3);
    out[n] = 0;
}

static void print_state(const char *title, const struct xstate *s)
{
    char fs[32];
    flag_str(s->eflags, fs);
    printf("  %s:", title);
    for (int i = 0; i < 8; i++)
        printf(" %s=%08x", reg_name[i], s->r[i]);
    printf("\n  %*s EIP=%08x EFLAGS=%08x [%s]", (int)strlen(title), "", s->eip, s->eflags, fs);
    for (int i = 0; i < 6; i++)
        printf(" %s=%04x", sel_name[i], s->sel[i]);
    printf(" CR0=%08x\n", s->cr0);
}

static const char *vec_name(int v, char buf[24])
{
    static const char *names[20] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                    "#DF", "?9", "#TS", "#NP", "#SS", "#GP", "#PF", "?15",
                                    "#MF", "#AC", "#MC", "#XM"};
    if (v < 0)
        return "none";
    if (v == STEP_HANG)
        return "hang";
    if (v < 20 && v != 3 && v != 4)
        return names[v];
    snprintf(buf, 24, "vector %d", v & 0xFFFF);
    return buf;
}

/* The mismatch report: what ran, the state before, both states after
 * with the differing fields marked, and the first differing memory. */
struct verdict {
    bool regs[8], eip, eflags, sel[6], vec, mem, cr[4];
    uint32_t mem_at;
    unsigned mem_count;
    uint32_t undef;
    uint8_t reg_ignored;
};

static bool verdict_bad(const struct verdict *v)
{
    bool bad = v->eip || v->eflags || v->vec || v->mem || v->cr[0] || v->cr[1] || v->cr[2] ||
               v->cr[3];
    for (int i = 0; i < 8; i++)
        bad |= v->regs[i];
    for (int i = 0; i < 6; i++)
        bad |= v->sel[i];
    return bad;
}

static const char *mode_name(enum mode mode, unsigned cpl)
{
    if (mode == MODE_RM)
        return "real mode";
    if (mode == MODE_PM16)
        return cpl ? "16-bit code, ring 3" : "16-bit code, ring 0";
    if (mode == MODE_PG)
        return cpl ? "paging, ring 3" : "paging, ring 0";
    return cpl ? "ring 3" : "ring 0";
}

static void report(uint64_t stream, enum mode mode, unsigned idx, const struct ginsn *gi,
                   const struct xstate *pre, const struct xstate *is, int ivec,
                   const struct xstate *rs, int rvec, const struct verdict *v,
                   const uint8_t *umem)
{
    char dis[200], hex[64], a[32], b[32];
    disasm(gi, pre->eip, dis, sizeof dis);
    hexbytes(gi, hex, sizeof hex);
    printf("difftest: MISMATCH seed %llu stream %llu (%s) instruction %u\n",
           (unsigned long long)opt_seed, (unsigned long long)stream,
           mode_name(mode, pre->sel[SR_CS] & 3), idx);
    printf("  %08x: %-30s %s   [class %s]\n", pre->eip, hex, dis, gen_class_name(gi->klass));
    print_state("before", pre);
    printf("  %-8s %-12s %-12s\n", "", "isola", "unicorn");
    for (int i = 0; i < 8; i++)
        printf("  %-8s %08x     %08x%s\n", reg_name[i], is->r[i], rs->r[i],
               v->regs[i] ? "     <<" : (v->reg_ignored >> i & 1) ? "     (undefined)" : "");
    printf("  %-8s %08x     %08x%s\n", "EIP", is->eip, rs->eip, v->eip ? "     <<" : "");
    flag_str(is->eflags, a);
    flag_str(rs->eflags, b);
    printf("  %-8s %08x     %08x%s   isola [%s] unicorn [%s] undefined %03x\n", "EFLAGS",
           is->eflags, rs->eflags, v->eflags ? "     <<" : "       ", a, b, v->undef);
    for (int i = 0; i < 6; i++)
        if (v->sel[i])
            printf("  %-8s %04x         %04x         <<\n", sel_name[i], is->sel[i], rs->sel[i]);
    const uint32_t icr[4] = {is->cr0, is->cr2, is->cr3, is->cr4};
    const uint32_t rcr[4] = {rs->cr0, rs->cr2, rs->cr3, rs->cr4};
    for (int i = 0; i < 4; i++)
        if (v->cr[i] || (i == 1 && rcr[1]))
            printf("  CR%-6d %08x     %08x%s\n", i ? i + 1 : 0, icr[i], rcr[i],
                   v->cr[i] ? "     <<" : "");
    char vb1[24], vb2[24];
    printf("  %-8s %-12s %-12s%s\n", "except", vec_name(ivec, vb1), vec_name(rvec, vb2),
           v->vec ? " <<" : "");
    if (v->mem) {
        uint32_t at = v->mem_at & ~0xFu;
        printf("  memory: %u bytes differ, first at %08x\n", v->mem_count, v->mem_at);
        for (int side = 0; side < 2; side++) {
            const uint8_t *m = side ? umem : ram;
            printf("    %-7s %08x:", side ? "unicorn" : "isola", at);
            for (unsigned k = 0; k < 16 && at + k < MEM_SIZE; k++)
                printf(" %02x", m[at + k]);
            printf("\n");
        }
    }
}

/* ---- comparison ---- */

/* DEV_PREFETCH_ACCESSED: when the reference walks the tables for code is
 * its own business (it translates ahead, and reuses translations that
 * span two pages without walking the second again). For the page-table
 * entries of the code around EIP, before and after the step, a lone
 * accessed bit is set on both sides. */
static void sync_code_accessed(const struct xstate *pre, const struct xstate *post,
                               uint8_t *umem)
{
    if (!(post->cr0 & 0x80000000u))
        return;
    uint32_t at[5] = {PD_BASE, 0, 0, 0, 0};
    unsigned n = 1;
    if (!(post->cr4 & 0x10)) {
        const uint32_t eips[2] = {pre->eip, post->eip};
        for (unsigned k = 0; k < 2; k++) {
            at[n++] = PT_BASE + ((eips[k] >> 12) & 0x3FF) * 4;
            at[n++] = PT_BASE + (((eips[k] >> 12) + 1) & 0x3FF) * 4;
        }
    }
    for (unsigned k = 0; k < n; k++) {
        if ((ram[at[k]] ^ umem[at[k]]) == 0x20) {
            ram[at[k]] |= 0x20;
            umem[at[k]] |= 0x20;
            dev_used(DEV_PREFETCH_ACCESSED);
        }
    }
}

static void compare(const struct ginsn *gi, const struct xstate *pre, const struct xstate *is,
                    int ivec, const struct xstate *rs, int rvec, const uint8_t *umem,
                    uint32_t mem_hi, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    /* a single-step trap (#DB) comes after the instruction completed */
    bool done = rvec < 0 || rvec == EXC_DB;
    v->undef = done ? undef_flags(gi, pre) : 0;
    if (gi->frule == FR_BSF && done && (rs->eflags & FL_ZF) && gi->dst_reg < 8)
        v->reg_ignored = (uint8_t)(1u << gi->dst_reg); /* BSF/BSR of 0: undefined */
    for (int i = 0; i < 8; i++)
        v->regs[i] = is->r[i] != rs->r[i] && !(v->reg_ignored >> i & 1);
    v->eip = is->eip != rs->eip;
    v->eflags = ((is->eflags ^ rs->eflags) & ~v->undef) != 0;
    for (int i = 0; i < 6; i++)
        v->sel[i] = is->sel[i] != rs->sel[i];
    v->vec = ivec != rvec;
    v->cr[0] = is->cr0 != rs->cr0;
    v->cr[1] = is->cr2 != rs->cr2;
    v->cr[2] = is->cr3 != rs->cr3;
    v->cr[3] = is->cr4 != rs->cr4;
    if (memcmp(ram, umem, mem_hi) != 0) {
        for (uint32_t a = 0; a < mem_hi; a++) {
            if (ram[a] != umem[a]) {
                if (!v->mem)
                    v->mem_at = a;
                v->mem = true;
                v->mem_count++;
            }
        }
    }
}

/* After agreement, isola takes Unicorn's values for what was undefined. */
static void adopt_undefined(const struct verdict *v, const struct xstate *is,
                            const struct xstate *rs)
{
    if ((is->eflags ^ rs->eflags) & v->undef)
        cpu_set_eflags(cpu, rs->eflags, v->undef);
    for (int i = 0; i < 8; i++)
        if (v->reg_ignored >> i & 1)
            cpu->reg[i] = rs->r[i];
}

/* ---- the run ---- */

struct mismatch_kind {
    char key[64];
    unsigned long count;
};
static struct mismatch_kind kinds[256];
static unsigned nkinds;

static void note_kind(const struct ginsn *gi, const struct verdict *v)
{
    char mn[32], key[64];
    mnemonic(gi, mn, sizeof mn);
    snprintf(key, sizeof key, "%s:%s%s%s%s%s", gen_class_name(gi->klass), mn,
             v->vec ? " exc" : "", v->eflags ? " flags" : "", v->mem ? " mem" : "",
             v->eip ? " eip" : "");
    for (unsigned i = 0; i < nkinds; i++) {
        if (!strcmp(kinds[i].key, key)) {
            kinds[i].count++;
            return;
        }
    }
    if (nkinds < 256) {
        snprintf(kinds[nkinds].key, sizeof kinds[nkinds].key, "%s", key);
        kinds[nkinds++].count = 1;
    }
}

static bool kind_seen(const struct ginsn *gi, const struct verdict *v)
{
    char mn[32], key[64];
    mnemonic(gi, mn, sizeof mn);
    snprintf(key, sizeof key, "%s:%s%s%s%s%s", gen_class_name(gi->klass), mn,
             v->vec ? " exc" : "", v->eflags ? " flags" : "", v->mem ? " mem" : "",
             v->eip ? " eip" : "");
    for (unsigned i = 0; i < nkinds; i++)
        if (!strcmp(kinds[i].key, key))
            return true;
    return false;
}

static struct {
    uint64_t insns, streams, failed_streams, mismatches, aborted_unmapped, aborted_lost;
    uint64_t ref_crashes;
    uint64_t exceptions, undef_adopted;
    uint64_t per_class[64];
} stats;

/* Where both machines go on after an exception: past a fault, and as
 * they are after a trap (INT n leaves EIP past the instruction). */
static uint32_t resume_eip(const struct xstate *pre, const struct xstate *rs,
                           const struct ginsn *gi)
{
    return rs->eip == pre->eip ? pre->eip + gi->len : rs->eip;
}

static void load_both(struct ref *r, enum mode mode, struct xstate *s)
{
    ref_load(r, s);
    isola_load(mode, s);
}

/* Make isola's state Unicorn's (after a mismatch, with --keep-going). */
static void resync(struct ref *r, enum mode mode, const uint8_t *umem, struct xstate *s)
{
    memcpy(ram, umem, MEM_SIZE);
    blocks_flush_all(cpu);
    load_both(r, mode, s);
}

static void print_trace(uint64_t stream, unsigned idx, const struct ginsn *gi,
                        const struct xstate *pre, int vec)
{
    char dis[200], hex[64], vb[24];
    disasm(gi, pre->eip, dis, sizeof dis);
    hexbytes(gi, hex, sizeof hex);
    printf("%llu.%u %08x: %-30s %-36s%s%s\n", (unsigned long long)stream, idx, pre->eip, hex,
           dis, vec >= 0 ? " -> " : "", vec >= 0 ? vec_name(vec, vb) : "");
}

/* The flags of NEG (0 - x) for the result now at addr (DEV_LOCK_NEG). */
static uint32_t neg_flags(const uint8_t *mem, uint32_t addr, unsigned size)
{
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1, sign = 1u << (size * 8 - 1);
    uint32_t res = 0, x;
    memcpy(&res, mem + addr, size);
    x = (0u - res) & mask;
    uint32_t f = 0;
    if (x != 0) f |= FL_CF;
    if (res == 0) f |= FL_ZF;
    if (res & sign) f |= FL_SF;
    if (!__builtin_parity(res & 0xFF)) f |= FL_PF;
    if ((x ^ res) & 0x10) f |= FL_AF;
    if (x & res & sign) f |= FL_OF;
    return f;
}

/* The I/O permission check Unicorn leaves out (DEV_NO_IO_CHECK): true
 * when the access must raise #GP (SDM vol. 1, 19.5.2). */
static bool io_refused(const struct ginsn *gi, const struct xstate *pre, unsigned cpl,
                       const uint8_t *mem)
{
    if (gi->io == IO_NONE || cpl <= ((pre->eflags >> 12) & 3))
        return false;
    uint32_t port = gi->io == IO_IMM ? gi->io_imm : (pre->r[2] & 0xFFFF);
    uint32_t map = mem[TSS_BASE + 102] | (uint32_t)mem[TSS_BASE + 103] << 8;
    uint32_t off = map + port / 8;
    if (off + 1 > TSS_LIMIT)
        return true;
    uint32_t bits = mem[TSS_BASE + off] | (uint32_t)mem[TSS_BASE + off + 1] << 8;
    return ((bits >> (port & 7)) & ((1u << gi->io_size) - 1)) != 0;
}

/* DEV_NO_ACCESSED: every code or data descriptor in a segment register
 * has its accessed bit set in the GDT. */
static void set_accessed_bits(uint8_t *mem, const struct xstate *s)
{
    for (int i = 0; i < 6; i++) {
        uint32_t at = GDT_BASE + (s->sel[i] & ~7u) + 5;
        if ((s->sel[i] & ~3u) == 0 || (s->sel[i] & 4) || (s->sel[i] | 7u) > GDT_LIMIT)
            continue;
        if ((mem[at] & 0x10) && !(mem[at] & 1)) {
            mem[at] |= 1;
            dev_used(DEV_NO_ACCESSED);
        }
    }
}

/* ---- paging-aware expectations (the DEV_* fix-ups of faults) ---- */

static uint32_t rd32m(const uint8_t *mem, uint32_t a)
{
    uint32_t v = 0;
    if (a + 4 <= MEM_SIZE)
        memcpy(&v, mem + a, 4);
    return v;
}

/* Would a read or write of lin fault (SDM vol. 3, 4.6), with the 2-level
 * tables in mem? */
static bool access_faults(const uint8_t *mem, const struct xstate *s, uint32_t lin, bool write)
{
    if (!(s->cr0 & 0x80000000u))
        return false;
    bool user = (s->sel[SR_CS] & 3) == 3;
    uint32_t pde = rd32m(mem, (s->cr3 & ~0xFFFu) + (lin >> 22) * 4), fl = pde;
    if (!(pde & 1))
        return true;
    if (!((pde & 0x80) && (s->cr4 & 0x10))) {
        uint32_t pte = rd32m(mem, (pde & ~0xFFFu) + ((lin >> 12) & 0x3FF) * 4);
        if (!(pte & 1))
            return true;
        fl = pde & pte;
    }
    if (user && !(fl & 4))
        return true;
    return write && !(fl & 2) && (user || (s->cr0 & 0x10000u));
}

static bool write_faults(const uint8_t *mem, const struct xstate *s, uint32_t lin)
{
    return access_faults(mem, s, lin, true);
}

static bool read_faults(const uint8_t *mem, const struct xstate *s, uint32_t lin)
{
    return access_faults(mem, s, lin, false);
}

static uint32_t stack_linear(const struct xstate *s, uint32_t sp)
{
    uint16_t ss = s->sel[SR_SS];
    return sel_base(ss) + (sel_big(ss) ? sp : (sp & 0xFFFF));
}

/* DEV_CMPS_ORDER: CR2 of the DS:ESI read of CMPS, if that read faults. */
static bool cmps_cr2(const struct ginsn *gi, const struct xstate *pre, const uint8_t *mem,
                     uint32_t *cr2)
{
    uint32_t off = gi->str_a16 ? (pre->r[ESI] & 0xFFFF) : pre->r[ESI];
    uint32_t lin = sel_base(pre->sel[gi->str_seg]) + off;
    for (unsigned b = 0; b < gi->size; b++) {
        if (read_faults(mem, pre, lin + b)) {
            *cr2 = lin + b;
            return true;
        }
    }
    return false;
}

/* DEV_ENTER_PROBE: the final stack pointer of ENTER, and whether a write
 * there faults although the reference went on. */
static bool enter_must_fault(const struct ginsn *gi, const struct xstate *pre,
                             const uint8_t *mem, uint32_t *cr2)
{
    unsigned level = gi->enter_level & 31;
    uint32_t pushes = gi->osz * (1 + level);
    uint32_t sp = pre->r[ESP] - pushes - gi->enter_size;
    *cr2 = stack_linear(pre, sp);
    return write_faults(mem, pre, *cr2);
}

/* DEV_PUSHA_ORDER: CR2 of the first push, from EAX down, that faults. */
static bool pusha_cr2(const struct ginsn *gi, const struct xstate *pre, const uint8_t *mem,
                      uint32_t *cr2)
{
    for (unsigned k = 1; k <= 8; k++) {
        uint32_t lin = stack_linear(pre, pre->r[ESP] - k * gi->osz);
        for (unsigned b = 0; b < gi->osz; b++) {
            if (write_faults(mem, pre, lin + b)) {
                *cr2 = lin + b;
                return true;
            }
        }
    }
    return false;
}

/* DEV_FAULT_PARTIAL: after #PF in both, take the reference's accessed and
 * dirty bits, and the bytes near the stack and the string pointers. */
static void adopt_partial(const uint8_t *umem)
{
    bool tables = false;
    for (uint32_t a = 0; a < CMP_HI; a++) {
        if (ram[a] != umem[a]) {
            ram[a] = umem[a];
            tables |= a >= PD_BASE && a < PT_BASE + 0x1000;
            dev_used(DEV_FAULT_PARTIAL);
        }
    }
    /* isola's TLB may hold what the tables said before: walk them again */
    if (tables) {
        tlb_flush_all(cpu, false);
        fast_flush(cpu);
    }
    for (uint32_t p = 0; p < CMP_HI; p += 0x1000)
        code_page_written(cpu, p);
}

/* Run one stream; returns false on a mismatch. */
static uint8_t snap[CMP_HI]; /* the reference's memory before an ENTER */

/* One stream's machines. */
struct run {
    struct ref *r;
    uint8_t *umem;
    enum mode mode;
    unsigned cpl;   /* where the stream started */
    uint64_t stream;
};

static bool paging_on(const struct xstate *s) { return (s->cr0 & 0x80000000u) != 0; }

/* The reference's part of a step: the vector it raised, or -1, or
 * REF_UNMAPPED; the SDM's outcome where the table says Unicorn departs
 * from it before or while running. */
static int reference_step(const struct run *run, const struct ginsn *gi, const struct xstate *pre)
{
    int rvec;
    if (gi->sdm_ud) {
        dev_used(DEV_LOCK_UD);
        return EXC_UD;
    }
    if (run->mode != MODE_RM && io_refused(gi, pre, pre->sel[SR_CS] & 3, run->umem)) {
        dev_used(DEV_NO_IO_CHECK);
        return EXC_GP;
    }
    if (gi->special == SP_ENTER && paging_on(pre))
        memcpy(snap, run->umem, CMP_HI);
    rvec = ref_step(run->r, gi->rep_string, gi->smc_write);
    if (rvec == EXC_PF) {
        struct xstate t;
        ref_save(run->r, &t);
        if (t.eip != pre->eip) {
            dev_used(DEV_FETCH_FAULT_EARLY); /* the instruction completed */
            t.cr2 = pre->cr2;
            ref_load(run->r, &t);
            rvec = -1;
        }
    }
    uint32_t cr2;
    if (rvec < 0 && gi->special == SP_ENTER && paging_on(pre) &&
        enter_must_fault(gi, pre, run->umem, &cr2)) {
        dev_used(DEV_ENTER_PROBE);
        memcpy(run->umem, snap, CMP_HI);
        struct xstate t = *pre;
        t.cr2 = cr2;
        ref_load(run->r, &t);
        rvec = EXC_PF;
    }
    return rvec;
}

/* After both ran: where the table says Unicorn's result departs from the
 * SDM, make the reference's state (*rs, its memory) the SDM's. */
static int expect_sdm(const struct run *run, const struct ginsn *gi, const struct xstate *pre,
                      struct xstate *rs, int rvec, int ivec)
{
    uint8_t *umem = run->umem;
    bool done = rvec < 0 || rvec == EXC_DB; /* the instruction completed */
    uint32_t cr2;
    if (run->mode != MODE_RM)
        set_accessed_bits(umem, rs);
    if (done && gi->special == SP_ENTER && paging_on(pre)) {
        /* isola's check of the final stack pointer marks its page accessed
         * and dirty, the reference's ENTER does not look there */
        enter_must_fault(gi, pre, umem, &cr2);
        uint32_t pte = PT_BASE + ((cr2 >> 12) & 0x3FF) * 4;
        uint8_t d = ram[pte] ^ umem[pte];
        if (!(pre->cr4 & 0x10) && d && !(d & ~0x60u)) {
            umem[pte] = ram[pte];
            dev_used(DEV_ENTER_PROBE);
        }
    }
    if (rvec == EXC_PF && ivec == EXC_PF) {
        if (gi->special == SP_PUSHA && pusha_cr2(gi, pre, umem, &cr2) && cr2 != rs->cr2) {
            dev_used(DEV_PUSHA_ORDER);
            rs->cr2 = cr2;
        }
        if (gi->special == SP_CMPS && cmps_cr2(gi, pre, umem, &cr2) && cr2 != rs->cr2) {
            dev_used(DEV_CMPS_ORDER);
            rs->cr2 = cr2;
        }
        if (gi->special == SP_POPA && memcmp(rs->r, pre->r, sizeof rs->r) != 0) {
            dev_used(DEV_POPA_FAULT);
            memcpy(rs->r, pre->r, sizeof rs->r);
        }
        if (gi->special == SP_RCX_MEM && rs->eflags != pre->eflags) {
            dev_used(DEV_RCX_FAULT_FLAGS);
            rs->eflags = pre->eflags;
        }
        adopt_partial(umem);
    }
    if (rvec < 0 && (pre->eflags & FL_TF) && gi->len >= 2 && gi->b[gi->len - 1] == 0x90 &&
        gi->b[gi->len - 2] == 0xF3) {
        dev_used(DEV_PAUSE_TF);
        rvec = EXC_DB;
    }
    if (gi->int_n && rvec < 0 && gi->b[gi->len - 1] == 0x0E) {
        dev_used(DEV_INT14);
        rvec = EXC_PF;
    }
    if (gi->int_n && rvec == EXC_UD && rs->eip == pre->eip) {
        dev_used(DEV_INT6);
        rs->eip = pre->eip + gi->len;
    }
    if (gi->lock_neg && done) {
        dev_used(DEV_LOCK_NEG);
        rs->eflags = (rs->eflags & ~FL_ARITH) | neg_flags(umem, gi->mem_lin, gi->size);
    }
    uint32_t vif = FL_VIF | FL_VIP;
    if (gi->iret && done && gi->iret_flags && ((rs->eflags ^ gi->iret_flags) & vif)) {
        dev_used(DEV_IRET_VIF);
        rs->eflags = (rs->eflags & ~vif) | (gi->iret_flags & vif);
    }
    return rvec;
}

/* isola's side of what the SDM leaves open at this step. */
static void isola_open_ends(const struct run *run, const struct ginsn *gi, const struct xstate *rs,
                            int rvec, int ivec)
{
    if (ivec >= 0) {
        /* isola sets RF for the EFLAGS image a fault pushes (SDM vol. 3,
         * 17.3.1.1); delivery would clear it again, but stop_on_exception
         * stops before: the state at the fault is without it. */
        cpu->eflags &= ~FL_RF;
    }
    if (gi->push_sreg32 && (rvec < 0 || rvec == EXC_DB)) {
        /* a 32-bit PUSH Sreg may write 2 or 4 bytes (SDM vol. 2, PUSH) */
        uint16_t ss = rs->sel[SR_SS];
        uint32_t top = run->mode == MODE_RM ? ((uint32_t)ss << 4) + (rs->r[ESP] & 0xFFFF)
                                            : stack_linear(rs, rs->r[ESP]);
        if (top + 4 <= MEM_SIZE)
            memcpy(ram + top + 2, run->umem + top + 2, 2);
    }
}

/* Both machines from the same start; false if it differs. */
static bool start_stream(struct gen *g, struct codemap *cm, const struct run *run,
                         struct xstate *cur)
{
    struct xstate is, rs;
    gen_stream_start(g, run->mode, run->cpl, cur, run->umem, cm);
    ref_code_changed(run->r, CODE_LO, CODE_HI);
    memcpy(ram, run->umem, MEM_SIZE);
    blocks_flush_all(cpu);
    load_both(run->r, run->mode, cur);
    ref_save(run->r, &rs);
    isola_save(&is);
    *cur = rs;
    if (memcmp(&rs, &is, sizeof rs) == 0)
        return true;
    printf("difftest: the initial states differ (harness set-up)\n");
    print_state("isola", &is);
    print_state("unicorn", &rs);
    return false;
}

/* Code at EIP (written now if new); NULL if EIP left the generated code. */
static const struct ginsn *code_at(struct gen *g, struct codemap *cm, const struct run *run,
                                   const struct xstate *cur)
{
    if (cur->eip < CODE_LO || cur->eip >= CODE_HI || cm->occ[cur->eip] == OCC_BODY)
        return NULL;
    if (cm->occ[cur->eip] == OCC_FREE) {
        /* Unicorn may already hold a translation of the INT3 filler here
         * (it translates the next block before its count runs out): drop
         * it along with isola's blocks on the page. */
        uint32_t end = gen_group(g, cur, run->umem, cm);
        memcpy(ram + cur->eip, run->umem + cur->eip, end - cur->eip);
        isola_code_written(cur->eip, end);
        ref_code_changed(run->r, cur->eip, end);
    }
    return &cm->insn[cm->idx[cur->eip]];
}

/* Run one stream; returns false on a mismatch. */
static bool run_stream(struct gen *g, struct codemap *cm, const struct run *run, uint64_t budget)
{
    struct xstate cur, pre, is, rs;
    struct verdict v;
    bool ok = true;

    if (!start_stream(g, cm, run, &cur))
        exit(2);
    for (unsigned idx = 0; idx < budget; idx++) {
        const struct ginsn *gi = code_at(g, cm, run, &cur);
        if (!gi) {
            stats.aborted_lost++;
            if (opt_verbose)
                printf("  (EIP %08x is not an instruction start: the stream ends)\n", cur.eip);
            break;
        }
        pre = cur;
        code16 = run->mode == MODE_RM || !((gdt_table[(cur.sel[1] >> 3) % GDT_ENTRIES] >> 54) & 1);

        int rvec = reference_step(run, gi, &pre);
        if (rvec == REF_CRASHED) {
            stats.ref_crashes++;
            if (opt_verbose)
                printf("  (Unicorn crashed inside itself: the stream ends)\n");
            return ok;
        }
        if (rvec == REF_UNMAPPED) {
            /* the machines part here: nothing more to compare */
            stats.aborted_unmapped++;
            if (opt_verbose) {
                print_trace(run->stream, idx, gi, &pre, -1);
                printf("  (unmapped access: the stream ends)\n");
            }
            return ok;
        }
        int ivec = isola_step(gi->rep_string);
        ref_save(run->r, &rs);
        struct xstate got = rs;
        int want = expect_sdm(run, gi, &pre, &rs, rvec, ivec);
        if (want != rvec || memcmp(&got, &rs, sizeof rs) != 0)
            ref_load(run->r, &rs); /* the reference goes on from the SDM's state */
        rvec = want;
        isola_open_ends(run, gi, &rs, rvec, ivec);
        isola_save(&is);
        stats.insns++;
        stats.per_class[gi->klass < 64 ? gi->klass : 63]++;
        if (opt_verbose)
            print_trace(run->stream, idx, gi, &pre, rvec);

        sync_code_accessed(&pre, &rs, run->umem);
        compare(gi, &pre, &is, ivec, &rs, rvec, run->umem, CMP_HI, &v);
        if (verdict_bad(&v)) {
            ok = false;
            stats.mismatches++;
            if (!opt_keep_going || !kind_seen(gi, &v))
                report(run->stream, run->mode, idx, gi, &pre, &is, ivec, &rs, rvec, &v, run->umem);
            note_kind(gi, &v);
            if (!opt_keep_going)
                return false;
            if (rvec >= 0)
                rs.eip = resume_eip(&pre, &rs, gi);
            resync(run->r, run->mode, run->umem, &rs);
            cur = rs;
            continue;
        }
        if ((is.eflags ^ rs.eflags) & v.undef)
            stats.undef_adopted++;
        adopt_undefined(&v, &is, &rs);
        cur = rs;
        if (rvec >= 0) {
            stats.exceptions++;
            dev_used(DEV_EIP_AFTER_FAULT);
            dev_used(DEV_STICKY_EXCEPTION);
            cur.eip = resume_eip(&pre, &rs, gi);
            ref_load(run->r, &cur);
            cpu->eip = cur.eip;
            cpu->exc_stopped = false;
            /* as the reference's reload does: no shadow, no held-back trap */
            cpu->inhibit_irq = cpu->ss_shadow = cpu->db_pending = false;
        }
    }

    /* everything else in memory must agree too */
    sync_code_accessed(&cur, &cur, run->umem);
    if (ok && memcmp(ram, run->umem, MEM_SIZE) != 0) {
        uint32_t a = 0;
        while (ram[a] == run->umem[a])
            a++;
        printf("difftest: MISMATCH seed %llu stream %llu: memory at %08x differs at the "
               "end of the stream (isola %02x, unicorn %02x)\n",
               (unsigned long long)opt_seed, (unsigned long long)run->stream, a, ram[a],
               run->umem[a]);
        stats.mismatches++;
        return false;
    }
    return ok;
}

/* Of ten streams four run 32-bit code, two 32-bit code with paging, two
 * 16-bit code (both rings alternating), two real mode, unless the options
 * narrow it. */
static void pick_mode(uint64_t stream, enum mode *mode, unsigned *cpl)
{
    static const enum mode modes[10] = {MODE_PM32, MODE_PM32, MODE_PM32, MODE_PM32,
                                        MODE_PG, MODE_PG, MODE_PM16, MODE_PM16,
                                        MODE_RM, MODE_RM};
    *mode = opt_mode >= 0 ? (enum mode)opt_mode : modes[stream % 10];
    *cpl = opt_ring >= 0 ? (unsigned)opt_ring : (stream & 1) ? 3 : 0;
    if (*mode == MODE_RM) {
        if (opt_ring == 3)
            *mode = MODE_PM32;
        else
            *cpl = 0;
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &capstone) != CS_ERR_OK ||
        cs_open(CS_ARCH_X86, CS_MODE_16, &capstone16) != CS_ERR_OK) {
        fprintf(stderr, "difftest: capstone failed to open\n");
        return 2;
    }
    isola_new();
    uint8_t *umem[2];
    struct ref *refs[2] = {NULL, NULL};
    refs[0] = ref_new(false, &umem[0]);
    if (opt_ring != 3 && (opt_mode < 0 || opt_mode == MODE_RM))
        refs[1] = ref_new(true, &umem[1]);
    struct gen *g = gen_new(opt_seed);
    struct codemap *cm = calloc(1, sizeof *cm);
    if (!cm) {
        fprintf(stderr, "difftest: out of memory\n");
        return 2;
    }

    for (uint64_t stream = 0; stats.insns < opt_count; stream++) {
        enum mode mode;
        unsigned cpl;
        pick_mode(stream, &mode, &cpl);
        unsigned side = mode == MODE_RM ? 1 : 0;
        uint64_t left = opt_count - stats.insns;
        uint64_t budget = left < opt_per_stream ? left : opt_per_stream;
        stats.streams++;
        struct run run = {refs[side], umem[side], mode, cpl, stream};
        if (!run_stream(g, cm, &run, budget)) {
            stats.failed_streams++;
            if (!opt_keep_going)
                break;
        }
    }

    if (opt_verbose || opt_keep_going) {
        printf("difftest: per class:");
        for (unsigned k = 0; k < gen_class_count() && k < 64; k++)
            if (stats.per_class[k])
                printf(" %s=%llu", gen_class_name(k), (unsigned long long)stats.per_class[k]);
        printf("\ndifftest: Unicorn deviations applied:\n");
        for (int d = 0; d < DEV_COUNT; d++)
            printf("  %-18s %8lu  %s\n", deviations[d].name, deviations[d].used,
                   deviations[d].action);
    }
    if (nkinds) {
        printf("difftest: mismatch kinds (class:mnemonic fields, count):\n");
        for (unsigned i = 0; i < nkinds; i++)
            printf("  %-48s %lu\n", kinds[i].key, kinds[i].count);
    }
    printf("difftest: %llu instructions, %llu mismatches (%llu streams, %llu exceptions, "
           "%llu undefined-flag adoptions, %llu streams ended early: %llu unmapped, %llu lost, "
           "%llu Unicorn crashes)\n",
           (unsigned long long)stats.insns, (unsigned long long)stats.mismatches,
           (unsigned long long)stats.streams, (unsigned long long)stats.exceptions,
           (unsigned long long)stats.undef_adopted,
           (unsigned long long)(stats.aborted_unmapped + stats.aborted_lost + stats.ref_crashes),
           (unsigned long long)stats.aborted_unmapped, (unsigned long long)stats.aborted_lost,
           (unsigned long long)stats.ref_crashes);
    printf("%llu passed, %llu failed\n",
           (unsigned long long)(stats.streams - stats.failed_streams),
           (unsigned long long)stats.failed_streams);
    cs_close(&capstone);
    cs_close(&capstone16);
    for (int side = 0; side < 2; side++)
        if (refs[side])
            ref_free(refs[side]);
    gen_free(g);
    free(cm);
    isola_free();
    return stats.mismatches ? 1 : 0;
}
