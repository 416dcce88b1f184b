/*
 * check.h: the assertions of the host-side unit tests. A failed check
 * prints one line naming the file, the line and the expression, and
 * counts; a test's exit status is the number of failures.
 */
#ifndef ISOLA_TEST_CHECK_H
#define ISOLA_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
            failures++;                                                   \
        }                                                                 \
    } while (0)

#define EQ(got, want)                                                     \
    do {                                                                  \
        unsigned g_ = (unsigned)(got), w_ = (unsigned)(want);             \
        if (g_ != w_) {                                                   \
            printf("FAIL %s:%d: %s = 0x%X, want 0x%X\n", __FILE__,        \
                   __LINE__, #got, g_, w_);                               \
            failures++;                                                   \
        }                                                                 \
    } while (0)

#endif
