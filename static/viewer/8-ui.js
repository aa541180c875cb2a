/* What surrounds the picture: the page's preview image (shown before the viewer runs), the scene title,
   zoom and fullscreen buttons, the group that later controls join (scene list, compass, share, motion), the
   drag hint, the loading indicator, and the flat fallback without WebGL. */
const Ui = (() => {
  const pageImage = tour && tour.querySelector('.tour-preview');
  const title = el('div', 'tour-title');
  title.setAttribute('aria-live', 'polite');
  const ctrl = el('div', 'tour-ctrl');   // zoom and fullscreen
  const bar = el('div', 'tour-ctrl tour-bar');   // later controls (scene list, compass, share, motion) join this group
  const zin = button('tour-btn tour-zin', lab('zoom_in'), '+');
  const zout = button('tour-btn tour-zout', lab('zoom_out'), '\u2212');
  const fsBtn = button('tour-btn tour-fs', lab('fullscreen'));
  ctrl.append(zin, zout, fsBtn);
  const hint = el('div', 'tour-drag', lab('drag_hint'));
  hint.setAttribute('aria-hidden', 'true');
  const loading = el('div', 'tour-loading', lab('loading'));
  loading.setAttribute('role', 'status');
  loading.hidden = true;
  const hideHint = () => hint.classList.add('tour-drag--off');
  let flat = null, scroller = null;

  function zoom(f) { changeView({ hfov: clamp(S.view.hfov * f, 30, 120) }); hideHint(); }
  zin.onclick = () => zoom(0.8);
  zout.onclick = () => zoom(1.25);

  const fsEl = () => document.fullscreenElement || document.webkitFullscreenElement;
  const updFs = () => fsBtn.setAttribute('aria-pressed', String(!!fsEl() || tour.classList.contains('tour--full')));
  function pseudoFull(on) {            // CSS fullscreen (iPhone has no Fullscreen API for elements)
    tour.classList.toggle('tour--full', on);
    document.documentElement.classList.toggle('tour-lock', on);
    updFs();
  }
  fsBtn.onclick = () => {
    if (fsEl()) return (document.exitFullscreen || document.webkitExitFullscreen).call(document);
    if (tour.classList.contains('tour--full')) return pseudoFull(false);
    const req = tour.requestFullscreen || tour.webkitRequestFullscreen;
    if (!req) return pseudoFull(true);
    try {
      const p = req.call(tour);
      if (p && p.catch) p.catch(() => pseudoFull(true));
    } catch (e) { pseudoFull(true); }
  };
  ['fullscreenchange', 'webkitfullscreenchange'].forEach(t => document.addEventListener(t, updFs));
  const leaveFull = () => (tour.classList.contains('tour--full') ? (pseudoFull(false), true) : false);

  on('scene', () => {
    const s = S.scene;
    title.textContent = s.title || '';
    G.canvas.setAttribute('aria-label', s.title || '');
    if (flat) {
      if (flat.getAttribute('src') !== s.panorama) flat.src = s.panorama;
      flat.alt = s.title || '';
    }
  });
  on('view', () => { if (flat) scrollToYaw(); });
  on('phase', () => {
    const busy = S.phase === 'loading' || S.phase === 'preview';
    loading.hidden = !busy;
    if (S.phase !== 'static') tour.setAttribute('aria-busy', String(busy));
  });

  // Before the first frame: the title bar and panel over the page's preview.
  function mount() {
    if (!tour.hasAttribute('tabindex')) tour.tabIndex = 0;
    tour.append(title, Hotspots.panel);
  }
  function gl() {
    tour.classList.add('tour--gl');
    tour.insertBefore(G.canvas, title);
    tour.insertBefore(Hotspots.layer, title);
    tour.append(ctrl, bar, hint, loading);
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

  // Without WebGL (or when the first panorama cannot be drawn): the requested scene's flat panorama,
  // scrolled to its view, with its hotspots as buttons below.
  function scrollToYaw() {
    const f = () => { scroller.scrollLeft = (S.view.yaw + 180) / 360 * scroller.scrollWidth - scroller.clientWidth / 2; };
    if (flat.complete && flat.naturalWidth) f(); else flat.addEventListener('load', f, { once: true });
  }
  function toStatic(s, v, how) {
    setPhase('static');
    [G.canvas, Hotspots.layer, ctrl, bar, hint, loading].forEach(e => e.remove());
    if (pageImage) pageImage.remove();
    firstView();
    tour.classList.remove('tour--gl', 'tour--ready');
    tour.classList.add('tour--static');
    tour.removeAttribute('aria-busy');
    scroller = el('div', 'tour-scroll');
    flat = el('img', 'tour-flat');
    flat.width = 2048;
    flat.height = 1024;
    scroller.append(flat);
    tour.insertBefore(scroller, title);
    tour.insertBefore(el('p', 'tour-msg', lab('no_webgl')), Hotspots.panel);
    tour.insertBefore(Hotspots.list, Hotspots.panel);
    setScene(s, v, how);
  }

  return { pageImage, ctrl, bar, mount, gl, ready, toStatic, zoom, hideHint, leaveFull };
})();
