/*
 * difftest-ref.c: the reference machine, Unicorn (QEMU's TCG x86) run one
 * instruction at a time.
 *
 * Rules kept here:
 *  - One Unicorn instance for protected mode and one for real mode
 *    (UC_MODE_16), each with its own 1 MiB of memory mapped from a host
 *    buffer the harness reads and writes directly.
 *  - Unicorn never delivers an interrupt, and a register write cannot
 *    lower CPL, so the protected-mode instance is set up once at ring 0,
 *    snapshot, taken to ring 3 through an IRET, snapshot again. Every load
 *    restores the snapshot of the wanted ring (which also clears the
 *    exception QEMU believes in flight: DEV_STICKY_EXCEPTION) and then
 *    writes the registers and selectors. Code may change rings itself
 *    (RETF, IRET); the next load follows it from CS.RPL.
 *  - Exceptions surface through UC_HOOK_INTR (recorded, emulation stopped)
 *    or, for #UD, as UC_ERR_INSN_INVALID from uc_emu_start.
 *  - No memory hooks: with a UC_HOOK_MEM_WRITE installed, Unicorn 2.0.1
 *    computes wrong flags for shifts of memory by CL and wrong frame
 *    pointers for ENTER (the hook's helper call clobbers TCG temporaries).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicorn/unicorn.h>

#include "difftest.h"

#define CR0_ET_BIT 0x10u

struct ref {
    uc_engine *uc;
    bool real;
    uc_context *clean[4];     /* by CPL: 0 and 3 */
    uint16_t clean_sel[4][6]; /* the selectors in each */
    uint8_t *mem;
    int intr;  /* vector reported by the hook, or -1 */
};

static const int gpr_id[8] = {
    UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
    UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI,
};
static const int sel_id[6] = {
    UC_X86_REG_ES, UC_X86_REG_CS, UC_X86_REG_SS,
    UC_X86_REG_DS, UC_X86_REG_FS, UC_X86_REG_GS,
};

static void check(uc_err e, const char *what)
{
    if (e != UC_ERR_OK) {
        fprintf(stderr, "difftest: unicorn: %s: %s\n", what, uc_strerror(e));
        exit(2);
    }
}

static void wr(struct ref *r, int id, uint32_t v)
{
    check(uc_reg_write(r->uc, id, &v), "reg_write");
}

static uint32_t rd(struct ref *r, int id)
{
    uint32_t v = 0;
    check(uc_reg_read(r->uc, id, &v), "reg_read");
    return v;
}

static void on_intr(uc_engine *uc, uint32_t intno, void *opaque)
{
    struct ref *r = opaque;
    r->intr = (int)intno;
    uc_emu_stop(uc);
}

/* Nothing answers on the isola test bus: ports float high. */
static uint32_t on_in(uc_engine *uc, uint32_t port, int size, void *opaque)
{
    (void)uc; (void)port; (void)opaque;
    return size == 1 ? 0xFFu : size == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}

static void on_out(uc_engine *uc, uint32_t port, int size, uint32_t v, void *opaque)
{
    (void)uc; (void)port; (void)size; (void)v; (void)opaque;
}

static void write_gdt(uint8_t *mem)
{
    memcpy(mem + GDT_BASE, gdt_table, sizeof gdt_table);
}

static void snapshot(struct ref *r, unsigned cpl)
{
    check(uc_context_alloc(r->uc, &r->clean[cpl]), "context alloc");
    check(uc_context_save(r->uc, r->clean[cpl]), "context save");
    for (int i = 0; i < 6; i++)
        r->clean_sel[cpl][i] = (uint16_t)rd(r, sel_id[i]);
}

/* From Unicorn's UC_MODE_32 start (CR0.PE set, CPL 0, every segment
 * cache zeroed) to flat segments loaded from our GDT, at ring 0 and then,
 * through an IRET, at ring 3. */
