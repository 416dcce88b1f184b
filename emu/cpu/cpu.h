/*
 * cpu.h: the state of one i686-class CPU and the contract between the
 * interpreter's parts.
 *
 * Rules kept here:
 *  - Instructions are precise: a handler reads every operand (and lets any
 *    fault happen) before it changes architectural state, so a fault leaves
 *    the CPU as it was at the start of the instruction (REP string
 *    instructions excepted, as on hardware: they keep partial progress).
 *  - Faults leave a handler through cpu_raise(), a longjmp back to the
 *    execution loop, which delivers the exception through the IDT.
 *  - c->eip is the offset of the current instruction in CS; a handler that
 *    transfers control writes c->next_eip. The loop commits next_eip.
 *  - Arithmetic flags are lazy (flags.c); read them with cpu_eflags() or
 *    cpu_cond(), never from c->eflags directly.
 *  - The CPU knows nothing of devices: it reaches them through struct bus
 *    (ports and MMIO) and the interrupt line.
 */
#ifndef ISOLA_CPU_H
#define ISOLA_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bus.h"

#define likely(x) __builtin_expect(!!(x), 1)
/* For the bodies of handlers stamped out in several forms (DEF_FORMS):
 * each copy must fold its constants, whatever the inliner thinks of the
 * copies' number. */
#define BODY static inline __attribute__((always_inline))
#define unlikely(x) __builtin_expect(!!(x), 0)

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, REG_ZERO };
enum { SR_ES, SR_CS, SR_SS, SR_DS, SR_FS, SR_GS, SR_COUNT };

/* EFLAGS bits (SDM vol. 1, 3.4.3) */
#define FL_CF 0x0001u
#define FL_PF 0x0004u
#define FL_AF 0x0010u
#define FL_ZF 0x0040u
#define FL_SF 0x0080u
#define FL_TF 0x0100u
#define FL_IF 0x0200u
#define FL_DF 0x0400u
#define FL_OF 0x0800u
#define FL_IOPL 0x3000u
#define FL_NT 0x4000u
#define FL_RF 0x10000u
#define FL_VM 0x20000u
#define FL_AC 0x40000u
#define FL_VIF 0x80000u
#define FL_VIP 0x100000u
#define FL_ID 0x200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
#define FL_IOPL_SHIFT 12

#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

#define CR4_VME 0x0001u
#define CR4_PVI 0x0002u
#define CR4_TSD 0x0004u
#define CR4_DE 0x0008u
#define CR4_PSE 0x0010u
#define CR4_PAE 0x0020u
#define CR4_PGE 0x0080u
#define CR4_UMIP 0x0800u

#define EFER_NXE (1u << 11)

#define MSR_TSC 0x10u
#define MSR_APIC_BASE 0x1Bu
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_EFER 0xC0000080u

/* Exception vectors (SDM vol. 3, 6.3.1) */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
    EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12,
    EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18
};
#define NO_ERRCODE 0xFFFFFFFFu

/* #PF error code bits (SDM vol. 3, 4.7) */
#define PFERR_P 1u
#define PFERR_W 2u
#define PFERR_U 4u
#define PFERR_RSVD 8u
#define PFERR_I 16u

/* Segment access rights as LAR returns them, shifted right by 8:
 * bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 14 D/B, 15 G. */
#define AR_TYPE 0x000Fu
#define AR_S 0x0010u
#define AR_DPL_SHIFT 5
#define AR_DPL 0x0060u
#define AR_P 0x0080u
#define AR_DB 0x4000u
#define AR_G 0x8000u
#define AR_CODE 0x0008u     /* with AR_S: code segment */
#define AR_CONFORMING 0x0004u /* code: conforming; data: expand-down */
#define AR_EXPDOWN 0x0004u
#define AR_RW 0x0002u       /* code: readable; data: writable */
#define AR_ACCESSED 0x0001u

struct segcache {
    uint16_t sel;
    /* SEG_FLAT_R, SEG_FLAT_W: base 0 and reads (writes) allowed up to
     * 4 GiB, so an offset is its linear address and needs no check: an
     * access that wraps past 4 GiB, allowed there (seg.c), fails the
     * fast-table compare and goes the slow way. */
    uint8_t flat;
    uint32_t base;
    uint32_t limit;  /* byte-granular, as the descriptor's G bit expands it */
    uint32_t ar;     /* access rights, AR_* above */
    /* Fast-path bounds: the highest offset a byte read or write may touch
     * without further checks, or -1 when every access must take the slow
     * path (unusable segment, expand-down, not readable or not writable).
     * seg_refresh_bounds() recomputes them after any change. */
    int64_t rlim, wlim;
};
#define SEG_FLAT_R 1u
#define SEG_FLAT_W 2u

struct dtreg {
    uint32_t base;
    uint16_t limit;
};

/* One entry of the architectural TLB (tlb.c). */
struct tlb_entry {
    uint32_t vpn;      /* linear page number (linear >> 12) */
    uint32_t pfn;      /* physical page number (may exceed 4 GiB >> 12 with PAE) */
    uint8_t valid;
    uint8_t user;      /* U/S combined over all levels */
    uint8_t writable;  /* R/W combined over all levels */
    uint8_t nx;        /* XD combined over all levels (PAE) */
    uint8_t global;
    uint8_t dirty;     /* D already set in the PTE: writes need no walk */
    uint8_t large;     /* 4 MiB / 2 MiB page (one entry covers one 4K page of it) */
    uint32_t tag;      /* the page-directory base it was filled under (tlb.h) */
    uint64_t stamp;    /* replacement state: last use (LRU) or fill (FIFO) */
    uint64_t hits;
};

/* The architectural TLB: geometry chosen at run time (-tlb). */
enum tlb_policy { TLB_LRU, TLB_FIFO, TLB_RANDOM };
struct tlb {
    struct tlb_entry *e; /* sets * ways entries, set-major */
    unsigned entries, ways, sets;
    enum tlb_policy policy;
    uint64_t clock;      /* advances on every slow-path use */
    uint64_t rng;        /* for TLB_RANDOM */
    uint32_t tag;        /* fills get it; lookups match it (or a global entry) */
    uint64_t lookups, hits, misses, flushes;
};

