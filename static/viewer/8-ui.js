/* What surrounds the picture: the page's preview image (shown before the viewer runs), the scene title,
   the group that later controls join (scene list, compass, share, motion), the drag hint and the loading
   indicator. The zoom and fullscreen buttons and the flat fallback without WebGL are the later part's
   (static/viewer-more/). */
const Ui = (() => {
  const pageImage = tour && tour.querySelector('.tour-preview');
  const title = el('div', 'tour-title');
  title.setAttribute('aria-live', 'polite');
  const bar = el('div', 'tour-ctrl tour-bar');   // later controls (scene list, compass, share, motion) join this group
  const hint = el('div', 'tour-drag', lab('drag_hint'));
  hint.setAttribute('aria-hidden', 'true');
  const loading = el('div', 'tour-loading', lab('loading'));
  loading.setAttribute('role', 'status');
  loading.hidden = true;
  const hideHint = () => hint.classList.add('tour-drag--off');

  // Zoom by a factor (wheel, keys, and the later part's buttons).
  function zoom(f) { changeView({ hfov: clamp(S.view.hfov * f, 30, 120) }); hideHint(); }

  on('scene', () => {
    const s = S.scene;
    title.textContent = s.title || '';
    G.canvas.setAttribute('aria-label', s.title || '');
  });
  on('phase', () => {
    const busy = S.phase === 'loading' || S.phase === 'preview';
    loading.hidden = !busy;
    if (S.phase !== 'static') tour.setAttribute('aria-busy', String(busy));
  });

  // Before the first frame: the title bar over the page's preview.
  function mount() {
    if (!tour.hasAttribute('tabindex')) tour.tabIndex = 0;
    tour.append(title);
  }
  function gl() {
    tour.classList.add('tour--gl');
    tour.insertBefore(G.canvas, title);
    tour.insertBefore(Hotspots.layer, title);
    tour.append(bar, hint, loading);
  }
  // The view the page's inline script drew from the preview, if it did.
  const firstView = () => { const f = tour.querySelector('.tour-first'); if (f) f.remove(); };
  // The first frame is on screen: retire the page's preview, and the first view under the canvas (a moment
  // later with a worker: its frame reaches the page's own copy of the canvas after the screen).
  function ready() {
    setTimeout(() => {
      if (pageImage) pageImage.hidden = true;
      firstView();
    }, G.worker() ? 1000 : 0);
    tour.classList.add('tour--ready');
    setTimeout(hideHint, 6000);
  }

  // Without WebGL (or when the first panorama cannot be drawn): the drawn view goes and the requested scene
  // is set at once (title, address); the page's preview stays, no longer drawn over by the page's inline
  // script, until the later part puts the flat panorama in its place.
  function toStatic(s, v, how) {
    setPhase('static');
    [G.canvas, Hotspots.layer, bar, hint, loading].forEach(e => e.remove());
    if (pageImage) pageImage.removeAttribute('data-scene');
    firstView();
    tour.classList.remove('tour--gl', 'tour--ready');
    tour.removeAttribute('aria-busy');
    setScene(s, v, how);
    More.need(a => a.flat(title));
  }

  return { pageImage, bar, mount, gl, ready, toStatic, zoom, hideHint };
})();
