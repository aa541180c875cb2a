/* WebGL1 drawing. The GL side (glServer) owns the context, the textures and the two programs (a flat
   panorama or preview drawn as an equirectangular texture, and one cube tile per draw); the page side (G)
   records each frame as a short list of draws and sends it over. Where the browser can hand a canvas to a
   worker (OffscreenCanvas with WebGL), glServer runs there: the page's thread then never waits for the
   GPU (under software compositing every WebGL frame costs the page's "Commit" a read-back of the whole
   canvas, 30-150 ms on a phone-class CPU) and keeps input, hotspots and text responsive. Elsewhere the
   same glServer runs on the page's thread, called directly. */

// Self-contained: its source text becomes the worker, so it uses nothing from around it. port is the
// worker's global scope, or an object with the same postMessage/onmessage on the page's thread.
function glServer(port) {
  let cv = null, gl = null, pE = null, pT = null, max = 2048;
  const texs = new Map();               // id -> WebGLTexture
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

  function init() {
    const o = { alpha: false, antialias: false, depth: false, stencil: false, preserveDrawingBuffer: false };
    try { gl = cv.getContext('webgl', o) || cv.getContext('experimental-webgl', o); } catch (e) { gl = null; }
    if (!gl) return false;
    pE = mk(VE, FE);
    pT = null;                          // compiled when tiles are first drawn, after the first picture
    if (!pE) return false;
    max = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());      // one unit quad serves both passes
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.enable(gl.BLEND);                                     // for the crossfade
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    return true;
  }

  // A texture from a decoded image (ImageBitmap, or <img> on the page's thread). own: the image is ours
  // to close once uploaded.
  function tex(id, image, own) {
    let src = image;
    const w = image.naturalWidth || image.width;
    if (w > max) {                             // too big for this GPU: downscale once
      src = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(max, max / 2)
        : Object.assign(document.createElement('canvas'), { width: max, height: max / 2 });
      src.getContext('2d').drawImage(image, 0, 0, max, max / 2);
    }
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    // No mipmaps + CLAMP_TO_EDGE: NPOT sizes work in WebGL1, no seam at ±180° or at tile edges.
    [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T, gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]
      .forEach((k, i) => gl.texParameteri(gl.TEXTURE_2D, k, i < 2 ? gl.CLAMP_TO_EDGE : gl.LINEAR));
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, gl.RGB, gl.UNSIGNED_BYTE, src);
    texs.set(id, t);
    if (own && image.close) image.close();
  }

  // Program P with rotation m, scale (x, y) and opacity a.
  function use(P, m, x, y, a) {
    gl.useProgram(P.p);
    gl.uniformMatrix3fv(P.m, false, m);
    gl.uniform2f(P.s, x, y);
    gl.uniform1f(P.o, a);
  }
  const quad = id => { const t = texs.get(id); if (t) { gl.bindTexture(gl.TEXTURE_2D, t); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); } };

  // One frame: the backing size, then draws ['e', tex, m, tx, ty, a] (equirect), ['T', m, tx, ty, a]
  // (start of the tile pass) and ['t', tex, face, u0, v0, u1, v1] (one tile).
  function frame(f) {
    if (cv.width !== f.w) cv.width = f.w;
    if (cv.height !== f.h) cv.height = f.h;
    gl.viewport(0, 0, f.w, f.h);
    let tiles = false;
    for (const d of f.d) {
      if (d[0] === 'e') { use(pE, d[2], d[3], d[4], d[5]); quad(d[1]); }
      else if (d[0] === 'T') {
        if (pT === null && !(pT = mk(VT, FT))) port.postMessage({ k: 'notiles' });
        tiles = !!pT;
        if (tiles) use(pT, d[1], 1 / d[2], 1 / d[3], d[4]);
      } else if (tiles) {
        gl.uniformMatrix3fv(pT.f, false, d[2]);
        gl.uniform4f(pT.r, d[3], d[4], d[5], d[6]);
        quad(d[1]);
      }
    }
  }

  function on(m) {
    if (m.k === 'init') {
      cv = m.canvas;
      cv.addEventListener('webglcontextlost', e => { e.preventDefault(); texs.clear(); port.postMessage({ k: 'lost' }); });
      cv.addEventListener('webglcontextrestored', () => port.postMessage({ k: 'restored', ok: init() }));
      port.postMessage({ k: 'init', ok: init() });
    } else if (!gl || gl.isContextLost()) {
      if (m.k === 'tex' && m.own && m.img.close) m.img.close();
      if (m.k === 'frame') port.postMessage({ k: 'done' });
    } else if (m.k === 'tex') tex(m.id, m.img, m.own);
    else if (m.k === 'drop') { gl.deleteTexture(texs.get(m.id)); texs.delete(m.id); }
    else if (m.k === 'frame') { frame(m); port.postMessage({ k: 'done' }); }
  }
  port.onmessage = e => on(e.data);
}