/* The fast path in front of the TLB: a direct-mapped table of host pointers
 * for pages the TLB (or, with paging off, the identity map) currently
 * allows for one kind of access at the current privilege. Every entry
 * mirrors a live TLB entry, so a mapping goes stale here exactly when it is
 * stale in the TLB, and leaves when its TLB entry leaves. */
#define FAST_BITS 8
#define FAST_SIZE (1u << FAST_BITS)
#define FAST_INVALID 0xFFFFFFFFu
struct fast_entry {
    uint32_t tag;        /* linear page address, or FAST_INVALID */
    uint8_t *host;       /* host address of that page's byte 0 */
    struct tlb_entry *arch; /* TLB entry behind it; NULL with paging off */
    uint64_t hits;       /* folded into arch->hits and the TLB's counters */
};
enum { FAST_R, FAST_W, FAST_X, FAST_KINDS };

/* Access kinds for the linear-address layer. */
#define ACC_R 0
#define ACC_W 1
#define ACC_X 2
#define ACC_SYS 4  /* implicit supervisor access (descriptor tables, TSS) */

/* Kinds of page fault, from the error code (SDM vol. 3, 4.7): not
 * present or a protection violation, by the access that faulted, and
 * reserved bits set in an entry. */
enum pf_kind {
    PF_NP_READ, PF_NP_WRITE, PF_NP_FETCH,
    PF_PROT_READ, PF_PROT_WRITE, PF_PROT_FETCH,
    PF_RSVD, PF_KINDS
};

/* Instructions retired are c->icount. The TLB counters are up to date
 * only after mmu_fold_stats(), which also credits fast-path hits. */
struct cpu_stats {
    uint64_t itlb_lookups, itlb_hits, itlb_misses;
    uint64_t dtlb_lookups, dtlb_hits, dtlb_misses;
    uint64_t walks, page_faults, exceptions, interrupts, cr3_writes, tlb_flushes;
    uint64_t invlpg;
    uint64_t walk_refs;    /* page-table entries a walk read from memory */
    uint64_t walk_cached;  /* entries a walk took from the page-walk cache
                              or the PAE PDPTE registers instead */
    uint64_t cpl_changes;  /* privilege-level changes (ring 3 <-> 0, ...) */
    uint64_t pf_kind[PF_KINDS];
};

/* The page-walk cache: upper-level entries a walk may use without a
 * memory reference (Intel's paging-structure caches, SDM vol. 3,
 * 4.10.3). Fully associative, LRU; entries == 0 when off. */
#define PWC_MAX 64
struct pwc {
    uint32_t key[PWC_MAX];    /* PWC_VALID | level << 24 | linear prefix */
    uint64_t stamp[PWC_MAX];
    unsigned entries;
    uint64_t clock;
};
#define PWC_VALID 0x80000000u

/* What the tracing hooks report (emu/trace/). */
#define TLBEV_HIT 0x1u     /* on_tlb: the lookup found an entry */
#define TLBEV_REWALK 0x2u  /* ...but walks again (clean entry written, rights) */
#define WALKEV_CACHED 0x1u /* on_walk: entry served by the page-walk cache or
                              the PDPTE registers, no memory reference */
#define WALKEV_AD 0x2u     /* on_walk: a write setting accessed/dirty bits */
enum flush_kind { FLUSH_CR3, FLUSH_INVLPG, FLUSH_ALL };

/* A decoded instruction. Blocks of these are cached per physical page. */
struct cpu;
struct insn;
typedef void (*insn_fn)(struct cpu *c, const struct insn *i);

struct insn {
    insn_fn fn;     /* runs the instruction */
    insn_fn tfn;    /* the same, threaded (insn_next below) */
    /* Where the instruction lies in CS, and where the next one starts
     * (wrapped to 16 bits in 16-bit code): the loop copies the pair into
     * c->eip and c->next_eip (adjacent there too) as one move. */
    uint32_t eip, next_eip;
    uint32_t disp;
    uint32_t imm;   /* first immediate, sign- or zero-extended as the opcode says */
    uint32_t imm2;  /* far pointer selector, ENTER nesting level */
    uint32_t amask; /* offsets wrap here: 0xFFFFFFFF, or 0xFFFF with a 16-bit address size */
    uint16_t op;    /* opcode: 0x00-0xFF one byte, 0x100-0x1FF after 0F */
    uint8_t len;
    uint8_t o32;    /* operand size is 32 */
    uint8_t a32;    /* address size is 32 */
    uint8_t mod, reg, rm; /* ModRM fields (mod 3 = register operand) */
    uint8_t seg;    /* segment of the memory operand: override or default */
    uint8_t segovr; /* 1 if a segment override prefix was given */
    uint8_t base, index, scale; /* EA: reg[base] + (reg[index] << scale) + disp */
    uint8_t rep;    /* 0, REP_Z (F3) or REP_NZ (F2) */
    uint8_t lock;
    uint8_t ends;   /* OPF_END: the last of its block, and it sets the EIP pair */
    uint8_t idx;    /* its place in its block: c->ibase + idx retired before it */
};
#define REP_Z 1
#define REP_NZ 2

/* Lazy arithmetic flags (flags.c). Results and operands are kept
 * sign-extended from the operation's size to 32 bits, which keeps every
 * comparison among them true to the original size: ZF is res == 0, SF
 * bit 31, CF of a subtraction op1 < op2 unsigned, SF != OF op1 < op2
 * signed, OF of an addition bit 31 of (op1 ^ res) & (op2 ^ res). So no
 * flag needs the size, and the common conditions are one compare. */
enum lf_op {
    LF_NONE,  /* flags live in c->eflags */
    LF_ADD, LF_ADC, LF_SUB, LF_SBB, /* CMP and NEG are LF_SUB (NEG: 0 - x) */
    LF_LOGIC,        /* CF = OF = AF = 0 */
    LF_INC, LF_DEC,  /* as ADD/SUB of 1, CF kept in lf.cf */
    LF_CFOF          /* CF and OF given in lf.cf, lf.of; AF = 0 (shifts, MUL) */
};
struct lazyflags {
    uint32_t res, op1, op2;  /* sign-extended to 32 bits; operands for ADD..DEC */
    uint8_t op;    /* enum lf_op */
    uint8_t cf;    /* carry in (ADC/SBB), kept CF (INC/DEC), CF (LF_CFOF) */
    uint8_t of;    /* OF (LF_CFOF) */
};
static inline uint32_t lf_sext(uint32_t v, unsigned size)
{
    if (size == 1)
        return (uint32_t)(int32_t)(int8_t)v;
    if (size == 2)
        return (uint32_t)(int32_t)(int16_t)v;
    return v;
}

