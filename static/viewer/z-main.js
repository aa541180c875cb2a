/* Start: WebGL or the flat fallback, then the scene the address asks for (a bad address: the first scene
   at its own view). window.disanTour is for the editors' preview and for tests. */
(() => {
  if (!tour || !S.first) return;
  const h = Url.parse(location.hash) || { s: S.first, v: {} };
  if (window.WebGLRenderingContext) Tiles.early(h.s);
  Ui.mount();
  // What follows the GL context: lost (the textures with it), back, or (a worker that cannot draw after
  // all, and no WebGL here either) never had: then the flat fallback of the scene asked for.
  Object.assign(G.hooks, {
    lost() { Tiles.lost(); Scenes.lost(); },
    restored() { Scenes.restored(); Render.dirty(); Tiles.pump(); },
    failed() {
      const { cur, pend } = Scenes.records(), r = pend || cur;
      if (r) Ui.toStatic(r.s, r === cur ? S.view : r.v, r.how); else Ui.toStatic(h.s, sceneView(h.s, h.v), 'start');
    },
    // A worker's frame reaches the screen a moment after it is drawn: the page's preview stays till then.
    drawn() { if (G.worker()) requestAnimationFrame(() => requestAnimationFrame(ready)); else ready(); }
  });
  // The first view is on screen: then the later controls (m-more.js); sooner if the visitor reaches for
  // the tour first.
  function ready() { Ui.ready(); More.load(); }
  ['pointerdown', 'keydown', 'focusin'].forEach(t => tour.addEventListener(t, More.load, true));
  if (G.init()) {
    Ui.gl();
    Input.attach(G.canvas);
    addEventListener('resize', Render.resize);
    if (window.ResizeObserver) new ResizeObserver(() => Render.resize()).observe(G.canvas);
    else Render.resize();
  }
  if (S.phase === 'start' && !G.lost()) Scenes.go(h.s, h.v, 'start');
  else if (S.phase !== 'static') Ui.toStatic(h.s, sceneView(h.s, h.v), 'start');

  window.disanTour = {
    view: () => ({ scene: S.scene ? S.scene.id : null, yaw: S.view.yaw, pitch: S.view.pitch, hfov: S.view.hfov }),
    phase: () => S.phase,
    go: id => Scenes.go(S.byId[id], null, 'user'),
    // for tests: the chosen level, the current scene's loaded tiles, the canvas's size in device pixels
    // and whether a worker draws it
    tiles: () => ({ level: Render.level(), loaded: Tiles.loaded(), backing: Render.backing(), worker: G.worker() }),
    // the direction (degrees) under a point of the page, or null without WebGL: the editors' picker uses it
    at: Render.at
  };
})();
