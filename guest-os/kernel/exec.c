/*
 * exec.c: loading a static ELF32 i386 program (ET_EXEC at its link
 * address, or ET_DYN, a static PIE, at USER_PIE_BASE) and its initial
 * stack, laid out as Linux lays it out (System V i386 ABI, "Process
 * Initialization"): argc, argv[], NULL, envp[], NULL, auxiliary vector,
 * then the strings.
 *
 * Rules kept here:
 *  - The file is untrusted: every header field is checked before it is
 *    used, in 64-bit arithmetic where a sum could wrap, and a segment must
 *    lie in user space away from the stack. Anything wrong is -ENOEXEC.
 *  - The new address space is built beside the old one; only when it is
 *    complete does the process switch to it. A failed exec returns to the
 *    old program unchanged.
 *  - Each page gets its segment's rights: text r-x, data rw-; the stack
 *    and the heap are never executable, and an unmapped guard page sits
 *    under the stack.
 */
#include "exec.h"
#include <isola/elf.h>
#include "errno.h"
#include "fs.h"
#include "gdt.h"
#include "kalloc.h"
#include "kmalloc.h"
#include "lib.h"
#include "proc.h"
#include "signal.h"
#include "tracemark.h"
#include "trap.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"

#define MAX_PHDRS 32
#define MAX_VECTOR ((PAGE_SIZE / sizeof(uint32_t)) - 4)   /* argv + envp pointers */
#define ARG_BYTES (128u * 1024)

struct image {
    struct inode *ip;
    struct elf_header eh;
    struct elf_phdr *ph;
    uint32_t bias, phdr_va, end;
};

/* ---- checking and loading the ELF file ---- */

static int read_exact(struct inode *ip, void *buf, uint64_t off, uint32_t n)
{
    return inode_read(ip, buf, off, n) == (long)n ? 0 : -ENOEXEC;
}

