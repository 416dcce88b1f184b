/* stat [-L] [-c FORMAT] file...: what the file system says about each
 * file. The default output is coreutils' (9.x): name, size, blocks, I/O
 * block, type; device (major,minor), inode, links (and a device's own
 * numbers); mode in octal and as ls shows it, owner and group; the
 * access, modification and change times. Times are UTC with
 * nanoseconds (the system has no time zones); the birth time is "-"
 * (there is no statx); names are shown as they are. Owner and group names come from /etc/passwd and
 * /etc/group when they exist, else 0 is root and others are UNKNOWN, as
 * coreutils says. -L follows a symbolic link; -c prints FORMAT with
 * coreutils' directives (%a %A %b %B %d %D %f %F %g %G %h %i %n %N %o
 * %s %t %T %u %U %x %X %y %Y %z %Z %w %W %%, flags, width and
 * precision) and a newline. A file that cannot be read makes the
 * status 1. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

#define DEFAULT_FORMAT                                                          \
    "  File: %N\n"                                                              \
    "  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n"                          \
    "Device: %Hd,%Ld\tInode: %-10i  Links: %h\n"                                \
    "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n"                 \
    "Access: %x\nModify: %y\nChange: %z\n Birth: %w\n"
#define DEVICE_FORMAT                                                           \
    "  File: %N\n"                                                              \
    "  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n"                          \
    "Device: %Hd,%Ld\tInode: %-10i  Links: %-5h Device type: %Hr,%Lr\n"         \
    "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n"                 \
    "Access: %x\nModify: %y\nChange: %z\n Birth: %w\n"

/* Linux's 64-bit device number encoding (glibc's major() and minor()). */
static unsigned dev_major(dev_t d) { return (unsigned)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffULL)); }
static unsigned dev_minor(dev_t d) { return (unsigned)((d & 0xff) | ((d >> 12) & ~0xffULL)); }

static const char *file_type(const struct stat *st)
{
    switch (st->st_mode & S_IFMT) {
    case S_IFREG: return st->st_size ? "regular file" : "regular empty file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symbolic link";
    case S_IFCHR: return "character special file";
    case S_IFBLK: return "block special file";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    }
    return "weird file";
}

/* The name of id in a passwd-style file (name:x:id:...), malloc'd. */
static char *lookup_name(const char *file, unsigned id)
{
    FILE *f = fopen(file, "r");
    char *line = NULL, *found = NULL;
    size_t cap = 0;
    if (!f)
        return id == 0 ? xstrdup("root") : xstrdup("UNKNOWN");
    while (!found && getline(&line, &cap, f) > 0) {
        char *name = line, *p = strchr(line, ':');
        if (!p || !(p = strchr(p + 1, ':')))
            continue;
        char *end;
        unsigned long v = strtoul(p + 1, &end, 10);
        if (end != p + 1 && *end == ':' && v == id) {
            *strchr(name, ':') = 0;
            found = xstrdup(name);
        }
    }
    free(line);
    fclose(f);
    return found ? found : xstrdup("UNKNOWN");
}

/* A name as coreutils' -c %N shows it ("shell-escape-always"): in
 * single quotes; in double quotes when it holds a single quote and
 * nothing a double quote would change; control characters as $'\n'. */
