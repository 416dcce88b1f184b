/* t_elf.c: execve of hostile executables. A tiny ELF32 program (exit
 * 42 through int $0x80) is written to /tmp as it should be, then with
 * one field made wrong at a time: segments over the kernel, over the
 * stack, below 64 KiB, wrapping past 4 GiB, overlapping; sizes that lie;
 * headers that point outside the file; the wrong class or machine; an
 * interpreter. Each must be refused with ENOEXEC and leave the caller as
 * it was, or (an entry point in the kernel) start and be killed at its
 * first instruction. A huge bss must not be allocated up front.
 *
 * Linux gives a 32-bit program all 4 GiB and checks other things, so
 * there only the cases both kernels agree on are checked. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <isola/elf.h>
#include "usertests.h"

#define BASE 0x08048000u
#define MAXPH 3

struct image {
    struct elf_header eh;
    struct elf_phdr ph[MAXPH];
    uint8_t code[16];
    size_t size;                       /* bytes written to the file */
};

static const uint8_t exit42[] = {
    0xB8, 1, 0, 0, 0,                  /* mov $1, %eax (exit) */
    0xBB, 42, 0, 0, 0,                 /* mov $42, %ebx */
    0xCD, 0x80,                        /* int $0x80 */
};

/* A correct program: one PT_LOAD of the whole file, read and execute. */
static void good(struct image *im)
{
    memset(im, 0, sizeof *im);
    memcpy(im->eh.ident, "\177ELF\1\1\1", 7);
    im->eh.type = 2;                   /* ET_EXEC */
    im->eh.machine = 3;                /* EM_386 */
    im->eh.version = 1;
    im->eh.phoff = offsetof(struct image, ph);
    im->eh.ehsize = sizeof im->eh;
    im->eh.phentsize = sizeof im->ph[0];
    im->eh.phnum = 1;
    im->eh.entry = BASE + offsetof(struct image, code);
    im->ph[0] = (struct elf_phdr){PT_LOAD, 0, BASE, BASE, sizeof *im, sizeof *im, 5 /* R X */, 0x1000};
    memcpy(im->code, exit42, sizeof exit42);
    im->size = sizeof *im;
}

static char path[64];

/* Writes the image and runs it in a child: its wait status, or, if the
 * exec failed, 0x10000 | errno. */
static int run(const struct image *im)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0755);
    CHECKF(fd >= 0, "open %s: %s", path, strerror(errno));
    CHECK(write(fd, im, im->size) == (ssize_t)im->size);
    CHECK(close(fd) == 0);
    pid_t pid = fork();
    CHECKF(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        char *argv[] = {(char *)path, NULL}, *envp[] = {NULL};
        execve(path, argv, envp);
        _exit(200 + errno % 50);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) >= 200)
        return 0x10000 | (WEXITSTATUS(status) - 200);
    return status;
}

static void expect_enoexec(const struct image *im, const char *what)
{
    int r = run(im);
    char buf[64];
    if (r == (0x10000 | ENOEXEC))
        return;
    if (r & 0x10000)
        fail("exec of a program with %s failed with errno %d, want ENOEXEC", what, r & 0xFFFF);
    fail("exec of a program with %s ran: %s", what, status_text(r, buf, sizeof buf));
}

/* On Linux: any refusal will do, or a death, but not running to exit 42. */
static void expect_refused(const struct image *im, const char *what)
{
    if (on_isola()) {
        expect_enoexec(im, what);
        return;
    }
    int r = run(im);
    CHECKF(!(WIFEXITED(r) && !(r & 0x10000) && WEXITSTATUS(r) == 42),
           "a program with %s ran to its end", what);
}

