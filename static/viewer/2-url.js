/* Address and history. The hash #scene=…&yaw=…&pitch=…&hfov=… follows the view, replacing the history
   entry; a scene change the visitor makes pushes one, so Back returns to the previous scene and then leaves
   the page. The other languages' links in the header carry the same hash. */
const Url = (() => {
  const RANGE = { yaw: [-360, 360], pitch: [-90, 90], hfov: [10, 170] };
  let last = '', timer = 0;

  // What a hash asks for: {s, v} (v holds only the values given), or null for no hash. A scene that does
  // not exist, or a value that is not a number or out of range, asks for the first scene at its own view.
  function parse(h) {
    const p = new URLSearchParams(String(h || '').replace(/^#/, ''));
    const id = p.get('scene');
    if (id === null && !Object.keys(RANGE).some(k => p.has(k))) return null;
    const v = {};
    let s = id === null ? S.scene || S.first : S.byId[id];
    for (const k in RANGE) {
      if (!p.has(k)) continue;
      const t = p.get(k).trim(), x = Number(t);
      if (t === '' || !isFinite(x) || x < RANGE[k][0] || x > RANGE[k][1]) s = null;
      else v[k] = x;
    }
    return s ? { s, v } : { s: S.first, v: sceneView(S.first) };
  }

  function current() {
    const r = x => Math.round(x * 10) / 10, v = S.view;
    return '#scene=' + encodeURIComponent(S.scene.id) + '&yaw=' + r(v.yaw) + '&pitch=' + r(v.pitch) + '&hfov=' + r(v.hfov);
  }

  function langLinks(h) {
    document.querySelectorAll('.langs a[hreflang]').forEach(a => {
      const u = a.getAttribute('href');
      if (u) a.setAttribute('href', u.replace(/#.*$/, '') + h);
    });
  }

  function write(push) {
    clearTimeout(timer);
    timer = 0;
    if (!S.scene) return;
    const h = current();
    if (h !== last || push) {
      last = h;
      try { history[push ? 'pushState' : 'replaceState'](history.state, '', h); } catch (e) { /* sandboxed */ }
    }
    langLinks(h);
  }

  // A scene the visitor chose gets its own entry; any other (the first, or one reached by Back) only
  // tidies the current entry's address: the first a moment later (its language links at once), so that
  // the task that shows the first picture does not also carry the history update.
  on('scene', how => {
    if (how !== 'start') return write(how === 'user');
    langLinks(current());
    if (!timer) timer = setTimeout(write, 250);
  });
  on('view', how => { if (how !== 'history' && how !== 'start' && !timer) timer = setTimeout(write, 250); });

  // Back, Forward, or a hash typed or set by a script: go where it says, without a new entry.
  function follow() {
    if (location.hash === last || !S.scene) return;
    last = location.hash;
    const r = parse(location.hash) || { s: S.first, v: sceneView(S.first) };
    Scenes.go(r.s, r.v, 'history');
  }
  addEventListener('popstate', follow);
  addEventListener('hashchange', follow);

  return { parse, write, current };
})();