enum cpu_exit {
    CPU_EXIT_LIMIT,   /* ran the instruction budget */
    CPU_EXIT_HALT,    /* HLT with nothing to wake it */
    CPU_EXIT_STOP,    /* cpu_request_stop() (a device, the exit port) */
    CPU_EXIT_SHUTDOWN /* triple fault with -no-reboot */
};

struct block;
struct blockcache;

struct cpu {
    uint32_t reg[9];  /* reg[REG_ZERO] is always 0 */
    uint32_t eip, next_eip;  /* adjacent, in this order (see struct insn) */
    uint32_t eflags;  /* all bits but the lazy arithmetic ones */
    struct lazyflags lf;
    struct segcache seg[SR_COUNT];
    struct segcache ldtr, tr;
    struct dtreg gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    uint64_t efer, tsc_offset;
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    unsigned cpl;
    bool halted;
    bool inhibit_irq;  /* one-instruction shadow after STI, MOV SS, POP SS */
    bool ss_shadow;    /* SS was just loaded: debug traps wait one instruction */
    bool db_pending;   /* a single-step trap held back by that shadow */

    /* memory */
    uint8_t *ram;
    uint32_t ram_size;
    uint32_t a20_mask;  /* 0xFFFFFFFF, or ~(1<<20) with A20 off */
    struct bus *bus;

    /* MMU */
    struct tlb itlb, dtlb;  /* itlb unused when unified */
    bool tlb_unified;
    bool tlb_tagged;        /* PCID-like: CR3 writes keep entries, each tagged */
    bool fast_enabled;      /* false: every access takes the exact TLB path */
    bool global_pages;      /* false: PTE.G is ignored, CR3 writes flush all */
    struct pwc pwc;
    struct fast_entry fast[FAST_KINDS][FAST_SIZE];
    /* Slots whose entry grants more than user rights: what a CPL change
     * drops (mmu_cpl_changed), found without a sweep of every slot. */
    uint64_t fast_priv[FAST_KINDS][FAST_SIZE / 64];

    /* execution */
    jmp_buf exc_jmp;
    bool stop_block;    /* leave the current block after this instruction */
    bool stop_request;  /* leave cpu_run() at the next block boundary */
    bool no_reboot;
    bool shutdown;
    uint64_t icount;    /* instructions retired (see insn_enter) */
    uint64_t ibase;     /* icount when the running threaded block began */
    struct blockcache *bc;
    uint64_t link_gen;  /* links between blocks made before a change are void */
    int exc_depth;      /* class of the exception being delivered (#DF rules) */
    uint32_t exc_vec, exc_err; /* the pending exception (cpu_raise) */
    /* Differential tests: instead of delivering an exception or INT n,
     * intr_deliver() records it in exc_vec/exc_err, sets exc_stopped and
     * stops the CPU (EIP at the faulting instruction, or after INT n). */
    bool stop_on_exception;
    bool exc_stopped;

    /* interrupt line */
    bool intr;                    /* level of INTR, set by the PIC */
    int (*intr_ack)(void *opaque); /* returns the vector (INTA cycle) */
    void *intr_opaque;

    /* observers: NULL when off, so off costs one predictable branch at most */
    void (*on_insn)(struct cpu *c, const struct insn *i); /* before each insn */
    void (*on_intr)(struct cpu *c, unsigned vec, uint32_t err, bool hw,
                    uint32_t cs, uint32_t eip, unsigned old_cpl);
    void (*on_reset)(struct cpu *c, const char *why);
    void *observer;
    /* Tracing (emu/trace/), NULL when off. The MMU calls them on its slow
     * paths only: a fast-table hit reports nothing (tracing TLB lookups
     * turns the fast tables off). on_tlb reports each TLB lookup, with
     * e the entry hit (NULL on a miss); on_walk each page-table
     * reference (level 1 = PTE ... 3 = PAE PDPTE); on_fill each TLB fill
     * with the entry it evicted (NULL: the way was free); on_flush each
     * CR3 write (arg: CR3), INVLPG (arg: the address) or whole flush,
     * with the number of entries dropped. */
    void (*on_tlb)(struct cpu *c, uint32_t lin, int acc, const struct tlb *t,
                   const struct tlb_entry *e, unsigned flags);
    void (*on_walk)(struct cpu *c, uint64_t paddr, unsigned level, uint64_t value,
                    unsigned flags);
    void (*on_fill)(struct cpu *c, const struct tlb *t, const struct tlb_entry *e,
                    const struct tlb_entry *evicted);
    void (*on_flush)(struct cpu *c, enum flush_kind kind, uint32_t arg, unsigned dropped);
    void *tracer;

    struct cpu_stats stats;
};
typedef struct cpu cpu_t;

/* ---- life cycle and execution (exec.c) ---- */
/* Bring-up order: cpu_init, mmu_init, cpu_reset (or cpu_set_flat32). */
void cpu_init(cpu_t *c, uint8_t *ram, uint32_t ram_size, struct bus *bus);
void cpu_free(cpu_t *c);
void cpu_reset(cpu_t *c);                /* power-on state, F000:FFF0 */
enum cpu_exit cpu_run(cpu_t *c, uint64_t max_insns);
void cpu_request_stop(cpu_t *c);
void cpu_set_intr(cpu_t *c, bool level);
_Noreturn void cpu_raise(cpu_t *c, unsigned vec, uint32_t err);
/* Set up flat protected mode: CS/DS/ES/SS/FS/GS base 0 limit 4G with the
 * given CPL, no GDT behind them (for loaders and differential tests). */
void cpu_set_flat32(cpu_t *c, unsigned cpl);
/* Code at phys page changed (called by the MMU's slow write path). */
void code_page_written(cpu_t *c, uint32_t paddr);
bool code_page_has_blocks(const cpu_t *c, uint32_t paddr);
/* Void every link between blocks (exec.c): called when a block or an
 * instruction fast-table entry is dropped and when CS changes, the
 * things a link takes for granted. */
static inline void blocks_unlink(cpu_t *c) { c->link_gen++; }
/* Drop every cached block (CS.D or mode changes never require it: blocks
 * are keyed by mode). Used on reset. */
void blocks_flush_all(cpu_t *c);

