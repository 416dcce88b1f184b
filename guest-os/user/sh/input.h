/* input.h: where the shell reads its commands from (input.c). */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>

struct input {
    int fd;
    const char *str;        /* sh -c: the command string */
    size_t spos;
    int blocks;             /* may read ahead (a script file of our own) */
    char buf[1024];
    size_t pos, end;
};

void input_from_string(struct input *in, const char *s);
void input_from_fd(struct input *in, int fd, int own);
char *input_line(struct input *in);

#endif