const G = (() => {
  // The element in the page: a box around the canvas, so that the canvas can be replaced (when the worker
  // cannot draw) while input and the page keep their element.
  const canvas = el('div', 'tour-canvas');
  canvas.setAttribute('role', 'img');
  let cv = null, worker = null, send = null, ok = false, answered = false, isLost = false, tilesOk = true;
  let busy = 0, nid = 0, d = [], drawn = false;
  // What the viewer does when the context is lost, back, or cannot be had after all; wake: a frame ended.
  const hooks = { lost() {}, restored() {}, failed() {}, wake() {}, drawn() {} };

  // Messages from glServer.
  function from(m) {
    if (m.k === 'init') {
      answered = true;
      ok = m.ok;
      if (!ok && worker) later();       // no WebGL in a worker here: the page's thread tries
    } else if (m.k === 'done') {
      busy = Math.max(0, busy - 1);
      if (!drawn && !isLost) { drawn = true; hooks.drawn(); }
      hooks.wake();
    } else if (m.k === 'notiles') { tilesOk = false; hooks.wake(); }
    else if (m.k === 'lost') { isLost = true; hooks.lost(); }
    else if (m.k === 'restored') { isLost = !m.ok; if (m.ok) hooks.restored(); }
  }

  function fresh() {
    if (cv) cv.remove();
    cv = document.createElement('canvas');
    canvas.append(cv);
  }
  // glServer on this thread, called directly (its answers come back at once).
  function direct() {
    if (worker) { worker.terminate(); worker = null; }
    busy = 0;
    answered = false;
    fresh();
    const port = { onmessage: null, postMessage: from };
    glServer(port);
    send = m => port.onmessage({ data: m });
    send({ k: 'init', canvas: cv });
    return ok;
  }
  // The worker failed after the viewer started: what it held is gone; start again on this thread.
  function later() {
    hooks.lost();
    if (direct()) hooks.restored(); else hooks.failed();
  }
  // glServer in a worker, when the browser can hand it the canvas.
  function offThread() {
    if (!window.WebGLRenderingContext || typeof Worker !== 'function' || typeof createImageBitmap !== 'function' || !cv.transferControlToOffscreen) return false;
    let url = null;
    try {
      url = URL.createObjectURL(new Blob(['(' + glServer + ')(self)'], { type: 'text/javascript' }));
      worker = new Worker(url);
      worker.onmessage = e => from(e.data);
      worker.onerror = () => { if (!answered) later(); };
      const off = cv.transferControlToOffscreen();
      send = (m, tr) => worker.postMessage(m, tr || []);
      send({ k: 'init', canvas: off }, [off]);
    } catch (e) {
      if (worker) worker.terminate();
      worker = null;
      fresh();                          // the old canvas may have been handed over already
      return false;
    } finally {
      if (url) setTimeout(() => URL.revokeObjectURL(url), 1e4);
    }
    ok = true;                          // until the worker says otherwise
    return true;
  }

  // true when drawing can start (with a worker: unless it says otherwise later, then hooks run).
  function init() {
    fresh();
    return offThread() || direct();
  }

  // A texture from a decoded image; own: G may take the image (handed to the worker, closed once
  // uploaded), else the caller keeps it (the worker gets a copy). Returns the texture's id.
  function tex(image, own) {
    const id = ++nid;
    if (!worker) send({ k: 'tex', id, img: image, own });
    else if (image instanceof ImageBitmap) send({ k: 'tex', id, img: image, own: true }, own ? [image] : []);
    else {                              // an <img>: the worker takes only bitmaps
      const w = worker;
      createImageBitmap(image).then(b => { if (w === worker) send({ k: 'tex', id, img: b, own: true }, [b]); hooks.wake(); }, () => {});
    }
    return id;
  }
  const drop = t => { if (t) send({ k: 'drop', id: t }); };
  const lost = () => !ok || isLost;

  function equirect(t, m, tx, ty, a) { d.push(['e', t, m, tx, ty, a]); }
  // Starts the tile pass; false when this GPU cannot link it (the scene then stays at its preview).
  function tiles(m, tx, ty, a) {
    if (tilesOk) d.push(['T', m, tx, ty, a]);
    return tilesOk;
  }
  function tile(t, face, u0, v0, u1, v1) { d.push(['t', t, face, u0, v0, u1, v1]); }
  // Sends the frame recorded since the last one, drawn at w × h device pixels.
  function flush(w, h) {
    const f = { k: 'frame', w, h, d };
    d = [];
    busy++;
    send(f);
  }

  return {
    canvas, init, tex, drop, lost, equirect, tiles, tile, flush, hooks,
    // a frame is still being drawn (in the worker): the next one waits for it
    busy: () => busy > 0,
    worker: () => !!worker
  };
})();