/* ---- threaded execution (exec.c) ---- */
/* Inside a block, each instruction's tfn sets c->eip and c->next_eip
 * from its decoded form (insn_enter: one 8-byte move, both pairs being
 * adjacent) and c->icount from its place in the block (c->ibase + idx: a
 * store that waits on no earlier instruction's, where an increment would
 * chain every instruction to the one before), runs the instruction, and
 * as its last act calls
 * the next one's tfn (insn_next), unless it must be the last
 * (stop_block). A pure instruction (DEF_THREADED_PURE) does neither the
 * first nor the test, so the EIP pair and c->icount may lag behind until
 * the next instruction that sets them: only an instruction that sets them
 * can fault or read them. Whatever leaves the block (the sentinel, a
 * branch, stop_block) sets c->icount to the count after it, so between
 * blocks it is exact. A block ends in a sentinel whose tfn sets
 * the EIP (block_done*, exec.c) and returns, so the calls nest no deeper
 * than a block is long, even where the compiler makes no tail calls of
 * them. */
static inline void insn_enter(cpu_t *c, const struct insn *i)
{
    _Static_assert(offsetof(cpu_t, next_eip) == offsetof(cpu_t, eip) + 4, "eip pair");
    _Static_assert(offsetof(struct insn, next_eip) == offsetof(struct insn, eip) + 4,
                   "eip pair");
    memcpy((char *)c + offsetof(cpu_t, eip), (const char *)i + offsetof(struct insn, eip), 8);
    c->icount = c->ibase + i->idx;
}
static inline void insn_next(cpu_t *c, const struct insn *i)
{
    if (unlikely(c->stop_block)) {
        c->eip = c->next_eip;
        c->icount = c->ibase + i->idx + 1;
        return;
    }
    i[1].tfn(c, i + 1);
}
static inline void insn_next_pure(cpu_t *c, const struct insn *i)
{
    i[1].tfn(c, i + 1);
}
/* The threaded form of a handler without one of its own. */
void insn_thread(cpu_t *c, const struct insn *i);

/* For block_build (branch.c): the target of a JMP rel with a 32-bit
 * operand size (false for any other instruction), and the JMP made into
 * one that a block follows to that target, decoded next in the block. */
bool jmp_rel_target(const struct insn *i, uint32_t *target);
void jmp_rel_follow(struct insn *i, uint32_t target);

/* ---- decoder (decode.c) ---- */
/* Decode one instruction at CS:eip into *i. Raises #GP/#PF/#UD as the fetch
 * or the encoding demands. Returns the instruction length. */
unsigned decode_insn(cpu_t *c, uint32_t eip, struct insn *i);

/* Opcode registration, done once by each instruction-group file. */
#define OPF_MODRM 0x0001u
#define OPF_IMM_B 0x0002u  /* imm8, zero-extended */
#define OPF_IMM_BS 0x0004u /* imm8, sign-extended to 32 bits */
#define OPF_IMM_W 0x0008u  /* imm16 */
#define OPF_IMM_Z 0x0010u  /* imm16 or imm32 by operand size */
#define OPF_FARPTR 0x0020u /* imm16/32 offset in imm, selector in imm2 */
#define OPF_ENTER 0x0040u  /* imm16 in imm, imm8 in imm2 */
#define OPF_MOFFS 0x0080u  /* moffs by address size, in disp */
#define OPF_END 0x0100u    /* ends a cached block (control or mode change) */
#define OPF_LOCK 0x0200u   /* LOCK prefix allowed (with a memory operand) */
#define OPF_MEM 0x0400u    /* register form (mod 3) is #UD */
#define OPF_REG 0x0800u    /* memory form is #UD */
#define OPF_BRANCH 0x1000u /* a near branch, which changes only EIP (and the
                              stack): the next block may follow at once. With
                              OPF_END it ends its block; without, it is a Jcc,
                              which leaves its block only when taken */
/* An instruction's handler; its threaded form (insn_next) is the
 * generic one, insn_thread, which calls it. */
void op_def(unsigned opcode, unsigned flags, insn_fn fn);
/* For opcodes whose ModRM reg field selects the operation. */
void op_def_grp(unsigned opcode, unsigned reg, unsigned flags, insn_fn fn);
/* The same with a threaded form of its own (DEF_THREADED). */
void op_def_t(unsigned opcode, unsigned flags, insn_fn fn, insn_fn tfn);
/* Handlers specialised by operand form, so that they do not decide it
 * again each time they run: the decoder picks one of six by whether
 * the r/m operand is memory (mod != 3, or a moffs), whether that memory
 * is at base + displacement (RM_MEM_BD) and by the operand size. An
 * 8-bit instruction gives each of its handlers for both sizes. Each has its
 * threaded form. The tables must outlive the decoder (static). */
enum { FORM_R16, FORM_R32, FORM_M16, FORM_M32, FORM_BD16, FORM_BD32, FORMS };
/* What the bodies' `mem` says: a register operand, memory at any
 * address form, or memory at base + displacement with a 32-bit address
 * size (FORM_BD*: no index to scale, no 16-bit wrap), the usual form. */
enum { RM_REG, RM_MEM, RM_MEM_BD };
struct op_forms {
    insn_fn fn[FORMS];
    insn_fn tfn[FORMS];
};
void op_def_forms(unsigned opcode, unsigned flags, const struct op_forms *forms);
void op_def_grp_forms(unsigned opcode, unsigned reg, unsigned flags,
                      const struct op_forms *forms);
/* A handler `name` that is `call`, and its threaded form name##_t. */
#define DEF_THREADED(name, call)                                        \
    static void name(cpu_t *c, const struct insn *i) { call; }          \
    static void name##_t(cpu_t *c, const struct insn *i)                \
    {                                                                   \
        insn_enter(c, i);                                               \
        call;                                                           \
        insn_next(c, i);                                                \
    }
/* The same for a near branch (OPF_BRANCH), always the last of its block:
 * its threaded form makes next_eip the EIP itself and returns, the work
 * of the block's sentinel done. */
#define DEF_BRANCH(name, call)                                          \
    static void name(cpu_t *c, const struct insn *i) { call; }          \
    static void name##_t(cpu_t *c, const struct insn *i)                \
    {                                                                   \
        insn_enter(c, i);                                               \
        call;                                                           \
        c->eip = c->next_eip;                                           \
        c->icount++;                                                    \
    }
