/* start.c: from the kernel's stack to main. A static-PIE program is
 * loaded anywhere, so before any C code reads a pointer stored in memory
 * relocate() adds the load address to every R_386_RELATIVE slot (the
 * only kind the linker leaves in a static PIE). relocate() therefore
 * reaches memory only through hidden symbols (PC-relative) and locals.
 * Then the RELRO range becomes read-only, TLS is set up for errno, and
 * main runs; its return value goes to exit(). */
#include <stdlib.h>
#include <sys/mman.h>
#include "libc.h"

typedef struct { int32_t d_tag; uint32_t d_val; } Elf32_Dyn;
typedef struct { uint32_t r_offset, r_info; } Elf32_Rel;
typedef struct {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
} Elf32_Phdr;

#define DT_NULL 0
#define DT_REL 17
#define DT_RELSZ 18
#define DT_RELENT 19
#define R_386_NONE 0
#define R_386_RELATIVE 8
#define PT_GNU_RELRO 0x6474e552
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHNUM 5
#define AT_PAGESZ 6

extern const char __ehdr_start[] HIDDEN;   /* the ELF header: the load address */
extern Elf32_Dyn _DYNAMIC[] HIDDEN;

int main(int argc, char **argv, char **envp);
HIDDEN void __libc_start(long *sp);

char **environ;
size_t __page_size = 4096;

/* Programs are linked at 0, so the load address is the offset. A bad
 * relocation type means a wrongly linked program: stop at once, since
 * nothing (not even errno) can be trusted yet. */
static void relocate(void)
{
    uint32_t base = (uint32_t)__ehdr_start;
    uint32_t rel = 0, relsz = 0;
    for (Elf32_Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
        if (d->d_tag == DT_REL)
            rel = d->d_val;
        else if (d->d_tag == DT_RELSZ)
            relsz = d->d_val;
    }
    for (uint32_t off = 0; off < relsz; off += sizeof(Elf32_Rel)) {
        Elf32_Rel *r = (Elf32_Rel *)(base + rel + off);
        unsigned type = r->r_info & 0xff;
        if (type == R_386_RELATIVE)
            *(uint32_t *)(base + r->r_offset) += base;
        else if (type != R_386_NONE)
            __syscall(SYS_exit_group, 127, 0, 0, 0, 0, 0);
    }
}

static void protect_relro(uint32_t *auxv)
{
    Elf32_Phdr *ph = 0;
    unsigned phnum = 0;
    for (; auxv[0] != AT_NULL; auxv += 2) {
        if (auxv[0] == AT_PHDR)
            ph = (Elf32_Phdr *)auxv[1];
        else if (auxv[0] == AT_PHNUM)
            phnum = auxv[1];
        else if (auxv[0] == AT_PAGESZ && auxv[1])
            __page_size = auxv[1];
    }
    if (!ph)
        return;
    uint32_t base = (uint32_t)__ehdr_start;
    for (unsigned i = 0; i < phnum; i++) {
        if (ph[i].p_type != PT_GNU_RELRO)
            continue;
        uint32_t start = (base + ph[i].p_vaddr) & -__page_size;
        uint32_t end = (base + ph[i].p_vaddr + ph[i].p_memsz) & -__page_size;
        if (end > start)
            mprotect((void *)start, end - start, PROT_READ);
    }
}

void __libc_start(long *sp)
{
    relocate();
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    char **p = envp;
    while (*p)
        p++;
    protect_relro((uint32_t *)(p + 1));
    environ = envp;
    __tls_init();
    __stdio_init();
    exit(main(argc, argv, envp));
}
