/*
 * rt.h: the runtime of the directed guest tests.
 *
 * Rules kept here:
 *  - A test is a Multiboot kernel with one entry point, test_main(). The
 *    runtime has already loaded its own GDT, TSS and IDT when it runs, in
 *    ring 0 with flat segments, interrupts off and the PIC masked.
 *  - Output goes to the debug console (port 0xE9) as TAP-like lines
 *    ("ok 3 - ...", "not ok 4 - ..."), then "PASS" or "FAIL"; the exit
 *    port (0xF4) ends the machine with status (v << 1) | 1; under Bochs,
 *    which has no such port, "Shutdown" written to port 0x8900 ends it.
 *  - Every exception and interrupt is recorded in `trap` before anything
 *    else happens. Then a hook installed for that vector may resume the
 *    interrupted code (IRET); otherwise a TRY region in progress is left
 *    (a longjmp to it); otherwise the test fails.
 *  - Expected values come from the Intel SDM, never from the emulator.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#define XSTR_(x) #x
#define XSTR(x) XSTR_(x)

/* GDT layout (selectors carry their RPL). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23
#define SEL_TSS 0x28
#define SEL_CALLGATE 0x33     /* DPL 3 call gate to callgate_entry, 2 dwords */
#define GDT_FIRST_FREE 7      /* slots 7 .. GDT_SLOTS-1 are the tests' own */
#define GDT_SLOTS 16
#define SEL(slot, rpl) (((slot) << 3) | (rpl))

/* Descriptor access byte (SDM vol. 3, 3.4.5) */
#define D_P 0x80
#define D_DPL(n) ((n) << 5)
#define D_S 0x10
#define D_DATA_RO 0x0
#define D_DATA_RW 0x2
#define D_DATA_RO_ED 0x4
#define D_DATA_RW_ED 0x6
#define D_CODE_XO 0x8
#define D_CODE_RX 0xA
#define D_CODE_XO_CONF 0xC
#define D_CODE_RX_CONF 0xE
#define D_ACCESSED 0x1
#define D_TSS32 0x9
#define D_TSS32_BUSY 0xB
#define D_CALLGATE32 0xC
#define D_INTGATE32 0xE
#define D_TRAPGATE32 0xF
/* Descriptor flags nibble */
#define D_G 0x8
#define D_DB 0x4

/* Vectors with a fixed role in the runtime */
#define VEC_DONE 0x30    /* DPL 3 interrupt gate: ring 3 code has finished */
#define NOERR 0xFFFFFFFFu

#define EXIT_PASS 0x10   /* isola/QEMU exit status 33 */
#define EXIT_FAIL 0x11   /* exit status 35 */

/* EFLAGS */
#define EFL_CF 0x1u
#define EFL_RSVD1 0x2u
#define EFL_ZF 0x40u
#define EFL_TF 0x100u
#define EFL_IF 0x200u
#define EFL_DF 0x400u
#define EFL_OF 0x800u
#define EFL_IOPL3 0x3000u
#define EFL_NT 0x4000u
#define EFL_RF 0x10000u

#define CR0_PE 0x1u
#define CR0_WP 0x10000u
#define CR0_PG 0x80000000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u
#define CR4_PGE 0x80u
#define CR4_UMIP 0x800u
#define MSR_EFER 0xC0000080u
#define EFER_NXE 0x800u

/* Page-table entry bits (SDM vol. 3, 4.3 and 4.4) */
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PS 0x80ull
#define PTE_G 0x100ull
#define PTE_XD (1ull << 63)
/* #PF error code (SDM vol. 3, 4.7) */
#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_RSVD 0x8u
#define PF_I 0x10u

#ifndef __ASSEMBLER__
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* What the trap entry pushed, from the lowest address up. */
struct trapframe {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
    uint32_t hflags;  /* EFLAGS inside the handler */
    uint32_t vec;     /* pushed by the vector's stub */
    uint32_t hw[6];   /* what the CPU pushed: [err,] eip, cs, eflags [, esp, ss] */
};

/* The last exception or interrupt, as the CPU delivered it. */
struct trap {
    uint32_t count;
    uint32_t vec, err;        /* err is NOERR for a vector without one */
    uint32_t eip, cs, eflags; /* the pushed return frame */
    uint32_t esp, ss;         /* pushed ones after a privilege change, else the live ones */
    uint32_t cr2;
    uint32_t frame;           /* ESP when the CPU had pushed its frame */
    uint32_t hflags;          /* EFLAGS in the handler */
    uint32_t words[6];        /* the frame from `frame` up */
};
extern volatile struct trap trap;

