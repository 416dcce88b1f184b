/*
 * pipe.h: pipes and FIFOs (named pipes). pipe() and pipe2() live in
 * pipe.c with the rest; the file system calls fifo_open when open()
 * reaches a FIFO inode.
 */
#ifndef KERNEL_PIPE_H
#define KERNEL_PIPE_H

struct inode;
struct object;

/* Writes of at most PIPE_BUF bytes are never interleaved with others. */
#define PIPE_BUF 4096

/* Opens an end of the pipe every opener of FIFO inode ip shares, with
 * open() flags (access mode, O_NONBLOCK). Blocks as POSIX says: a reader
 * until a writer opens, a writer until a reader opens (O_RDWR never).
 * The caller holds a reference to ip and no file-system lock. */
int fifo_open(struct inode *ip, unsigned flags, struct object **out);

#endif
