/*
 * ring.c: interrupt delivery across privilege levels (the TSS stack
 * switch), interrupt versus trap gates, IRET back to ring 3, and a far
 * CALL through a call gate with parameter copying.
 *
 * Rules kept here:
 *  - A switch from ring 3 to ring 0 loads SS:ESP from TSS.SS0:ESP0 and
 *    pushes SS, ESP, EFLAGS, CS, EIP and any error code there, in that
 *    order (SDM vol. 3, 6.12.1, figure 6-4); every word is checked.
 *  - Ring 3 runs with IF=1 here: the PIC is masked, so nothing arrives.
 */
#include "rt.h"

#define VEC_INTGATE 0x31   /* DPL 3 interrupt gate */
#define VEC_TRAPGATE 0x32  /* DPL 3 trap gate, resumed by a hook */
#define VEC_RING0 0x33     /* DPL 0 interrupt gate for INT from ring 0 */
#define USER_EFLAGS (EFL_RSVD1 | EFL_IF)

volatile uint32_t r3_before, r3_after, r3_eflags, r3_ret;
volatile uint16_t r3_cs, r3_ss, r3_ds;
static volatile uint32_t hook_ss, hook_esp;

static int resume(struct trapframe *f)
{
    uint16_t ss;
    __asm__ volatile("movw %%ss, %0" : "=r"(ss));
    hook_ss = ss;
    hook_esp = (uint32_t)f->hw;
    return 1;
}

static int note_stack(struct trapframe *f)
{
    resume(f);
    return 0;
}

static void check_frame(const char *what, uint32_t eip, uint32_t eflags, int with_err)
{
    uint32_t base = tss.esp0 - (with_err ? 24 : 20);
    check(trap.frame, base, "%s: frame at TSS.ESP0 - %d", what, with_err ? 24 : 20);
    const volatile uint32_t *w = trap.words + (with_err ? 1 : 0);
    check(w[0], eip, "%s: pushed EIP", what);
    check(w[1], SEL_UCODE, "%s: pushed CS", what);
    check(w[2] & ~EFL_RF, eflags, "%s: pushed EFLAGS", what);
    check(w[3], rt_user_esp, "%s: pushed ESP", what);
    check(w[4], SEL_UDATA, "%s: pushed SS", what);
}

static void int_from_ring3(void)
{
    int v;
    rt_user_eflags = USER_EFLAGS;
    set_trap_hook(VEC_INTGATE, note_stack);
    v = TRY_USER("", "int $" XSTR(VEC_INTGATE));
    set_trap_hook(VEC_INTGATE, 0);
    expect_trap(v, VEC_INTGATE, NOERR, rt_next, "INT to a DPL 3 interrupt gate from ring 3");
    check_frame("INT", rt_next, USER_EFLAGS, 0);
    check(hook_ss, SEL_KDATA, "the handler runs on SS = TSS.SS0");
    check(hook_esp, tss.esp0 - 20, "the handler's ESP is TSS.ESP0 minus the frame");
    ok(!(trap.hflags & EFL_IF), "an interrupt gate clears IF (handler EFLAGS %x)", trap.hflags);
    ok(!(trap.eflags & EFL_RF), "INT n pushes RF = 0");

    v = TRY_USER("", "int $" XSTR(VEC_TRAPGATE));
    expect_trap(v, VEC_TRAPGATE, NOERR, rt_next, "INT to a DPL 3 trap gate from ring 3");
    ok(trap.hflags & EFL_IF, "a trap gate leaves IF set (handler EFLAGS %x)", trap.hflags);

    rt_user_eflags = USER_EFLAGS | EFL_NT;
    v = TRY_USER("", "int $" XSTR(VEC_INTGATE));
    ok(v == VEC_INTGATE && !(trap.hflags & EFL_NT) && (trap.eflags & EFL_NT),
       "delivery clears NT in the handler and pushes it set (SDM vol. 3, 6.12.1.3)");
    rt_user_eflags = USER_EFLAGS;

    v = TRY_USER("", "cli");
    expect_trap(v, 13, 0, rt_at, "#GP(0) from ring 3 (CLI with IOPL 0)");
    check(trap.words[0], 0, "#GP: error code pushed first");
    check_frame("#GP", rt_at, USER_EFLAGS, 1);
    ok(trap.eflags & EFL_RF, "a fault pushes RF = 1 (SDM vol. 3, 17.3.1.1)");
}