/* The same for a handler that touches registers and flags only: it can
 * neither fault nor set stop_block, and reads neither c->eip nor
 * c->next_eip; so its threaded form sets no EIP and tests no stop_block
 * (insn_next_pure). */
#define DEF_THREADED_PURE(name, call)                                   \
    static void name(cpu_t *c, const struct insn *i) { call; }          \
    static void name##_t(cpu_t *c, const struct insn *i)                \
    {                                                                   \
        call;                                                           \
        insn_next_pure(c, i);                                           \
    }
/* The same for a memory form with a fast way: `fast` does the whole
 * instruction and is true when its operand's pages are in the fast
 * tables (mem_fast), or does nothing and is false. The fast way can
 * neither fault nor set stop_block (no page with blocks has a write
 * entry), so like a pure handler it sets no EIP; otherwise the
 * instruction runs its ordinary threaded form, called in tail position
 * so that the fast way needs no stack frame for the slow one's calls. */
#define DEF_THREADED_FAST(name, call, fast)                             \
    static void name(cpu_t *c, const struct insn *i) { call; }          \
    static __attribute__((noinline)) void name##_slow_t(cpu_t *c, const struct insn *i) \
    {                                                                   \
        insn_enter(c, i);                                               \
        call;                                                           \
        insn_next(c, i);                                                \
    }                                                                   \
    static void name##_t(cpu_t *c, const struct insn *i)                \
    {                                                                   \
        if (likely(fast)) {                                             \
            insn_next_pure(c, i);                                       \
            return;                                                     \
        }                                                               \
        name##_slow_t(c, i);                                            \
    }
/* Stamp out the forms of one body(c, i, arg, size, mem): `arg` is the
 * body's own parameter (an operation, a kind), size and mem constants,
 * so every test of them folds away in each copy. */