static void setup_protected(struct ref *r)
{
    uc_x86_mmr gdtr = {0, GDT_BASE, GDT_LIMIT, 0};
    check(uc_reg_write(r->uc, UC_X86_REG_GDTR, &gdtr), "gdtr");
    /* TR as LTR leaves it in QEMU: present, type 9 (available 32-bit TSS) */
    uc_x86_mmr tr = {SEL_TSS, TSS_BASE, TSS_LIMIT, 0x8900};
    check(uc_reg_write(r->uc, UC_X86_REG_TR, &tr), "tr");
    wr(r, UC_X86_REG_CS, SEL_CODE0);
    wr(r, UC_X86_REG_SS, SEL_DATA0);
    wr(r, UC_X86_REG_DS, SEL_DATA0);
    wr(r, UC_X86_REG_ES, SEL_DATA0);
    wr(r, UC_X86_REG_FS, SEL_DATA0);
    wr(r, UC_X86_REG_GS, SEL_DATA0);
    snapshot(r, 0);
    /* IRET to ring 3: EIP, CS, EFLAGS, ESP, SS on the ring-0 stack; the
     * data segments must be DPL 3 or IRET nulls them */
    wr(r, UC_X86_REG_DS, SEL_DATA3);
    wr(r, UC_X86_REG_ES, SEL_DATA3);
    wr(r, UC_X86_REG_FS, SEL_DATA3);
    wr(r, UC_X86_REG_GS, SEL_DATA3);
    uint32_t frame[5] = {CODE_LO, SEL_CODE3, 0x2, STACK_HI - 0x100, SEL_DATA3};
    uint32_t sp = STACK_LO + 0x100;
    memcpy(r->mem + sp, frame, sizeof frame);
    r->mem[CODE_LO - 16] = 0xCF;
    wr(r, UC_X86_REG_ESP, sp);
    check(uc_emu_start(r->uc, CODE_LO - 16, 0, 0, 1), "iret to ring 3");
    if (rd(r, UC_X86_REG_CS) != SEL_CODE3 || rd(r, UC_X86_REG_EIP) != CODE_LO) {
        fprintf(stderr, "difftest: unicorn did not enter ring 3\n");
        exit(2);
    }
    snapshot(r, 3);
}

void ref_free(struct ref *r)
{
    for (unsigned k = 0; k < sizeof r->clean / sizeof r->clean[0]; k++)
        if (r->clean[k])
            uc_context_free(r->clean[k]);
    uc_close(r->uc);
    free(r->mem);
    free(r);
}

/* Unicorn 2.0.1 can crash inside its own helpers after some millions of
 * random instructions (a SIGSEGV in page_collection_lock or a GLib
 * assertion, both under helper_load_seg). Such a crash says nothing
 * about isola, so ref_step catches it while Unicorn runs, abandons the
 * engine (it cannot be closed safely) and starts a new one; the caller
 * ends the stream and counts it. Crashes anywhere else still kill the
 * test. */
static sigjmp_buf crash_env;
static volatile sig_atomic_t crash_armed;