static void iret_to_ring3(void)
{
    int v;
    rt_user_eflags = USER_EFLAGS;
    set_trap_hook(VEC_TRAPGATE, resume);
    v = TRY_USER("movl %%esp, %%esi\n\tmovl $0x600dcafe, %%eax",
                 "int $" XSTR(VEC_TRAPGATE) "\n\t"
                 "movl %%esp, r3_after\n\tmovl %%esi, r3_before\n\t"
                 "movw %%ss, r3_ss\n\tmovw %%cs, r3_cs\n\t"
                 "pushfl\n\tpopl r3_eflags\n\t"
                 "movl %%eax, r3_ret");
    set_trap_hook(VEC_TRAPGATE, 0);
    expect_none(v, "INT from ring 3 to a handler that IRETs back");
    check(hook_esp, tss.esp0 - 20, "the handler ran on the ring-0 stack");
    check(r3_after, r3_before, "IRET restored ESP");
    check(r3_ss, SEL_UDATA, "IRET restored SS");
    check(r3_cs, SEL_UCODE, "IRET restored CS");
    check(r3_eflags & ~EFL_RF, USER_EFLAGS, "IRET restored EFLAGS (IF=1)");
    check(r3_ret, 0x600dcafe, "registers survived the round trip");

    /* IRET to ring 3 nulls a data segment register whose DPL is below the
     * new CPL (SDM vol. 2, IRET: RETURN-TO-OUTER-PRIVILEGE-LEVEL) */
    v = TRY("pushl $" XSTR(SEL_UDATA) "\n\tpushl rt_user_esp\n\tpushl $2\n\t"
            "pushl $" XSTR(SEL_UCODE) "\n\tpushl $9995f\n\t"
            "movw $" XSTR(SEL_KDATA) ", %%ax\n\tmovw %%ax, %%ds\n\tmovw %%ax, %%fs\n\t"
            "movw $" XSTR(SEL_UDATA) ", %%ax\n\tmovw %%ax, %%es",
            "iret\n9995:\n\t"
            "movw %%ds, %%ss:r3_ds\n\tmovw %%es, %%ss:r3_ss\n\t"
            "int $" XSTR(VEC_DONE));
    ok(v == VEC_DONE, "IRET to ring 3 by hand");
    check(r3_ds, 0, "IRET to ring 3 nulled DS holding a DPL 0 segment");
    check(r3_ss, SEL_UDATA, "IRET to ring 3 kept ES holding a DPL 3 segment");
}

static void int_from_ring0(void)
{
    int v = TRY("", "int $" XSTR(VEC_RING0));
    expect_trap(v, VEC_RING0, NOERR, rt_next, "INT from ring 0: no stack switch");
    check(trap.frame, rt_try_esp - 12, "ring 0 INT: EIP, CS, EFLAGS pushed on the current stack");
    check(trap.words[1], SEL_KCODE, "ring 0 INT: pushed CS");
    v = TRY("movw $0x7ff8, %%ax", "movw %%ax, %%ds");
    expect_trap(v, 13, 0x7ff8, rt_at, "#GP in ring 0");
    check(trap.frame, rt_try_esp - 16, "ring 0 #GP: error code, EIP, CS, EFLAGS on the current stack");
}

static void popf_in_ring3(void)
{
    rt_user_eflags = EFL_RSVD1;
    int v = TRY_USER("", "pushl $0x3202\n\tpopfl\n\tpushfl\n\tpopl r3_eflags");
    expect_none(v, "POPF in ring 3 with IOPL 0 does not fault");
    check(r3_eflags & (EFL_IF | EFL_IOPL3), 0, "... and changes neither IF nor IOPL");
    rt_user_eflags = EFL_RSVD1 | EFL_IOPL3;
    v = TRY_USER("", "pushl $0x0202\n\tpopfl\n\tpushfl\n\tpopl r3_eflags");
    expect_none(v, "POPF in ring 3 with IOPL 3 does not fault");
    check(r3_eflags & (EFL_IF | EFL_IOPL3), EFL_IF | EFL_IOPL3, "... changes IF but not IOPL");
    rt_user_eflags = EFL_RSVD1;
}

