/*
 * exec.h: loading a program into a process.
 */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include <stdint.h>

struct proc;
struct thread;
struct aspace;

/* A NULL-terminated vector of strings, in user memory (as != NULL: the
 * char *[] is at uvec in as) or in the kernel (kvec). */
struct strvec {
    struct aspace *as;
    uint32_t uvec;
    char *const *kvec;
};

/* Replaces p's program with the one at path: a new address space with
 * the ELF's segments and a stack holding argv, envp and the auxiliary
 * vector; t (p's only thread) will start at the entry point. On failure
 * p is untouched and the error is returned. */
int exec_program(struct proc *p, struct thread *t, const char *path,
                 const struct strvec *argv, const struct strvec *envp);

#endif
