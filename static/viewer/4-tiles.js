/* Tiles and textures. A scene's pyramid is {path}{level}/{face}{row}_{col}.{ext}. Tiles are fetched at
   most five at a time and decoded off the main thread (fetch + createImageBitmap); decoded tiles wait in a
   queue that each frame uploads a few of, so no frame carries a burst of work. Previews (one small
   equirectangular image per scene) paint a scene at once while its tiles arrive. */
const Tiles = (() => {
  const T = S.textures = {
    cache: new Map(),     // url -> {s: scene, k: '2/f0_1', L: level, t: texture, n: frame last used}
    busy: new Map(),      // url -> AbortController (null without fetch) of a request under way
    bad: new Set(),       // urls that failed
    queue: [],            // decoded, waiting for upload: {it, img}
    previews: new Map()   // scene id -> {img, t}: decoded preview (null while loading) and its texture
  };
  let tick = 0;
  const bitmaps = typeof createImageBitmap === 'function' && typeof fetch === 'function' && typeof AbortController === 'function';

  function decode(url, ctl) {
    if (bitmaps) {
      return fetch(url, { signal: ctl.signal })
        .then(r => (r.ok ? r.blob() : Promise.reject(r.status)))
        .then(b => createImageBitmap(b));
    }
    return new Promise((ok, fail) => {
      const i = new Image();
      i.onload = () => (i.decode ? i.decode().then(() => ok(i), () => ok(i)) : ok(i));
      i.onerror = fail;
      i.src = url;
    });
  }
  const image = url => decode(url, bitmaps ? new AbortController() : null);

  function pyr(s) {          // the scene's pyramid, or null
    const t = s.tiles;
    if (s.$p === undefined) {
      s.$p = t && typeof t.path === 'string' && [t.size, t.tile, t.levels].every(x => x >= 1 && x % 1 === 0) &&
        t.levels < 9 && t.size >> (t.levels - 1) ? Object.assign({ sz: [], e: t.ext === 'webp' ? '.webp' : '.jpg' }, t) : null;
      // face sizes: halved (rounded down) per level
      for (let L = t && t.levels, z = t && t.size; s.$p && L; L--, z = z >> 1) s.$p.sz[L] = z;
    }
    return s.$p;
  }
  function grid(p, L, fn) {  // every tile of level L: fn(url, key, face, u0, v0, u1, v1)
    const S_ = p.sz[L], Z = p.tile, n = Math.ceil(S_ / Z), e = x => -1 + 2 * Math.min(S_, x) / S_;
    for (const f of 'fblrud') {
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          const k = L + '/' + f + r + '_' + c;
          fn(p.path + k + p.e, k, f, e(c * Z), e(r * Z), e(c * Z + Z), e(r * Z + Z));
        }
      }
    }
  }
  const every1 = (s, test) => { const p = pyr(s); let ok = !!p; if (p) grid(p, 1, u => { ok = ok && test(u); }); return ok; };
  const l1done = s => every1(s, u => T.cache.has(u));
  const broken = s => !every1(s, u => !T.bad.has(u));
  const queued = u => T.queue.some(q => q.it.url === u);

  function load(it) {
    const ctl = bitmaps ? new AbortController() : null;
    T.busy.set(it.url, ctl);
    decode(it.url, ctl).then(img => {
      if (T.busy.get(it.url) !== ctl) { if (img.close) img.close(); return; }   // given up meanwhile
      T.busy.delete(it.url);
      T.queue.push({ it, img });
      Render.wake();
      pump();
    }, () => {
      if (T.busy.get(it.url) !== ctl) return;
      T.busy.delete(it.url);
      T.bad.add(it.url);
      if (it.L === 1) Scenes.tileFailed(it.s);
      pump();
    });
  }

  // At most five requests at a time: level 1 of the scene being opened and of the scene shown; then the
  // shown scene's visible tiles at the level its zoom needs, nearest the centre first; then, once all of
  // that is in, level 1 of the scenes its hotspots lead to. Called after every tile, not only after a
  // frame: no frame is drawn before the first scene can be shown.
  function pump() {
    if (S.phase === 'static') return;
    const w = [], one = s => { const p = pyr(s); if (p) grid(p, 1, (url, k) => w.push({ s, url, k, L: 1 })); };
    const { cur, pend } = Scenes.records();
    if (pend && pend.p) one(pend.s);
    if (cur && cur.p) {
      one(cur.s);
      if (l1done(cur.s)) {
        const want = Render.wanted();
        w.push(...want.slice(0, 40));
        if (!pend && !want.length && !T.queue.length) {
          let n = 0;
          (cur.s.hotspots || []).forEach(h => {
            const s = h && h.type === 'scene' && S.byId[h.target];
            if (s && s !== cur.s && pyr(s) && !broken(s) && n++ < 5) one(s);
          });
        }
      }
    }
    for (const it of w) {
      const e = T.cache.get(it.url);
      if (e) e.n = tick;                     // wanted: keep
      else if (T.busy.size < 5 && !T.busy.has(it.url) && !T.bad.has(it.url) && !queued(it.url)) load(it);
    }
  }

  // Before WebGL starts: ask for the first scene's level 1 at once, so the network works while the
  // viewer sets up.
  function early(s) {
    const p = s && pyr(s);
    if (p) grid(p, 1, (url, k) => { if (T.busy.size < 6 && !T.busy.has(url)) load({ s, url, k, L: 1 }); });
  }

  // A new scene is being opened: give up requests and decoded tiles that do not serve it.
  function focus(s) {
    const p = pyr(s), n1 = p && p.path + '1/';
    T.busy.forEach((ctl, u) => { if (!n1 || !u.startsWith(n1)) { if (ctl) ctl.abort(); T.busy.delete(u); } });
    T.queue = T.queue.filter(q => {
      if (q.it.s === s) return true;
      if (q.img.close) q.img.close();
      return false;
    });
  }

  // Once per frame: uploads a few decoded tiles (at most four, and no more after 6 ms).
  function upload() {
    tick++;
    const t0 = performance.now();
    let n = 0;
    while (T.queue.length && n < 4 && (!n || performance.now() - t0 < 6)) {
      const { it, img } = T.queue.shift();
      n++;
      if (G.lost()) continue;
      T.cache.set(it.url, { s: it.s, k: it.k, L: it.L, t: G.tex(img, true), n: tick });
      // Repaint the scene shown once its level 1 is complete (over its preview), finer tiles in batches.
      if (it.s === S.scene && (it.L === 1 ? l1done(it.s) : !T.busy.size && !T.queue.length)) Render.dirty();
      else if (it.s === S.scene) Render.later();
    }
    if (n) { evict(); Scenes.settle(); }
    if (T.queue.length) Render.wake();
    return tick;
  }

  // At most 48 level-1 tiles and 48 finer ones; the shown scene's go last.
  function evict() {
    [true, false].forEach(one => {
      const l = [...T.cache].filter(([, e]) => (e.L === 1) === one);
      if (l.length <= 48) return;
      l.sort(([, a], [, b]) => (a.s === S.scene) - (b.s === S.scene) || a.n - b.n || a.L - b.L);
      l.slice(0, l.length - 48).forEach(([k, e]) => { G.drop(e.t); T.cache.delete(k); });
    });
  }

  // The scene's preview, asked for once: the page's own image when it shows this scene, else the small file.
  function preview(s) {
    if (T.previews.has(s.id)) return;
    const e = { img: null, t: null, w: 0 };
    T.previews.set(s.id, e);
    const done = img => { e.img = img; e.w = img.naturalWidth || img.width; Scenes.settle(); Render.dirty(); };
    const file = () => { if (typeof s.preview === 'string') image(s.preview).then(done, () => {}); };
    // A worker draws from bitmaps only: the page's image becomes one (it is decoded already, so at once).
    const page = () => (G.worker() ? createImageBitmap(pi).then(done, file) : done(pi));
    const pi = Ui.pageImage;
    if (pi && pi.dataset.scene === s.id) {
      if (pi.complete && pi.naturalWidth) page();
      else { pi.addEventListener('load', page, { once: true }); pi.addEventListener('error', file, { once: true }); }
    } else file();
  }
  const hasPreview = s => { const e = T.previews.get(s.id); return !!(e && e.img); };
  const previewWidth = s => { const e = T.previews.get(s.id); return e ? e.w : 0; };
  function previewTex(s) {
    const e = T.previews.get(s.id);
    if (e && e.img && !e.t && !G.lost()) e.t = G.tex(e.img);
    return e && e.t;
  }

  function lost() {
    T.cache.clear();
    T.queue = [];
    T.busy.forEach(ctl => ctl && ctl.abort());
    T.busy.clear();
    T.previews.forEach(e => { e.t = null; });
  }

  // For tests: the current scene's loaded tiles.
  const loaded = () => [...T.cache.values()].filter(e => e.s === S.scene).map(e => e.k);

  return { pyr, grid, l1done, broken, pump, early, focus, upload, preview, hasPreview, previewTex, previewWidth, image, lost, loaded, tick: () => tick };
})();