/* A hook returns nonzero to resume the interrupted code with IRET (it may
 * edit the frame first), zero to go on as if it were not installed. */
typedef int (*trap_hook)(struct trapframe *f);
void set_trap_hook(unsigned vec, trap_hook h);

/* ---- TRY regions ---- */
struct rt_jmp {
    uint32_t ebx, esi, edi, ebp, esp, eip, eflags;
};
int rt_setjmp(struct rt_jmp *j) __attribute__((returns_twice));
void rt_longjmp(struct rt_jmp *j, int v) __attribute__((noreturn));
extern struct rt_jmp rt_catch;
extern volatile int rt_armed;
extern volatile uint32_t rt_at, rt_next;  /* the instruction under test, the one after */
extern volatile uint32_t rt_try_esp;      /* ESP just before the setup code ran */
extern volatile uint32_t rt_user_esp, rt_user_ss, rt_user_eflags;

/*
 * TRY(setup, insn, inputs...): run `setup` then `insn` in ring 0 and
 * return -1 if they completed, or the vector that interrupted them. The
 * code is GNU as text inside extended asm (write %%eax); inputs use
 * register constraints only. All general and segment registers are
 * restored afterwards (SS to SEL_KDATA: change SS only to a segment with
 * base 0). rt_at/rt_next hold the address of `insn` and of
 * the instruction after it.
 */
#define TRY(setup, insn, ...) ({                                        \
    int v_;                                                             \
    if (rt_setjmp(&rt_catch) == 0) {                                    \
        rt_armed = 1;                                                   \
        __asm__ volatile(                                               \
            "pushal\n\tpushl %%ds\n\tpushl %%es\n\t"                    \
            "pushl %%fs\n\tpushl %%gs\n\t"                              \
            "movl $9991f, rt_at\n\tmovl $9992f, rt_next\n\t"            \
            "movl %%esp, rt_try_esp\n\t"                                \
            setup "\n9991:\t" insn "\n9992:\n\t"                        \
            "pushl $" XSTR(SEL_KDATA) "\n\tpopl %%ss\n\t"               \
            "popl %%gs\n\tpopl %%fs\n\tpopl %%es\n\tpopl %%ds\n\t"      \
            "popal"                                                     \
            : : __VA_ARGS__ : "memory", "cc");                          \
        rt_armed = 0;                                                   \
        v_ = -1;                                                        \
    } else {                                                            \
        v_ = (int)trap.vec;                                             \
    }                                                                   \
    v_;                                                                 \
})

/*
 * TRY_USER(setup, insn, inputs...): the same in ring 3: IRET to
 * SEL_UCODE with SS:ESP = rt_user_ss:rt_user_esp, EFLAGS = rt_user_eflags
 * and DS = ES = SEL_UDATA (FS, GS null); registers keep their input
 * values. Ring 3 comes back with INT VEC_DONE.
 */
#define TRY_USER(setup, insn, ...) ({                                   \
    int v_;                                                             \
    if (rt_setjmp(&rt_catch) == 0) {                                    \
        rt_armed = 1;                                                   \
        __asm__ volatile(                                               \
            "movl $9991f, rt_at\n\tmovl $9992f, rt_next\n\t"            \
            "pushl rt_user_ss\n\tpushl rt_user_esp\n\t"                 \
            "pushl rt_user_eflags\n\tpushl $" XSTR(SEL_UCODE) "\n\t"    \
            "pushl $9990f\n\t"                                          \
            "pushl $" XSTR(SEL_UDATA) "\n\tpopl %%ds\n\t"               \
            "pushl $" XSTR(SEL_UDATA) "\n\tpopl %%es\n\t"               \
            "pushl $0\n\tpopl %%fs\n\tpushl $0\n\tpopl %%gs\n\t"        \
            "iret\n9990:\n\t"                                           \
            setup "\n9991:\t" insn "\n9992:\n\t"                        \
            "int $" XSTR(VEC_DONE)                                      \
            : : __VA_ARGS__ : "memory", "cc");                          \
        __builtin_unreachable();                                        \
    } else {                                                            \
        v_ = trap.vec == VEC_DONE ? -1 : (int)trap.vec;                 \
    }                                                                   \
    v_;                                                                 \
})

