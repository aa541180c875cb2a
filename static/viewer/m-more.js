/* What is not needed to draw the first view comes in a script of its own (static/viewer-more/): the scene
   list, compass, share and motion controls, zoom and fullscreen buttons, the information panel and the
   flat fallback without WebGL. It is asked for once: when the first view is on screen, at once when the
   visitor reaches for the tour before that (a touch, a click, a key, focus), or when the core needs a part
   of it (an information hotspot tapped, no WebGL). Not after a longer wait: on a slow link the scene list
   is what a visitor looks for next, and the script is small beside the tiles still arriving. Its address
   is fixed by build.rs (the name with its fingerprint, beside this script's own). It defines
   window.disanViewerMore, which is called once with what it uses from the core (handed over, not made
   global) and returns what the core calls in it: {open, close, escape, flat}. Its words (labels of its
   buttons) are not in the page: they come from the later scripts' words file the tour box names in
   `data-words`, fetched beside it. A failed request for the script is tried again on the next touch or
   need. */
const More = (() => {
  const me = document.currentScript;
  let asked = false, api = null, waiting = [];
  // The script, and its words (the page's later words file, named on the tour box): both, then it runs.
  function load() {
    if (asked || api || !me || !me.src) return;
    asked = true;
    const s = document.createElement('script');
    const code = new Promise((ok, no) => { s.onload = ok; s.onerror = no; });
    s.src = new URL('__VIEWER_MORE__', me.src).href;
    document.head.append(s);
    const at = tour.getAttribute('data-words');
    // Without its words the part still runs (its buttons keep their icons), rather than not at all.
    const words = at ? fetch(at).then(r => (r.ok ? r.json() : null), () => null) : null;
    Promise.all([code, words]).then(([, w]) => {
      const f = window.disanViewerMore;
      delete window.disanViewerMore;
      if (typeof f !== 'function') return;
      Object.assign(S.data.labels || (S.data.labels = {}), w && w.viewer);
      api = f({ S, on, changeView, Ui, Url, G, Scenes, Hotspots, tour, el, button, lab, num, clamp, D });
      const now = waiting;
      waiting = [];
      now.forEach(fn => fn(api));
    }, () => { s.remove(); asked = false; });
  }
  // fn(api) once the later part is here: at once, or when it arrives (asked for now).
  function need(fn) {
    if (api) return fn(api);
    waiting.push(fn);
    load();
  }
  return { load, need, api: () => api };
})();
