/* Without WebGL, or when the first panorama could not be drawn: the scene's flat panorama in a box that
   scrolls sideways, turned to the view, with a line that says why and the hotspots as buttons below it.
   The core has taken its canvas away, set the scene and shown the page's preview until this replaces it;
   this follows the scene and the view from then on. */
function flat(title) {
  if (tour.classList.contains('tour--static')) return;
  [ctrl, Ui.bar].forEach(e => e.remove());
  tour.querySelectorAll('.tour-preview, .tour-first').forEach(e => e.remove());
  tour.classList.add('tour--static');
  const scroller = el('div', 'tour-scroll');
  const img = el('img', 'tour-flat');
  img.width = 2048;
  img.height = 1024;
  scroller.append(img);
  tour.insertBefore(scroller, title);
  tour.insertBefore(el('p', 'tour-msg', lab('no_webgl')), panel);
  tour.insertBefore(Hotspots.list, panel);
  const turn = () => { scroller.scrollLeft = (S.view.yaw + 180) / 360 * scroller.scrollWidth - scroller.clientWidth / 2; };
  const scene = () => {
    if (img.getAttribute('src') !== S.scene.panorama) img.src = S.scene.panorama;
    img.alt = S.scene.title || '';
  };
  const view = () => { if (img.complete && img.naturalWidth) turn(); else img.addEventListener('load', turn, { once: true }); };
  on('scene', scene);
  on('view', view);
  scene();
  view();
}
