#!/usr/bin/env python3
"""mkdata.py: a deterministic test disk: text, zeros, noise and a sparse hole.

    mkdata.py FILE SIZE [SEED]

Writes SIZE bytes (a multiple of 64 KiB plus anything): 64 KiB pieces that
are text (compressible), zeros, noise (incompressible) or a hole (left
sparse), so that every kind of cluster appears in the images made from it.
"""
import random
import sys

path, size = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
piece = 65536
with open(path, 'wb') as f:
    f.truncate(size)
    for off in range(0, size, piece):
        n = min(piece, size - off)
        kind = rng.choice(('text', 'text', 'zeros', 'noise', 'hole', 'hole'))
        if kind == 'hole':
            continue
        f.seek(off)
        if kind == 'text':
            words = b' '.join(b'word%d' % rng.randrange(1000)
                              for _ in range(n // 4))
            f.write(words[:n])
        elif kind == 'zeros':
            f.write(bytes(n))
        else:
            f.write(rng.randbytes(n))
