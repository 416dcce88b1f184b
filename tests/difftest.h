/*
 * difftest.h: shared definitions of the differential test (isola's CPU
 * against Unicorn, i.e. QEMU's TCG x86, as the reference).
 *
 * Rules kept here:
 *  - Both machines see the same 1 MiB of physical memory, identity mapped
 *    (paging off), flat segments; the layout below is the whole world.
 *  - The generator writes one small group of instructions at a time, just
 *    before they run, so it knows every register and can aim every memory
 *    operand at mapped memory. Bytes once written stay put for the rest of
 *    the stream (the reference's translation cache relies on it).
 *  - Everything random comes from one xorshift64* generator seeded from
 *    --seed: the same seed gives the same streams.
 */
#ifndef ISOLA_DIFFTEST_H
#define ISOLA_DIFFTEST_H

#include <stdbool.h>
#include <stdint.h>

/* Memory layout (physical = linear). 16-bit address sizes and 16-bit
 * branches wrap at 64 KiB, so code and the data window live below it. */
#define MEM_SIZE 0x100000u
#define GDT_BASE 0x0800u
#define GDT_ENTRIES 19
#define GDT_LIMIT (GDT_ENTRIES * 8 - 1)
#define TSS_BASE 0x0900u   /* a 32-bit TSS for the I/O permission bitmap: */
#define TSS_IOMAP 0x68u    /* bitmap offset; it covers ports 0-511, */
#define TSS_LIMIT 0xA8u    /* then the all-ones byte, the last in the limit */
#define CODE_LO 0x1000u
#define CODE_HI 0x8000u    /* exclusive */
#define DATA_LO 0x8000u    /* the data window */
#define DATA_HI 0x10000u
#define STACK_LO 0x10000u  /* the stack area; ESP starts in its middle */
#define STACK_HI 0x20000u
#define PD_BASE 0x30000u   /* paging: the page directory, */
#define PT_BASE 0x31000u   /* and the page table for the low 4 MiB */
#define CMP_HI 0x32000u    /* compared after every instruction: [0, CMP_HI) */
/* MOV CR0, EAX; INT3: how the reference flushes its TLB (difftest-ref.c) */
#define STUB_ADDR 0x0F00u

/* The GDT both machines share (difftest-gen.c has the descriptors). */
#define SEL_CODE0 0x08u    /* flat 32-bit code, DPL 0 */
#define SEL_DATA0 0x10u    /* flat data, DPL 0 */
#define SEL_CODE3 0x1Bu
#define SEL_DATA3 0x23u
#define SEL_TSS 0x28u      /* the TSS (also in TR) */
#define SEL_BASED0 0x30u   /* data based at 0x1000, DPL 0 */
#define SEL_STK16_0 0x38u  /* data based at 0x10000 with B=0: a 16-bit stack */
#define SEL_BASED3 0x43u
#define SEL_STK16_3 0x4Bu
#define SEL_CODE16_0 0x50u /* 16-bit code */
#define SEL_CODE16_3 0x5Bu
#define SEL_RODATA0 0x60u  /* read-only data */
#define SEL_EXPDOWN3 0x6Bu /* expand-down data, limit 0xFFF */
#define SEL_GATE3 0x73u    /* a call gate */
#define SEL_NOTP3 0x7Bu    /* not present */
#define SEL_CONFORM0 0x80u /* conforming code */
#define SEL_LDT 0x88u      /* an LDT descriptor */
#define SEL_SMALL3 0x93u   /* data with a byte-granular limit of 0x7FF */
extern const uint64_t gdt_table[GDT_ENTRIES];
static inline uint32_t desc_base(uint64_t d)
{
    return (uint32_t)((d >> 16) & 0xFFFFFF) | (uint32_t)((d >> 32) & 0xFF000000u);
}
static inline uint32_t sel_base(uint16_t sel) { return desc_base(gdt_table[(sel >> 3) % GDT_ENTRIES]); }
/* B bit of a data segment: a 32-bit stack */
static inline bool sel_big(uint16_t sel) { return (gdt_table[(sel >> 3) % GDT_ENTRIES] >> 54) & 1; }

/* The architectural state both machines are compared on. */
struct xstate {
    uint32_t r[8];   /* EAX..EDI */
    uint32_t eip, eflags;
    uint16_t sel[6]; /* ES CS SS DS FS GS */
    uint32_t cr0, cr2, cr3, cr4;
};

/* How the SDM leaves an instruction's flags (or destination) undefined;
 * the mask is worked out from the state before the instruction runs. */
enum frule {
    FR_NONE,
    FR_LOGIC,   /* AND OR XOR TEST: AF undefined */
    FR_SHL, FR_SHR, FR_SAR,  /* count from cnt */
    FR_ROT,     /* ROL ROR */
    FR_RCX,     /* RCL RCR */
    FR_SHXD,    /* SHLD SHRD */
    FR_MUL,     /* MUL IMUL: SF ZF AF PF */
    FR_DIV,     /* DIV IDIV: all six */
    FR_DAA,     /* DAA DAS: OF */
    FR_AAA,     /* AAA AAS: OF SF ZF PF */
    FR_AAM,     /* AAM AAD: OF AF CF */
    FR_BT,      /* BT BTS BTR BTC: OF SF AF PF */
    FR_BSF,     /* BSF BSR: CF OF SF AF PF; destination if the source is 0 */
};

/* Where a shift's count comes from. */
enum { CNT_ONE, CNT_IMM, CNT_CL };

