/* Drawing: the view's rotation, the scene as a preview or flat panorama until its level 1 is in, then
   the visible tiles coarse to fine up to the level the zoom needs; a crossfade between scenes; hotspot
   positions. A frame uploads a few decoded tiles; it paints only when something visible changed, and
   tiles of a finer level repaint once all that were asked for are in (or every 800 ms while they still
   stream in), so a phone is not kept busy painting tile by tile. A frame is a list of draws that G sends
   to where the GL context lives; the next one waits until that one is drawn.
   The canvas holds no more pixels than its picture has: across its width, as many as the finest image
   drawn shows across the view (a cube face of size z: z·tan(hfov/2); an equirectangular image of width
   w: w·tan(hfov/2)/π), in steps of a quarter of the device pixel ratio, never fewer than one per CSS
   pixel and never more than two (or the screen's own ratio, if smaller). So a preview or level 1 is
   drawn at about one pixel per CSS pixel, and the full ratio is used once tiles that fine are in. */
const Render = (() => {
  let raf = 0, due = false, laterT = 0, drawn = false, level = 0, want = [], sized = false, src = 0, bw = 0, bh = 0;
  let M = [1, 0, 0, 0, 1, 0, 0, 0, 1], TX = 1, TY = 1, PL = [];
  // Face pixel (u right, v down, -1..1) -> direction M * (u, v, 1), column-major.
  const FM = {
    f: [1, 0, 0, 0, -1, 0, 0, 0, 1], b: [-1, 0, 0, 0, -1, 0, 0, 0, -1], r: [0, 0, -1, 0, -1, 0, 1, 0, 0],
    l: [0, 0, 1, 0, -1, 0, -1, 0, 0], u: [1, 0, 0, 0, 0, 1, 0, 1, 0], d: [1, 0, 0, 0, 0, -1, 0, -1, 0]
  };
  const fdir = (f, u, v) => { const F = FM[f]; return [0, 1, 2].map(i => F[i] * u + F[i + 3] * v + F[i + 6]); };
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

  const wake = () => { if (!raf && S.phase !== 'static') raf = requestAnimationFrame(frame); };
  const dirty = () => { due = true; wake(); };
  G.hooks.wake = () => { if (due) wake(); };
  const later = () => { if (!laterT) laterT = setTimeout(() => { laterT = 0; dirty(); }, 800); };
  on('view', dirty);
  on('scene', dirty);

  function clampView() {
    const v = S.view, W = S.W, H = S.H;
    // hfov 30..120, tightened on tall screens so the vertical fov stays <= 120°
    const h = clamp(v.hfov, 30, Math.max(30, Math.min(120, 2 * Math.atan(1.732 * W / H) / D)));
    const half = Math.atan(Math.tan(h * D / 2) * H / W) / D;   // half vertical fov
    const mp = Math.max(0, 90 - half);                          // never look past a pole
    v.yaw = ((v.yaw + 180) % 360 + 360) % 360 - 180;
    v.pitch = clamp(v.pitch, -mp, mp);
    v.hfov = h;
  }

  // Draws record r at opacity a. base: only its bottom layer (a scene fading in); mine: the scene shown,
  // whose missing visible tiles are wanted.
  function paint(r, a, base, mine, tick) {
    const p = r.p, l1 = p && Tiles.l1done(r.s);
    const eq = r.full ? r.eq : Tiles.previewTex(r.s);
    if (eq && !l1) {
      G.equirect(eq, M, TX, TY, a);
      src = Math.max(src, (r.full ? r.im.width : Tiles.previewWidth(r.s)) * TX / Math.PI);
    }
    if (!p || (base && !l1)) return;
    let lv = 1;
    while (lv < p.levels && p.sz[lv] < S.W * ratio() / TX) lv++;
    if (mine) level = lv;
    if (base) lv = 1;
    if (!G.tiles(M, TX, TY, a)) return;
    const cache = S.textures.cache;
    for (let L = 1; L <= lv; L++) {
      Tiles.grid(p, L, (url, k, f, u0, v0, u1, v1) => {
        const e = cache.get(url);
        if (!e && (L < lv || !mine)) return;
        const cs = [[u0, v0], [u1, v0], [u0, v1], [u1, v1]].map(([u, v]) => fdir(f, u, v));
        if (!PL.every(n => cs.some(c => dot(n, c) > 0))) return;     // outside the view
        if (e) {
          e.n = tick;
          G.tile(e.t, FM[f], u0, v0, u1, v1);
          src = Math.max(src, p.sz[L] * TX);
        } else if (L > 1) {
          const c = fdir(f, (u0 + u1) / 2, (v0 + v1) / 2);
          want.push({ s: r.s, url, k, L, d: dot(c, M.slice(6)) / Math.hypot(...c) });
        }
      });
    }
  }

  // The most device pixels per CSS pixel worth drawing.
  const ratio = () => Math.min(window.devicePixelRatio || 1, 2);

  function frame() {
    raf = 0;
    if (S.phase === 'static' || G.lost()) return;
    const tick = Tiles.upload();
    const { cur, old, fadeT } = Scenes.records();
    if (!cur || !due || !sized || G.busy()) return;      // a frame still being drawn wakes this again
    due = false;
    src = 0;
    clampView();
    const v = S.view, cy = Math.cos(v.yaw * D), sy = Math.sin(v.yaw * D);
    const cp = Math.cos(v.pitch * D), sp = Math.sin(v.pitch * D);
    // Column-major yaw*pitch rotation; its columns are the camera's right, up, forward.
    const m = M = [cy, 0, -sy, -sy * sp, cp, -cy * sp, sy * cp, sp, cy * cp];
    const tx = TX = Math.tan(v.hfov * D / 2), ty = TY = tx * S.H / S.W;
    // Inward normals of the view pyramid's sides, and "in front".
    const F = m.slice(6), pl = (k, i, g) => F.map((x, j) => k * x + g * m[i + j]);
    PL = [pl(tx, 0, -1), pl(tx, 0, 1), pl(ty, 3, -1), pl(ty, 3, 1), F];
    want = [];
    let a = 1;
    if (old) {                          // crossfade: old scene below, new scene's bottom layer fading in
      a = Math.min(1, (performance.now() - fadeT) / 250);
      if (a < 1) { paint(old, 1, false, false, tick); dirty(); } else Scenes.faded();
    }
    paint(cur, a, a < 1, a === 1, tick);
    want.sort((x, y) => y.d - x.d);
    const top = ratio(), k = Math.min(top, Math.max(Math.min(1, top), Math.ceil(src / S.W * 4) / 4));
    bw = Math.round(S.W * k);
    bh = Math.round(S.H * k);
    G.flush(bw, bh);
    Hotspots.place(m, tx, ty);
    drawn = true;
    Tiles.pump();
  }

  // The box's size, read when the page is laid out anyway (a ResizeObserver's call, or a window resize):
  // the first frame waits for it rather than forcing a layout while the script starts.
  function resize() {
    if (S.phase === 'static') return;
    const c = G.canvas, w = c.clientWidth || 1, h = c.clientHeight || 1;
    if (sized && w === S.W && h === S.H) { dirty(); return; }   // the pixel ratio may have changed
    sized = true;
    S.W = w;
    S.H = h;
    if (raf) cancelAnimationFrame(raf);
    due = true;
    frame();                            // draw now, at the new size, in this same rendering step
  }

  // The direction (degrees) under a point of the page, or null before the first frame.
  function at(cx, cy) {
    if (!drawn || S.phase === 'static') return null;
    const r = G.canvas.getBoundingClientRect();
    const x = ((cx - r.left) / S.W * 2 - 1) * TX, y = (1 - (cy - r.top) / S.H * 2) * TY;
    const d = [0, 1, 2].map(i => M[i] * x + M[i + 3] * y + M[i + 6]);
    return { yaw: Math.atan2(d[0], d[2]) / D, pitch: Math.atan2(d[1], Math.hypot(d[0], d[2])) / D };
  }

  return { dirty, wake, later, resize, at, wanted: () => want, level: () => level, drawn: () => drawn, backing: () => [bw, bh] };
})();
