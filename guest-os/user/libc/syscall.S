/* syscall.S: the int $0x80 gate (number and six arguments from the C
 * stack into eax, ebx, ecx, edx, esi, edi, ebp, keeping the callee-saved
 * registers), clone for threads, and the signal-return trampolines. */
	.text
	.globl __syscall
	.hidden __syscall
	.type __syscall, @function
__syscall:
	push %ebp
	push %edi
	push %esi
	push %ebx
	mov 20(%esp), %eax
	mov 24(%esp), %ebx
	mov 28(%esp), %ecx
	mov 32(%esp), %edx
	mov 36(%esp), %esi
	mov 40(%esp), %edi
	mov 44(%esp), %ebp
	int $0x80
	pop %ebx
	pop %esi
	pop %edi
	pop %ebp
	ret
	.size __syscall, .-__syscall

/* int __clone(fn, stack, flags, arg, ptid, tls, ctid): fn and arg are
 * stored on the child's stack first, since the child wakes with nothing
 * but that stack; it calls fn(arg) and exits the thread with its result. */
	.globl __clone
	.hidden __clone
	.type __clone, @function
__clone:
	push %ebp
	push %edi
	push %esi
	push %ebx
	mov 24(%esp), %ecx          /* child stack */
	and $-16, %ecx
	sub $8, %ecx
	mov 32(%esp), %eax          /* arg */
	mov %eax, 4(%ecx)
	mov 20(%esp), %eax          /* fn */
	mov %eax, (%ecx)
	mov 28(%esp), %ebx          /* flags */
	mov 36(%esp), %edx          /* parent tid */
	mov 40(%esp), %esi          /* tls */
	mov 44(%esp), %edi          /* child tid */
	mov $120, %eax
	int $0x80
	test %eax, %eax
	jz 1f
	pop %ebx
	pop %esi
	pop %edi
	pop %ebp
	ret
1:	xor %ebp, %ebp              /* child: end of the frame chain */
	pop %eax                    /* fn; arg is now at (%esp) */
	call *%eax
	mov %eax, %ebx
	mov $1, %eax                /* exit: this thread only */
	int $0x80
	hlt
	.size __clone, .-__clone

/* Signal returns. For a handler without SA_SIGINFO Linux builds the old
 * frame (sigreturn, after popping the signal number); with it, the rt
 * frame (rt_sigreturn). */
	.globl __restore
	.hidden __restore
	.type __restore, @function
__restore:
	pop %eax
	mov $119, %eax
	int $0x80
	.size __restore, .-__restore

	.globl __restore_rt
	.hidden __restore_rt
	.type __restore_rt, @function
__restore_rt:
	mov $173, %eax
	int $0x80
	.size __restore_rt, .-__restore_rt

	.section .note.GNU-stack,"",@progbits
