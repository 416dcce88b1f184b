/* t_file.c: file descriptors: the lowest free number, dup and dup2
 * sharing one open file (and its offset), close; /etc/motd; a file in
 * /tmp written, read back, sought in, appended to; descriptors shared
 * with a child across fork; running out of descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "usertests.h"

static void test_motd(void)
{
    int fd = open("/etc/motd", O_RDONLY);
    if (fd < 0 && !on_isola())
        skip("no /etc/motd on this host");
    CHECKF(fd >= 0, "open /etc/motd: %s", strerror(errno));
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECKF(n >= 0, "read /etc/motd: %s", strerror(errno));
    buf[n] = 0;
    if (on_isola())
        CHECKF(strcmp(buf, "Welcome to isola.\n") == 0, "/etc/motd reads \"%s\"", buf);
    CHECK(read(fd, buf, sizeof buf) == 0 || !on_isola());   /* end of file */
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
    CHECKF(st.st_size >= n, "fstat size %lld, read %d bytes", (long long)st.st_size, (int)n);
    CHECK(close(fd) == 0);
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_ERR(open("/etc/motd", O_WRONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open("/no/such/file", O_RDONLY), ENOENT);
}

static void test_dup(void)
{
    const char *path = tmp_path("dup");
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECKF(fd >= 0, "open: %s", strerror(errno));
    CHECK(write(fd, "0123456789", 10) == 10);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    int d = dup(fd);
    CHECKF(d > fd, "dup(%d) gave %d", fd, d);
    char buf[8] = {0};
    CHECK(read(fd, buf, 3) == 3 && memcmp(buf, "012", 3) == 0);
    CHECK(read(d, buf, 3) == 3 && memcmp(buf, "345", 3) == 0);    /* one offset */
    CHECK(lseek(d, 0, SEEK_CUR) == 6);

    /* the lowest free number */
    CHECK(close(fd) == 0);
    int again = dup(d);
    CHECKF(again == fd, "dup after closing %d gave %d", fd, again);

    int high = dup2(d, 40);
    CHECKF(high == 40, "dup2(%d, 40) returned %d", d, high);
    CHECK(read(40, buf, 2) == 2 && memcmp(buf, "67", 2) == 0);
    int other = open("/etc/motd", O_RDONLY);
    CHECK(other >= 0 || !on_isola());
    if (other >= 0) {
        CHECK(dup2(other, 40) == 40);              /* closes what 40 was */
        CHECK(read(40, buf, 1) == 1 && buf[0] == (on_isola() ? 'W' : buf[0]));
        CHECK(lseek(d, 0, SEEK_CUR) == 8);         /* the file 40 was stays open in d */
        close(other);
    }
    CHECK(dup2(d, d) == d);
    CHECK_ERR(dup2(d, -1), EBADF);
    CHECK_ERR(dup2(-1, 5), EBADF);
    CHECK_ERR(dup(99999), EBADF);

    /* a child shares the open file and its offset */
    CHECK(lseek(d, 0, SEEK_SET) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c[2];
        _exit(read(d, c, 2) == 2 && c[0] == '0' && c[1] == '1' ? 0 : 1);
    }
    wait_ok(pid, "a child reading a shared descriptor");
    CHECKF(lseek(d, 0, SEEK_CUR) == 2, "the child's read did not move the shared offset");
    close(d);
    close(40);
    close(again);
    unlink(path);
}

static void test_tmpfile(void)
{
    const char *path = tmp_path("file");
    unlink(path);
    int fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECKF(fd >= 0, "open %s: %s", path, strerror(errno));
    CHECK_ERR(open(path, O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);
    static char data[10000], back[10000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 31 + 7);
    CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data);
    CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)sizeof data);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(read(fd, back, sizeof back) == (ssize_t)sizeof back);
    CHECK(memcmp(data, back, sizeof data) == 0);
    CHECK(read(fd, back, 1) == 0);
    CHECK(lseek(fd, 5000, SEEK_SET) == 5000);
    CHECK(read(fd, back, 10) == 10 && memcmp(back, data + 5000, 10) == 0);
    CHECK(lseek(fd, -20, SEEK_CUR) == 4990);
    CHECK(lseek(fd, -1, SEEK_END) == (off_t)sizeof data - 1);
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, 0, 7), EINVAL);
    /* writing past the end leaves a hole that reads as zeros */
    CHECK(lseek(fd, 20000, SEEK_SET) == 20000);
    CHECK(write(fd, "end", 3) == 3);
    CHECK(lseek(fd, 15000, SEEK_SET) == 15000);
    CHECK(read(fd, back, 100) == 100);
    for (int i = 0; i < 100; i++)
        CHECK(back[i] == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 20003);
    CHECK(close(fd) == 0);

    /* O_APPEND: every write goes to the end, wherever the offset was */
    fd = open(path, O_WRONLY | O_APPEND);
    CHECKF(fd >= 0, "open O_APPEND: %s", strerror(errno));
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "ABC", 3) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 20006);
    CHECK(close(fd) == 0);
    fd = open(path, O_RDONLY);
    CHECK(read(fd, back, 3) == 3 && memcmp(back, data, 3) == 0);   /* the start is unchanged */
    CHECK(lseek(fd, -6, SEEK_END) == 20000);
    CHECK(read(fd, back, 10) == 6 && memcmp(back, "endABC", 6) == 0);
    CHECK_ERR(write(fd, "x", 1), EBADF);                          /* opened read-only */
    close(fd);

    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK_ERR(open(path, O_RDONLY), ENOENT);
}

static void test_fd_limit(void)
{
    static int fds[5000];
    int n = 0;
    for (;;) {
        if (n == 5000 && !on_isola()) {
            for (int i = 0; i < n; i++)
                close(fds[i]);
            skip("this host allows more than 5000 descriptors");
        }
        CHECKF(n < 5000, "5000 descriptors opened without EMFILE");
        fds[n] = open("/etc/motd", O_RDONLY);
        if (fds[n] < 0)
            fds[n] = dup(0);
        if (fds[n] < 0)
            break;
        n++;
    }
    CHECKF(errno == EMFILE, "running out of descriptors gave errno %d, not EMFILE", errno);
    CHECKF(n >= 16, "only %d descriptors could be opened", n);
    CHECK_ERR(dup(0), EMFILE);
    for (int i = 0; i < n; i++)
        CHECK(close(fds[i]) == 0);
    int fd = dup(0);
    CHECK(fd >= 0);
    close(fd);
}

const struct test file_tests[] = {
    {"motd", test_motd},
    {"dup", test_dup},
    {"tmpfile", test_tmpfile},
    {"fd-limit", test_fd_limit},
    {NULL, NULL},
};
