/*
 * kname.c: the kernel-wide name lists (kname.h). The lists are short and
 * searched in order; nothing here sleeps, so a lookup and the change that
 * follows it are never separated by another thread.
 */
#include "kname.h"
#include "errno.h"
#include "lib.h"
#include "uaccess.h"

int kname_copyin(char *name, uint32_t uname)
{
    int n = copyinstr(name, uname, KNAME_MAX);
    if (n < 0)
        return n;
    return n == 0 ? -EINVAL : 0;
}

struct kname *kname_find(struct kname *list, const char *name)
{
    for (; list; list = list->next)
        if (strcmp(list->name, name) == 0)
            return list;
    return NULL;
}

void kname_add(struct kname **list, struct kname *n, const char *name)
{
    strlcpy(n->name, name, sizeof n->name);
    n->next = *list;
    *list = n;
}

void kname_remove(struct kname **list, struct kname *n)
{
    for (; *list; list = &(*list)->next) {
        if (*list == n) {
            *list = n->next;
            n->next = NULL;
            return;
        }
    }
}