/* Run fn() in ring 3 (it may use the runtime's data: everything is flat);
 * returns -1 or the vector that stopped it, as TRY_USER. */
int run_user(void (*fn)(void));

/* ---- descriptors ---- */
void gdt_set(unsigned slot, uint32_t base, uint32_t limit20, unsigned access, unsigned flags);
uint64_t gdt_get(unsigned slot);
void gdt_put(unsigned slot, uint64_t d);
void idt_set_gate(unsigned vec, unsigned type, unsigned dpl);  /* to the vector's stub */
void idt_set_raw(unsigned vec, uint64_t d);
uint64_t idt_get(unsigned vec);
void idt_reload(uint16_t limit);  /* LIDT with the runtime's IDT and this limit */
extern uint64_t gdt[GDT_SLOTS];
extern uint64_t idt[256];

struct tss {
    uint16_t link, r0;
    uint32_t esp0;
    uint16_t ss0, r1;
    uint32_t esp1;
    uint16_t ss1, r2;
    uint32_t esp2;
    uint16_t ss2, r3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
    uint16_t trap, iomap_base;
    /* one bit per port, and the 0xFF byte after it that the CPU may read
     * when it checks the last ports (SDM vol. 1, 19.5.2) */
    uint8_t iomap[8192 + 1];
} __attribute__((packed));
extern struct tss tss;
#define TSS_IOMAP_OFFSET 104
void io_allow(unsigned port, int allow);  /* clear or set the port's bitmap bit */
void tss_reload(uint32_t limit);          /* rewrite the TSS descriptor's limit and LTR */

/* the call gate's handler records what it found on its stack */
extern volatile uint32_t cg_esp, cg_words[6];

/* ---- output and verdicts ---- */
void putch(int ch);
void puts_raw(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int check(uint32_t got, uint32_t want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void done(void) __attribute__((noreturn));
void guest_exit(unsigned v) __attribute__((noreturn));
extern int tests_failed;

/* ---- checks of a recorded trap ---- */
/* ok iff the last TRY stopped with vector vec and error code err (NOERR:
 * none pushed) at EIP eip. */
int expect_trap(int got, unsigned vec, uint32_t err, uint32_t eip, const char *what);
int expect_none(int got, const char *what);

/* ---- the test's entry ---- */
void test_main(void);
extern uint32_t mb_mem_upper_kb;
extern const char *mb_cmdline;  /* the Multiboot command line, or "" */

/* ---- memory ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* ---- paging (paging.c) ---- */
enum pg_mode { PG_2LEVEL, PG_PAE };
void pg_setup(enum pg_mode m);       /* identity-map 0-16 MiB, user, writable */
void pg_setup_flags(enum pg_mode m, uint64_t identity_flags);
void pg_map(uint32_t lin, uint64_t phys, uint64_t flags);        /* a 4 KiB page */
void pg_map_large(uint32_t lin, uint64_t phys, uint64_t flags);  /* 4 MiB or 2 MiB */
uint64_t pg_get(uint32_t lin, int level);  /* 0: the leaf entry, 1: the PDE above a PTE */
void pg_set(uint32_t lin, int level, uint64_t v);
void pg_on(void);
void pg_off(void);
uint32_t pg_cr3(void);
extern enum pg_mode pg_mode;
#define PAGE_FRAMES 8
extern uint8_t page_frames[PAGE_FRAMES][4096];  /* physical pages for tests */

/* ---- CPU helpers ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("movl %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("movl %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; __asm__ volatile("movl %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("movl %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr2(uint32_t v) { __asm__ volatile("movl %0, %%cr2" : : "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(uint32_t lin) { __asm__ volatile("invlpg (%0)" : : "r"(lin) : "memory"); }
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint32_t read_eflags(void) { uint32_t v; __asm__ volatile("pushfl; popl %0" : "=r"(v)); return v; }
static inline void write_eflags(uint32_t v) { __asm__ volatile("pushl %0; popfl" : : "r"(v) : "memory", "cc"); }
static inline uint32_t peek32(uint32_t lin) { return *(volatile uint32_t *)lin; }
static inline void poke32(uint32_t lin, uint32_t v) { *(volatile uint32_t *)lin = v; }

/* CPUID feature tests */
int cpu_has_pse(void);
int cpu_has_pae(void);
int cpu_has_pge(void);
int cpu_has_nx(void);
int cpu_has_umip(void);

#endif /* __ASSEMBLER__ */
#endif
