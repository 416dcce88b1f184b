/*
 * fspage.c: fspage.h over the page-frame allocator: a frame's kernel
 * address through the direct map.
 */
#include <stdint.h>
#include "fspage.h"
#include "../kalloc.h"

void *fs_page_alloc(void)
{
    uint32_t pa = page_alloc();
    return pa ? P2V(pa) : 0;
}

void fs_page_free(void *p)
{
    page_free(V2P(p));
}
