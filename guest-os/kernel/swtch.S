/*
 * swtch.S: switch kernel stacks.
 *
 *   void swtch(struct context **save, struct context *load);
 *
 * Saves the callee-saved registers on the current stack, stores the stack
 * pointer in *save, then loads the stack pointer `load` and pops what an
 * earlier swtch (or thread creation) left there. The caller-saved
 * registers are saved by the C caller, as the i386 calling convention
 * says, so struct context holds only edi, esi, ebx, ebp and the return
 * address.
 */
.text
.globl swtch
swtch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
