/* crt0.S: the program entry. The kernel leaves argc, argv, envp and the
 * auxiliary vector on the stack; hand that stack to __libc_start with the
 * 16-byte alignment gcc expects, and clear ebp to end backtraces. */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	mov %esp, %eax
	and $-16, %esp
	sub $12, %esp
	push %eax
	call __libc_start
	hlt
	.size _start, .-_start

	.section .note.GNU-stack,"",@progbits