static int check_header(const struct elf_header *eh)
{
    if (memcmp(eh->ident, ELF_MAGIC, 4) || eh->ident[4] != ELFCLASS32 ||
        eh->ident[5] != ELFDATA2LSB || eh->machine != EM_386 ||
        (eh->type != ET_EXEC && eh->type != ET_DYN) ||
        eh->phentsize != sizeof(struct elf_phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS)
        return -ENOEXEC;
    return 0;
}

static int check_segment(const struct image *im, const struct elf_phdr *ph)
{
    uint64_t start = (uint64_t)ph->vaddr + im->bias, end = start + ph->memsz;
    if (ph->filesz > ph->memsz || ph->memsz == 0)
        return -ENOEXEC;
    if (start < user_layout.low ||
        end > user_layout.stack_top - user_layout.stack_size - user_layout.stack_gap)
        return -ENOEXEC;
    if (ph->vaddr % PAGE_SIZE != ph->offset % PAGE_SIZE)
        return -ENOEXEC;
    if ((uint64_t)ph->offset + ph->filesz > 0xFFFFFFFFull)
        return -ENOEXEC;
    return 0;
}

static unsigned segment_prot(const struct elf_phdr *ph)
{
    return ((ph->flags & PF_R) ? VM_READ : 0) | ((ph->flags & PF_W) ? VM_WRITE : 0) |
           ((ph->flags & PF_X) ? VM_EXEC : 0);
}

/* Copies the file bytes of a segment into its pages. */
static int load_segment_data(struct aspace *as, const struct image *im, const struct elf_phdr *ph)
{
    uint32_t va = ph->vaddr + im->bias, left = ph->filesz;
    uint64_t off = ph->offset;
    while (left) {
        uint32_t pa, in_page = va % PAGE_SIZE, n = MIN(left, PAGE_SIZE - in_page);
        if (as_fill(as, va, &pa) < 0 || read_exact(im->ip, (char *)P2V(pa) + in_page, off, n) < 0)
            return -ENOEXEC;
        va += n;
        off += n;
        left -= n;
    }
    return 0;
}

static int load_segment(struct aspace *as, struct image *im, const struct elf_phdr *ph)
{
    if (check_segment(im, ph) < 0)
        return -ENOEXEC;
    uint32_t start = PAGE_ROUND_DOWN(ph->vaddr + im->bias);
    uint32_t end = PAGE_ROUND_UP(ph->vaddr + im->bias + ph->memsz);
    int r = as_map(as, start, end - start, segment_prot(ph), VMA_ANON);
    if (r == -EINVAL)
        return -ENOEXEC;               /* overlaps another segment */
    if (r < 0)
        return r;
    if (ph->offset == 0 && !im->phdr_va)
        im->phdr_va = ph->vaddr + im->bias + im->eh.phoff;
    im->end = MAX(im->end, end);
    return load_segment_data(as, im, ph);
}

static int load_segments(struct aspace *as, struct image *im)
{
    for (unsigned i = 0; i < im->eh.phnum; i++) {
        const struct elf_phdr *ph = &im->ph[i];
        if (ph->type == PT_INTERP)
            return -ENOEXEC;           /* dynamically linked: no loader here */
        if (ph->type == PT_PHDR)
            im->phdr_va = ph->vaddr + im->bias;
        if (ph->type == PT_LOAD) {
            int r = load_segment(as, im, ph);
            if (r < 0)
                return r;
        }
    }
    return im->end ? 0 : -ENOEXEC;
}

static int open_image(struct image *im, const char *path)
{
    int r = fs_namei(path, &im->ip);
    if (r < 0)
        return r;
    if ((r = inode_exec_check(im->ip)) < 0)
        return r;
    if (read_exact(im->ip, &im->eh, 0, sizeof im->eh) < 0 || check_header(&im->eh) < 0)
        return -ENOEXEC;
    im->ph = kmalloc(im->eh.phnum * sizeof *im->ph);
    if (!im->ph)
        return -ENOMEM;
    if (read_exact(im->ip, im->ph, im->eh.phoff, im->eh.phnum * sizeof *im->ph) < 0)
        return -ENOEXEC;
    im->bias = im->eh.type == ET_DYN ? user_layout.pie_base : 0;
    return 0;
}

static void close_image(struct image *im)
{
    kfree(im->ph);
    if (im->ip)
        inode_put(im->ip);
}

/* ---- the initial stack ---- */

struct stack {
    struct aspace *as;
    uint32_t sp;
    uint32_t *ptrs;                    /* user addresses of argv and envp strings */
    unsigned nptrs;
    uint32_t bytes;
    char *buf;                         /* one string at a time, on its way */
};

static int push(struct stack *s, const void *data, uint32_t len)
{
    s->sp -= len;
    return as_copyout(s->as, s->sp, data, len);
}

/* String i of v into s->buf; 1 at the end of the vector. */
static int fetch_string(const struct strvec *v, unsigned i, struct stack *s)
{
    if (!v->as) {
        if (!v->kvec || !v->kvec[i])
            return 1;
        return strlcpy(s->buf, v->kvec[i], PAGE_SIZE) < PAGE_SIZE ? 0 : -E2BIG;
    }
    uint32_t p;
    if (!v->uvec)
        return 1;
    if (as_copyin(v->as, &p, v->uvec + i * sizeof p, sizeof p) < 0)
        return -EFAULT;
    if (!p)
        return 1;
    int n = as_copyinstr(v->as, s->buf, p, PAGE_SIZE);
    return n == -ENAMETOOLONG ? -E2BIG : n < 0 ? n : 0;
}

/* Pushes the strings of v; returns how many. */
static int push_strings(struct stack *s, const struct strvec *v)
{
    for (unsigned i = 0;; i++) {
        int r = fetch_string(v, i, s);
        if (r == 1)
            return (int)i;
        if (r < 0)
            return r;
        uint32_t len = (uint32_t)strlen(s->buf) + 1;
        s->bytes += len;
        if (s->nptrs >= MAX_VECTOR || s->bytes > ARG_BYTES)
            return -E2BIG;
        if (push(s, s->buf, len) < 0)
            return -EFAULT;
        s->ptrs[s->nptrs++] = s->sp;
    }
}

static int push_vectors(struct stack *s, const struct image *im, int argc, int envc,
                        uint32_t random, uint32_t execfn)
{
    uint32_t r[4];
    cpuid(1, r);
    const uint32_t aux[] = {
        AT_PHDR, im->phdr_va, AT_PHENT, sizeof(struct elf_phdr), AT_PHNUM, im->eh.phnum,
        AT_PAGESZ, PAGE_SIZE, AT_BASE, 0, AT_FLAGS, 0, AT_ENTRY, im->eh.entry + im->bias,
        AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0, AT_HWCAP, r[3], AT_CLKTCK, 100,
        AT_SECURE, 0, AT_RANDOM, random, AT_EXECFN, execfn, AT_NULL, 0,
    };
    uint32_t words = 1 + (uint32_t)argc + 1 + (uint32_t)envc + 1;
    s->sp = (s->sp - words * 4 - sizeof aux) & ~15u;
    uint32_t sp = s->sp, argc32 = (uint32_t)argc, zero = 0;
    /* strings were pushed envp first, then argv: both lists are reversed */
    int err = as_copyout(s->as, sp, &argc32, 4);
    for (int i = 0; i < argc; i++)
        err |= as_copyout(s->as, sp + 4 + 4 * (uint32_t)i, &s->ptrs[envc + i], 4);
    err |= as_copyout(s->as, sp + 4 + 4 * (uint32_t)argc, &zero, 4);
    for (int i = 0; i < envc; i++)
        err |= as_copyout(s->as, sp + 8 + 4 * (uint32_t)(argc + i), &s->ptrs[i], 4);
    err |= as_copyout(s->as, sp + 8 + 4 * (uint32_t)(argc + envc), &zero, 4);
    err |= as_copyout(s->as, sp + words * 4, aux, sizeof aux);
    return err ? -EFAULT : 0;
}

static int build_stack(struct aspace *as, const struct image *im, const char *path,
                       const struct strvec *argv, const struct strvec *envp, uint32_t *sp)
{
    const struct as_layout *l = &user_layout;
    int r = as_map(as, l->stack_top - l->stack_size, l->stack_size, VM_READ | VM_WRITE, VMA_ANON);
    if (r == 0 && l->stack_gap)
        r = as_map(as, l->stack_top - l->stack_size - l->stack_gap, l->stack_gap, 0, VMA_GUARD);
    uint32_t ptrs_page = page_alloc(), buf_page = page_alloc();
    struct stack s = {as, l->stack_top, P2V(ptrs_page), 0, 0, P2V(buf_page)};
    if (!ptrs_page || !buf_page)
        r = -ENOMEM;
    uint32_t execfn = 0, random = 0;
    int envc = 0, argc = 0;
    if (r == 0 && (r = push(&s, path, (uint32_t)strlen(path) + 1)) == 0)
        execfn = s.sp;
    if (r == 0) {
        uint64_t seed[2] = {rdtsc(), rdtsc() * 0x9E3779B97F4A7C15ull};
        r = push(&s, seed, sizeof seed);
        random = s.sp;
    }
    if (r == 0 && (envc = push_strings(&s, envp)) < 0)
        r = envc;
    if (r == 0 && (argc = push_strings(&s, argv)) < 0)
        r = argc;
    if (r == 0)
        r = push_vectors(&s, im, argc, envc, random, execfn);
    *sp = s.sp;
    if (ptrs_page)
        page_free(ptrs_page);
    if (buf_page)
        page_free(buf_page);
    return r;
}

/* ---- switching the process over ---- */

static void set_name(struct proc *p, const char *path)
{
    const char *base = path;
    for (const char *c = path; *c; c++)
        if (*c == '/' && c[1])
            base = c + 1;
    strlcpy(p->name, base, sizeof p->name);
}

static void start_registers(struct trapframe *tf, uint32_t entry, uint32_t sp)
{
    memset(tf, 0, sizeof *tf);
    tf->eip = entry;
    tf->esp = sp;
    tf->cs = user_cs();
    tf->ds = tf->es = tf->ss = user_ds();
    tf->eflags = EFL_IF | 0x2;          /* bit 1 always reads as 1 */
}

int exec_program(struct proc *p, struct thread *t, const char *path,
                 const struct strvec *argv, const struct strvec *envp)
{
    struct image im = {0};
    uint32_t sp = 0;
    struct aspace *as = NULL;
    int r = open_image(&im, path);
    if (r == 0 && !(as = as_create()))
        r = -ENOMEM;
    if (r == 0)
        r = load_segments(as, &im);
    if (r == 0)
        r = build_stack(as, &im, path, argv, envp, &sp);
    if (r < 0) {
        if (as)
            as_destroy(as);
        close_image(&im);
        return r;
    }
    as->heap_start = as->brk = im.end;
    struct aspace *old = p->as;
    p->as = as;
    if (t == current)
        as_activate(as);
    if (old)
        as_destroy(old);
    set_name(p, path);
    if (t == current)
        tracemark_process(p);   /* the running process has a new name */
    handles_close_on_exec(p);
    signal_exec(p);
    memset(t->tls, 0, sizeof t->tls);
    if (t == current)
        gdt_load_tls(t->tls);
    start_registers(t->tf, im.eh.entry + im.bias, sp);
    close_image(&im);
    return 0;
}