static void on_crash(int sig)
{
    if (crash_armed) {
        crash_armed = 0;
        siglongjmp(crash_env, sig);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_crashes(void)
{
    static bool done;
    struct sigaction sa;
    if (done)
        return;
    done = true;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
}

static void engine_start(struct ref *r)
{
    bool real = r->real;
    check(uc_open(UC_ARCH_X86, real ? UC_MODE_16 : UC_MODE_32, &r->uc), "open");
    check(uc_mem_map_ptr(r->uc, 0, MEM_SIZE, UC_PROT_ALL, r->mem), "map");
    uc_hook h;
    check(uc_hook_add(r->uc, &h, UC_HOOK_INTR, (void *)on_intr, r, 1, 0), "hook intr");
    check(uc_hook_add(r->uc, &h, UC_HOOK_INSN, (void *)on_in, r, 1, 0, UC_X86_INS_IN),
          "hook in");
    check(uc_hook_add(r->uc, &h, UC_HOOK_INSN, (void *)on_out, r, 1, 0, UC_X86_INS_OUT),
          "hook out");
    write_gdt(r->mem);
    if (real) {
        /* UC_MODE_16 starts in real mode at 0000:0000; only SGDT sees GDTR */
        uc_x86_mmr gdtr = {0, GDT_BASE, GDT_LIMIT, 0};
        check(uc_reg_write(r->uc, UC_X86_REG_GDTR, &gdtr), "gdtr");
        /* CR0.ET is hardwired to 1 from the i486 on (SDM vol. 3, 2.5);
         * UC_MODE_16 starts with CR0 = 0 (SMSW shows it) */
        wr(r, UC_X86_REG_CR0, CR0_ET_BIT);
        snapshot(r, 0);
    } else {
        setup_protected(r);
    }
}

struct ref *ref_new(bool real, uint8_t **mem)
{
    struct ref *r = calloc(1, sizeof *r);
    if (r)
        r->mem = aligned_alloc(4096, MEM_SIZE);
    if (!r || !r->mem) {
        fprintf(stderr, "difftest: out of memory\n");
        exit(2);
    }
    memset(r->mem, 0, MEM_SIZE);
    r->real = real;
    catch_crashes();
    engine_start(r);
    *mem = r->mem;
    return r;
}

/* Unicorn's CR writes are raw (no TLB flush), and QEMU's TLB is not part
 * of a context. With paging, flush it by running MOV CR0, EAX (toggling
 * WP, paging still off: no page walk leaves a trace) and INT3 from page 0.
 * Fetching them leaves a ring-0 translation of page 0 behind, identity and
 * permissive like the real one, whose accessed and dirty bits the page
 * tables therefore set from the start. (QEMU flushes on CR3 writes only
 * with paging on, and Unicorn cannot fetch above the memory it maps.)
 * Without paging QEMU refills an entry whose permissions fall short, so
 * stale entries do no harm. */
static void flush_tlb(struct ref *r)
{
    check(uc_context_restore(r->uc, r->clean[0]), "context restore");
    wr(r, UC_X86_REG_EAX, rd(r, UC_X86_REG_CR0) ^ 0x10000u);
    check(uc_emu_start(r->uc, STUB_ADDR, 0, 0, 1), "tlb flush");
    if (rd(r, UC_X86_REG_EIP) != STUB_ADDR + 3) {
        fprintf(stderr, "difftest: unicorn did not flush its TLB\n");
        exit(2);
    }
}

void ref_load(struct ref *r, const struct xstate *s)
{
    unsigned cpl = r->real ? 0 : (s->sel[1] & 3) ? 3 : 0;
    if (!r->real && (s->cr0 & 0x80000000u))
        flush_tlb(r);
    check(uc_context_restore(r->uc, r->clean[cpl]), "context restore");
    for (int i = 0; i < 8; i++)
        wr(r, gpr_id[i], s->r[i]);
    wr(r, UC_X86_REG_EFLAGS, s->eflags);
    wr(r, UC_X86_REG_EIP, s->eip);
    /* segments: loaded as MOV Sreg does (from the GDT in protected mode),
     * which must not leave its mark (an accessed bit) in memory */
    uint8_t gdt[GDT_LIMIT + 1];
    memcpy(gdt, r->mem + GDT_BASE, sizeof gdt);
    for (int i = 0; i < 6; i++)
        if (s->sel[i] != r->clean_sel[cpl][i])
            wr(r, sel_id[i], s->sel[i]);
    memcpy(r->mem + GDT_BASE, gdt, sizeof gdt);
    /* paging last: the loads above read the GDT without page walks */
    wr(r, UC_X86_REG_CR2, s->cr2);
    wr(r, UC_X86_REG_CR3, s->cr3);
    wr(r, UC_X86_REG_CR4, s->cr4);
    wr(r, UC_X86_REG_CR0, s->cr0);
}
void ref_save(struct ref *r, struct xstate *s)
{
    for (int i = 0; i < 8; i++)
        s->r[i] = rd(r, gpr_id[i]);
    s->eflags = rd(r, UC_X86_REG_EFLAGS);
    s->eip = rd(r, UC_X86_REG_EIP);
    for (int i = 0; i < 6; i++)
        s->sel[i] = (uint16_t)rd(r, sel_id[i]);
    s->cr0 = rd(r, UC_X86_REG_CR0);
    s->cr2 = rd(r, UC_X86_REG_CR2);
    s->cr3 = rd(r, UC_X86_REG_CR3);
    s->cr4 = rd(r, UC_X86_REG_CR4);
}

void ref_set_eflags(struct ref *r, uint32_t eflags)
{
    wr(r, UC_X86_REG_EFLAGS, eflags);
}

void ref_code_changed(struct ref *r, uint32_t lo, uint32_t hi)
{
    check(uc_ctl_remove_cache(r->uc, lo, hi), "remove cache");
}

int ref_step(struct ref *r, bool rep_string, bool smc)
{
    uint32_t eip0 = rd(r, UC_X86_REG_EIP);
    for (unsigned n = 0;; n++) {
        r->intr = -1;
        /* DEV_SMC_RESTART: a write into its own block restarts the
         * instruction, and the restart counts as a second one */
        uc_err e;
        if (sigsetjmp(crash_env, 1)) {
            memset(r->clean, 0, sizeof r->clean);  /* contexts of the dead engine */
            engine_start(r);
            return REF_CRASHED;
        }
        crash_armed = 1;
        e = uc_emu_start(r->uc, eip0, 0, 0, smc && n > 0 ? 2 : 1);
        crash_armed = 0;
        switch (e) {
        case UC_ERR_OK:
            break;
        case UC_ERR_INSN_INVALID:
            return 6; /* #UD */
        case UC_ERR_READ_UNMAPPED: case UC_ERR_WRITE_UNMAPPED:
        case UC_ERR_FETCH_UNMAPPED:
            return REF_UNMAPPED;
        default:
            check(e, "emu_start");
        }
        if (r->intr >= 0)
            return r->intr;
        /* DEV_REP_STEPS: a count of 1 is one iteration of a REP string
         * instruction, which leaves EIP on the instruction until done.
         * No instruction generated here jumps to itself. */
        if ((!rep_string && !smc) || rd(r, UC_X86_REG_EIP) != eip0)
            return -1;
        if (n == 0)
            dev_used(rep_string ? DEV_REP_STEPS : DEV_SMC_RESTART);
        if (smc && n > 0) {
            fprintf(stderr, "difftest: unicorn does not finish a self-modifying write\n");
            exit(2);
        }
        if (n > 1000000) {
            fprintf(stderr, "difftest: unicorn REP does not end\n");
            exit(2);
        }
    }
}
