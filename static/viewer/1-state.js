/* The viewer's one state. Modules change it through setScene / changeView / setPhase, which tell the
   listeners registered with on(): the address bar, the title, the hotspots (and any later control, such as
   a scene list or a compass, that needs to follow the scene or the view). */
const S = {
  data: null,            // the page's tour data (#tour-data): {lang, first, scenes, labels}
  byId: {},              // scene id -> scene
  first: null,           // the site's first scene
  scene: null,           // the scene shown
  view: { yaw: 0, pitch: 0, hfov: 100 },
  phase: 'start',        // start | loading (nothing of the new scene yet) | preview | sharp | static (no WebGL)
  W: 1, H: 1,            // canvas size in CSS pixels
  textures: null         // tile and preview textures, see 4-tiles.js
};
const listeners = { scene: [], view: [], phase: [] };
// how: 'start' (first scene), 'user' (a hotspot or disanTour.go), 'history' (Back, Forward, a typed hash)
const on = (what, fn) => listeners[what].push(fn);
const emit = (what, how) => listeners[what].forEach(fn => fn(how));
function setScene(s, v, how) {
  S.scene = s;
  S.view = v;
  emit('scene', how);
  emit('view', how);
}
function changeView(v, how) {
  Object.assign(S.view, v);
  emit('view', how);
}
function setPhase(p) {
  if (S.phase === p) return;
  S.phase = p;
  emit('phase');
}
// The view a scene opens at, with any of o's yaw/pitch/hfov over it.
function sceneView(s, o) {
  const v = { yaw: num(s.yaw, 0), pitch: num(s.pitch, 0), hfov: num(s.hfov, 100) };
  if (o) for (const k in v) if (typeof o[k] === 'number') v[k] = o[k];
  return v;
}
(() => {
  try { S.data = JSON.parse(document.getElementById('tour-data').textContent); } catch (e) { return; }
  const sc = S.data && S.data.scenes;
  if (!Array.isArray(sc)) return;
  sc.forEach(s => { if (s && typeof s.id === 'string') S.byId[s.id] = s; });
  S.first = S.byId[S.data.first] || sc.filter(s => s && typeof s.id === 'string')[0] || null;
})();
