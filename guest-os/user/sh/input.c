/* input.c: reading the shell's input a line at a time, from a string
 * (sh -c), a script file, or standard input. Standard input is read one
 * byte at a time: what the shell has not consumed must stay in the pipe
 * or file for the commands it runs (`echo cat | sh` hands cat the rest).
 * A script opened by name is ours alone and is read in blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "input.h"

void input_from_string(struct input *in, const char *s)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->str = s;
}

void input_from_fd(struct input *in, int fd, int own)
{
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->blocks = own;
}

static int next_byte(struct input *in)
{
    if (in->str)
        return in->str[in->spos] ? (unsigned char)in->str[in->spos++] : -1;
    if (in->pos == in->end) {
        ssize_t n;
        do
            n = read(in->fd, in->buf, in->blocks ? sizeof in->buf : 1);
        while (n < 0 && errno == EINTR);
        if (n <= 0)
            return -1;
        in->pos = 0;
        in->end = (size_t)n;
    }
    return (unsigned char)in->buf[in->pos++];
}

/* The next line with its newline, or NULL at end of input. */
char *input_line(struct input *in)
{
    size_t len = 0, cap = 128;
    char *line = malloc(cap);
    if (!line)
        return NULL;
    int c;
    while ((c = next_byte(in)) >= 0) {
        if (len + 2 > cap) {
            char *p = realloc(line, cap *= 2);
            if (!p)
                break;
            line = p;
        }
        line[len++] = (char)c;
        if (c == '\n')
            break;
    }
    if (len == 0) {
        free(line);
        return NULL;
    }
    line[len] = 0;
    return line;
}
