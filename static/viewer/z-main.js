/* Start: WebGL or the flat fallback, then the scene the address asks for (a bad address: the first scene
   at its own view). window.disanTour is for the editors' preview and for tests. */
(() => {
  if (!tour || !S.first) return;
  const h = Url.parse(location.hash) || { s: S.first, v: {} };
  if (window.WebGLRenderingContext) Tiles.early(h.s);
  Ui.mount();
  if (G.init()) {
    Ui.gl();
    Input.attach(G.canvas);
    G.canvas.addEventListener('webglcontextlost', e => {
      e.preventDefault();
      Tiles.lost();
      Scenes.lost();
    });
    G.canvas.addEventListener('webglcontextrestored', () => {
      if (!G.init()) return;
      Scenes.restored();
      Render.dirty();
      Tiles.pump();
    });
    if (window.ResizeObserver) new ResizeObserver(Render.resize).observe(G.canvas);
    addEventListener('resize', Render.resize);
    Render.resize();
  }
  if (S.phase === 'start' && !G.lost()) Scenes.go(h.s, h.v, 'start');
  else Ui.toStatic(h.s, sceneView(h.s, h.v), 'start');

  window.disanTour = {
    view: () => ({ scene: S.scene ? S.scene.id : null, yaw: S.view.yaw, pitch: S.view.pitch, hfov: S.view.hfov }),
    phase: () => S.phase,
    go: id => Scenes.go(S.byId[id], null, 'user'),
    // for tests: the chosen level and the current scene's loaded tiles
    tiles: () => ({ level: Render.level(), loaded: Tiles.loaded() }),
    // the direction (degrees) under a point of the page, or null without WebGL: the editors' picker uses it
    at: Render.at
  };
})();