static char *quote(const char *s)
{
    int squote = 0, ctrl = 0, dspecial = 0;
    for (const char *p = s; *p; p++) {
        squote |= *p == '\'';
        ctrl |= (unsigned char)*p < 32 || *p == 127;
        dspecial |= *p == '"' || *p == '$' || *p == '`' || *p == '\\';
    }
    char *q = xmalloc(8 * strlen(s) + 3), *o = q;
    if (squote && !ctrl && !dspecial) {
        sprintf(q, "\"%s\"", s);
        return q;
    }
    *o++ = '\'';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\'') {
            o += sprintf(o, "'\\''");
        } else if (c < 32 || c == 127) {
            static const char esc[] = "abtnvfr";
            if (c >= 7 && c <= 13)
                o += sprintf(o, "'$'\\%c''", esc[c - 7]);
            else
                o += sprintf(o, "'$'\\%03o''", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '\'';
    *o = 0;
    return q;
}

static char *time_string(time_t t, unsigned long nsec)
{
    struct tm tm;
    char *s = xmalloc(64);
    gmtime_r(&t, &tm);
    snprintf(s, 64, "%04d-%02d-%02d %02d:%02d:%02d.%09lu +0000", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
    return s;
}

/* Names are shown as they are in the default format, quoted by -c %N. */
static int literal_names;

/* %N: the (quoted) name, and for a link " -> " and its (quoted) target. */
static char *name_with_target(const char *path, const struct stat *st)
{
    char *q = literal_names ? xstrdup(path) : quote(path);
    if (!S_ISLNK(st->st_mode))
        return q;
    size_t cap = (size_t)st->st_size + 1;
    char *target = xmalloc(cap);
    ssize_t n = readlink(path, target, cap);
    if (n < 0 || (size_t)n >= cap) {
        free(target);
        return q;
    }
    target[n] = 0;
    char *qt = literal_names ? xstrdup(target) : quote(target);
    char *s = xmalloc(strlen(q) + strlen(qt) + 5);
    sprintf(s, "%s -> %s", q, qt);
    free(q);
    free(qt);
    free(target);
    return s;
}

struct value {
    int is_str;
    char *str;                 /* malloc'd */
    unsigned long long num;
    char conv;                 /* printf conversion for num: u, o, x */
};

/* The value of directive c (with its H/L prefix), or 0 if unknown. */
static int directive(char c, char prefix, const char *path, const struct stat *st,
                     struct value *v)
{
    char mode[11];
    v->is_str = 0;
    v->conv = 'u';
    switch (c) {
    case 'a': v->num = st->st_mode & 07777; v->conv = 'o'; break;
    case 'A': mode_string(st->st_mode, mode); v->is_str = 1; v->str = xstrdup(mode); break;
    case 'b': v->num = (unsigned long long)st->st_blocks; break;
    case 'B': v->num = 512; break;
    case 'd':
        v->num = prefix == 'H' ? dev_major(st->st_dev) : prefix == 'L' ? dev_minor(st->st_dev)
                                                                         : st->st_dev;
        break;
    case 'D': v->num = st->st_dev; v->conv = 'x'; break;
    case 'f': v->num = st->st_mode; v->conv = 'x'; break;
    case 'F': v->is_str = 1; v->str = xstrdup(file_type(st)); break;
    case 'g': v->num = st->st_gid; break;
    case 'G': v->is_str = 1; v->str = lookup_name("/etc/group", st->st_gid); break;
    case 'h': v->num = st->st_nlink; break;
    case 'i': v->num = st->st_ino; break;
    case 'n': v->is_str = 1; v->str = xstrdup(path); break;
    case 'N': v->is_str = 1; v->str = name_with_target(path, st); break;
    case 'o': v->num = (unsigned long long)st->st_blksize; break;
    case 'r':
        v->num = prefix == 'H' ? dev_major(st->st_rdev) : prefix == 'L' ? dev_minor(st->st_rdev)
                                                                          : st->st_rdev;
        break;
    case 's': v->num = (unsigned long long)st->st_size; break;
    case 't': v->num = dev_major(st->st_rdev); v->conv = 'x'; break;
    case 'T': v->num = dev_minor(st->st_rdev); v->conv = 'x'; break;
    case 'u': v->num = st->st_uid; break;
    case 'U': v->is_str = 1; v->str = lookup_name("/etc/passwd", st->st_uid); break;
    case 'w': v->is_str = 1; v->str = xstrdup("-"); break;
    case 'W': v->num = 0; break;
    case 'x': v->is_str = 1; v->str = time_string(st->st_atime, st->st_atime_nsec); break;
    case 'X': v->num = (unsigned long long)(long long)st->st_atime; break;
    case 'y': v->is_str = 1; v->str = time_string(st->st_mtime, st->st_mtime_nsec); break;
    case 'Y': v->num = (unsigned long long)(long long)st->st_mtime; break;
    case 'z': v->is_str = 1; v->str = time_string(st->st_ctime, st->st_ctime_nsec); break;
    case 'Z': v->num = (unsigned long long)(long long)st->st_ctime; break;
    default: return 0;
    }
    return 1;
}

/* One %... directive at *fmt (just past the %): flags, width and
 * precision are kept and handed to printf. */
static const char *print_directive(const char *fmt, const char *path, const struct stat *st)
{
    char spec[32] = "%";
    size_t n = 1;
    while (*fmt && strchr("-#0 +'", *fmt) && n < 8)
        spec[n++] = *fmt++;
    while (*fmt >= '0' && *fmt <= '9' && n < 16)
        spec[n++] = *fmt++;
    if (*fmt == '.') {
        spec[n++] = *fmt++;
        while (*fmt >= '0' && *fmt <= '9' && n < 24)
            spec[n++] = *fmt++;
    }
    char prefix = 0;
    if ((*fmt == 'H' || *fmt == 'L') && (fmt[1] == 'd' || fmt[1] == 'r'))
        prefix = *fmt++;
    struct value v;
    if (*fmt == '%') {
        putchar('%');
        return fmt + 1;
    }
    if (!*fmt) {
        spec[n] = 0;
        fputs(spec, stdout);                    /* a '%' at the end stays */
        return fmt;
    }
    if (!directive(*fmt, prefix, path, st, &v)) {
        putchar('?');                           /* as coreutils shows an unknown one */
        return fmt + 1;
    }
    if (v.is_str) {
        spec[n++] = 's';
        spec[n] = 0;
        printf(spec, v.str);
        free(v.str);
    } else {
        spec[n++] = 'l';
        spec[n++] = 'l';
        spec[n++] = v.conv;
        spec[n] = 0;
        printf(spec, v.num);
    }
    return fmt + 1;
}

static void print_format(const char *fmt, const char *path, const struct stat *st)
{
    while (*fmt) {
        if (*fmt == '%')
            fmt = print_directive(fmt + 1, path, st);
        else
            putchar(*fmt++);
    }
}

int main(int argc, char **argv)
{
    prog = "stat";
    int c, follow = 0, status = 0;
    const char *format = NULL;
    while ((c = getopt(argc, argv, "Lc:")) != -1) {
        switch (c) {
        case 'L': follow = 1; break;
        case 'c': format = optarg; break;
        default: usage("[-L] [-c FORMAT] file...");
        }
    }
    if (optind >= argc) {
        warnx("missing operand");
        usage("[-L] [-c FORMAT] file...");
    }
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) < 0) {
            warn("cannot stat '%s'", argv[i]);
            status = 1;
            continue;
        }
        if (format) {
            print_format(format, argv[i], &st);
            putchar('\n');
        } else {
            int dev = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode);
            literal_names = 1;
            print_format(dev ? DEVICE_FORMAT : DEFAULT_FORMAT, argv[i], &st);
        }
    }
    if (fflush(stdout) != 0) {
        warn("write error");
        return 1;
    }
    return status;
}
