/*
 * shm.h: shared-memory objects: N pages that several address spaces map
 * at once (vm.h, VMA_SHARED), named in a kernel-wide name space
 * (kname.h) or anonymous (mmap MAP_SHARED | MAP_ANONYMOUS).
 *
 * An object is held by references: one per handle object, one per
 * mapping (region). Its frames are allocated on first touch by anyone and
 * freed with the object, when the last reference goes; its name goes
 * then too, or earlier with shmem_unlink. The rights are the handle's:
 * opened O_RDONLY, a handle can be mapped only without PROT_WRITE, and
 * the mapping can never be made writable (maxprot).
 */
#ifndef KERNEL_SHM_H
#define KERNEL_SHM_H

#include <stdbool.h>
#include <stdint.h>

#define SHM_MAX_PAGES 4096u          /* 16 MiB */

struct shm;
struct object;

/* A new anonymous object of npages pages with one reference. */
struct shm *shm_anon(uint32_t npages);
void shm_hold(struct shm *s);
void shm_drop(struct shm *s);
uint32_t shm_npages(const struct shm *s);
/* The frame holding page i, allocated (zeroed) on first use; 0 when
 * memory ran out. The object keeps its own reference to it. */
uint32_t shm_frame(struct shm *s, uint32_t i);
/* Whether page i has its frame yet (shm_frame would not allocate). */
bool shm_has_frame(struct shm *s, uint32_t i);
/* The object behind a handle's object (with a reference of the caller's
 * own), or NULL when it is something else. */
struct shm *shm_of(struct object *o);

#endif
