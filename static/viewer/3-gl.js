/* WebGL1: two programs (a flat panorama or preview drawn as an equirectangular texture, and one cube tile
   per draw), one unit quad, texture upload. The tile program is compiled when tiles are first drawn, after
   the first picture (the preview) is on screen. */
const G = (() => {
  const canvas = el('canvas', 'tour-canvas');
  canvas.setAttribute('role', 'img');
  let gl = null, pE = null, pT = null, max = 2048;
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
    try { gl = canvas.getContext('webgl', o) || canvas.getContext('experimental-webgl', o); } catch (e) { gl = null; }
    if (!gl) return false;
    pE = mk(VE, FE);
    pT = null;
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

  // A texture from a decoded image (ImageBitmap or <img>).
  function tex(image) {
    let src = image;
    const w = image.naturalWidth || image.width;
    if (w > max) {                             // too big for this GPU: downscale once
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
  const drop = t => { if (t && gl) gl.deleteTexture(t); };
  const lost = () => !gl || gl.isContextLost();

  // Program P with rotation m, scale (x, y) and opacity a.
  function use(P, m, x, y, a) {
    gl.useProgram(P.p);
    gl.uniformMatrix3fv(P.m, false, m);
    gl.uniform2f(P.s, x, y);
    gl.uniform1f(P.o, a);
  }
  const quad = t => { gl.bindTexture(gl.TEXTURE_2D, t); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); };
  function equirect(t, m, tx, ty, a) { use(pE, m, tx, ty, a); quad(t); }
  // Prepares the tile pass; false when this GPU cannot link it (the scene then stays at its preview).
  function tiles(m, tx, ty, a) {
    if (pT === null) pT = mk(VT, FT);
    if (pT) use(pT, m, 1 / tx, 1 / ty, a);
    return !!pT;
  }
  function tile(t, face, u0, v0, u1, v1) {
    gl.uniformMatrix3fv(pT.f, false, face);
    gl.uniform4f(pT.r, u0, v0, u1, v1);
    quad(t);
  }
  function viewport() { gl.viewport(0, 0, canvas.width, canvas.height); }

  return { canvas, init, tex, drop, lost, equirect, tiles, tile, viewport };
})();
