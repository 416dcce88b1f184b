#!/bin/sh
# The file tools on the OS's own ext2: a script builds a tree with
# mkdir -p, cp, cp -r, mv (rename, across directories, onto a file),
# ln and ln -s, touch -t, then checks it with ls, stat and cat, takes
# parts of it down with rm -r, rm and rmdir, and copies the 1 MB word
# list. Every step's result is judged from the transcript.
. "${srcdir:-.}/tests/os/lib.sh"
os_run isola-kernel 'mkdir -p /tmp/t/a/b/c
echo hello > /tmp/t/a/f
cp /tmp/t/a/f /tmp/t/a/b/g
cp -r /tmp/t/a /tmp/t/copy
ls -1 /tmp/t/copy/b
cat /tmp/t/copy/b/g
mv /tmp/t/copy /tmp/t/moved
mv /tmp/t/moved/f /tmp/t/moved/b/c/renamed
echo other > /tmp/t/other
mv /tmp/t/other /tmp/t/moved/b/g
ls -1 /tmp/t /tmp/t/moved/b/c
cat /tmp/t/moved/b/g /tmp/t/moved/b/c/renamed
ln /tmp/t/a/f /tmp/t/hard
ln -s a/f /tmp/t/soft
stat -c "%n %h %s %a %F" /tmp/t/a/f /tmp/t/hard /tmp/t/soft /tmp/t/a/b
cat /tmp/t/soft
touch -t 200001020304.05 /tmp/t/a/f
stat -c "times %Y %X" /tmp/t/hard
touch /tmp/t/new
stat /tmp/t/new
rm -r /tmp/t/moved
rm /tmp/t/soft
rmdir /tmp/t/a/b/c
ls -1 /tmp/t /tmp/t/a/b
rm /tmp/t/nope
echo rm-status=$?
rmdir /tmp/t/a
echo rmdir-status=$?
cp /usr/share/words /tmp/w
wc -c /usr/share/words /tmp/w
grep -c -x -F zebra /tmp/w
df
'
expect_poweroff
reject 'panic'
# cp -r copied the tree, mv moved it and renamed within it
expect '^\$ ls -1 /tmp/t/copy/b$'
sed -n '/^\$ ls -1 \/tmp\/t\/copy\/b$/,/^\$ /p' "$out" | grep -qx c || fail "cp -r: no copy/b/c"
sed -n '/^\$ ls -1 \/tmp\/t\/copy\/b$/,/^\$ /p' "$out" | grep -qx g || fail "cp -r: no copy/b/g"
expect '^\$ cat /tmp/t/copy/b/g$'
sed -n '/^\$ cat \/tmp\/t\/copy\/b\/g$/{n;p;}' "$out" | grep -qx hello || fail "cp: copy/b/g is not hello"
listing=$(sed -n '/^\$ ls -1 \/tmp\/t \/tmp\/t\/moved\/b\/c$/,/^\$ /p' "$out" | sed '1d;$d' | tr '\n' ' ')
[ "$listing" = "/tmp/t: a moved  /tmp/t/moved/b/c: renamed " ] || fail "after mv: $listing"
contents=$(sed -n '/^\$ cat \/tmp\/t\/moved\/b\/g /,/^\$ /p' "$out" | sed '1d;$d' | tr '\n' ' ')
[ "$contents" = "other hello " ] || fail "mv onto a file, mv across directories: $contents"
# links: two names for one file, a symbolic link to it
expect '^/tmp/t/a/f 2 6 644 regular file$'
expect '^/tmp/t/hard 2 6 644 regular file$'
expect '^/tmp/t/soft 1 3 777 symbolic link$'
expect '^/tmp/t/a/b 3 1024 755 directory$'
sed -n '/^\$ cat \/tmp\/t\/soft$/{n;p;}' "$out" | grep -qx hello || fail "cat through the link"
# touch -t set both times (seen through the other name); touch made a file
expect '^times 946782245 946782245$'
expect '^  File: /tmp/t/new$'
expect '^  Size: 0 +	Blocks: 0 +IO Block: 1024 +regular empty file$'
expect '^Device: 1,0	Inode: [0-9]+ +Links: 1$'
expect '^Access: \(0644/-rw-r--r--\)  Uid: \(    0/    root\)   Gid: \(    0/    root\)$'
expect '^Modify: 20[0-9-]+ [0-9:]+\.000000000 \+0000$'
# what rm -r, rm and rmdir left
listing=$(sed -n '/^\$ ls -1 \/tmp\/t \/tmp\/t\/a\/b$/,/^\$ /p' "$out" | sed '1d;$d' | tr '\n' ' ')
[ "$listing" = "/tmp/t: a hard new  /tmp/t/a/b: g " ] || fail "after rm -r, rm, rmdir: $listing"
expect "^rm: cannot remove '/tmp/t/nope': No such file or directory$"
expect '^rm-status=1$'
expect "^rmdir: failed to remove '/tmp/t/a': Directory not empty$"
expect '^rmdir-status=1$'
# the copy of the word list is whole
size=$(sed -n 's|^ *\([0-9]*\) /usr/share/words$|\1|p' "$out")
[ -n "$size" ] && [ "$size" -gt 100000 ] || fail "wc -c /usr/share/words: '$size'"
expect "^ *$size /tmp/w$"
sed -n '/^\$ grep -c -x -F zebra \/tmp\/w$/{n;p;}' "$out" | grep -qx 1 || fail "grep -c zebra /tmp/w"
expect '^/dev/root +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+% /$'
