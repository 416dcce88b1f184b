/*
 * fspage.h: whole pages for the file system's buffers and path names,
 * as kernel addresses. Kept apart from kalloc.h so that the host build
 * of the file system (tests/fs) can supply its own.
 */
#ifndef KERNEL_FS_FSPAGE_H
#define KERNEL_FS_FSPAGE_H

#include "../mmu.h"

/* A zeroed page (PAGE_SIZE bytes) or NULL. */
void *fs_page_alloc(void);
void fs_page_free(void *p);

#endif
