/*
 * kname.h: names in the kernel-wide name spaces of isola's own objects
 * (shared memory, channels). Each kind keeps a list of its own, so a
 * shared-memory object and a channel may have the same name. A name is 1
 * to KNAME_MAX - 1 bytes, any but NUL; it is not a path and no file
 * system sees it. Whoever knows a name can open what it names: a name is
 * the one capability that is not a handle, so a program that wants
 * privacy passes handles instead (channels carry them).
 */
#ifndef KERNEL_KNAME_H
#define KERNEL_KNAME_H

#include <stdint.h>

#define KNAME_MAX 32

struct kname {
    char name[KNAME_MAX];
    struct kname *next;
};

/* Copies a user name into name[KNAME_MAX]: 0, -EFAULT, -EINVAL (empty)
 * or -ENAMETOOLONG. */
int kname_copyin(char *name, uint32_t uname);
struct kname *kname_find(struct kname *list, const char *name);
void kname_add(struct kname **list, struct kname *n, const char *name);
/* Takes n off the list; nothing happens when it is not on it. */
void kname_remove(struct kname **list, struct kname *n);

#endif