/* One placed instruction: its bytes and what the comparison needs to know. */
struct ginsn {
    uint8_t b[16];
    uint8_t len;
    uint8_t frule;   /* enum frule */
    uint8_t size;    /* operand size in bytes (for flag rules) */
    uint8_t cnt_src; /* CNT_* for shifts */
    uint8_t cnt_imm;
    uint8_t dst_reg; /* register operand written (FR_BSF), 0xFF none */
    bool safe;       /* register-only, falls through: may run again in a loop */
    bool rep_string; /* REP string: may take several steps in the reference */
    bool fault_skip; /* if it faults, resume after it (all do today) */
    bool sdm_ud;      /* LOCK the SDM refuses: #UD, checked on isola alone */
    bool lock_neg;    /* LOCK NEG m: see DEV_LOCK_NEG */
    uint32_t mem_lin; /* its operand's linear address */
    uint8_t io;       /* IO_IMM / IO_DX: a port access (DEV_NO_IO_CHECK) */
    uint8_t io_size;
    uint8_t io_imm;
    bool int_n;       /* INT imm8 (DEV_INT6) */
    bool iret;        /* IRET, with the EFLAGS image it pops (DEV_IRET_VIF) */
    uint32_t iret_flags;
    bool smc_write;   /* writes the next instruction (DEV_SMC_RESTART) */
    uint8_t special;  /* SP_ENTER, SP_PUSHA, SP_RCX_MEM: fault fix-ups */
    uint8_t osz;      /* ENTER/PUSHA operand size */
    uint8_t enter_level;
    uint16_t enter_size;
    uint8_t str_seg;  /* string source segment (SR_*), and address size */
    bool str_a16;
    bool push_sreg32; /* PUSH Sreg, 32-bit: upper half of the slot is model-specific */
    uint16_t klass;  /* generator class, for statistics */
};

enum { IO_NONE, IO_IMM, IO_DX };
enum { SP_NONE, SP_ENTER, SP_PUSHA, SP_POPA, SP_RCX_MEM, SP_CMPS };

/* Code-area bookkeeping of the current stream. */
enum { OCC_FREE, OCC_START, OCC_BODY };
struct codemap {
    uint8_t occ[CODE_HI];
    uint16_t idx[CODE_HI];        /* at OCC_START: index into insn[] */
    uint16_t prev[CODE_HI + 16];  /* start of the instruction ending here, or 0 */
    struct ginsn insn[CODE_HI / 2];
    unsigned ninsn;
};

/* xorshift64*: small, fast and the same everywhere. */
struct rng { uint64_t s; };
static inline uint64_t rng_next(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}
static inline uint32_t rnd32(struct rng *r) { return (uint32_t)(rng_next(r) >> 32); }
/* uniform in [0, n) (n > 0) */
static inline uint32_t rnd(struct rng *r, uint32_t n) { return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32); }
static inline bool chance(struct rng *r, unsigned percent) { return rnd(r, 100) < percent; }

/* ---- the generator (difftest-gen.c) ---- */
struct gen;
struct gen *gen_new(uint64_t seed);
void gen_free(struct gen *g);
/* A fresh stream: initial state and memory contents (mem is MEM_SIZE). */
enum mode { MODE_PM32, MODE_PM16, MODE_RM, MODE_PG };
void gen_stream_start(struct gen *g, enum mode mode, unsigned cpl, struct xstate *s,
                      uint8_t *mem, struct codemap *cm);
/* Write the next group of instructions at s->eip (a free code address)
 * into mem and cm. mem is the reference's memory (read to aim operands).
 * Returns the end of what it wrote. */
uint32_t gen_group(struct gen *g, const struct xstate *s, uint8_t *mem, struct codemap *cm);
const char *gen_class_name(unsigned klass);
unsigned gen_class_count(void);
/* Undefined-flag mask of g for the state before it ran. */
uint32_t undef_flags(const struct ginsn *gi, const struct xstate *pre);

/* ---- the reference (difftest-ref.c) ---- */
struct ref;
struct ref *ref_new(bool real, uint8_t **mem);
void ref_free(struct ref *r);
/* Load state (the memory is shared through the returned pointer). */
void ref_load(struct ref *r, const struct xstate *s);
void ref_save(struct ref *r, struct xstate *s);
void ref_set_eflags(struct ref *r, uint32_t eflags);
/* The code bytes in [lo, hi) changed: drop translations. */
void ref_code_changed(struct ref *r, uint32_t lo, uint32_t hi);
/* Run one instruction. Returns -1, or the exception vector (EIP then at
 * the instruction for a fault, after it for INT n / INT3 / INTO), or
 * REF_UNMAPPED when it touched memory outside the map. smc: it writes the
 * instruction after it (DEV_SMC_RESTART). */
#define REF_UNMAPPED 1000
/* The reference crashed inside Unicorn itself (see ref_step). */
#define REF_CRASHED 1001
int ref_step(struct ref *r, bool rep_string, bool smc);

/* ---- Unicorn deviations (difftest.c): counted when applied ---- */
enum deviation {
    DEV_EIP_AFTER_FAULT,
    DEV_REP_STEPS,
    DEV_STICKY_EXCEPTION,
    DEV_SEG_CHECKS,
    DEV_TZCNT_LZCNT,
    DEV_LOCK_UD,
    DEV_LOCK_NEG,
    DEV_NO_IO_CHECK,
    DEV_INT6,
    DEV_IRET_VIF,
    DEV_NO_ACCESSED,
    DEV_SMC_RESTART,
    DEV_PREFETCH_ACCESSED,
    DEV_FETCH_FAULT_EARLY,
    DEV_ENTER_PROBE,
    DEV_PUSHA_ORDER,
    DEV_RCX_FAULT_FLAGS,
    DEV_FAULT_PARTIAL,
    DEV_FAR_KERNEL_STACK,
    DEV_INT14,
    DEV_CMPS_ORDER,
    DEV_PAUSE_TF,
    DEV_POPA_FAULT,
    DEV_COUNT
};
void dev_used(enum deviation d);

#endif