#define DEF_FORMS(name, body, arg)                                      \
    DEF_THREADED(name##_r16, body(c, i, arg, 2, RM_REG))                \
    DEF_THREADED(name##_r32, body(c, i, arg, 4, RM_REG))                \
    DEF_FORMS_MEM(name, body, arg)                                      \
    DEF_FORMS_TABLE(name)
#define DEF_FORMS_B(name, body, arg)                                    \
    DEF_THREADED(name##_r8, body(c, i, arg, 1, RM_REG))                 \
    DEF_FORMS_MEM_B(name, body, arg)                                    \
    DEF_FORMS_TABLE_B(name)
/* The same for a body whose register forms are pure (DEF_THREADED_PURE):
 * with no memory operand it touches registers and flags only. */
#define DEF_FORMS_RP(name, body, arg)                                   \
    DEF_THREADED_PURE(name##_r16, body(c, i, arg, 2, RM_REG))           \
    DEF_THREADED_PURE(name##_r32, body(c, i, arg, 4, RM_REG))           \
    DEF_FORMS_MEM(name, body, arg)                                      \
    DEF_FORMS_TABLE(name)
#define DEF_FORMS_B_RP(name, body, arg)                                 \
    DEF_THREADED_PURE(name##_r8, body(c, i, arg, 1, RM_REG))            \
    DEF_FORMS_MEM_B(name, body, arg)                                    \
    DEF_FORMS_TABLE_B(name)
/* Their memory forms and tables. */
#define DEF_FORMS_MEM(name, body, arg)                                  \
    DEF_THREADED(name##_m16, body(c, i, arg, 2, RM_MEM))                \
    DEF_THREADED(name##_m32, body(c, i, arg, 4, RM_MEM))                \
    DEF_THREADED(name##_bd16, body(c, i, arg, 2, RM_MEM_BD))            \
    DEF_THREADED(name##_bd32, body(c, i, arg, 4, RM_MEM_BD))
#define DEF_FORMS_MEM_B(name, body, arg)                                \
    DEF_THREADED(name##_m8, body(c, i, arg, 1, RM_MEM))                 \
    DEF_THREADED(name##_bd8, body(c, i, arg, 1, RM_MEM_BD))
/* Pure register forms, memory forms with a fast way: fbody(c, i, arg,
 * size, mem) is the fast way of body (DEF_THREADED_FAST). */
#define DEF_FORMS_RP_FAST(name, body, fbody, arg)                       \
    DEF_THREADED_PURE(name##_r16, body(c, i, arg, 2, RM_REG))           \
    DEF_THREADED_PURE(name##_r32, body(c, i, arg, 4, RM_REG))           \
    DEF_THREADED_FAST(name##_m16, body(c, i, arg, 2, RM_MEM), fbody(c, i, arg, 2, RM_MEM)) \
    DEF_THREADED_FAST(name##_m32, body(c, i, arg, 4, RM_MEM), fbody(c, i, arg, 4, RM_MEM)) \
    DEF_THREADED_FAST(name##_bd16, body(c, i, arg, 2, RM_MEM_BD),       \
                      fbody(c, i, arg, 2, RM_MEM_BD))                   \
    DEF_THREADED_FAST(name##_bd32, body(c, i, arg, 4, RM_MEM_BD),       \
                      fbody(c, i, arg, 4, RM_MEM_BD))                   \
    DEF_FORMS_TABLE(name)
#define DEF_FORMS_B_RP_FAST(name, body, fbody, arg)                     \
    DEF_THREADED_PURE(name##_r8, body(c, i, arg, 1, RM_REG))            \
    DEF_THREADED_FAST(name##_m8, body(c, i, arg, 1, RM_MEM), fbody(c, i, arg, 1, RM_MEM)) \
    DEF_THREADED_FAST(name##_bd8, body(c, i, arg, 1, RM_MEM_BD),        \
                      fbody(c, i, arg, 1, RM_MEM_BD))                   \
    DEF_FORMS_TABLE_B(name)
#define DEF_FORMS_TABLE(name)                                           \
    static const struct op_forms name##_forms = {                       \
        {name##_r16, name##_r32, name##_m16, name##_m32, name##_bd16,   \
         name##_bd32},                                                  \
        {name##_r16_t, name##_r32_t, name##_m16_t, name##_m32_t,        \
         name##_bd16_t, name##_bd32_t}};
#define DEF_FORMS_TABLE_B(name)                                         \
    static const struct op_forms name##_forms = {                       \
        {name##_r8, name##_r8, name##_m8, name##_m8, name##_bd8,        \
         name##_bd8},                                                   \
        {name##_r8_t, name##_r8_t, name##_m8_t, name##_m8_t, name##_bd8_t, \
         name##_bd8_t}};
void ops_init(void); /* calls every *_ops_init below, once */

void alu_ops_init(void);     /* alu.c: ADD..CMP, TEST, INC/DEC/NEG/NOT, BCD */
void muldiv_ops_init(void);  /* muldiv.c: MUL, IMUL, DIV, IDIV */
void shift_ops_init(void);   /* shift.c: shifts, rotates, SHLD/SHRD */
void bits_ops_init(void);    /* bits.c: BT*, BSF/BSR, SETcc, CMOVcc, BSWAP */
void move_ops_init(void);    /* move.c: MOV*, XCHG, CMPXCHG*, XADD, LEA,
                                PUSH/POP*, ENTER/LEAVE, CBW.., LAHF/SAHF, XLAT */
void string_ops_init(void);  /* string.c: MOVS..SCAS, INS/OUTS, REP */
void branch_ops_init(void);  /* branch.c: Jcc, JMP, CALL, RET, LOOP, JCXZ, far forms */
void system_ops_init(void);  /* system.c: CR/DR/MSR, CPUID, RDTSC, HLT, CLI/STI,
                                PUSHF/POPF, IN/OUT, descriptor-table insns,
                                INT/INTO/IRET/BOUND, NOPs, UD2, segment loads */

/* ---- lazy flags (flags.c) ---- */
uint32_t cpu_eflags(cpu_t *c);  /* the whole EFLAGS value */
/* Write EFLAGS bits in mask (callers apply IOPL/CPL rules first). */
void cpu_set_eflags(cpu_t *c, uint32_t value, uint32_t mask);
/* Jcc condition 0-15, any producer: the slow way. */
bool cpu_cond_slow(cpu_t *c, unsigned cc);
/* Record a result whose flags are computed later; res and the operands
 * as the operation's size has them (bits above it are ignored). */
static inline void lf_set(cpu_t *c, enum lf_op op, unsigned size,
                          uint32_t res, uint32_t op1, uint32_t op2)
{
    c->lf.op = (uint8_t)op;
    c->lf.res = lf_sext(res, size);
    if (op != LF_LOGIC && op != LF_CFOF) {
        c->lf.op1 = lf_sext(op1, size);
        c->lf.op2 = lf_sext(op2, size);
    }
}
/* Make the arithmetic flags concrete in c->eflags, then change some. */
void lf_materialize(cpu_t *c);

/* CF, every producer inline: INC and DEC read it as they keep it, and
 * a call here would cost each of them a stack frame. Tests in a row, not
 * a switch, which compiles to an indirect jump; the usual producers
 * first. */
static inline bool cpu_cf(cpu_t *c)
{
    const struct lazyflags *f = &c->lf;
    if (f->op == LF_SUB)
        return f->op1 < f->op2;
    if (f->op == LF_LOGIC)
        return false;
    if ((unsigned)f->op - LF_INC <= LF_CFOF - LF_INC)  /* INC, DEC, CFOF */
        return f->cf;
    if (f->op == LF_ADD)
        return f->res < f->op1;
    if (f->op == LF_NONE)
        return (c->eflags & FL_CF) != 0;
    if (f->op == LF_ADC)  /* with a carry in, res == op1 is a carry out */
        return f->cf ? f->res <= f->op1 : f->res < f->op1;
    return f->cf ? f->op1 <= f->op2 : f->op1 < f->op2;  /* SBB */
}

/* A condition, or -1 where it needs cpu_cond_slow. With cc a constant
 * (the handlers specialised per condition) this folds to a compare or
 * two for the usual producers: ZF and SF from the result of anything,
 * the rest after CMP/SUB (the operands' order) or a logical operation
 * (CF = OF = 0). */
static inline int cpu_cond_fast(const cpu_t *c, unsigned cc)
{
    const struct lazyflags *f = &c->lf;
    bool r;
    switch (cc >> 1) {
    case 2:  /* E: ZF */
        if (unlikely(f->op == LF_NONE))
            return -1;
        r = f->res == 0;
        break;
    case 4:  /* S: SF */
        if (unlikely(f->op == LF_NONE))
            return -1;
        r = (int32_t)f->res < 0;
        break;
    case 1:  /* B: CF */
        if (f->op == LF_SUB)
            r = f->op1 < f->op2;
        else if (f->op == LF_LOGIC)
            r = false;
        else
            return -1;
        break;
    case 3:  /* BE: CF or ZF */
        if (f->op == LF_SUB)
            r = f->op1 <= f->op2;
        else if (f->op == LF_LOGIC)
            r = f->res == 0;
        else
            return -1;
        break;
    case 6:  /* L: SF != OF */
        if (f->op == LF_SUB)
            r = (int32_t)f->op1 < (int32_t)f->op2;
        else if (f->op == LF_LOGIC)
            r = (int32_t)f->res < 0;
        else
            return -1;
        break;
    case 7:  /* LE: ZF or SF != OF */
        if (f->op == LF_SUB)
            r = (int32_t)f->op1 <= (int32_t)f->op2;
        else if (f->op == LF_LOGIC)
            r = (int32_t)f->res <= 0;
        else
            return -1;
        break;
    default: /* O, P */
        return -1;
    }
    return r ^ (cc & 1);
}

static inline bool cpu_cond(cpu_t *c, unsigned cc)
{
    int r = cpu_cond_fast(c, cc);
    return r >= 0 ? r != 0 : cpu_cond_slow(c, cc);
}

/* ---- segmentation and protection (seg.c) ---- */
void seg_refresh_bounds(struct segcache *s, bool is_code);
/* MOV/POP to a segment register, with every protected-mode check. */
void seg_load(cpu_t *c, int sr, uint16_t sel);
/* Load a segment register as real mode does (base = sel << 4). */
void seg_load_real(cpu_t *c, int sr, uint16_t sel);
/* Read the 8-byte descriptor for a selector; raises exc (with the selector
 * as error code) if it lies outside the GDT/LDT. */
uint64_t desc_read(cpu_t *c, uint16_t sel, unsigned exc);
void desc_to_cache(uint64_t d, uint16_t sel, struct segcache *s);
/* Segment access slow path: full limit and type checks, then the access. */
uint32_t seg_read_slow(cpu_t *c, int sr, uint32_t off, unsigned size);
void seg_write_slow(cpu_t *c, int sr, uint32_t off, unsigned size, uint32_t v);
/* Check that [off, off+size) is a valid access to segment sr (raising #GP
 * or #SS) and return the linear address. */
uint32_t seg_check(cpu_t *c, int sr, uint32_t off, unsigned size, int acc);

/* ---- interrupts, exceptions, far transfers (intr.c) ---- */
/* Deliver vector vec through the IVT (real mode) or IDT. soft: INT n
 * (DPL checked, return address next_eip); err is NO_ERRCODE or the code.
 * Sets next_eip and CS to the handler. */
void intr_deliver(cpu_t *c, unsigned vec, uint32_t err, bool soft);
/* Deliver an exception raised by cpu_raise (called by the loop): applies
 * the #DF and triple-fault rules of SDM vol. 3, table 6-5. */
void exception_deliver(cpu_t *c, unsigned vec, uint32_t err);
/* Triple fault: reset, or stop with no_reboot. */
void cpu_triple_fault(cpu_t *c);
void far_jmp(cpu_t *c, uint16_t sel, uint32_t off);
void far_call(cpu_t *c, uint16_t sel, uint32_t off);
void far_ret(cpu_t *c, uint16_t pop_bytes);
void iret(cpu_t *c);

/* ---- linear and physical memory (mmu.c, tlb.c) ---- */
void mmu_init(cpu_t *c, unsigned entries, unsigned ways, bool unified,
              enum tlb_policy policy);
void mmu_free(cpu_t *c);
/* Translate linear to physical for an access of kind acc (ACC_*), walking
 * and filling the TLB on a miss, raising #PF on a violation. */
uint64_t mmu_translate(cpu_t *c, uint32_t lin, int acc);
/* Slow paths of the accessors below: TLB fill, page-crossing, MMIO, ROM,
 * self-modifying code. */
uint32_t lin_read_slow(cpu_t *c, uint32_t lin, unsigned size, int acc);
void lin_write_slow(cpu_t *c, uint32_t lin, unsigned size, uint32_t v, int acc);
uint64_t lin_read64(cpu_t *c, uint32_t lin, int acc);
void lin_write64(cpu_t *c, uint32_t lin, uint64_t v, int acc);
/* Host pointer to the page holding lin for instruction fetch, or NULL
 * (MMIO); fills *phys with its physical address. */
const uint8_t *mmu_fetch_page(cpu_t *c, uint32_t lin, uint32_t *phys);
void tlb_flush_all(cpu_t *c, bool keep_global);  /* CR4, CR0.PG, EFER.NXE change */
void tlb_flush_cr3(cpu_t *c);                    /* MOV to CR3 */
void tlb_flush_page(cpu_t *c, uint32_t lin);     /* INVLPG */
/* Page-walk cache of n entries (0: off); drops what it held. */
void mmu_set_pwc(cpu_t *c, unsigned n);
void fast_flush(cpu_t *c);   /* CPL, CR0.WP, paging or A20 changed */
void mmu_cpl_changed(cpu_t *c);
void mmu_fold_stats(cpu_t *c); /* fold fast-path hits into stats */
/* Physical access (for loaders, DMA-like users and page walks). */
uint32_t phys_read(cpu_t *c, uint64_t paddr, unsigned size);
void phys_write(cpu_t *c, uint64_t paddr, unsigned size, uint32_t v);

static inline uint32_t host_load(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    memcpy(&v, p, size);  /* little-endian host assumed (configure checks) */
    return v;
}
static inline void host_store(uint8_t *p, unsigned size, uint32_t v)
{
    memcpy(p, &v, size);
}

/* The fast path: one compare and a host-pointer add. The entry is the
 * one of the page of the access's last byte, its tag compared with the
 * page of the first: so the compare fails as well for an access that
 * crosses into the next page (or wraps at 4 GiB), since the entry in a
 * page's slot holds that page or nothing. */
static inline struct fast_entry *fast_slot(cpu_t *c, unsigned kind, uint32_t lin,
                                           unsigned size)
{
    return &c->fast[kind][((lin + size - 1) >> 12) & (FAST_SIZE - 1)];
}
static inline uint32_t lin_read(cpu_t *c, uint32_t lin, unsigned size, int acc)
{
    struct fast_entry *fe = fast_slot(c, (unsigned)acc & 3, lin, size);
    if (likely(fe->tag == (lin & ~0xFFFu))) {
        fe->hits++;
        return host_load(fe->host + (lin & 0xFFFu), size);
    }
    return lin_read_slow(c, lin, size, acc);
}
static inline void lin_write(cpu_t *c, uint32_t lin, unsigned size, uint32_t v, int acc)
{
    struct fast_entry *fe = fast_slot(c, FAST_W, lin, size);
    if (likely(fe->tag == (lin & ~0xFFFu) && !(acc & ACC_SYS))) {
        fe->hits++;
        host_store(fe->host + (lin & 0xFFFu), size, v);
        return;
    }
    lin_write_slow(c, lin, size, v, acc);
}

/* Segmented accessors used by instruction handlers. */
static inline uint32_t mem_read(cpu_t *c, int sr, uint32_t off, unsigned size)
{
    const struct segcache *s = &c->seg[sr];
    if (likely(s->flat & SEG_FLAT_R))
        return lin_read(c, off, size, ACC_R);
    if (likely((int64_t)off + (int64_t)size - 1 <= s->rlim))
        return lin_read(c, s->base + off, size, ACC_R);
    return seg_read_slow(c, sr, off, size);
}
static inline void mem_write(cpu_t *c, int sr, uint32_t off, unsigned size, uint32_t v)
{
    const struct segcache *s = &c->seg[sr];
    if (likely(s->flat & SEG_FLAT_W))
        lin_write(c, off, size, v, ACC_W);
    else if (likely((int64_t)off + (int64_t)size - 1 <= s->wlim))
        lin_write(c, s->base + off, size, v, ACC_W);
    else
        seg_write_slow(c, sr, off, size, v);
}
/* The fast-table entry through which an access of kind FAST_R or FAST_W
 * to [off, off + size) in segment sr may go at once, with its linear
 * address in *lin; NULL where mem_read/mem_write would take a slow path.
 * Counts no hit: the caller does, once it uses the entry. */
static inline struct fast_entry *mem_fast_entry(cpu_t *c, int sr, uint32_t off,
                                                unsigned size, unsigned kind, uint32_t *lin)
{
    const struct segcache *s = &c->seg[sr];
    struct fast_entry *fe;
    if (likely(s->flat & (kind == FAST_W ? SEG_FLAT_W : SEG_FLAT_R)))
        *lin = off;
    else if ((int64_t)off + (int64_t)size - 1 <= (kind == FAST_W ? s->wlim : s->rlim))
        *lin = s->base + off;
    else
        return NULL;
    fe = fast_slot(c, kind, *lin, size);
    return fe->tag == (*lin & ~0xFFFu) ? fe : NULL;
}
/* The same giving the access's host address in *p, its hit counted. */
static inline bool mem_fast(cpu_t *c, int sr, uint32_t off, unsigned size, unsigned kind,
                            uint8_t **p)
{
    uint32_t lin;
    struct fast_entry *fe = mem_fast_entry(c, sr, off, size, kind, &lin);
    if (!fe)
        return false;
    fe->hits++;
    *p = fe->host + (lin & 0xFFFu);
    return true;
}
/* Check a write is possible without doing it (for instructions that must
 * not change state before a later fault). */
void mem_probe_write(cpu_t *c, int sr, uint32_t off, unsigned size);

#define rd8(c, s, o) ((uint8_t)mem_read((c), (s), (o), 1))
#define rd16(c, s, o) ((uint16_t)mem_read((c), (s), (o), 2))
#define rd32(c, s, o) mem_read((c), (s), (o), 4)
#define wr8(c, s, o, v) mem_write((c), (s), (o), 1, (uint8_t)(v))
#define wr16(c, s, o, v) mem_write((c), (s), (o), 2, (uint16_t)(v))
#define wr32(c, s, o, v) mem_write((c), (s), (o), 4, (uint32_t)(v))

/* ---- operand helpers for handlers ---- */
static inline uint32_t ea(const cpu_t *c, const struct insn *i)
{
    return (c->reg[i->base] + (c->reg[i->index] << i->scale) + i->disp) & i->amask;
}
/* AL, CL, DL, BL, AH, CH, DH, BH: byte offsets in c->reg, from a table
 * since the arithmetic on r costs more than the load. */
static inline uint8_t *reg8p(cpu_t *c, unsigned r)
{
    static const uint8_t off[8] = {0, 4, 8, 12, 1, 5, 9, 13};
    return (uint8_t *)c->reg + off[r & 7];
}
static inline uint32_t reg_get(cpu_t *c, unsigned r, unsigned size)
{
    if (size == 1)
        return *reg8p(c, r);
    return size == 2 ? (c->reg[r] & 0xFFFFu) : c->reg[r];
}
static inline void reg_set(cpu_t *c, unsigned r, unsigned size, uint32_t v)
{
    if (size == 1)
        *reg8p(c, r) = (uint8_t)v;
    else if (size == 2)
        c->reg[r] = (c->reg[r] & 0xFFFF0000u) | (v & 0xFFFFu);
    else
        c->reg[r] = v;
}
/* The r/m operand of size 1, 2 or 4. */
static inline uint32_t rm_read(cpu_t *c, const struct insn *i, unsigned size)
{
    if (i->mod == 3)
        return reg_get(c, i->rm, size);
    return mem_read(c, i->seg, ea(c, i), size);
}
static inline void rm_write(cpu_t *c, const struct insn *i, unsigned size, uint32_t v)
{
    if (i->mod == 3)
        reg_set(c, i->rm, size, v);
    else
        mem_write(c, i->seg, ea(c, i), size, v);
}
static inline unsigned opsize(const struct insn *i) { return i->o32 ? 4 : 2; }
/* The effective address in a handler specialised by form (mem, RM_*,
 * a constant). */
static inline uint32_t ea_form(const cpu_t *c, const struct insn *i, unsigned mem)
{
    if (mem == RM_MEM_BD)
        return c->reg[i->base] + i->disp;
    return ea(c, i);
}
/* The r/m operand in a handler specialised by form. */
static inline uint32_t rm_get(cpu_t *c, const struct insn *i, unsigned size, unsigned mem)
{
    return mem ? mem_read(c, i->seg, ea_form(c, i, mem), size) : reg_get(c, i->rm, size);
}
static inline void rm_put(cpu_t *c, const struct insn *i, unsigned size, unsigned mem,
                          uint32_t v)
{
    if (mem)
        mem_write(c, i->seg, ea_form(c, i, mem), size, v);
    else
        reg_set(c, i->rm, size, v);
}

/* Stack: SS.B selects ESP or SP (SDM vol. 1, 6.2.3). */
static inline bool stack32(const cpu_t *c) { return (c->seg[SR_SS].ar & AR_DB) != 0; }
static inline uint32_t sp_get(const cpu_t *c)
{
    return stack32(c) ? c->reg[ESP] : (c->reg[ESP] & 0xFFFFu);
}
static inline void sp_set(cpu_t *c, uint32_t v)
{
    if (stack32(c))
        c->reg[ESP] = v;
    else
        c->reg[ESP] = (c->reg[ESP] & 0xFFFF0000u) | (v & 0xFFFFu);
}
/* push writes first and moves ESP after, so a faulting push changes nothing */
void push(cpu_t *c, unsigned size, uint32_t v);
uint32_t pop(cpu_t *c, unsigned size);
/* Read the value on top of the stack at byte offset `at` without popping. */
uint32_t stack_peek(cpu_t *c, unsigned size, uint32_t at);

static inline bool pmode(const cpu_t *c) { return (c->cr0 & CR0_PE) != 0; }
static inline bool v86(const cpu_t *c) { return (c->eflags & FL_VM) != 0; }
static inline unsigned iopl(const cpu_t *c) { return (c->eflags & FL_IOPL) >> FL_IOPL_SHIFT; }
/* Privileged instructions: #GP(0) outside ring 0 (SDM vol. 3, 5.9). */
static inline void require_cpl0(cpu_t *c)
{
    if (pmode(c) && c->cpl != 0)
        cpu_raise(c, EXC_GP, 0);
}

/* ---- ports (system.c) ---- */
/* Check IOPL and the TSS I/O permission bitmap (SDM vol. 1, 18.5). */
void io_check(cpu_t *c, uint16_t port, unsigned size);
uint64_t cpu_tsc(const cpu_t *c);

#endif
