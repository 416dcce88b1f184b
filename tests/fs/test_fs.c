/*
 * test_fs.c: the host test driver of the kernel's ext2 file system
 * (guest-os/kernel/fs), linked with shim.c. One scenario per run, on an
 * image file that the shell scripts make with mke2fs and check with
 * e2fsck and debugfs afterwards:
 *
 *   test_fs read IMAGE STAGING [SKIP...]  every file, directory and link of the
 *                                  image equals the staging tree it was
 *                                  made from (mke2fs -d STAGING)
 *   test_fs write IMAGE OUTDIR     create, write, truncate, rename, link,
 *                                  remove...; then sync and save the image
 *                                  and copy /w to OUTDIR/tree
 *   test_fs verify IMAGE OUTDIR    after `write`: /w still equals OUTDIR/tree
 *   test_fs model IMAGE SEED       random operations against a model
 *   test_fs full IMAGE             filling the file system up
 *   test_fs mkcorrupt IMAGE KIND OUT   damage a copy of IMAGE
 *   test_fs corrupt IMAGE KIND     use a damaged image: errors, no crash
 *   test_fs statfs IMAGE           statfs64, fstatfs64 and utimensat (prints
 *                                  the counts for the script)
 *   test_fs statfs-verify IMAGE    after `statfs`: the times it set
 *   test_fs gen FILE SIZE SEED     write SIZE pseudo-random bytes (staging)
 *
 * The exit status is 0 when every check passed, else 1.
 */
#include <stdlib.h>
#include <string.h>

#include "tfs.h"

static void usage(void)
{
    fprintf(stderr, "usage: test_fs read|write|verify|model|statfs|statfs-verify|mkcorrupt|corrupt "
                    "IMAGE [ARG...]\n");
    exit(99);
}

/* A staging file with reproducible contents. */
static int gen(const char *path, size_t size, uint32_t seed)
{
    uint8_t *buf = malloc(size ? size : 1);
    fill_random(buf, size, seed);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(buf, 1, size, f) == size;
    if (f && fclose(f) != 0)
        ok = 0;
    free(buf);
    return ok ? 0 : 99;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], strtoul(argv[3], NULL, 0), (uint32_t)strtoul(argv[4], NULL, 0));
    if (argc < 4 && !(argc == 3 && (!strcmp(argv[1], "model") || !strcmp(argv[1], "full") ||
                                    !strncmp(argv[1], "statfs", 6))))
        usage();
    const char *mode = argv[1], *image = argv[2];
    img_load(image);
    if (strcmp(mode, "read") == 0) {
        scenario_read(argv[3], (const char *const *)argv + 4);
    } else if (strcmp(mode, "write") == 0) {
        scenario_write(argv[3]);
        img_save(image);
    } else if (strcmp(mode, "verify") == 0) {
        scenario_verify(argv[3]);
    } else if (strcmp(mode, "model") == 0) {
        scenario_model(argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1);
        img_save(image);
    } else if (strcmp(mode, "full") == 0) {
        scenario_full();
        img_save(image);
    } else if (strcmp(mode, "statfs") == 0) {
        scenario_statfs();
        img_save(image);
    } else if (strcmp(mode, "statfs-verify") == 0) {
        scenario_statfs_verify();
    } else if (strcmp(mode, "mkcorrupt") == 0 && argc == 5) {
        scenario_mkcorrupt(argv[3], argv[4]);
    } else if (strcmp(mode, "corrupt") == 0) {
        scenario_corrupt(argv[3]);
    } else {
        usage();
    }
    free(img);
    printf("%s %s: %d failure%s\n", mode, image, failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
