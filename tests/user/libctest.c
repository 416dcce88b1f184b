/* libctest: the bundled C library checked against expected results,
 * on the host Linux (i386) or on isola. Every check prints nothing when
 * it passes and "FAIL file:line: what" when it does not; the exit status
 * is the number of failures (capped at 100). argv[1] is a scratch
 * directory for the file tests (default /tmp). What a kernel says it
 * lacks (ENOSYS: signal handlers, pipes) is skipped with a "skip:" line. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <isola.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

#define CHECK(e) check((e), __LINE__, #e)
static void check(int ok, int line, const char *what)
{
    if (!ok) {
        printf("FAIL libctest.c:%d: %s\n", line, what);
        failures++;
    }
}

#define EXPECT_FMT(want, ...) expect_fmt(__LINE__, want, __VA_ARGS__)
static void expect_fmt(int line, const char *want, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (strcmp(buf, want) != 0 || n != (int)strlen(want)) {
        printf("FAIL libctest.c:%d: format \"%s\" gave \"%s\" (%d), want \"%s\"\n", line, fmt,
               buf, n, want);
        failures++;
    }
}

static void test_printf(void)
{
    EXPECT_FMT("42", "%d", 42);
    EXPECT_FMT("-42", "%i", -42);
    EXPECT_FMT("[   42]", "[%5d]", 42);
    EXPECT_FMT("[42   ]", "[%-5d]", 42);
    EXPECT_FMT("[00042]", "[%05d]", 42);
    EXPECT_FMT("[-0042]", "[%05d]", -42);
    EXPECT_FMT("[+42]", "[%+d]", 42);
    EXPECT_FMT("[ 42]", "[% d]", 42);
    EXPECT_FMT("[  042]", "[%5.3d]", 42);
    EXPECT_FMT("[]", "[%.0d]", 0);
    EXPECT_FMT("-2147483648", "%d", INT_MIN);
    EXPECT_FMT("4294967295", "%u", 4294967295u);
    EXPECT_FMT("ff FF 0xff 0XFF", "%x %X %#x %#X", 255, 255, 255, 255);
    EXPECT_FMT("0", "%#x", 0);
    EXPECT_FMT("17 017 0", "%o %#o %#o", 15, 15, 0);
    EXPECT_FMT("-9223372036854775808", "%lld", LLONG_MIN);
    EXPECT_FMT("18446744073709551615", "%llu", ULLONG_MAX);
    EXPECT_FMT("ffffffffffffffff", "%llx", ULLONG_MAX);
    EXPECT_FMT("-1 255 65535", "%hhd %hhu %hu", 255, 255, 65535);
    EXPECT_FMT("123 456 789", "%zu %jd %td", (size_t)123, (long long)456, (ptrdiff_t)789);
    EXPECT_FMT("[  abc] [abc  ] [ab]", "[%5s] [%-5s] [%.2s]", "abc", "abc", "abc");
    EXPECT_FMT("(null)", "%s", (char *)NULL);
    EXPECT_FMT("[x] [  y]", "[%c] [%3c]", 'x', 'y');
    EXPECT_FMT("[   7] [7   ]", "[%*d] [%*d]", 4, 7, -4, 7);
    EXPECT_FMT("[007]", "[%.*d]", 3, 7);
    EXPECT_FMT("100%", "100%%");
    EXPECT_FMT("0x1234", "%p", (void *)0x1234);
    EXPECT_FMT("(nil)", "%p", (void *)0);
    EXPECT_FMT("? 7", "%f %d", 1.5, 7);     /* no floating point: "?" */
    int n = -1;
    char buf[32];
    snprintf(buf, sizeof buf, "abc%nde", &n);
    CHECK(n == 3);
    /* truncation: the return value is the full length, the buffer ends in NUL */
    CHECK(snprintf(buf, 5, "%s", "hello world") == 11);
    CHECK(strcmp(buf, "hell") == 0);
    CHECK(snprintf(NULL, 0, "%d", 12345) == 5);
    CHECK(sprintf(buf, "%s-%d", "a", 1) == 3 && strcmp(buf, "a-1") == 0);
}

static void test_scanf(void)
{
    int a = 0, b = 0, n = 0;
    unsigned u = 0;
    char s[16] = "", t[16] = "";
    CHECK(sscanf("12 34", "%d %d", &a, &b) == 2 && a == 12 && b == 34);
    CHECK(sscanf("  -7x", "%d%n", &a, &n) == 1 && a == -7 && n == 4);
    CHECK(sscanf("0x1f 017 10", "%i %i %i", &a, &b, &n) == 3 && a == 31 && b == 15 && n == 10);
    CHECK(sscanf("ff", "%x", &u) == 1 && u == 255);
    CHECK(sscanf("777", "%o", &u) == 1 && u == 511);
    CHECK(sscanf("12345", "%3d%d", &a, &b) == 2 && a == 123 && b == 45);
    CHECK(sscanf("hello world", "%s %s", s, t) == 2 && !strcmp(s, "hello") && !strcmp(t, "world"));
    CHECK(sscanf("abcdef", "%3s", s) == 1 && !strcmp(s, "abc"));
    CHECK(sscanf("xyz", "%2c", s) == 1 && s[0] == 'x' && s[1] == 'y');
    CHECK(sscanf("key=value;", "%[^=]=%[a-z]", s, t) == 2 && !strcmp(s, "key") &&
          !strcmp(t, "value"));
    CHECK(sscanf("]]x", "%[]]", s) == 1 && !strcmp(s, "]]"));
    CHECK(sscanf("5 6", "%*d %d", &a) == 1 && a == 6);
    CHECK(sscanf("abc", "%d", &a) == 0);
    CHECK(sscanf("", "%d", &a) == EOF);
    CHECK(sscanf("10%", "%d%%", &a) == 1 && a == 10);
    long long ll = 0;
    short h = 0;
    signed char hh = 0;
    CHECK(sscanf("-9000000000 -300 -5", "%lld %hd %hhd", &ll, &h, &hh) == 3 &&
          ll == -9000000000LL && h == -300 && hh == -5);
}

static void test_strtol(void)
{
    char *end;
    errno = 0;
    CHECK(strtol("2147483647", &end, 10) == LONG_MAX && errno == 0 && *end == 0);
    CHECK(strtol("2147483648", &end, 10) == LONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtol("-2147483648", &end, 10) == LONG_MIN && errno == 0);
    CHECK(strtol("-2147483649", &end, 10) == LONG_MIN && errno == ERANGE);
    errno = 0;
    CHECK(strtoul("4294967295", &end, 10) == ULONG_MAX && errno == 0);
    CHECK(strtoul("4294967296", &end, 10) == ULONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtoul("-1", &end, 10) == ULONG_MAX && errno == 0);
    CHECK(strtoll("9223372036854775807", &end, 10) == LLONG_MAX && errno == 0);
    CHECK(strtoll("-9223372036854775808", &end, 10) == LLONG_MIN && errno == 0);
    CHECK(strtoll("9223372036854775808", &end, 10) == LLONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtoull("18446744073709551615", &end, 0) == ULLONG_MAX && errno == 0);
    CHECK(strtol("  +0x1F!", &end, 0) == 31 && *end == '!');
    CHECK(strtol("0x", &end, 16) == 0 && *end == 'x');
    CHECK(strtol("077", &end, 0) == 63);
    CHECK(strtol("zz", &end, 36) == 35 * 36 + 35);
    const char *s = "  xyz";
    CHECK(strtol(s, &end, 10) == 0 && end == s);
    CHECK(strtol("12", &end, 1) == 0 && errno == EINVAL);
    CHECK(atoi("-12abc") == -12 && atol(" 99") == 99);
}

static unsigned rnd_state = 12345;
static unsigned rnd(void)
{
    rnd_state = rnd_state * 1103515245 + 12345;
    return rnd_state >> 8;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

static int same(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7))
            return 0;
    return 1;
}

static void test_malloc(void)
{
    enum { SLOTS = 256, ROUNDS = 4000 };
    static unsigned char *blk[SLOTS];
    static size_t len[SLOTS];
    int bad = 0;
    for (int r = 0; r < ROUNDS; r++) {
        int i = (int)(rnd() % SLOTS);
        if (blk[i] && !same(blk[i], len[i], (unsigned)i))
            bad++;
        unsigned op = rnd() % 3;
        if (op == 0) {
            free(blk[i]);
            blk[i] = NULL;
        } else if (op == 1 || !blk[i]) {
            free(blk[i]);
            len[i] = rnd() % (r % 50 == 0 ? 300000 : 2000);
            blk[i] = malloc(len[i]);
            if (!blk[i] && len[i]) {
                bad++;
                continue;
            }
            CHECK(((uintptr_t)blk[i] & 7) == 0);
            fill(blk[i], len[i], (unsigned)i);
        } else {
            size_t nl = rnd() % 4000;
            unsigned char *p = realloc(blk[i], nl);
            if (!p && nl) {
                bad++;
                continue;
            }
            size_t keep = nl < len[i] ? nl : len[i];
            if (!same(p, keep, (unsigned)i))
                bad++;
            blk[i] = p;
            len[i] = nl;
            fill(blk[i], len[i], (unsigned)i);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (blk[i] && !same(blk[i], len[i], (unsigned)i))
            bad++;
        free(blk[i]);
    }
    CHECK(bad == 0);
    int *z = calloc(1000, sizeof(int));
    int zero = 1;
    for (int i = 0; z && i < 1000; i++)
        zero &= z[i] == 0;
    CHECK(z && zero);
    free(z);
    errno = 0;
    CHECK(calloc(0x10000, 0x10000) == NULL && errno == ENOMEM);
    CHECK(malloc((size_t)-1) == NULL);
    /* a big block comes from mmap and is writable to its end */
    char *big = malloc(1 << 20);
    CHECK(big != NULL);
    if (big) {
        big[0] = 1;
        big[(1 << 20) - 1] = 2;
        big = realloc(big, 2 << 20);
        CHECK(big && big[0] == 1 && big[(1 << 20) - 1] == 2);
        free(big);
    }
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str_ptr(const char *const *a, const char *const *b)
{
    return strcmp(*a, *b);
}

static void test_qsort(void)
{
    enum { N = 1000 };
    static int v[N];
    for (int i = 0; i < N; i++)
        v[i] = (int)(rnd() % 500) - 250;
    qsort(v, N, sizeof v[0], cmp_int);
    int sorted = 1;
    for (int i = 1; i < N; i++)
        sorted &= v[i - 1] <= v[i];
    CHECK(sorted);
    int key = v[N / 2];
    int *hit = bsearch(&key, v, N, sizeof v[0], cmp_int);
    CHECK(hit && *hit == key);
    key = 1000;
    CHECK(bsearch(&key, v, N, sizeof v[0], cmp_int) == NULL);
    const char *names[] = { "pear", "apple", "fig", "banana" };
    qsort(names, 4, sizeof names[0], (int (*)(const void *, const void *))cmp_str_ptr);
    CHECK(!strcmp(names[0], "apple") && !strcmp(names[3], "pear"));
}

static void test_getopt(void)
{
    char *argv1[] = { "prog", "-ab", "-c", "val", "-dval2", "--", "-e", NULL };
    int c, a = 0, b = 0;
    char *cv = NULL, *dv = NULL;
    optind = 0;
    while ((c = getopt(7, argv1, "abc:d:e")) != -1) {
        if (c == 'a') a = 1;
        else if (c == 'b') b = 1;
        else if (c == 'c') cv = optarg;
        else if (c == 'd') dv = optarg;
    }
    CHECK(a && b && cv && !strcmp(cv, "val") && dv && !strcmp(dv, "val2"));
    CHECK(optind == 6);
    char *argv2[] = { "prog", "-x", "file", NULL };
    optind = 0;
    opterr = 0;
    CHECK(getopt(3, argv2, "a") == '?' && optopt == 'x');
    CHECK(getopt(3, argv2, "a") == -1 && optind == 2);
    char *argv3[] = { "prog", "-c", NULL };
    optind = 0;
    CHECK(getopt(2, argv3, ":c:") == ':');
    opterr = 1;
}

static void test_string(void)
{
    char buf[64];
    CHECK(strlen("hello") == 5 && strlen("") == 0);
    CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0);
    CHECK(strcmp("\xff", "a") > 0);     /* unsigned comparison */
    CHECK(strncmp("abcx", "abcy", 3) == 0 && strcasecmp("HeLLo", "hello") == 0);
    const char *h = "hello";
    CHECK(strchr(h, 'l') == h + 2 && strrchr(h, 'l') == h + 3 && strchr(h, 0) == h + 5);
    CHECK(strstr("haystack", "st") && !strcmp(strstr("haystack", "st"), "stack"));
    CHECK(strstr("abc", "") != NULL && strstr("abc", "d") == NULL);
    CHECK(strspn("aabbc", "ab") == 4 && strcspn("hello", "lo") == 2);
    strcpy(buf, "a,b,,c");
    char *t1 = strtok(buf, ","), *t2 = strtok(NULL, ","), *t3 = strtok(NULL, ",");
    CHECK(t1 && t2 && t3 && !strcmp(t1, "a") && !strcmp(t2, "b") && !strcmp(t3, "c") &&
          strtok(NULL, ",") == NULL);
    char *d = strdup("dup");
    CHECK(d && !strcmp(d, "dup"));
    free(d);
    d = strndup("abcdef", 3);
    CHECK(d && !strcmp(d, "abc"));
    free(d);
    memset(buf, 'x', sizeof buf);
    memcpy(buf + 1, "123456789", 9);
    memmove(buf + 3, buf + 1, 9);
    CHECK(memcmp(buf, "x12123456789", 12) == 0);
    memmove(buf, buf + 3, 9);
    CHECK(memcmp(buf, "123456789", 9) == 0);
    CHECK(memchr("abc", 'c', 3) != NULL && memchr("abc", 'd', 3) == NULL);
    strcpy(buf, "ab");
    strcat(buf, "cd");
    strncat(buf, "efgh", 2);
    CHECK(!strcmp(buf, "abcdef"));
    CHECK(!strcmp(strerror(ENOENT), "No such file or directory"));
    CHECK(!strcmp(strsignal(SIGSEGV), "Segmentation fault"));
    CHECK(isdigit('7') && !isdigit('a') && isspace('\t') && toupper('q') == 'Q' && !isalpha(EOF));
}

/* ---- threads ---- */

static mutex_t lock = MUTEX_INIT;
static int counter;

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < 2000; i++) {
        errno = id;                 /* each thread's errno is its own */
        mutex_lock(&lock);
        counter++;
        mutex_unlock(&lock);
        /* the heap is shared: allocate from every thread at once */
        size_t n = (size_t)(16 + (i * 37 + id * 101) % 3000);
        unsigned char *p = malloc(n);
        if (!p)
            return (void *)-2;
        fill(p, n, (unsigned)id);
        if (i % 7 == 0)
            sched_yield();
        int intact = same(p, n, (unsigned)id);
        free(p);
        if (!intact)
            return (void *)-3;
        if (i % 100 == 0)
            sched_yield();
        if (errno != id)
            return (void *)-1;
    }
    return (void *)(intptr_t)(id * 10);
}

static int flag;
static void *waiter(void *arg)
{
    (void)arg;
    while (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) == 0)
        futex_wait(&flag, 0, NULL);
    return (void *)7;
}

static void test_threads(void)
{
    enum { N = 4 };
    thread_t t[N];
    errno = 1234;
    for (int i = 0; i < N; i++)
        CHECK(thread_create(&t[i], worker, (void *)(intptr_t)(i + 1)) == 0);
    for (int i = 0; i < N; i++) {
        void *ret = NULL;
        CHECK(thread_join(t[i], &ret) == 0);
        CHECK(ret == (void *)(intptr_t)((i + 1) * 10));
    }
    CHECK(counter == N * 2000);
    CHECK(errno == 1234);           /* the main thread's errno untouched */
    thread_t w;
    CHECK(thread_create(&w, waiter, NULL) == 0);
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    __atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
    futex_wake(&flag, 1);
    void *ret;
    CHECK(thread_join(w, &ret) == 0 && ret == (void *)7);
    int v = 5;
    struct timespec shortwait = { 0, 1000000 };
    CHECK(futex_wait(&v, 6, NULL) == -1 && errno == EAGAIN);
    CHECK(futex_wait(&v, 5, &shortwait) == -1 && errno == ETIMEDOUT);
}

/* ---- the rest: signals, processes, files, directories, environment ---- */

static volatile int got_signal;
static void on_usr1(int sig)
{
    got_signal = sig;
}

static void test_signals(void)
{
    int sig;
    char name[SIG2STR_MAX];
    CHECK(str2sig("KILL", &sig) == 0 && sig == 9 && str2sig("SIGTERM", &sig) == 0 && sig == 15);
    CHECK(sig2str(11, name) == 0 && !strcmp(name, "SEGV") && str2sig("NOPE", &sig) < 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    if (sigaction(SIGUSR1, &sa, NULL) < 0 && errno == ENOSYS) {
        printf("skip: signal handlers (this kernel has no rt_sigaction)\n");
        return;
    }
    raise(SIGUSR1);
    CHECK(got_signal == SIGUSR1);
    CHECK(signal(SIGUSR1, SIG_IGN) == on_usr1);
    got_signal = 0;
    raise(SIGUSR1);
    CHECK(got_signal == 0);
    signal(SIGUSR1, SIG_DFL);
}

static void test_process(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    int st;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42);
    pid = fork();
    if (pid == 0) {
        char *argv[] = { "true", NULL };
        execvp("true", argv);       /* found on PATH */
        _exit(99);
    }
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pid = fork();
    if (pid == 0) {
        *(volatile int *)0 = 1;     /* the null page is not mapped */
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    char *argv[] = { "no-such-program-xyz", NULL };
    CHECK(execvp(argv[0], argv) == -1 && errno == ENOENT);
    int fds[2];
    if (pipe(fds) < 0 && errno == ENOSYS) {
        printf("skip: pipe (this kernel has none)\n");
    } else {
        CHECK(write(fds[1], "ping", 4) == 4);
        char buf[8];
        CHECK(read(fds[0], buf, 8) == 4 && memcmp(buf, "ping", 4) == 0);
        close(fds[0]);
        close(fds[1]);
    }
    CHECK(getpid() > 0 && getppid() >= 0);
}

static void test_files(const char *dir)
{
    char path[512], line[64];
    snprintf(path, sizeof path, "%s/libctest.txt", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 1000; i++)
        fprintf(f, "line %d\n", i);
    CHECK(fclose(f) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 8890);
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    int n = 0, ok = 1;
    while (fgets(line, sizeof line, f)) {
        char want[32];
        snprintf(want, sizeof want, "line %d\n", n++);
        ok &= strcmp(line, want) == 0;
    }
    CHECK(ok && n == 1000 && feof(f));
    CHECK(fseek(f, 5, SEEK_SET) == 0 && fgetc(f) == '0' && ftell(f) == 6);
    CHECK(ungetc('Z', f) == 'Z' && fgetc(f) == 'Z' && fgetc(f) == '\n');
    int a;
    CHECK(fscanf(f, "line %d", &a) == 1 && a == 1);
    fclose(f);
    f = fopen(path, "a+");
    CHECK(f && fputs("tail\n", f) >= 0 && fclose(f) == 0);
    CHECK(stat(path, &st) == 0 && st.st_size == 8895);
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0 && lseek(fd, -5, SEEK_END) == 8890);
    CHECK(read(fd, line, 5) == 5 && memcmp(line, "tail\n", 5) == 0);
    CHECK(ftruncate(fd, 10) == 0 && fstat(fd, &st) == 0 && st.st_size == 10);
    close(fd);
    errno = 0;
    CHECK(fopen("/no/such/dir/x", "r") == NULL && errno == ENOENT);
    CHECK(fopen(path, "q") == NULL && errno == EINVAL);

    char sub[512];
    snprintf(sub, sizeof sub, "%s/libctest.d", dir);
    CHECK(mkdir(sub, 0755) == 0);
    for (int i = 0; i < 50; i++) {
        snprintf(path, sizeof path, "%s/f%02d", sub, i);
        fd = open(path, O_WRONLY | O_CREAT, 0644);
        CHECK(fd >= 0);
        close(fd);
    }
    DIR *d = opendir(sub);
    CHECK(d != NULL);
    int seen = 0, dots = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            dots++;
        else if (de->d_name[0] == 'f' && strlen(de->d_name) == 3)
            seen++;
    }
    if (d)
        closedir(d);
    CHECK(seen == 50 && dots == 2);
    for (int i = 0; i < 50; i++) {
        snprintf(path, sizeof path, "%s/f%02d", sub, i);
        CHECK(unlink(path) == 0);
    }
    CHECK(rmdir(sub) == 0 && opendir(sub) == NULL && errno == ENOENT);
    snprintf(path, sizeof path, "%s/libctest.txt", dir);
    CHECK(remove(path) == 0 && access(path, F_OK) == -1);
    char cwd[512];
    CHECK(getcwd(cwd, sizeof cwd) == cwd && cwd[0] == '/');
}

static void test_env(void)
{
    CHECK(setenv("LIBCTEST", "one", 1) == 0 && !strcmp(getenv("LIBCTEST"), "one"));
    CHECK(setenv("LIBCTEST", "two", 0) == 0 && !strcmp(getenv("LIBCTEST"), "one"));
    CHECK(setenv("LIBCTEST", "two", 1) == 0 && !strcmp(getenv("LIBCTEST"), "two"));
    CHECK(unsetenv("LIBCTEST") == 0 && getenv("LIBCTEST") == NULL);
    CHECK(setenv("BAD=NAME", "x", 1) == -1 && errno == EINVAL);
    static char pe[] = "LIBCTEST2=put";
    CHECK(putenv(pe) == 0 && !strcmp(getenv("LIBCTEST2"), "put"));
}

static void test_mmap(void)
{
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;
    CHECK(p[0] == 0 && p[8191] == 0);
    p[100] = 5;
    CHECK(mprotect(p, 4096, PROT_READ) == 0 && p[100] == 5);
    CHECK(munmap(p, 8192) == 0);
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 3) == MAP_FAILED &&
          errno == EINVAL);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    test_printf();
    test_scanf();
    test_strtol();
    test_malloc();
    test_qsort();
    test_getopt();
    test_string();
    test_threads();
    test_signals();
    test_process();
    test_files(dir);
    test_env();
    test_mmap();
    printf("libctest: %d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures > 100 ? 100 : failures;
}
