/* unistd.h: the POSIX system-call wrappers, and getopt. Each returns -1
 * and sets errno on failure, as POSIX says. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <sys/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

extern char **environ;

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int close(int fd);
off_t lseek(int fd, off_t off, int whence);
int dup(int fd);
int dup2(int fd, int to);
int pipe(int fds[2]);
/* flags: O_CLOEXEC, O_NONBLOCK (fcntl.h) */
int pipe2(int fds[2], int flags);
pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
int execvpe(const char *file, char *const argv[], char *const envp[]);
_Noreturn void _exit(int status);
pid_t getpid(void);
pid_t getppid(void);
pid_t gettid(void);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int brk(void *end);
void *sbrk(intptr_t delta);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);
int unlink(const char *path);
int link(const char *from, const char *to);
int symlink(const char *target, const char *path);
ssize_t readlink(const char *restrict path, char *restrict buf, size_t size);
int rmdir(const char *path);
int access(const char *path, int mode);
int setpgid(pid_t pid, pid_t pgid);
pid_t getpgrp(void);
pid_t getpgid(pid_t pid);
pid_t setsid(void);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t pgrp);
int isatty(int fd);
unsigned sleep(unsigned seconds);
int usleep(useconds_t usec);
int fsync(int fd);
void sync(void);
int ftruncate(int fd, off_t len);
int truncate(const char *path, off_t len);
int sched_yield(void);
long sysconf(int name);
int getpagesize(void);
/* Any system call by number, with up to six arguments (as glibc's). */
long syscall(long number, ...);

#define _SC_PAGESIZE 30
#define _SC_PAGE_SIZE _SC_PAGESIZE
#define _SC_CLK_TCK 2

extern char *optarg;
extern int optind, opterr, optopt;
int getopt(int argc, char *const argv[], const char *optstring);

#endif
