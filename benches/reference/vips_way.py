#!/usr/bin/env python3
"""Reference for `cargo bench --bench tiles`: the fastest libvips pipeline in shared/reference/perf.md —
one process, cube faces resampled with `mapim` (bicubic) through index maps computed once and cached on
disk, then each face's pyramid (2×2-mean levels down to one 512-px tile, JPEG q75) written by `dzsave`, and
the 1024-px fallback faces.

`prepare` computes the maps (not timed: that is what "cached" means); `run` is the timed part.
Usage: vips_way.py prepare WIDTH HEIGHT MAP_DIR | vips_way.py run PANORAMA.jpg MAP_DIR OUT_DIR.
Needs pyvips (pip) over the system libvips, and NumPy for `prepare`.
"""

import math
import os
import sys

import pyvips

TILE = 512
FALLBACK = 1024
QUALITY = 75
FACES = "fbudlr"


def direction(face, u, v):
    """View direction through face point (u right, v down, −1…1); x towards yaw 90°, y up, z yaw 0°."""
    import numpy as np
    one = np.ones_like(u)
    return {
        "f": (u, -v, one), "b": (-u, -v, -one), "r": (one, -v, -u),
        "l": (-one, -v, u), "u": (u, one, v), "d": (u, -one, -v),
    }[face]


def prepare(width, height, maps):
    import numpy as np
    cube = 8 * int(width / math.pi / 8)
    os.makedirs(maps, exist_ok=True)
    c = (np.arange(cube, dtype=np.float64) + 0.5) * 2 / cube - 1
    u, v = np.meshgrid(c, c)
    for face in FACES:
        path = os.path.join(maps, f"{face}.v")
        if os.path.exists(path):
            continue
        x, y, z = direction(face, u, v)
        yaw = np.arctan2(x, z)
        pitch = np.arctan2(y, np.hypot(x, z))
        fx = (yaw / (2 * math.pi) + 0.5) * width - 0.5
        fy = (0.5 - pitch / math.pi) * height - 0.5
        xy = np.dstack([fx, fy]).astype(np.float32)
        pyvips.Image.new_from_memory(xy.tobytes(), cube, cube, 2, "float").write_to_file(path)


def run(src, maps, out):
    # Decoded into memory (as perf.md's run held it), not into a temporary file on disk.
    image = pyvips.Image.new_from_file(src, access="random", memory=True)
    os.makedirs(os.path.join(out, "fallback"), exist_ok=True)
    bicubic = pyvips.Interpolate.new("bicubic")
    for face in FACES:
        index = pyvips.Image.new_from_file(os.path.join(maps, f"{face}.v"))
        cube = index.width
        # Copy to memory once: both the pyramid and the fallback read it.
        face_img = image.mapim(index, interpolate=bicubic).copy_memory()
        face_img.dzsave(os.path.join(out, face), tile_size=TILE, overlap=0, depth="onetile",
                        suffix=f".jpg[Q={QUALITY}]")
        face_img.resize(FALLBACK / cube).write_to_file(os.path.join(out, "fallback", f"{face}.jpg[Q={QUALITY}]"))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        run(sys.argv[2], sys.argv[3], sys.argv[4])
