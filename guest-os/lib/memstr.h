/*
 * memstr.h: the memory and string functions the kernel and the C library
 * share (memstr.c, built once for each). gcc may emit calls to memcpy,
 * memset and memmove by itself, so they keep their standard names.
 */
#ifndef GUEST_MEMSTR_H
#define GUEST_MEMSTR_H

#include <stddef.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates; returns strlen(s). */
size_t strlcpy(char *d, const char *s, size_t size);

#endif
