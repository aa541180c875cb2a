/* Scene changes. A scene being opened ("pending") is shown as soon as it has anything to paint — its
   preview, its level-1 tiles, or its flat panorama when it has no tiles — and then sharpens as tiles
   arrive; until then the previous scene stays. Whether a scene comes first or later makes no difference. */
const Scenes = (() => {
  // records: {s: scene, v: view, p: pyramid or null, how, eq: flat panorama texture, im, full}
  let cur = null, old = null, pend = null, fadeT = 0, everSharp = false, ahead = false;
  const records = () => ({ cur, old, pend, fadeT });
  const sharp = r => r.full || (r.p && Tiles.l1done(r.s));
  const canShow = r => sharp(r) || Tiles.hasPreview(r.s);
  const drop = r => { if (r && r.eq) { G.drop(r.eq); r.eq = null; } };

  function show(r) {
    pend = null;
    if (cur) {
      drop(old);
      old = null;
      if (matchMedia('(prefers-reduced-motion: reduce)').matches) drop(cur);
      else { old = cur; fadeT = performance.now(); }
    }
    cur = r;
    setScene(r.s, r.v, r.how);
  }

  // After anything arrived: show the pending scene if it can be, and tell how sharp the shown one is.
  function settle() {
    if (pend && canShow(pend)) show(pend);
    if (!cur || pend || S.phase === 'static') return;
    if (sharp(cur)) {
      everSharp = true;
      setPhase('sharp');
      if (!ahead) {                     // the first view is in: fetch every scene's preview (~2 KB each)
        ahead = true;
        S.data.scenes.forEach(Tiles.preview);
      }
    } else setPhase('preview');
  }

  // Opens scene s (the first scene when s is missing) at its view with o's values over it.
  function go(s, o, how) {
    s = s || S.first;
    pend = null;
    if (s === S.scene) {                // same scene: only the view changes
      changeView(o || {}, how);
      settle();
      return;
    }
    if (S.phase === 'static') { setScene(s, sceneView(s, o), how); return; }
    Tiles.focus(s);
    const r = pend = { s, v: sceneView(s, o), p: Tiles.broken(s) ? null : Tiles.pyr(s), how };
    setPhase('loading');
    Tiles.preview(s);
    if (!r.p) panorama(r);
    settle();
    Tiles.pump();
  }

  // No tiles, or a level-1 tile failed: the flat panorama instead; when even that fails before any scene
  // was drawn sharp, the page falls back to flat images.
  function panorama(r) {
    Tiles.image(r.s.panorama).then(img => {
      if (r !== pend && r !== cur) return;
      drop(r);
      r.im = img;
      r.eq = G.tex(img);
      r.full = true;
      settle();
      Render.dirty();
    }, () => {
      if (r !== pend && r !== cur) return;
      if (r === pend) pend = null;
      if (!everSharp) Ui.toStatic(r.s, r === cur ? S.view : r.v, r.how);
      else settle();
    });
  }
  function tileFailed(s) {
    [pend, cur].forEach(r => { if (r && r.s === s && r.p) { r.p = null; panorama(r); } });
  }

  function faded() { drop(old); old = null; }
  function lost() { [cur, old, pend].forEach(r => { if (r) r.eq = null; }); }
  function restored() { [cur, pend].forEach(r => { if (r && r.im) r.eq = G.tex(r.im); }); }

  return { go, settle, records, tileFailed, faded, lost, restored };
})();