static void test_exec_elf(void)
{
    need_paging("these programs are linked at 0x08048000, beyond a process's region");
    struct image im;
    strcpy(path, tmp_path("elf"));
    good(&im);
    expect_exit(run(&im), 42, "the well-formed program");

    /* a bss far bigger than memory is only address space until touched */
    good(&im);
    im.ph[0].memsz = 512u << 20;
    expect_exit(run(&im), 42, "a program with a 512 MiB bss");

    good(&im);
    im.eh.machine = 40;                /* EM_ARM */
    expect_enoexec(&im, "machine ARM");
    good(&im);
    memcpy(im.eh.ident, "\177ELG", 4);
    expect_enoexec(&im, "a bad magic number");
    good(&im);
    im.eh.phnum = 0;
    expect_enoexec(&im, "no program headers");
    good(&im);
    im.eh.phnum = 0xFFFF;
    expect_refused(&im, "65535 program headers");
    good(&im);
    im.eh.phentsize = 16;
    expect_refused(&im, "a wrong program header size");
    good(&im);
    im.eh.phoff = 0x10000;
    expect_refused(&im, "program headers past the end of the file");
    good(&im);
    im.eh.phoff = 0xFFFFFFF0u;
    expect_refused(&im, "a program header offset that wraps");
    good(&im);
    im.size = 40;
    expect_refused(&im, "a file shorter than its header");

    if (!on_isola()) {
        unlink(path);
        return;
    }
    good(&im);
    im.eh.ident[4] = 2;                /* ELFCLASS64; Linux looks only at the machine */
    expect_enoexec(&im, "a 64-bit class");

    /* where segments may not go */
    static const struct {
        uint32_t vaddr, memsz;
        const char *what;
    } places[] = {
        {0xC0000000u, 0x1000, "a segment in the kernel's memory"},
        {0xC0100000u, 0x1000, "a segment over the kernel's image"},
        {0xBFFF0000u, 0x1000, "a segment over the stack"},
        {0xBF7FF000u, 0x1000, "a segment on the stack's guard page"},
        {0xBF000000u, 0x01000000u, "a segment reaching into the stack"},
        {0xFFFFF000u, 0x2000, "a segment that wraps past 4 GiB"},
        {0x00000000u, 0x1000, "a segment at address 0"},
        {0x00001000u, 0x1000, "a segment below 64 KiB"},
        {BASE, 0xF0000000u, "a 3.75 GiB segment"},
    };
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        good(&im);
        im.ph[0].vaddr = places[i].vaddr;
        im.ph[0].memsz = places[i].memsz;
        im.ph[0].filesz = places[i].memsz < im.size ? places[i].memsz : im.size;
        im.eh.entry = places[i].vaddr + offsetof(struct image, code);
        expect_enoexec(&im, places[i].what);
    }
    good(&im);
    im.ph[0].filesz = im.ph[0].memsz + 1;
    expect_enoexec(&im, "more file bytes than memory bytes in a segment");
    good(&im);
    im.ph[0].offset = 0x100000;
    expect_enoexec(&im, "a segment's bytes past the end of the file");
    good(&im);
    im.ph[0].offset = 0xFFFFF000u;
    expect_enoexec(&im, "a segment offset that wraps");
    good(&im);
    im.ph[0].offset = 1;
    expect_enoexec(&im, "a segment offset and address out of step");
    good(&im);
    im.eh.phnum = 2;
    im.ph[1] = im.ph[0];
    im.ph[1].flags = 6;                /* R W, over the same page */
    expect_enoexec(&im, "two segments on one page");
    good(&im);
    im.eh.phnum = 2;
    im.ph[1] = (struct elf_phdr){PT_INTERP, 0, 0, 0, 8, 8, 4, 1};
    expect_enoexec(&im, "an interpreter");

    /* a correct layout whose entry point is the kernel's code: the exec
     * succeeds and the first instruction fetch kills the process */
    good(&im);
    im.eh.entry = 0xC0100000u;
    expect_signal(run(&im), SIGSEGV, "a program entered at 0xc0100000");
    good(&im);
    im.eh.entry = 0;
    expect_signal(run(&im), SIGSEGV, "a program entered at 0");
    unlink(path);
}

const struct test elf_tests[] = {
    {"exec-elf", test_exec_elf},
    {NULL, NULL},
};
