#!/usr/bin/env python3
"""Reference for `cargo bench --bench tiles`: the work Pannellum's multires generator does, done the way it
does it — Hugin's `nona` renders six 90° rectilinear cube faces to TIFF, then Pillow cuts the 512-px JPEG
(q75) pyramid, shrinking each level from the one above with Lanczos, plus 1024-px fallback faces.

Written for this benchmark from the layout described in shared/reference/viewers.md (no code copied).
Usage: pannellum_way.py PANORAMA.jpg OUT_DIR. Needs `nona` (Debian hugin-tools) and Pillow.
"""

import math
import os
import subprocess
import sys

from PIL import Image

Image.MAX_IMAGE_PIXELS = None

TILE = 512
FALLBACK = 1024
QUALITY = 75
# Face letter → (yaw, pitch) of the input image relative to the view, so the view looks that way.
FACES = {"f": (0, 0), "b": (180, 0), "u": (0, -90), "d": (0, 90), "l": (90, 0), "r": (-90, 0)}


def levels(cube, tile):
    n = math.ceil(math.log2(cube / tile)) + 1
    if n >= 2 and cube // 2 ** (n - 2) == tile:
        n -= 1
    return max(n, 1)


def main():
    src, out = sys.argv[1], sys.argv[2]
    with Image.open(src) as im:
        width, height = im.size
    cube = 8 * int(width / math.pi / 8)
    tile = min(TILE, cube)
    top = levels(cube, tile)
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "faces")
    os.makedirs(work, exist_ok=True)
    for face, (yaw, pitch) in FACES.items():
        pto = os.path.join(work, f"{face}.pto")
        with open(pto, "w") as f:
            f.write(f'p f0 w{cube} h{cube} v90 n"TIFF_m c:NONE"\n')
            f.write("m i0\n")
            f.write(f'i f4 w{width} h{height} v360 y{yaw} p{pitch} r0 n"{os.path.abspath(src)}"\n')
        subprocess.run(["nona", "-o", os.path.join(work, face), pto], check=True)
    for face in FACES:
        path = os.path.join(work, f"{face}0000.tif")
        img = Image.open(path).convert("RGB")
        if FALLBACK:
            os.makedirs(os.path.join(out, "fallback"), exist_ok=True)
            img.resize((FALLBACK, FALLBACK), Image.LANCZOS).save(
                os.path.join(out, "fallback", f"{face}.jpg"), quality=QUALITY)
        size = cube
        for level in range(top, 0, -1):
            if level < top:
                size //= 2
                img = img.resize((size, size), Image.LANCZOS)
            d = os.path.join(out, str(level))
            os.makedirs(d, exist_ok=True)
            n = math.ceil(size / tile)
            for row in range(n):
                for col in range(n):
                    box = (col * tile, row * tile, min(size, (col + 1) * tile), min(size, (row + 1) * tile))
                    img.crop(box).save(os.path.join(d, f"{face}{row}_{col}.jpg"), quality=QUALITY)
        os.remove(path)


if __name__ == "__main__":
    main()
