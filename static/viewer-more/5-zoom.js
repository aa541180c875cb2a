/* Zoom buttons and full screen, a column at the bottom right. Full screen is the browser's where it can
   put an element in full screen, else the page's own (the tour over the whole page: iPhone has no
   Fullscreen API for elements). */
const ctrl = el('div', 'tour-ctrl');
const leaveFull = (() => {
  const zin = button('tour-btn tour-zin', lab('zoom_in'), '+');
  const zout = button('tour-btn tour-zout', lab('zoom_out'), '\u2212');
  const fsBtn = button('tour-btn tour-fs', lab('fullscreen'));
  ctrl.append(zin, zout, fsBtn);
  zin.onclick = () => Ui.zoom(0.8);
  zout.onclick = () => Ui.zoom(1.25);

  const fsEl = () => document.fullscreenElement || document.webkitFullscreenElement;
  const updFs = () => fsBtn.setAttribute('aria-pressed', String(!!fsEl() || tour.classList.contains('tour--full')));
  function pseudoFull(on) {
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
  return () => (tour.classList.contains('tour--full') ? (pseudoFull(false), true) : false);
})();
