#!/bin/sh
# mkrootfs.sh: build the OS's root file system, an ext2 image, from the
# user programs, without root privileges (mke2fs -d copies a directory).
#
# Usage: mkrootfs.sh OUT SIZE_MIB [PROGRAM...]
#   /sbin/init        the program named init
#   /bin/NAME         every other program
#   /dev              the device nodes: console tty ttyS0 null zero
#   /tmp /etc         an empty directory (mode 1777), and /etc/motd
#   /usr/share/words  the word list, one word a line: Debian's wamerican
#                     (WORDS names another file, WORDS=none leaves it out;
#                     without one the build stops and says which package
#                     to install)
# Programs go in without their debugging sections (the build tree keeps
# them for gdb).
# Every file is owned by root (0:0) whoever runs the script.
#
# The file system is what the kernel's ext2 driver reads: revision 1,
# 1 KiB blocks, no directory index, no resize inode, no extended
# attributes (so the features left are sparse_super, large_file and
# filetype). MKE2FS and DEBUGFS name the programs (default: found in
# PATH, /usr/sbin or /sbin).
set -e
if [ $# -lt 2 ]; then
    echo "usage: $0 OUT SIZE_MIB [PROGRAM...]" >&2
    exit 2
fi
out=$1 size=$2
shift 2
PATH=$PATH:/usr/sbin:/sbin
mke2fs=${MKE2FS:-mke2fs}
debugfs=${DEBUGFS:-debugfs}
words=${WORDS:-/usr/share/dict/words}
if ! command -v "$mke2fs" >/dev/null 2>&1; then
    echo "mkrootfs: mke2fs not found: apt-get install e2fsprogs" >&2
    exit 1
fi
if [ "$words" != none ] && [ ! -r "$words" ]; then
    echo "mkrootfs: no word list at $words: apt-get install wamerican" >&2
    exit 1
fi

staging=$(mktemp -d "${TMPDIR:-/tmp}/isola-root.XXXXXX")
trap 'rm -rf "$staging" "$out.tmp"' EXIT INT TERM
mkdir "$staging/bin" "$staging/sbin" "$staging/dev" "$staging/tmp" "$staging/etc"
chmod 755 "$staging" "$staging/bin" "$staging/sbin" "$staging/dev" "$staging/etc"
chmod 1777 "$staging/tmp"
for prog in "$@"; do
    name=$(basename "$prog")
    if [ "$name" = init ]; then
        dest=$staging/sbin/init
    else
        dest=$staging/bin/$name
    fi
    if [ -e "$dest" ]; then
        echo "mkrootfs: two programs named $name" >&2
        exit 1
    fi
    # (a file that is not an object file goes in as it is)
    ${OBJCOPY:-objcopy} --strip-debug "$prog" "$dest" 2>/dev/null || cp "$prog" "$dest"
    chmod 755 "$dest"
done
printf 'Welcome to isola.\n' >"$staging/etc/motd"
chmod 644 "$staging/etc/motd"
if [ "$words" != none ]; then
    mkdir -p "$staging/usr/share"
    chmod 755 "$staging/usr" "$staging/usr/share"
    cp "$words" "$staging/usr/share/words"   # (the list itself, not a link to it)
    chmod 644 "$staging/usr/share/words"
fi

rm -f "$out.tmp"
truncate -s "${size}M" "$out.tmp"
"$mke2fs" -q -F -t ext2 -r 1 -b 1024 -O ^dir_index,^resize_inode,^ext_attr \
    -E root_owner=0:0 -L root -d "$staging" "$out.tmp"

# debugfs edits the image directly: it makes the device nodes (mknod
# needs root on the host, not in an image), and, since mke2fs -d gives
# each file the owner it has in the staging tree, hands every file to
# root, as on an installed system. Numbers as Linux assigns them.
{
    # debugfs's mknod takes a name in its current directory, not a path
    printf 'cd /dev\nmknod console c 5 1\nmknod tty c 5 0\nmknod ttyS0 c 4 64\n'
    printf 'mknod null c 1 3\nmknod zero c 1 5\ncd /\n'
    for node in console tty ttyS0 null zero; do
        printf 'sif /dev/%s mode 020666\n' "$node"
    done
    if [ "$(id -u)" != 0 ]; then
        (cd "$staging" && find . -mindepth 1) | sed 's|^\.||' |
            while IFS= read -r path; do
                printf 'sif "%s" uid 0\nsif "%s" gid 0\n' "$path" "$path"
            done
    fi
} >"$staging.cmds"
"$debugfs" -w -f "$staging.cmds" "$out.tmp" >/dev/null 2>"$staging.err" || {
    cat "$staging.err" >&2
    rm -f "$staging.cmds" "$staging.err"
    exit 1
}
# debugfs reports a failed command on stderr but still exits 0; its
# version banner goes there too
if grep -v '^debugfs [0-9]' "$staging.err" >&2; then
    rm -f "$staging.cmds" "$staging.err"
    exit 1
fi
rm -f "$staging.cmds" "$staging.err"
mv "$out.tmp" "$out"
