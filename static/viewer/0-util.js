/* disan 360° viewer, its core. Assembled at build time from static/viewer/*.js, in name order, inside one
   function: each file is one small module (the controls that come after the first view are in
   static/viewer-more/, see m-more.js). All state that changes while a tour runs lives in S (1-state.js);
   modules read it and change it through named functions. Page text goes through textContent, never
   innerHTML. */
const tour = document.getElementById('tour');
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
  if (label) { b.setAttribute('aria-label', label); b.title = label; }
  return b;
};
// Unit vector for yaw/pitch: x right (yaw 90), y up, z forward (yaw 0).
const dir = (y, p) => [Math.sin(y * D) * Math.cos(p * D), Math.sin(p * D), Math.cos(y * D) * Math.cos(p * D)];
// An interface word from the page's data, in the page's language.
const lab = k => { const L = S.data && S.data.labels; return L && typeof L[k] === 'string' ? L[k] : ''; };