/* IRET at CPL 3 to CPL 3 loads neither VM nor IOPL, and IF only when
 * CPL <= IOPL (SDM vol. 2, IRET operation) */
static void iret_in_ring3(void)
{
    rt_user_eflags = EFL_RSVD1;
    int v = TRY_USER("", "pushl $0x23202\n\tpushl $" XSTR(SEL_UCODE) "\n\tpushl $9997f\n\t"
                     "iret\n9997:\n\tpushfl\n\tpopl r3_eflags\n\tmovw %%cs, r3_cs");
    expect_none(v, "IRET in ring 3 with VM, IOPL 3 and IF in the popped EFLAGS");
    check(r3_cs, SEL_UCODE, "... stays in protected mode ring 3 (CS)");
    check(r3_eflags & (EFL_IF | EFL_IOPL3), 0, "... and changes neither IOPL nor IF (IOPL 0)");
}

/* TF: a single-step #DB after the instruction following the one that set
 * TF, with DR6.BS set (SDM vol. 3, 17.3.1.4) */
static void single_step(void)
{
    uint32_t dr6;
    __asm__ volatile("movl %0, %%db6" : : "r"(0));
    int v = TRY("pushfl\n\torl $0x100, (%%esp)\n\tpopfl", "nop");
    __asm__ volatile("movl %%db6, %0" : "=r"(dr6));
    expect_trap(v, 1, NOERR, rt_next, "TF in ring 0: #DB after the instruction following POPF");
    ok(dr6 & 0x4000, "... with DR6.BS set (DR6 %x)", dr6);
    ok(!(trap.hflags & EFL_TF), "... and TF clear in the handler");
    ok(trap.eflags & EFL_TF, "... and TF set in the pushed EFLAGS");
    rt_user_eflags = EFL_RSVD1 | EFL_TF;
    v = TRY_USER("", "nop");
    rt_user_eflags = EFL_RSVD1;
    expect_trap(v, 1, NOERR, rt_next, "TF set by IRET to ring 3: #DB after the first instruction");
}

static void call_gate(void)
{
    rt_user_eflags = EFL_RSVD1;
    int v = TRY_USER("movl %%esp, %%esi\n\tmovl $9996f, r3_ret\n\t"
                     "pushl $0x11111111\n\tpushl $0x22222222",
                     "lcall $" XSTR(SEL_CALLGATE) ", $0\n9996:\n\t"
                     "movl %%esp, r3_after\n\tmovl %%esi, r3_before\n\t"
                     "movw %%ss, r3_ss\n\tmovw %%cs, r3_cs");
    expect_none(v, "far CALL through a DPL 3 call gate from ring 3, and RETF 8 back");
    check(cg_esp, tss.esp0 - 24, "the gate's handler runs on TSS.ESP0 with 6 words pushed");
    check(cg_words[0], r3_ret, "pushed EIP: after the CALL");
    check(cg_words[1], SEL_UCODE, "pushed CS: the caller's");
    check(cg_words[2], 0x22222222, "first parameter copied");
    check(cg_words[3], 0x11111111, "second parameter copied");
    check(cg_words[4], r3_before - 8, "pushed ESP: the caller's, below its parameters");
    check(cg_words[5], SEL_UDATA, "pushed SS: the caller's");
    check(r3_after, r3_before, "RETF 8 released the parameters on the caller's stack");
    check(r3_cs, SEL_UCODE, "back in ring 3 (CS)");
    check(r3_ss, SEL_UDATA, "back in ring 3 (SS)");
}

void test_main(void)
{
    idt_set_gate(VEC_INTGATE, D_INTGATE32, 3);
    idt_set_gate(VEC_TRAPGATE, D_TRAPGATE32, 3);
    idt_set_gate(VEC_RING0, D_INTGATE32, 0);
    int_from_ring3();
    iret_to_ring3();
    int_from_ring0();
    popf_in_ring3();
    call_gate();
    iret_in_ring3();
    single_step();
}
