/*
 * hello.S: the Quick-start demo guest. A Multiboot kernel that prints a
 * greeting, the CPU vendor string, the first ten Fibonacci numbers and
 * what the boot loader told it, on the debug console (port 0xE9), then
 * ends the run through the exit port (0xF4) with value 0, so isola exits
 * with status (0 << 1) | 1 = 1.
 *
 * Rules kept here: 32-bit code only, no memory but its own image and
 * stack, and the boot information read only where its flags say it is
 * valid (Multiboot spec 3.3).
 */
#define MB_HEADER_MAGIC 0x1BADB002
#define MB_HEADER_FLAGS 0x00000002      /* want mem_lower/mem_upper */
#define MB_BOOT_MAGIC 0x2BADB002
#define MBI_MEMORY (1 << 0)
#define MBI_CMDLINE (1 << 2)
#define DEBUGCON 0xE9
#define EXIT_PORT 0xF4

    .text
    .code32
    .globl _start

    .align 4
multiboot_header:
    .long MB_HEADER_MAGIC
    .long MB_HEADER_FLAGS
    .long -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

_start:
    mov $stack_top, %esp
    mov %ebx, %ebp                  /* multiboot_info, if EAX says so */
    cmp $MB_BOOT_MAGIC, %eax
    je 1f
    xor %ebp, %ebp
1:
    mov $msg_hello, %esi
    call puts

    /* CPUID leaf 0: the vendor string is EBX, EDX, ECX */
    mov $msg_vendor, %esi
    call puts
    xor %eax, %eax
    cpuid
    mov %ebx, vendor
    mov %edx, vendor + 4
    mov %ecx, vendor + 8
    mov $vendor, %esi
    call puts
    call newline

    /* the first ten Fibonacci numbers */
    mov $msg_fib, %esi
    call puts
    xor %ebx, %ebx                  /* F(n) */
    mov $1, %edi                    /* F(n+1) */
    mov $10, %ecx
2:  mov $' ', %al
    call putc
    mov %ebx, %eax
    call putdec
    lea (%ebx, %edi), %eax
    mov %edi, %ebx
    mov %eax, %edi
    loop 2b
    call newline

    test %ebp, %ebp
    jz done
    testl $MBI_MEMORY, 0(%ebp)
    jz 3f
    mov $msg_mem, %esi
    call puts
    mov 8(%ebp), %eax               /* mem_upper: KiB above 1 MiB */
    shr $10, %eax
    inc %eax
    call putdec
    mov $msg_mib, %esi
    call puts
3:  testl $MBI_CMDLINE, 0(%ebp)
    jz done
    mov $msg_cmdline, %esi
    call puts
    mov 16(%ebp), %esi
    call puts
    call newline

done:
    mov $0, %al
    out %al, $EXIT_PORT
4:  cli                             /* not reached: isola has exited */
    hlt
    jmp 4b

/* putc: print AL */
putc:
    out %al, $DEBUGCON
    ret

newline:
    mov $'\n', %al
    jmp putc

/* puts: print the NUL-terminated string at ESI */
puts:
    push %eax
5:  lodsb
    test %al, %al
    jz 6f
    call putc
    jmp 5b
6:  pop %eax
    ret

/* putdec: print EAX in decimal */
putdec:
    push %ebx
    push %ecx
    push %edx
    mov $10, %ebx
    xor %ecx, %ecx
7:  xor %edx, %edx
    div %ebx
    push %edx
    inc %ecx
    test %eax, %eax
    jnz 7b
8:  pop %eax
    add $'0', %al
    call putc
    loop 8b
    pop %edx
    pop %ecx
    pop %ebx
    ret

msg_hello:   .asciz "Hello from isola\n"
msg_vendor:  .asciz "CPU vendor: "
msg_fib:     .asciz "Fibonacci:"
msg_mem:     .asciz "Memory: "
msg_mib:     .asciz " MiB\n"
msg_cmdline: .asciz "Command line: "

    .bss
    .align 16
vendor:
    .space 16                       /* 12 characters and a NUL */
stack:
    .space 4096
stack_top:
