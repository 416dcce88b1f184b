/*
 * randbytes.c: the host-side helper of random-bytes.sh.
 *
 *   randbytes gen SEED SIZE FILE   write SIZE pseudo-random bytes to FILE;
 *                                  the same SEED always gives the same bytes
 *   randbytes run HOW CMD [ARG...] run CMD and write how it ended to the
 *                                  file HOW: "exited N" or "killed by signal N"
 *
 * Rules kept here: the generator is xorshift64* (fixed, so a failing seed
 * can be replayed anywhere); `run` exists because a shell cannot tell an
 * exit status of 139 from a death by SIGSEGV.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static int gen(const char *seed_s, const char *size_s, const char *path)
{
    uint64_t s = strtoull(seed_s, NULL, 0) * 0x9E3779B97F4A7C15ull + 1;
    unsigned long size = strtoul(size_s, NULL, 0);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    for (unsigned long n = 0; n < size; n += 8) {
        uint64_t v = next_random(&s);
        size_t k = size - n < 8 ? size - n : 8;
        if (fwrite(&v, 1, k, f) != k) {
            perror(path);
            fclose(f);
            return 1;
        }
    }
    return fclose(f) == 0 ? 0 : 1;
}

static int run(const char *how_path, char **argv)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0) {
        perror("waitpid");
        return 1;
    }
    FILE *how = fopen(how_path, "w");
    if (!how) {
        perror(how_path);
        return 1;
    }
    if (WIFSIGNALED(st))
        fprintf(how, "killed by signal %d\n", WTERMSIG(st));
    else
        fprintf(how, "exited %d\n", WEXITSTATUS(st));
    return fclose(how) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], argv[3], argv[4]);
    if (argc >= 4 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv + 3);
    fprintf(stderr, "usage: randbytes gen SEED SIZE FILE | randbytes run HOW CMD [ARG...]\n");
    return 2;
}
