/* kbdecho.S: shows a line of text, then prints each byte the keyboard
 * controller delivers (polling ports 0x64/0x60) as 8 hex digits on the
 * debug console, and exits with value 0x21 (status 0x43) when Esc is
 * pressed (set-1 make code 0x01).
 * For window-x11.sh. */
#include "guest.h"
    .text
    .code32
    .globl _start
_start:
    jmp 1f
    MULTIBOOT_HEADER
1:
    mov $0xB8000, %edi
    mov $0x1F201F20, %eax
    mov $1000, %ecx
    rep stosl
    mov $msg, %esi
    mov $0xB8000 + 160*2 + 4, %edi
2:  lodsb
    test %al, %al
    jz 3f
    mov $0x1E, %ah
    stosw
    jmp 2b
3:
    /* box corner */
    movw $0x4EC9, 0xB8000 + 160*5 + 8
loop:
    in $0x64, %al
    test $1, %al
    jz loop
    in $0x60, %al
    movzbl %al, %eax
    mov %eax, %ebx
    call puthex
    call newline
    cmp $0x01, %bl
    jne loop
    EXIT(0x21)
    GUEST_HELPERS
msg: .asciz "Hello from the guest: press keys, Esc quits"
