/* mbinfo.S: prints the Multiboot entry state and boot information, one
 * "name=value" line each, for run.sh and initrd.sh to compare. Modules
 * (flag 3) print as mod=START,END,SUM,STRING where SUM is, over the
 * module's bytes, sum = rol(sum, 5) + byte. */
#include "guest.h"
    .text
    .code32
    .globl _start
    MULTIBOOT_HEADER
_start:
    pushf                          /* EFLAGS as the loader left it */
    popl saved_eflags
    mov %eax, %edi
    mov %ebx, %ebp
    PUTS(s_eax)
    mov %edi, %eax
    call puthex
    call newline
    PUTS(s_cs)
    mov %cs, %eax
    call puthex
    call newline
    PUTS(s_eflags)
    mov saved_eflags, %eax
    call puthex
    call newline
    PUTS(s_cr0)
    mov %cr0, %eax
    and $0x80000001, %eax
    call puthex
    call newline
    PUTS(s_flags)
    mov 0(%ebp), %eax
    call puthex
    call newline
    PUTS(s_lower)
    mov 4(%ebp), %eax
    call puthex
    call newline
    PUTS(s_upper)
    mov 8(%ebp), %eax
    call puthex
    call newline
    PUTS(s_cmdline)
    mov 16(%ebp), %esi
    call puts
    call newline
    PUTS(s_loader)
    mov 64(%ebp), %esi
    call puts
    call newline
    /* the memory map: base (low half), length (low half), type */
    mov 48(%ebp), %ebx             /* mmap_addr */
    mov 44(%ebp), %edi
    add %ebx, %edi                 /* end */
1:  cmp %edi, %ebx
    jae 2f
    PUTS(s_mmap)
    mov 4(%ebx), %eax
    call puthex
    mov $',', %al
    out %al, $DEBUGCON
    mov 12(%ebx), %eax
    call puthex
    mov $',', %al
    out %al, $DEBUGCON
    mov 20(%ebx), %eax
    call puthex
    call newline
    add 0(%ebx), %ebx
    add $4, %ebx
    jmp 1b
2:  testl $8, 0(%ebp)               /* flag 3: mods_count, mods_addr */
    jz 4f
    PUTS(s_mods_count)
    mov 20(%ebp), %eax
    call puthex
    call newline
    PUTS(s_mods_addr)
    mov 24(%ebp), %eax
    call puthex
    call newline
    mov 24(%ebp), %ebx
    mov 20(%ebp), %edi
3:  test %edi, %edi
    jz 4f
    PUTS(s_mod)
    mov 0(%ebx), %eax
    call puthex
    call comma
    mov 4(%ebx), %eax
    call puthex
    call comma
    call modsum
    call puthex
    call comma
    mov 8(%ebx), %esi
    call puts
    call newline
    add $16, %ebx
    dec %edi
    jmp 3b
4:  EXIT(0)

/* EAX = the checksum of the module whose list entry EBX points to. */
modsum:
    mov 0(%ebx), %esi
    mov 4(%ebx), %ecx
    xor %eax, %eax
5:  cmp %ecx, %esi
    jae 6f
    rol $5, %eax
    movzbl (%esi), %edx
    add %edx, %eax
    inc %esi
    jmp 5b
6:  ret
comma:
    mov $',', %al
    out %al, $DEBUGCON
    ret
    GUEST_HELPERS
s_eax: .asciz "eax="
s_cs: .asciz "cs="
s_eflags: .asciz "eflags="
s_cr0: .asciz "cr0="
s_flags: .asciz "flags="
s_lower: .asciz "mem_lower="
s_upper: .asciz "mem_upper="
s_cmdline: .asciz "cmdline="
s_loader: .asciz "loader="
s_mmap: .asciz "mmap="
s_mods_count: .asciz "mods_count="
s_mods_addr: .asciz "mods_addr="
s_mod: .asciz "mod="
    .bss
saved_eflags: .long 0
