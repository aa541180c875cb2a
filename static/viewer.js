/* disan 360° viewer: equirectangular panoramas drawn with WebGL1, no dependencies.
   Reads #tour-data (JSON), draws into #tour, falls back to the static <img>.
   All page text goes through textContent / text nodes, never innerHTML. */
(() => {
  'use strict';
  const tour = document.getElementById('tour');
  let data;
  try { data = JSON.parse(document.getElementById('tour-data').textContent); } catch (e) { return; }
  if (!tour || !data || !Array.isArray(data.scenes) || !data.scenes.length) return;

  const L = data.labels || {};
  const lab = k => (typeof L[k] === 'string' ? L[k] : '');
  const byId = {};
  data.scenes.forEach(s => { if (s && s.id != null) byId[s.id] = s; });
  const first = byId[data.first] || data.scenes[0];
  const D = Math.PI / 180;
  const clamp = (v, a, b) => Math.min(b, Math.max(a, v));
  const num = (v, d) => (typeof v === 'number' && isFinite(v) ? v : d);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };
  const button = (cls, label, text) => {
    const b = el('button', cls, text);
    b.type = 'button';
    if (label) b.setAttribute('aria-label', label);
    return b;
  };
  // Unit vector for yaw/pitch: x right (yaw 90), y up, z forward (yaw 0).
  const dir = (y, p) => [Math.sin(y * D) * Math.cos(p * D), Math.sin(p * D), Math.cos(y * D) * Math.cos(p * D)];

  let scene = null;          // current scene object
  let view = { yaw: 0, pitch: 0, hfov: 100 };
  let W = 1, H = 1;          // canvas size in CSS pixels
  let isStatic = false;      // no WebGL: static image + list of links
  let spots = [];            // [{b: button, d: direction}] of the current scene
  let lastHash = '', hashTimer = 0, raf = 0, drawn = false;

  // ---- URL hash: #scene=<id>&yaw=<y>&pitch=<p>&hfov=<h> (any subset) ----
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    const f = k => { const x = parseFloat(p.get(k)); return isFinite(x) ? x : undefined; };
    return { scene: p.get('scene'), yaw: f('yaw'), pitch: f('pitch'), hfov: f('hfov') };
  }
  function hashStr() {
    const r = x => Math.round(x * 10) / 10;
    return '#scene=' + encodeURIComponent(scene.id) + '&yaw=' + r(view.yaw) +
      '&pitch=' + r(view.pitch) + '&hfov=' + r(view.hfov);
  }
  function writeHash() {
    hashTimer = 0;
    const h = hashStr();
    if (h !== lastHash) {
      lastHash = h;
      try { history.replaceState(history.state, '', h); } catch (e) { /* sandboxed */ }
    }
  }
  const scheduleHash = () => { if (!hashTimer) hashTimer = setTimeout(writeHash, 250); };

  // ---- Shared UI: title bar and info panel ----
  const img = tour.querySelector('.tour-fallback') || el('img', 'tour-fallback');
  const fbSrc = img.getAttribute('src');   // server-made still of the first scene
  if (!tour.hasAttribute('tabindex')) tour.tabIndex = 0;
  const title = el('div', 'tour-title');
  title.setAttribute('aria-live', 'polite');

  const panel = el('div', 'tour-panel');
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'tour-panel-h');
  panel.hidden = true;
  const panelH = el('h2', 'tour-panel-title');
  panelH.id = 'tour-panel-h';
  const panelBody = el('div', 'tour-panel-body');
  const closeBtn = button('tour-close', lab('close'), '×');
  closeBtn.title = lab('close');
  panel.append(closeBtn, panelH, panelBody);
  let returnFocus = null;

  function openPanel(h) {
    panelH.textContent = h.title || '';
    panelBody.textContent = '';
    String(h.text || '').split(/\n\s*\n/).forEach(t => {
      t = t.trim();
      if (t) panelBody.append(el('p', '', t));
    });
    if (panel.hidden) returnFocus = document.activeElement;
    panel.hidden = false;
    panel.scrollTop = 0;
    closeBtn.focus();
  }
  function closePanel() {
    if (panel.hidden) return;
    panel.hidden = true;
    const r = returnFocus;
    returnFocus = null;
    (r && r.isConnected && r !== document.body ? r : tour).focus({ preventScroll: true });
  }
  closeBtn.onclick = closePanel;

  // ---- WebGL stage ----
  const canvas = el('canvas', 'tour-canvas');
  canvas.setAttribute('role', 'img');
  const layer = el('div', 'tour-hs');            // hotspot buttons
  const ctrl = el('div', 'tour-ctrl');
  const zin = button('tour-btn tour-zin', lab('zoom_in'), '+');
  const zout = button('tour-btn tour-zout', lab('zoom_out'), '\u2212');
  const fsBtn = button('tour-btn tour-fs', lab('fullscreen'));
  [zin, zout, fsBtn].forEach(b => { b.title = b.getAttribute('aria-label') || ''; });
  ctrl.append(zin, zout, fsBtn);
  const hint = el('div', 'tour-drag', lab('drag_hint'));
  hint.setAttribute('aria-hidden', 'true');
  const loading = el('div', 'tour-loading', lab('loading'));
  loading.setAttribute('role', 'status');
  const hideHint = () => hint.classList.add('tour-drag--off');

  let gl = null, pE, pT;
  const HEAD = '#ifdef GL_FRAGMENT_PRECISION_HIGH\nprecision highp float;\n#else\nprecision mediump float;\n#endif\n';
  // Equirect pass: ray = rotation * (x*tan(hfov/2), y*tan(vfov/2), 1) -> lon/lat -> uv.
  const VE = 'attribute vec2 q;uniform vec2 s;varying vec2 r;void main(){vec2 a=q*2.-1.;r=a*s;gl_Position=vec4(a,0.,1.);}';
  const FE = HEAD + 'uniform mat3 m;uniform sampler2D t;uniform float o;varying vec2 r;void main(){vec3 d=m*vec3(r,1.);' +
    'gl_FragColor=vec4(texture2D(t,vec2(atan(d.x,d.z)*.1591549+.5,.5-atan(d.y,length(d.xz))*.3183099)).rgb,o);}';
  // Tile pass: quad r = (u0,v0)-(u1,v1) of face f on the unit cube, grown 2e-4 a side (no cracks).
  const VT = 'attribute vec2 q;uniform mat3 m,f;uniform vec2 s;uniform vec4 r;varying vec2 c;void main(){' +
    'vec2 g=vec2(q.x<.5?r.x:r.z,q.y<.5?r.y:r.w)+(q-.5)*4e-4;c=(g-r.xy)/(r.zw-r.xy);' +
    'vec3 p=f*vec3(g,1.)*m;gl_Position=vec4(p.xy*s,p.z-.02,p.z);}';
  const FT = HEAD + 'uniform sampler2D t;uniform float o;varying vec2 c;void main(){gl_FragColor=vec4(texture2D(t,c).rgb,o);}';
  // Face pixel (u right, v down, -1..1) -> direction M * (u, v, 1), column-major.
  const FM = {
    f: [1, 0, 0, 0, -1, 0, 0, 0, 1], b: [-1, 0, 0, 0, -1, 0, 0, 0, -1], r: [0, 0, -1, 0, -1, 0, 1, 0, 0],
    l: [0, 0, 1, 0, -1, 0, -1, 0, 0], u: [1, 0, 0, 0, 0, 1, 0, 1, 0], d: [1, 0, 0, 0, 0, -1, 0, -1, 0]
  };
  const fdir = (f, u, v) => { const M = FM[f]; return [0, 1, 2].map(i => M[i] * u + M[i + 3] * v + M[i + 6]); };
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const use = (P, x, y, a) => {
    gl.useProgram(P.p);
    gl.uniformMatrix3fv(P.m, false, M);
    gl.uniform2f(P.s, x, y);
    gl.uniform1f(P.o, a);
  };
  const quad = t => { gl.bindTexture(gl.TEXTURE_2D, t); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); };

  function initGL() {
    const o = { alpha: false, antialias: false, depth: false, stencil: false, preserveDrawingBuffer: false };
    try { gl = canvas.getContext('webgl', o) || canvas.getContext('experimental-webgl', o); } catch (e) { gl = null; }
    if (!gl) return false;
    const mk = (vs, fs) => {
      const p = gl.createProgram(), u = { p };
      [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]].forEach(([type, src]) => {
        const s = gl.createShader(type);
        gl.shaderSource(s, src);
        gl.compileShader(s);
        gl.attachShader(p, s);
      });
      gl.bindAttribLocation(p, 0, 'q');
      gl.linkProgram(p);
      'msofr'.split('').forEach(k => { u[k] = gl.getUniformLocation(p, k); });
      return gl.getProgramParameter(p, gl.LINK_STATUS) && u;
    };
    pE = mk(VE, FE);
    pT = mk(VT, FT);
    if (!pE || !pT) return false;
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());      // one unit quad serves both passes
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.enable(gl.BLEND);                                     // for the crossfade
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    return true;
  }

  function tex(image) {
    let src = image;
    const max = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    if (image.naturalWidth > max) {           // too big for this GPU: downscale once
      src = el('canvas');
      src.width = max;
      src.height = max / 2;
      src.getContext('2d').drawImage(image, 0, 0, max, max / 2);
    }
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    // No mipmaps + CLAMP_TO_EDGE: NPOT sizes work in WebGL1, no seam at ±180° or at tile edges.
    [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T, gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]
      .forEach((k, i) => gl.texParameteri(gl.TEXTURE_2D, k, i < 2 ? gl.CLAMP_TO_EDGE : gl.LINEAR));
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, gl.RGB, gl.UNSIGNED_BYTE, src);
    return t;
  }

  // ---- Tile pyramid: {path}{level}/{face}{row}_{col}.{ext} (ext jpg or webp) ----
  const cache = new Map();   // url -> {s: scene, k: '2/f0_1', L: level, t: texture, n: frame last used}
  const busy = new Map();    // url -> Image being loaded
  const bad = new Set();     // urls that failed
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
    const S = p.sz[L], T = p.tile, n = Math.ceil(S / T), e = x => -1 + 2 * Math.min(S, x) / S;
    for (const f of 'fblrud') {
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          const k = L + '/' + f + r + '_' + c;
          fn(p.path + k + p.e, k, f, e(c * T), e(r * T), e(c * T + T), e(r * T + T));
        }
      }
    }
  }
  const every1 = (s, test) => { const p = pyr(s); let ok = !!p; if (p) grid(p, 1, u => { ok = ok && test(u); }); return ok; };
  const l1done = s => every1(s, u => cache.has(u));
  const broken = s => !every1(s, u => !bad.has(u));

  function loadTile(it) {
    const i = new Image(), u = it.url;
    busy.set(u, i);
    i.onload = () => {
      busy.delete(u);
      if (gl.isContextLost()) return;
      cache.set(u, { s: it.s, k: it.k, L: it.L, t: tex(i), n: tick });
      // LRU: at most 48 level-1 tiles and 48 finer ones; the current scene's go last.
      [true, false].forEach(one => {
        const l = [...cache].filter(([, e]) => (e.L === 1) === one);
        l.sort(([, a], [, b]) => (a.s === scene) - (b.s === scene) || a.n - b.n || a.L - b.L);
        l.slice(0, Math.max(0, l.length - 48)).forEach(([k, e]) => { gl.deleteTexture(e.t); cache.delete(k); });
      });
      settle();
      dirty();
      // Ask for the next tiles here, not only after a frame: no frame is drawn before the first scene
      // is shown, so a scene whose level 1 was not all requested at once would wait forever.
      pump();
    };
    i.onerror = () => {
      busy.delete(u);
      bad.add(u);
      // a missing level-1 tile: use the flat panorama for that scene instead
      if (it.L === 1) [pend, cur].forEach(r => { if (r && r.s === it.s && r.p) { r.p = null; panorama(r); } });
      pump();
    };
    i.src = u;
  }

  // At most 5 requests: level 1 of the pending and current scenes, visible tiles of the chosen level
  // nearest the centre first, then (once sharp) level 1 of linked scenes.
  function pump() {
    if (isStatic) return;
    const w = [], one = s => grid(pyr(s), 1, (url, k) => w.push({ s, url, k, L: 1 }));
    if (pend && pend.p) one(pend.s);
    if (cur && cur.p) {
      one(cur.s);
      if (l1done(cur.s)) {
        want.sort((a, b) => b.d - a.d);
        w.push(...want.slice(0, 40));
        let n = 0;
        if (!pend && fine && !want.length) {
          (cur.s.hotspots || []).forEach(h => {
            const s = h && h.type === 'scene' && byId[h.target];
            if (s && s !== cur.s && pyr(s) && !broken(s) && n++ < 5) one(s);
          });
        }
      }
    }
    w.forEach(it => {
      const e = cache.get(it.url);
      if (e) e.n = tick;                     // wanted: keep
      else if (busy.size < 5 && !busy.has(it.url) && !bad.has(it.url)) loadTile(it);
    });
  }

  function clampView() {
    // hfov 30..120, tightened on tall screens so the vertical fov stays <= 120°
    const h = clamp(view.hfov, 30, Math.max(30, Math.min(120, 2 * Math.atan(1.732 * W / H) / D)));
    const half = Math.atan(Math.tan(h * D / 2) * H / W) / D;   // half vertical fov
    const mp = Math.max(0, 90 - half);                          // never look past a pole
    view = { yaw: ((view.yaw + 180) % 360 + 360) % 360 - 180, pitch: clamp(view.pitch, -mp, mp), hfov: h };
  }

  const dirty = () => { if (!raf && !isStatic) raf = requestAnimationFrame(frame); };

  // Scene records: {s, v: view, p: pyramid, eq: preview/panorama texture, im, full}
  let cur = null, old = null, pend = null, fadeT = 0;
  let tick = 0, level = 0, want = [], fine = false, M, TX, TY, PL;

  // Draw a scene: equirect until level 1 is complete, then visible loaded tiles, coarse to fine up to
  // the level matching the screen. base: bottom layer only (crossfade).
  function paint(r, a, base) {
    const p = r.p, l1 = p && l1done(r.s);
    if (r.eq && !l1) { use(pE, TX, TY, a); quad(r.eq); }
    if (!p || (base && !l1)) return;
    let lv = 1;
    while (lv < p.levels && p.sz[lv] < canvas.width / TX) lv++;
    if (r === cur) level = lv;
    if (base) lv = 1;
    const mine = r === cur && !base;
    fine = fine || mine;
    use(pT, 1 / TX, 1 / TY, a);
    for (let L = 1; L <= lv; L++) {
      grid(p, L, (url, k, f, u0, v0, u1, v1) => {
        const e = cache.get(url);
        if (!e && (L < lv || !mine)) return;
        const cs = [[u0, v0], [u1, v0], [u0, v1], [u1, v1]].map(([u, v]) => fdir(f, u, v));
        if (!PL.every(n => cs.some(c => dot(n, c) > 0))) return;     // outside the view
        if (e) {
          e.n = tick;
          gl.uniformMatrix3fv(pT.f, false, FM[f]);
          gl.uniform4f(pT.r, u0, v0, u1, v1);
          quad(e.t);
        } else if (L > 1) {
          const c = fdir(f, (u0 + u1) / 2, (v0 + v1) / 2);
          want.push({ s: r.s, url, k, L, d: dot(c, M.slice(6)) / Math.hypot(...c) });
        }
      });
    }
  }

  function frame() {
    raf = 0;
    if (!cur || isStatic) return;
    tick++;
    clampView();
    const cy = Math.cos(view.yaw * D), sy = Math.sin(view.yaw * D);
    const cp = Math.cos(view.pitch * D), sp = Math.sin(view.pitch * D);
    // Column-major yaw*pitch rotation; its columns are the camera's right, up, forward.
    const m = M = [cy, 0, -sy, -sy * sp, cp, -cy * sp, sy * cp, sp, cy * cp];
    const tx = TX = Math.tan(view.hfov * D / 2), ty = TY = tx * H / W;
    // Inward normals of the view pyramid's sides, and "in front".
    const F = m.slice(6), pl = (k, i, g) => F.map((x, j) => k * x + g * m[i + j]);
    PL = [pl(tx, 0, -1), pl(tx, 0, 1), pl(ty, 3, -1), pl(ty, 3, 1), F];
    gl.viewport(0, 0, canvas.width, canvas.height);
    want = [];
    fine = false;
    level = 0;
    let a = 1;
    if (old) {                          // crossfade: old scene below, new scene's bottom layer fading in
      a = Math.min(1, (performance.now() - fadeT) / 250);
      if (a < 1) { paint(old, 1); dirty(); } else { drop(old); old = null; }
    }
    paint(cur, a, !!old);
    spots.forEach(({ b, d }) => {
      const x = m[0] * d[0] + m[1] * d[1] + m[2] * d[2];
      const y = m[3] * d[0] + m[4] * d[1] + m[5] * d[2];
      const z = m[6] * d[0] + m[7] * d[1] + m[8] * d[2];
      const px = (x / z / tx + 1) * W / 2, py = (1 - y / z / ty) * H / 2;
      const on = z > 0.01 && px >= 0 && px <= W && py >= 0 && py <= H;
      b.style.visibility = on ? '' : 'hidden';
      if (on) b.style.transform = 'translate(' + px.toFixed(1) + 'px,' + py.toFixed(1) + 'px) translate(-50%,-22px)';
    });
    if (!drawn) {                       // first panorama on screen: retire the fallback
      drawn = true;
      img.hidden = true;
      tour.classList.add('tour--ready');
      lastHash = hashStr();
      setTimeout(hideHint, 6000);
    } else scheduleHash();
    pump();
  }

  function resize() {
    if (isStatic) return;
    W = canvas.clientWidth || 1;
    H = canvas.clientHeight || 1;
    const r = Math.min(window.devicePixelRatio || 1, 2);
    const w = Math.round(W * r), h = Math.round(H * r);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      if (raf) cancelAnimationFrame(raf);
      if (gl) frame();                  // redraw now: resizing cleared the canvas
    }
  }

  // ---- Scenes ----
  function sceneView(s, o, keep) {
    const b = keep ? view : { yaw: num(s.yaw, 0), pitch: num(s.pitch, 0), hfov: num(s.hfov, 100) };
    const v = k => (o && o[k] !== undefined ? o[k] : b[k]);
    return { yaw: v('yaw'), pitch: v('pitch'), hfov: v('hfov') };
  }

  function hsButton(h) {
    const sc = h.type === 'scene';
    const b = button('hs hs-' + (sc ? 'scene' : 'info'),
      [lab(sc ? 'scene_link' : 'info'), h.title].filter(Boolean).join(': '));
    const icon = el('span', 'hs-icon');
    icon.setAttribute('aria-hidden', 'true');
    b.append(icon);
    if (h.title) b.append(el('span', 'hs-label', h.title));
    if (sc) {
      b.dataset.target = h.target;
      b.onclick = () => go(h.target);
    } else b.onclick = () => openPanel(h);
    return b;
  }

  function showScene(s, v) {
    const box = isStatic ? list : layer;
    const hadFocus = box.contains(document.activeElement);
    scene = s;
    view = v;
    title.textContent = s.title || '';
    box.textContent = '';
    spots = (Array.isArray(s.hotspots) ? s.hotspots : [])
      .filter(h => h && ((h.type === 'scene' && byId[h.target] && byId[h.target] !== s) || h.type === 'info'))
      .map(h => {
        const b = hsButton(h);
        if (isStatic) { const li = el('li'); li.append(b); box.append(li); } else box.append(b);
        return { b, d: dir(num(h.yaw, 0), num(h.pitch, 0)) };
      });
    if (hadFocus) tour.focus({ preventScroll: true });
    if (isStatic) {
      const src = s === first && fbSrc ? fbSrc : s.panorama;
      if (img.getAttribute('src') !== src) img.src = src;
      img.alt = s.title || '';
      scrollToYaw();
      if (lastHash) scheduleHash(); else lastHash = hashStr();
    } else {
      canvas.setAttribute('aria-label', s.title || '');
      dirty();
    }
  }

  function loadImage(url) {
    return new Promise((ok, fail) => {
      const i = new Image();
      i.onload = () => ok(i);
      i.onerror = fail;
      i.src = url;
    });
  }

  function setLoading(on) {
    loading.hidden = !on;
    tour.setAttribute('aria-busy', String(on));
  }

  // Change scene: the old one stays until the new one's level 1 (or preview, after 0.8 s) or panorama is in.
  let sharp = false;                   // some scene has been drawn sharp
  const ready = r => r.full || (r.p && l1done(r.s));
  const drop = r => { if (r && r.eq) { gl.deleteTexture(r.eq); r.eq = null; } };
  function setEq(r, i) { drop(r); r.eq = tex(i); r.im = i; }

  function show(n) {
    pend = null;
    if (cur) {
      drop(old);
      old = null;
      if (matchMedia('(prefers-reduced-motion: reduce)').matches) drop(cur);
      else { old = cur; fadeT = performance.now(); }
    }
    cur = n;
    showScene(n.s, n.v);
    settle();
    n.ok(true);
  }

  function settle() {                  // after any load
    if (pend && ready(pend)) show(pend);
    else if (cur && !pend && ready(cur)) { sharp = true; setLoading(false); }
  }

  function panorama(n) {
    loadImage(n.s.panorama).then(i => {
      if (n !== pend && n !== cur) return;
      setEq(n, i);
      n.full = true;
      settle();
      dirty();
    }, () => {
      if (n !== pend && n !== cur) return;
      if (n === pend) { pend = null; n.ok(false); }
      setLoading(false);
      if (!sharp) { toStatic(); showScene(n.s, n === cur ? view : n.v); }   // first panorama failed
    });
  }

  function go(id, o, keep) {
    const s = byId[id];
    if (!s) return Promise.resolve(false);
    const v = sceneView(s, o, keep && s === scene);
    if (pend) { pend.ok(false); drop(pend); pend = null; setLoading(false); }
    if (s === scene) { setView(v); return Promise.resolve(true); }
    if (isStatic) { showScene(s, v); return Promise.resolve(true); }
    const n1 = pyr(s) && pyr(s).path + '1/';
    busy.forEach((i, u) => {           // drop stale requests, keep the new scene's level 1
      if (!n1 || !u.startsWith(n1)) { i.onload = i.onerror = null; i.src = ''; busy.delete(u); }
    });
    setLoading(true);
    const n = pend = { s, v, p: broken(s) ? null : pyr(s) };
    return new Promise(ok => {
      n.ok = ok;
      // Inline preview: drawn at once for the first scene, else under missing level-1 tiles.
      if (/^data:/.test(s.preview) && (!cur || n.p)) {
        loadImage(s.preview).then(i => {
          if (n === pend && !n.full) { setEq(n, i); if (!cur) show(n); }
        }, () => {});
      }
      if (n.p) {
        settle();                      // level 1 preloaded: switch now
        pump();
        setTimeout(() => { if (n === pend && n.eq) show(n); }, 800);
      } else panorama(n);
    });
  }

  function setView(v) {
    view = v;
    if (isStatic) { scrollToYaw(); scheduleHash(); } else dirty();
  }

  // ---- Static fallback (no WebGL or first texture failed) ----
  let scroller = null, list = null;
  function scrollToYaw() {
    const f = () => { scroller.scrollLeft = (view.yaw + 180) / 360 * scroller.scrollWidth - scroller.clientWidth / 2; };
    if (img.complete) f(); else img.addEventListener('load', f, { once: true });
  }
  function toStatic() {
    isStatic = true;
    [canvas, layer, ctrl, hint, loading].forEach(e => e.remove());
    tour.classList.remove('tour--gl', 'tour--ready');
    tour.classList.add('tour--static');
    tour.removeAttribute('aria-busy');
    scroller = el('div', 'tour-scroll');
    img.hidden = false;
    tour.insertBefore(scroller, title);
    scroller.append(img);
    list = el('ul', 'tour-list');
    tour.insertBefore(el('p', 'tour-msg', lab('no_webgl')), panel);
    tour.insertBefore(list, panel);
  }

  // ---- Controls ----
  const zoom = f => { view.hfov = clamp(view.hfov * f, 30, 120); dirty(); hideHint(); };
  zin.onclick = () => zoom(0.8);
  zout.onclick = () => zoom(1.25);

  const fsEl = () => document.fullscreenElement || document.webkitFullscreenElement;
  const updFs = () => fsBtn.setAttribute('aria-pressed', String(!!fsEl() || tour.classList.contains('tour--full')));
  function pseudoFull(on) {            // CSS fullscreen (iPhone has no Fullscreen API for elements)
    tour.classList.toggle('tour--full', on);
    document.documentElement.classList.toggle('tour-lock', on);
    updFs();
  }
  fsBtn.onclick = () => {
    if (fsEl()) return (document.exitFullscreen || document.webkitExitFullscreen).call(document);
    if (tour.classList.contains('tour--full')) return pseudoFull(false);
    const req = tour.requestFullscreen || tour.webkitRequestFullscreen;
    if (!req) return pseudoFull(true);
    try {
      const p = req.call(tour);
      if (p && p.catch) p.catch(() => pseudoFull(true));
    } catch (e) { pseudoFull(true); }
  };
  ['fullscreenchange', 'webkitfullscreenchange'].forEach(t => document.addEventListener(t, updFs));

  // Pointer drag (one pointer) and pinch zoom (two pointers).
  const ptrs = new Map();
  let pinch = 0, pinchH = 0;
  const spread = () => {
    const [a, b] = [...ptrs.values()];
    return Math.hypot(a[0] - b[0], a[1] - b[1]) || 1;
  };
  canvas.addEventListener('pointerdown', e => {
    if (e.button > 0) return;
    try { canvas.setPointerCapture(e.pointerId); } catch (x) { /* ignore */ }
    ptrs.set(e.pointerId, [e.clientX, e.clientY]);
    if (ptrs.size === 2) { pinch = spread(); pinchH = view.hfov; }
    hideHint();
  });
  canvas.addEventListener('pointermove', e => {
    const p = ptrs.get(e.pointerId);
    if (!p) return;
    if (ptrs.size === 1) {               // grab the image: drag right -> look left
      const k = view.hfov / W;
      view.yaw -= (e.clientX - p[0]) * k;
      view.pitch += (e.clientY - p[1]) * k;
      dirty();
    }
    p[0] = e.clientX;
    p[1] = e.clientY;
    if (ptrs.size === 2 && pinch) { view.hfov = clamp(pinchH * pinch / spread(), 30, 120); dirty(); }
  });
  const up = e => {
    ptrs.delete(e.pointerId);
    if (ptrs.size === 2) { pinch = spread(); pinchH = view.hfov; } else pinch = 0;
  };
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  canvas.addEventListener('wheel', e => {
    e.preventDefault();
    zoom(Math.exp(e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1) * 0.0015));
  }, { passive: false });

  tour.addEventListener('keydown', e => {
    if (e.key === 'Escape' || e.key === 'Esc') {
      if (!panel.hidden) closePanel();
      else if (tour.classList.contains('tour--full')) pseudoFull(false);
      return;
    }
    if (isStatic || e.ctrlKey || e.metaKey || e.altKey || panel.contains(e.target)) return;
    const s = view.hfov / 10;
    const a = { ArrowLeft: [-s, 0], ArrowRight: [s, 0], ArrowUp: [0, s], ArrowDown: [0, -s] }[e.key];
    if (a) { view.yaw += a[0]; view.pitch += a[1]; dirty(); hideHint(); }
    else if (e.key === '+' || e.key === '=') zoom(0.85);
    else if (e.key === '-' || e.key === '_') zoom(1 / 0.85);
    else return;
    e.preventDefault();
  });

  addEventListener('hashchange', () => {
    if (location.hash === lastHash || !scene) return;
    const h = readHash();
    lastHash = location.hash;
    if (h.scene == null) go(scene.id, h, true);
    else if (byId[h.scene]) go(h.scene, h, h.scene === scene.id);
    else go(first.id);
  });

  // ---- Start ----
  tour.append(title, panel);
  const h0 = readHash();
  const s0 = h0.scene == null ? first : byId[h0.scene];
  if (initGL()) {
    tour.classList.add('tour--gl');
    tour.insertBefore(canvas, title);
    tour.insertBefore(layer, title);
    tour.append(ctrl, hint, loading);
    canvas.addEventListener('webglcontextlost', e => {
      e.preventDefault();
      cache.clear();
      [cur, old, pend].forEach(r => { if (r) r.eq = null; });
    });
    canvas.addEventListener('webglcontextrestored', () => {
      if (!initGL()) return;
      [cur, pend].forEach(r => { if (r && r.im) r.eq = tex(r.im); });
      dirty();
    });
    if (window.ResizeObserver) new ResizeObserver(resize).observe(canvas);
    addEventListener('resize', resize);
    resize();
  } else toStatic();
  go((s0 || first).id, s0 ? h0 : null);

  window.disanTour = {
    view: () => ({ scene: scene ? scene.id : null, yaw: view.yaw, pitch: view.pitch, hfov: view.hfov }),
    go: id => go(id),
    // for tests: the chosen level and the current scene's loaded tiles
    tiles: () => ({ level, loaded: [...cache.values()].filter(e => e.s === scene).map(e => e.k) }),
    // the direction (degrees) under a point of the page, or null without WebGL: the editors' picker uses it
    at: (cx, cy) => {
      if (!drawn || isStatic) return null;
      const r = canvas.getBoundingClientRect();
      const x = ((cx - r.left) / W * 2 - 1) * TX, y = (1 - (cy - r.top) / H * 2) * TY;
      const d = [0, 1, 2].map(i => M[i] * x + M[i + 3] * y + M[i + 6]);
      return { yaw: Math.atan2(d[0], d[2]) / D, pitch: Math.atan2(d[1], Math.hypot(d[0], d[2])) / D };
    }
  };
})();
